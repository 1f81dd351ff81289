"""The otmlops vocabulary as a list people can read and search: every class, property and
individual of the rami, isa95, mlops and map namespaces with its label and definition.

It reads the bundled ontology files (no store needed), so ``otmlops ontology terms`` can answer
a validation message that says a term is not declared.
"""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from otmlops.namespaces import PREFIXES

#: The namespaces users write terms of, in the order the modules build on each other.
VOCABULARY_PREFIXES: tuple[str, ...] = ("rami", "isa95", "mlops", "map")
#: What ``--kind`` accepts; each term's ``kind`` ends with one of these words.
KINDS: tuple[str, ...] = ("class", "property", "individual")

_KIND_OF_TYPE = {
    OWL.Class: "class",
    RDFS.Class: "class",
    OWL.ObjectProperty: "object property",
    OWL.DatatypeProperty: "datatype property",
    OWL.AnnotationProperty: "annotation property",
    RDF.Property: "property",
}


@dataclass(frozen=True)
class Term:
    """One declared term; ``name`` is its prefixed name (``mlops:TrainingStage``)."""

    name: str
    iri: str
    kind: str
    label: str
    definition: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    def matches(self, words: list[str]) -> bool:
        """True when every word occurs (case-insensitively) in the name, IRI, label or
        definition."""
        haystack = " ".join((self.name, self.iri, self.label, self.definition)).casefold()
        return all(word in haystack for word in words)


def vocabulary(graph: Graph | None = None) -> list[Term]:
    """Every term the ontology declares in the vocabulary namespaces, module by module and
    alphabetically within a module."""
    if graph is None:
        from otmlops.ontology.loader import load_ontology

        graph = load_ontology()
    namespaces = [(prefix, PREFIXES[prefix]) for prefix in VOCABULARY_PREFIXES]
    terms: list[Term] = []
    for subject in set(graph.subjects(RDF.type, None)):
        if not isinstance(subject, URIRef):
            continue
        found = next(((p, ns) for p, ns in namespaces if str(subject).startswith(ns)), None)
        kind = _kind(graph, subject)
        if found is None or kind is None:
            continue
        prefix, ns = found
        terms.append(
            Term(
                name=f"{prefix}:{str(subject)[len(ns) :]}",
                iri=str(subject),
                kind=kind,
                label=_text(graph, subject, RDFS.label),
                definition=_text(graph, subject, SKOS.definition)
                or _text(graph, subject, RDFS.comment),
            )
        )
    order = {prefix: i for i, prefix in enumerate(VOCABULARY_PREFIXES)}
    return sorted(terms, key=lambda t: (order[t.name.split(":", 1)[0]], t.name.casefold()))


def search(terms: list[Term], text: str | None = None, kind: str | None = None) -> list[Term]:
    """The terms whose text contains every word of ``text`` and whose kind is ``kind``; terms
    whose name or label has all the words come first (otherwise in the order given)."""
    words = (text or "").casefold().split()
    found = [t for t in terms if t.matches(words) and (kind is None or t.kind.endswith(kind))]

    def in_name_or_label(term: Term) -> bool:
        title = f"{term.name} {term.label}".casefold()
        return all(word in title for word in words)

    return sorted(found, key=lambda t: not in_name_or_label(t))


def suggestions(terms: list[Term], text: str, limit: int = 5) -> list[str]:
    """Names close to ``text`` (a misspelt term), best first, for a search that found none."""
    wanted = text.strip().casefold()
    local = wanted.split(":", 1)[-1]
    by_key: dict[str, str] = {}
    for t in terms:
        by_key.setdefault(t.name.casefold(), t.name)
        by_key.setdefault(t.name.split(":", 1)[1].casefold(), t.name)
        if t.label:
            by_key.setdefault(t.label.casefold(), t.name)
    close = difflib.get_close_matches(wanted, list(by_key), n=limit * 3, cutoff=0.6)
    close += difflib.get_close_matches(local, list(by_key), n=limit * 3, cutoff=0.6)
    names: list[str] = []
    for key in close:
        if by_key[key] not in names:
            names.append(by_key[key])
    return names[:limit]


def _kind(graph: Graph, subject: URIRef) -> str | None:
    types = set(graph.objects(subject, RDF.type))
    if OWL.Ontology in types:
        return None
    for rdf_type, kind in _KIND_OF_TYPE.items():
        if rdf_type in types:
            return kind
    return "individual" if types else None


def _text(graph: Graph, subject: URIRef, predicate: URIRef) -> str:
    """The English (or untagged) value of an annotation, whitespace collapsed."""
    values = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
    values.sort(key=lambda v: (v.language not in ("en", None), v.language or "", str(v)))
    return " ".join(str(values[0]).split()) if values else ""
