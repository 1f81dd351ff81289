"""Plain-data terms for the workbench: query solutions as dicts, labels fetched in one batch.

Pages show labels, not IRIs; every view builder turns pyoxigraph terms into small dicts
(``{"iri": ..., "label": ...}`` or ``{"value": ...}``) so the answer can cross a worker pipe
and be rendered by a template or written by the CLI.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RAMI = "https://w3id.org/otmlops/rami#"
ISA95 = "https://w3id.org/otmlops/isa95#"
MLOPS = "https://w3id.org/otmlops/mlops#"
MAP = "https://w3id.org/otmlops/map#"

PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": RDFS,
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rami": RAMI,
    "isa95": ISA95,
    "mlops": MLOPS,
    "map": MAP,
}

#: Queries of the workbench start with these declarations.
SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def local_name(iri: str) -> str:
    """The part after the last '#' or '/', a readable fallback when a node has no label."""
    for sep in ("#", "/"):
        if sep in iri.rstrip(sep):
            tail = iri.rstrip(sep).rsplit(sep, 1)[1]
            if tail:
                return tail
    return iri


def curie(iri: str) -> str:
    """``rami:StationLevel`` for IRIs in a known namespace, else the IRI itself."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def term(node: Any) -> dict[str, Any] | None:
    """A pyoxigraph term as plain data (None for an unbound variable)."""
    if node is None:
        return None
    if isinstance(node, ox.NamedNode):
        return {"iri": node.value}
    if isinstance(node, ox.BlankNode):
        return {"bnode": node.value, "label": f"_:{node.value}"}
    if isinstance(node, ox.Literal):
        return {"value": node.value, "datatype": node.datatype.value, "lang": node.language}
    return {"value": str(node)}


def rows(outcome: Any) -> list[dict[str, Any]]:
    """SELECT solutions as a list of {variable: term dict or None}."""
    names = [v.value for v in outcome.variables]
    return [{n: term(sol[n]) for n in names} for sol in outcome]


def select(
    store: Any, sparql: str, *, entailment: bool = True, bindings: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Run a SELECT with the workbench prefixes and return plain rows."""
    return rows(
        store.query(SPARQL_PREFIXES + sparql, entailment=entailment, bindings=bindings or None)
    )


def iris_in(data: Any) -> set[str]:
    """Every IRI mentioned in nested lists/dicts of term dicts."""
    found: set[str] = set()
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "iri" in item and isinstance(item["iri"], str) and "label" not in item:
                found.add(item["iri"])
            stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend(item)
    return found


#: IRIs that can be written between < and > in a query as they are (others get no label).
_SAFE_IRI = re.compile(r'[^<>"{}|^`\\\x00-\x20]+')


def fetch_labels(store: Any, iris: Iterable[str], chunk: int = 400) -> dict[str, str]:
    """rdfs:label of each IRI (English or untagged preferred), asked in a few VALUES queries."""
    wanted = sorted(set(iris))
    labels: dict[str, tuple[int, str]] = {}
    for start in range(0, len(wanted), chunk):
        part = wanted[start : start + chunk]
        values = " ".join(f"<{i}>" for i in part if _SAFE_IRI.fullmatch(i))
        if not values:
            continue
        outcome = store.query(
            f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} ?s <{RDFS}label> ?l }}",
            entailment=False,
        )
        for sol in outcome:
            lit = sol["l"]
            lang = getattr(lit, "language", None) or ""
            rank = 0 if lang in ("", "en") or lang.startswith("en-") else 1
            key = sol["s"].value
            if key not in labels or rank < labels[key][0]:
                labels[key] = (rank, lit.value)
    return {k: v for k, (_, v) in labels.items()}


def attach_labels(store: Any, data: Any) -> Any:
    """Give every IRI term dict in ``data`` a ``label`` (its rdfs:label, else a short name)."""
    labels = fetch_labels(store, iris_in(data))
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "iri" in item and isinstance(item["iri"], str) and "label" not in item:
                iri = item["iri"]
                item["label"] = labels.get(iri) or local_name(iri)
                item["curie"] = curie(iri)
            stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend(item)
    return data


def text_of(t: dict[str, Any] | None) -> str:
    """The label or value of a term dict, for plain-text output (CSV, sorting)."""
    if not t:
        return ""
    return str(t.get("label") or t.get("value") or t.get("iri") or "")


def named(iri: str) -> ox.NamedNode:
    """The IRI as a node; a UsageError (HTTP 400, CLI exit 2) names a malformed one."""
    from otmlops.errors import UsageError

    try:
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise UsageError(f"<{iri}> is not a valid IRI: {exc}") from None
