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

from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import SKOS

from otmlops.namespaces import ISA95, MAP, MLOPS, RAMI

#: Prefixes every form knows without declaring them.
STANDARD_PREFIXES: dict[str, str] = {
    "rami": str(RAMI),
    "isa95": str(ISA95),
    "mlops": str(MLOPS),
    "map": str(MAP),
    "rdfs": str(RDFS),
    "rdf": str(RDF),
    "skos": str(SKOS),
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


class _Onto:
    """The few facts of the ontology modules the forms need, read with Oxigraph's parser (fast,
    and no rdflib import on the load path)."""

    def __init__(self) -> None:
        import pyoxigraph as ox

        from otmlops.resources import ontology_dir

        self.types: dict[str, set[str]] = {}
        self.supers: dict[str, set[str]] = {}
        self.values: dict[tuple[str, str], str] = {}
        want = {str(RDFS.label), str(SKOS.definition), str(MLOPS.stageOrder), str(RAMI.order)}
        for path in sorted(ontology_dir().glob("*.ttl")):
            if path.name == "reference-mapping.ttl":
                continue
            for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
                s, p, o = quad.subject, quad.predicate.value, quad.object
                if not isinstance(s, ox.NamedNode):
                    continue
                if p == str(RDF.type) and isinstance(o, ox.NamedNode):
                    self.types.setdefault(o.value, set()).add(s.value)
                elif p == str(RDFS.subClassOf) and isinstance(o, ox.NamedNode):
                    self.supers.setdefault(o.value, set()).add(s.value)
                elif p in want and isinstance(o, ox.Literal):
                    if p != str(RDFS.label) or o.language in (None, "en"):
                        self.values.setdefault((s.value, p), o.value)

    def term(self, iri: str) -> Term:
        name = iri.rsplit("#", 1)[-1]
        return Term(
            URIRef(iri),
            name,
            self.values.get((iri, str(RDFS.label)), name),
            self.values.get((iri, str(SKOS.definition)), ""),
        )

    def order(self, iri: str) -> tuple[int, str]:
        for p in (MLOPS.stageOrder, RAMI.order):
            value = self.values.get((iri, str(p)))
            if value is not None:
                return int(value), iri
        return 0, iri

    def individuals(self, *classes: URIRef) -> list[str]:
        found = {i for c in classes for i in self.types.get(str(c), ())}
        return sorted(found, key=self.order)

    def subclasses(self, parent: URIRef) -> list[str]:
        found: set[str] = set()
        todo = [str(parent)]
        while todo:
            for sub in self.supers.get(todo.pop(), ()):
                if sub not in found:
                    found.add(sub)
                    todo.append(sub)
        return sorted(found, key=self.order)


@lru_cache(maxsize=1)
def vocabularies() -> dict[str, Vocabulary]:
    """Field name -> its vocabulary, from the bundled ontology."""
    g = _Onto()

    def vocab(field: str, what: str, iris: list[str]) -> Vocabulary:
        return Vocabulary(field, what, tuple(g.term(i) for i in iris))

    return {
        "kind": vocab("kind", "stage kind", g.subclasses(MLOPS.LifecycleStage)),
        "layers": vocab("layers", "RAMI 4.0 layer", g.individuals(RAMI.Layer)),
        "level": vocab("level", "RAMI 4.0 hierarchy level", g.individuals(RAMI.HierarchyLevel)),
        "phase": vocab("phase", "RAMI 4.0 life cycle phase", g.individuals(RAMI.LifeCyclePhase)),
        "owner": vocab(
            "owner", "ISA-95 function or activity", g.individuals(ISA95.Function, ISA95.Activity)
        ),
        "roles": vocab("roles", "role", g.individuals(MLOPS.Role)),
        "host_kind": vocab("host_kind", "compute resource kind", g.subclasses(MAP.ComputeResource)),
    }
