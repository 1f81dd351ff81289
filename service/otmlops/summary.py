"""What is in the ontology, the reference mapping and a set of mapping files, as text lines.

``otmlops summary`` is the first command a newcomer runs, so it needs no store, no network and no
rdflib: files are parsed with pyoxigraph into an in-memory store and read with pattern lookups.
Files given together are one dataset, so equipment a mapping points at is typed by the plant
file given beside it. A type that is not ours (an ESMF or OPC UA class) is shown as the nearest
ISA-95 or bridge class above it, through the bundled alignments.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox

from otmlops.errors import InputError
from otmlops.namespaces import NAMESPACE_IRIS, PREFIXES
from otmlops.ontology.loader import module_files, reference_mapping_file
from otmlops.rdfio import format_of_path
from otmlops.store.bundle import bundled_files
from otmlops.store.graphs import ONTOLOGY_GRAPH
from otmlops.validation.sources import parse, read_file

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
RDFS_SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
OWL = "http://www.w3.org/2002/07/owl#"
OWL_ONTOLOGY = ox.NamedNode(OWL + "Ontology")
OWL_CLASS = ox.NamedNode(OWL + "Class")
OWL_EQUIVALENT_CLASS = ox.NamedNode(OWL + "equivalentClass")
OWL_NAMED_INDIVIDUAL = ox.NamedNode(OWL + "NamedIndividual")
PROPERTY_TYPES = tuple(
    ox.NamedNode(OWL + t) for t in ("ObjectProperty", "DatatypeProperty", "AnnotationProperty")
)

RAMI, ISA95, MLOPS, MAP = (NAMESPACE_IRIS[n] for n in ("RAMI", "ISA95", "MLOPS", "MAP"))
#: Kinds of equipment and data sources are shown as classes of these namespaces.
KIND_NAMESPACES = (ISA95, MAP)


#: A subject, predicate or object as pyoxigraph gives it (an RDF 1.2 triple term is rare in
#: mapping files; a summary shows it like any other node).
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def _n(namespace: str, name: str) -> ox.NamedNode:
    return ox.NamedNode(namespace + name)


class Dataset:
    """Triples in an in-memory pyoxigraph store, with the few lookups a summary needs."""

    def __init__(
        self, triples: Iterable[ox.Triple], prefixes: dict[str, str] | None = None
    ) -> None:
        self._store = ox.Store()
        self._store.extend(
            ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples
        )
        self.prefixes = {**PREFIXES, **(prefixes or {})}

    def __len__(self) -> int:
        return len(self._store)

    def objects(self, subject: Term | None, predicate: ox.NamedNode) -> Iterator[Term]:
        if isinstance(subject, ox.Literal):  # a literal is never a subject
            return iter(())
        return (q.object for q in self._store.quads_for_pattern(subject, predicate, None, None))

    def subjects(self, predicate: ox.NamedNode, obj: Term | None) -> Iterator[Term]:
        return (q.subject for q in self._store.quads_for_pattern(None, predicate, obj, None))

    def value(self, subject: Term | None, predicate: ox.NamedNode) -> Term | None:
        return next(self.objects(subject, predicate), None)

    def has(self, subject: Term, predicate: ox.NamedNode, obj: Term) -> bool:
        if isinstance(subject, ox.Literal):
            return False
        return (
            next(iter(self._store.quads_for_pattern(subject, predicate, obj, None)), None)
            is not None
        )

    def all_subjects(self) -> set[Term]:
        return {q.subject for q in self._store.quads_for_pattern(None, None, None, None)}

    def described(self, subject: Term) -> bool:
        if isinstance(subject, ox.Literal):
            return False
        return (
            next(iter(self._store.quads_for_pattern(subject, None, None, None)), None) is not None
        )

    def label(self, term: Term) -> str:
        """An English (or untagged, or any) rdfs:label, else a prefixed name, else <IRI>."""
        labels = [o for o in self.objects(term, RDFS_LABEL) if isinstance(o, ox.Literal)]
        if labels:
            labels.sort(key=lambda o: (o.language not in ("en", None), o.language or "", o.value))
            return labels[0].value
        if isinstance(term, ox.NamedNode):
            iri = term.value
            best = max(
                ((p, ns) for p, ns in self.prefixes.items() if iri.startswith(ns)),
                key=lambda item: len(item[1]),
                default=None,
            )
            if best is not None and best[1] != iri:
                return f"{best[0]}:{iri[len(best[1]) :]}"
            return f"<{iri}>"
        return str(term)


def read_rdf(path: Path) -> tuple[list[ox.Triple], dict[str, str]]:
    """A file's triples and prefixes; bad input raises InputError naming file, line, column."""
    if path.is_file() and path.stat().st_size < 4096 and not path.read_bytes().strip():
        raise InputError(
            "file is empty: there is nothing to summarise; give RDF files (Turtle, "
            "N-Triples, RDF/XML or JSON-LD)",
            source=str(path),
        )
    source = read_file(path, max_size=None)
    try:
        parser = ox.parse(
            source.data, format=source.format, base_iri=source.base_iri, rename_blank_nodes=True
        )
        triples = [q.triple for q in parser]
    except (SyntaxError, ValueError, OSError):
        parse(source)  # raises the InputError that says where and what
        raise
    return triples, dict(getattr(parser, "prefixes", {}) or {})


