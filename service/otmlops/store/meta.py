"""Bookkeeping triples in the meta graph: the bundled-data version, and staging graphs of loads
in progress (so a crash can be cleaned up on the next open)."""

from __future__ import annotations

from otmlops.store.graphs import META_GRAPH

META_NS = "https://w3id.org/otmlops/meta#"
SUBJECT = f"<{META_GRAPH}>"
DIRTY = f"<{META_NS}entailmentDirty>"
BUNDLE_VERSION = f"<{META_NS}bundleVersion>"
BUNDLE_HASH = f"<{META_NS}bundleHash>"
PENDING_STAGING = f"<{META_NS}pendingStaging>"


def clear_legacy_dirty_update() -> str:
    """Removes the flag older versions set while materialised entailments were out of date."""
    return f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ {SUBJECT} {DIRTY} ?dirty }} }}"


def bundle_query() -> str:
    return (
        f"SELECT ?version ?hash WHERE {{ GRAPH <{META_GRAPH}> {{ "
        f"{SUBJECT} {BUNDLE_VERSION} ?version ; {BUNDLE_HASH} ?hash }} }}"
    )


def record_bundle_update(version: str, digest: str) -> str:
    from pyoxigraph import Literal

    return (
        f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ {SUBJECT} {BUNDLE_VERSION} ?v }} }} ;\n"
        f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ {SUBJECT} {BUNDLE_HASH} ?h }} }} ;\n"
        f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ {SUBJECT} {BUNDLE_VERSION} {Literal(version)} ; "
        f"{BUNDLE_HASH} {Literal(digest)} }} }}"
    )


def bundle_ask_query() -> str:
    return f"ASK {{ GRAPH <{META_GRAPH}> {{ {SUBJECT} {BUNDLE_HASH} ?h }} }}"


def union_probe_query() -> str:
    """ASK without GRAPH: true only if the default graph includes the meta graph."""
    return f"ASK {{ {SUBJECT} {BUNDLE_HASH} ?h }}"


def add_pending_update(staging: str) -> str:
    return f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ {SUBJECT} {PENDING_STAGING} <{staging}> }} }}"


def remove_pending_update(staging: str) -> str:
    return f"DELETE DATA {{ GRAPH <{META_GRAPH}> {{ {SUBJECT} {PENDING_STAGING} <{staging}> }} }}"


def pending_query() -> str:
    return f"SELECT ?g WHERE {{ GRAPH <{META_GRAPH}> {{ {SUBJECT} {PENDING_STAGING} ?g }} }}"


# -- prefixes declared by loaded files -------------------------------------------------------
# Each loaded graph's @prefix declarations are kept so that answers can be shown with the
# user's own short names. One blank node per declaration, hanging off the meta graph's node
# (so the user's graph IRIs do not turn up as subjects in union queries).

PREFIX_DECLARATION = f"<{META_NS}prefixDeclaration>"
DECLARED_IN = f"<{META_NS}declaredIn>"
PREFIX_NAME = f"<{META_NS}prefixName>"
NAMESPACE = f"<{META_NS}namespace>"


def forget_prefixes_update(graph: str) -> str:
    """Removes the prefix declarations recorded for ``graph``."""
    from pyoxigraph import NamedNode

    return (
        f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ {SUBJECT} {PREFIX_DECLARATION} ?d . "
        f"?d {DECLARED_IN} {NamedNode(graph)} ; {PREFIX_NAME} ?name ; {NAMESPACE} ?ns }} }}"
    )


def record_prefixes_update(graph: str, prefixes: dict[str, str], *, replace: bool = True) -> str:
    """Records ``prefixes`` (name -> namespace) for ``graph``; ``replace`` forgets the graph's
    earlier declarations first (a load replaces the whole graph)."""
    from pyoxigraph import Literal, NamedNode

    ops = [forget_prefixes_update(graph)] if replace else []
    if prefixes:
        node = NamedNode(graph)
        lines = "".join(
            f"{SUBJECT} {PREFIX_DECLARATION} [ {DECLARED_IN} {node} ; "
            f"{PREFIX_NAME} {Literal(name)} ; {NAMESPACE} {Literal(ns)} ] .\n"
            for name, ns in sorted(prefixes.items())
        )
        ops.append(f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{\n{lines}}} }}")
    return " ;\n".join(ops)


def prefixes_query() -> str:
    """Every recorded declaration: ?graph ?name ?ns, in a stable order."""
    return (
        f"SELECT ?graph ?name ?ns WHERE {{ GRAPH <{META_GRAPH}> {{ {SUBJECT} "
        f"{PREFIX_DECLARATION} ?d . ?d {DECLARED_IN} ?graph ; {PREFIX_NAME} ?name ; "
        f"{NAMESPACE} ?ns }} }} ORDER BY ?graph ?name"
    )
