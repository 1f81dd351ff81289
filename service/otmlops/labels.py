"""rdfs:label look-up for the IRIs of an answer, so that tables can name things for people.

One query per batch of IRIs (a VALUES block of IRIs serialised as N-Triples terms, never text
pasted from the answer), against the asserted triples: labels are data, not entailments, and a
query without rewriting stays cheap however many IRIs the answer holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pyoxigraph as ox

if TYPE_CHECKING:
    from otmlops.store.base import Store

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DEFAULT_LANG = "en"
#: IRIs per query: keeps each request small enough for any SPARQL server.
BATCH = 400


def _rank(language: str, wanted: str) -> int:
    """Lower is better: the wanted language, then a more specific tag of it (``de-AT`` for
    ``de``), then no language, then English, then anything else."""
    tag, want = language.lower(), wanted.lower()
    if tag == want:
        return 0
    if tag.startswith(want + "-") or want.startswith(tag + "-"):
        return 1
    if not tag:
        return 2
    if tag == "en" or tag.startswith("en-"):
        return 3
    return 4


def best_label(candidates: Iterable[ox.Literal], lang: str = DEFAULT_LANG) -> str | None:
    """The label text (no language tag) that suits ``lang`` best; ties go to the shortest and
    then the alphabetically first, so the choice is stable."""
    best: tuple[int, int, str] | None = None
    for literal in candidates:
        key = (_rank(literal.language or "", lang), len(literal.value), literal.value)
        if best is None or key < best:
            best = key
    return best[2] if best else None


def fetch_labels(store: Store, iris: Iterable[str], lang: str = DEFAULT_LANG) -> dict[str, str]:
    """``{iri: label}`` for those of ``iris`` that have an rdfs:label in the store."""
    unique = sorted(set(iris))
    found: dict[str, list[ox.Literal]] = {}
    for start in range(0, len(unique), BATCH):
        terms = " ".join(str(ox.NamedNode(i)) for i in unique[start : start + BATCH])
        outcome = store.query(
            f"SELECT ?s ?label WHERE {{ VALUES ?s {{ {terms} }} ?s <{RDFS_LABEL}> ?label }}",
            entailment=False,
        )
        assert isinstance(outcome, ox.QuerySolutions)
        for row in outcome:
            subject, label = row["s"], row["label"]
            if isinstance(subject, ox.NamedNode) and isinstance(label, ox.Literal):
                found.setdefault(subject.value, []).append(label)
    labels = {iri: best_label(lits, lang) for iri, lits in found.items()}
    return {iri: text for iri, text in labels.items() if text}