def _bundled(path: Path) -> list[ox.Triple]:
    fmt = format_of_path(path) or ox.RdfFormat.TURTLE
    return [q.triple for q in ox.parse(path=str(path), format=fmt, rename_blank_nodes=True)]


def _module_counts(path: Path) -> tuple[int, int, int]:
    graph = Dataset(_bundled(path))
    onto = next(graph.subjects(RDF_TYPE, OWL_ONTOLOGY), None)
    own = onto.value + "#" if isinstance(onto, ox.NamedNode) else ""
    ours = {
        s for s in graph.all_subjects() if isinstance(s, ox.NamedNode) and s.value.startswith(own)
    }
    classes = sum(1 for s in ours if graph.has(s, RDF_TYPE, OWL_CLASS))
    props = sum(1 for s in ours if any(graph.has(s, RDF_TYPE, t) for t in PROPERTY_TYPES))
    individuals = sum(1 for s in ours if graph.has(s, RDF_TYPE, OWL_NAMED_INDIVIDUAL))
    return classes, props, individuals


def ontology_lines() -> list[str]:
    """The ontology modules, the RAMI/ISA-95 vocabulary sizes and the reference mapping."""
    files = module_files()
    ontology = Dataset({t for path in files for t in _bundled(path)})
    lines = [
        f"otmlops ontology: {len(ontology)} triples in {len(files)} files",
        f"  {'module':<14} {'classes':>8} {'properties':>11} {'individuals':>12}",
    ]
    for path in files:
        if path.name == "otmlops.ttl":
            lines.append(f"  {path.name:<14} (index: imports the modules below)")
            continue
        classes, props, individuals = _module_counts(path)
        lines.append(f"  {path.name:<14} {classes:>8} {props:>11} {individuals:>12}")

    def count(cls: ox.NamedNode) -> int:
        return len(set(ontology.subjects(RDF_TYPE, cls)))

    lines.append(
        f"  RAMI 4.0: {count(_n(RAMI, 'Layer'))} layers, "
        f"{count(_n(RAMI, 'HierarchyLevel'))} hierarchy levels; "
        f"ISA-95: {count(_n(ISA95, 'Function'))} functions, "
        f"{count(_n(ISA95, 'Activity'))} activities"
    )
    reference = Dataset(_bundled(reference_mapping_file()))
    placed = {
        reference.value(p, _n(MAP, "placesClass"))
        for p in reference.subjects(RDF_TYPE, _n(MAP, "ReferencePlacement"))
    }
    stages = set(ontology.subjects(RDFS_SUBCLASS, _n(MLOPS, "LifecycleStage")))
    components = set(ontology.subjects(RDFS_SUBCLASS, _n(MLOPS, "Component")))
    lines.append(
        f"Reference mapping: {len(placed & stages)}/{len(stages)} stages and "
        f"{len(placed & components)}/{len(components)} components placed"
    )
    return lines


def schema_triples() -> list[ox.Triple]:
    """The bundled ontology with its alignments: what a store starts with (docs/importers.md)."""
    return [t for path in bundled_files().files[ONTOLOGY_GRAPH] for t in _bundled(path)]


