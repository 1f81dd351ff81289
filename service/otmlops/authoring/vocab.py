"""The closed vocabularies a mapping form may name, read from the bundled ontology.

Each field of the YAML and tabular forms that takes an ontology term (stage kind, layers, level,
phase, owner, roles, host kind) accepts the term's local name, its CURIE, its full IRI or its
label; case, spaces, hyphens and slashes do not matter. The tables come from the ontology, so a
term added there is accepted here and appears in the JSON Schema without code changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import SKOS

from otmlops.namespaces import ISA95, MAP, MLOPS, RAMI

#: Prefixes every form knows without declaring them.
STANDARD_PREFIXES: dict[str, str] = {
    "rami": str(RAMI), "isa95": str(ISA95), "mlops": str(MLOPS), "map": str(MAP),
    "rdfs": str(RDFS), "rdf": str(RDF), "skos": str(SKOS),
}


@dataclass(frozen=True)
class Term:
    """One allowed value of a field: its IRI, local name, label and definition."""

    iri: URIRef
    name: str
    label: str
    definition: str

    def keys(self) -> set[str]:
        """Everything that names this term: name, label, CURIE, IRI, and the name or label
        without a trailing "layer"/"level" ("Integration" for the Integration layer)."""
        keys = {_key(self.name), _key(self.label), _key(self.curie), _key(str(self.iri))}
        return keys | {re.sub(r"(layer|level)$", "", k) for k in keys if len(k) > 5}

    @property
    def curie(self) -> str:
        for prefix, ns in STANDARD_PREFIXES.items():
            if str(self.iri).startswith(ns):
                return f"{prefix}:{self.name}"
        return str(self.iri)


@dataclass(frozen=True)
class Vocabulary:
    """The allowed terms of one field, and how to look a written value up."""

    field: str
    what: str
    terms: tuple[Term, ...]

    def lookup(self, text: str) -> Term | None:
        key = _key(text)
        for term in self.terms:
            if key in term.keys():
                return term
        return None

    def by_iri(self, iri: URIRef) -> Term | None:
        return next((t for t in self.terms if t.iri == iri), None)


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z:]+", "", text.strip().lower())


def _term(graph: Graph, iri: URIRef) -> Term:
    name = str(iri).rsplit("#", 1)[-1]
    label = graph.value(iri, RDFS.label)
    definition = graph.value(iri, SKOS.definition)
    return Term(iri, name, str(label) if label is not None else name,
                str(definition) if definition is not None else "")


def _order(graph: Graph, iri: URIRef) -> tuple[int, str]:
    for p in (MLOPS.stageOrder, RAMI.order):
        value = graph.value(iri, p)
        if value is not None:
            return int(value), str(iri)
    return 0, str(iri)


def _individuals(graph: Graph, *classes: URIRef) -> list[URIRef]:
    found = {s for c in classes for s in graph.subjects(RDF.type, c) if isinstance(s, URIRef)}
    return sorted(found, key=lambda i: _order(graph, i))


def _subclasses(graph: Graph, parent: URIRef) -> list[URIRef]:
    found = {s for s in graph.transitive_subjects(RDFS.subClassOf, parent)
             if isinstance(s, URIRef) and s != parent}
    return sorted(found, key=lambda i: _order(graph, i))


@lru_cache(maxsize=1)
def vocabularies() -> dict[str, Vocabulary]:
    """Field name -> its vocabulary, from the bundled ontology."""
    from otmlops.ontology.loader import load_ontology

    g = load_ontology()

    def vocab(field: str, what: str, iris: list[URIRef]) -> Vocabulary:
        return Vocabulary(field, what, tuple(_term(g, i) for i in iris))

    return {
        "kind": vocab("kind", "stage kind", _subclasses(g, MLOPS.LifecycleStage)),
        "layers": vocab("layers", "RAMI 4.0 layer", _individuals(g, RAMI.Layer)),
        "level": vocab("level", "RAMI 4.0 hierarchy level", _individuals(g, RAMI.HierarchyLevel)),
        "phase": vocab("phase", "RAMI 4.0 life cycle phase", _individuals(g, RAMI.LifeCyclePhase)),
        "owner": vocab("owner", "ISA-95 function or activity",
                       _individuals(g, ISA95.Function, ISA95.Activity)),
        "roles": vocab("roles", "role", _individuals(g, MLOPS.Role)),
        "host_kind": vocab("host_kind", "compute resource kind",
                           _subclasses(g, MAP.ComputeResource)),
    }
