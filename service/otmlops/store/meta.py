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
    return (f"SELECT ?version ?hash WHERE {{ GRAPH <{META_GRAPH}> {{ "
            f"{SUBJECT} {BUNDLE_VERSION} ?version ; {BUNDLE_HASH} ?hash }} }}")


def record_bundle_update(version: str, digest: str) -> str:
    from pyoxigraph import Literal

    return (f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ {SUBJECT} {BUNDLE_VERSION} ?v }} }} ;\n"
            f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ {SUBJECT} {BUNDLE_HASH} ?h }} }} ;\n"
            f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ {SUBJECT} {BUNDLE_VERSION} {Literal(version)} ; "
            f"{BUNDLE_HASH} {Literal(digest)} }} }}")


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