class UseCaseSummary:
    """Use cases of a dataset with their stages, equipment and the kinds of that equipment."""

    def __init__(
        self, schema: Sequence[ox.Triple], data: Sequence[ox.Triple], prefixes: dict[str, str]
    ) -> None:
        self.data = data
        self.graph = Dataset([*schema, *data], prefixes)
        self.untyped: set[Term] = set()
        self.undescribed: set[Term] = set()

    def use_cases(self) -> list[Term]:
        use_case = _n(MLOPS, "UseCase")
        return sorted(
            {t.subject for t in self.data if t.predicate == RDF_TYPE and t.object == use_case},
            key=str,
        )

    def _stage_order(self, stage: Term) -> int:
        for kind in self.graph.objects(stage, RDF_TYPE):
            order = self.graph.value(kind, _n(MLOPS, "stageOrder"))
            if isinstance(order, ox.Literal) and order.value.lstrip("+-").isdigit():
                return int(order.value)
        return 99

    def _labels(self, subject: Term, prop: str) -> str:
        return ", ".join(
            sorted(self.graph.label(o) for o in self.graph.objects(subject, _n(MAP, prop)))
        )

    def _stage_line(self, stage: Term) -> str:
        g = self.graph
        kinds = [
            k
            for k in g.objects(stage, RDF_TYPE)
            if g.has(k, RDFS_SUBCLASS, _n(MLOPS, "LifecycleStage"))
        ]
        kind = g.label(kinds[0]) if kinds else "?"
        level = self._labels(stage, "hierarchyLevel")
        phase = self._labels(stage, "lifeCyclePhase")
        owner = self._labels(stage, "ownedBy")
        return f"{kind:<20} {level or '-':<15} {phase or '-':<27} {owner or '(no owner)'}"

    def kinds(self, item: Term) -> list[str]:
        """Labels of ``item``'s ISA-95/bridge classes: asserted ones, else the nearest ones
        above its other classes (subclass and equivalent-class links, any file)."""
        g = self.graph
        asserted = set(g.objects(item, RDF_TYPE))
        found = {t for t in asserted if _ours(t)}
        frontier, seen = asserted - found, set(asserted)
        while not found and frontier:
            above: set[Term] = set()
            for cls in frontier:
                above.update(g.objects(cls, RDFS_SUBCLASS))
                above.update(g.objects(cls, OWL_EQUIVALENT_CLASS))
                above.update(g.subjects(OWL_EQUIVALENT_CLASS, cls))
            frontier = above - seen
            seen |= above
            found = {t for t in frontier if _ours(t)}
        return sorted(g.label(k) for k in found)

    def lines(self, heading: str) -> list[str]:
        g = self.graph
        lines = [heading]
        cases = self.use_cases()
        if not cases:
            lines.append("  no use cases (nothing is typed mlops:UseCase)")
        for use_case in cases:
            stages = sorted(
                g.objects(use_case, _n(MLOPS, "hasStage")),
                key=lambda s: (self._stage_order(s), str(s)),
            )
            lines.append(f"  use case: {g.label(use_case)} ({_count(len(stages), 'stage')})")
            lines += [f"    {self._stage_line(stage)}" for stage in stages]
            equipment = set(g.objects(use_case, _n(MAP, "deployedOn")))
            for stage in stages:
                equipment |= set(g.objects(stage, _n(MAP, "deployedOn")))
                equipment |= set(g.objects(stage, _n(MAP, "usesDataFrom")))
            lines.append("    equipment and data sources:")
            for item in sorted(equipment, key=g.label):
                kinds = self.kinds(item)
                if not kinds:
                    self.untyped.add(item)
                    if not g.described(item):
                        self.undescribed.add(item)
                lines.append(f"      {g.label(item)} [{', '.join(kinds) or 'untyped'}]")
        return lines


def _ours(term: Term) -> bool:
    return isinstance(term, ox.NamedNode) and term.value.startswith(KIND_NAMESPACES)


def summary_lines(files: Sequence[Path], examples: Sequence[Path]) -> list[str]:
    """The whole summary. ``files`` are read together as one dataset; without them each of
    ``examples`` (the bundled case studies) is summarised on its own."""
    read = [(path, *read_rdf(path)) for path in files]  # bad input fails before any output
    lines = ontology_lines()
    schema = schema_triples()
    if not files:
        for path in examples:
            triples, prefixes = read_rdf(path)
            lines += [
                "",
                *UseCaseSummary(schema, triples, prefixes).lines(f"Case study {path.name}:"),
            ]
        return lines
    data = [t for _, triples, _ in read for t in triples]
    prefixes = {p: ns for _, _, found in read for p, ns in found.items()}
    summary = UseCaseSummary(schema, data, prefixes)
    names = ", ".join(path.name for path in files)
    lines += ["", *summary.lines(f"Dataset {names} ({len(set(data))} triples, read together):")]
    if summary.undescribed:
        lines.append(
            f"  note: {_count(len(summary.undescribed), 'item')} not described in the "
            "files given; give the plant model too: otmlops summary PLANT.ttl "
            "MAPPING.ttl"
        )
    elif summary.untyped:
        lines.append(
            f"  note: {_count(len(summary.untyped), 'item')} without an ISA-95 type; "
            "give each an isa95: class (or map:DataSource) in the plant model"
        )
    return lines


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
