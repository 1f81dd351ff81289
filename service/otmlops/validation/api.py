"""Library API: validate mapping files (or request bodies) against the plant model and shapes.

``validate()`` is what the CLI and the HTTP layer call. ``Validator`` keeps the ontology and a
plant model loaded and indexed in pyoxigraph, so validating one mapping after another costs only
the mapping (incremental validation, used when it is sound; see docs/validation.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Literal as TypingLiteral
from typing import TypeGuard

import pyoxigraph as ox
from rdflib import XSD, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.term import Node

from otmlops.errors import InputError, UsageError
from otmlops.resources import ontology_dir, shapes_dir
from otmlops.validation.compiler import Plan, compile_shapes
from otmlops.validation.fast import BASE, DELTA, add_triples, new_store, run_plan
from otmlops.validation.locator import find
from otmlops.validation.reference import rdflib_graph, run_pyshacl
from otmlops.validation.report import Location, Report, ValidationResult, _node_key
from otmlops.validation.sources import DEFAULT_MAX_SIZE, Source, from_bytes, parse, read_file
from otmlops.validation.terms import to_ox, to_rdflib

Engine = TypingLiteral["fast", "pyshacl"]
#: What callers may pass as input: a path, a parsed Source, or (bytes, media type).
SourceLike = str | Path | Source | tuple[bytes, str | None]

#: The reference mapping is data about placements, not ontology; it is not validated here.
_NOT_ONTOLOGY = {"reference-mapping.ttl"}


def shipped_shapes_files() -> list[Path]:
    return sorted(shapes_dir().glob("*.ttl"))


@lru_cache(maxsize=1)
def _shipped_shapes_text() -> tuple[tuple[str, bytes], ...]:
    return tuple((str(p), p.read_bytes()) for p in shipped_shapes_files())


def load_shapes(paths: Sequence[str | Path] | None = None) -> Graph:
    """The shapes graph: the shipped shapes/ modules, or the given files."""
    g = Graph()
    if paths is None:
        for name, data in _shipped_shapes_text():
            g.parse(data=data, format="turtle", publicID=Path(name).resolve().as_uri())
    else:
        from otmlops.rdfio import format_of_path, rdflib_name
        from otmlops.xml_guard import check_xml

        for p in paths:
            fmt = format_of_path(p) or ox.RdfFormat.TURTLE
            if fmt == ox.RdfFormat.RDF_XML:
                check_xml(Path(p), str(p))  # entity bombs are refused before parsing
            g.parse(str(p), format=rdflib_name(fmt))
    return g


@lru_cache(maxsize=1)
def ontology_triples() -> tuple[ox.Triple, ...]:
    """The bundled ontology modules and alignments (the class hierarchy and rule data)."""
    try:
        folder = ontology_dir()
    except FileNotFoundError:
        return ()
    out: list[ox.Triple] = []
    for path in sorted(folder.rglob("*.ttl")):
        if path.name in _NOT_ONTOLOGY:
            continue
        out.extend(parse(read_file(path, max_size=None)))
    return tuple(out)


def to_source(
    item: SourceLike, *, max_size: int | None = DEFAULT_MAX_SIZE, name: str = "<request>"
) -> Source:
    if isinstance(item, Source):
        return item
    if isinstance(item, tuple):
        data, media_type = item
        return from_bytes(data, name=name, media_type=media_type, max_size=max_size)
    return read_file(item, max_size=max_size)


class Validator:
    """Shapes compiled once, ontology and plant loaded and indexed once."""

    def __init__(
        self,
        shapes: Graph | None = None,
        *,
        plant: Iterable[ox.Triple] = (),
        ontology: Iterable[ox.Triple] | None = None,
    ) -> None:
        self.shapes = shapes if shapes is not None else load_shapes()
        self.plan: Plan = compile_shapes(self.shapes)
        onto = tuple(ontology_triples() if ontology is None else ontology)
        self.ontology_nodes: set[str] = {_node_key(to_rdflib(t.subject)) for t in onto}
        self.base_triples: list[ox.Triple] = [*onto, *plant]
        self.store = new_store(self.base_triples, BASE)
        self._base_results: list[ValidationResult] | None = None

    # -- engines -----------------------------------------------------------------------------

    def validate(
        self, data: Sequence[ox.Triple], *, engine: Engine = "fast", incremental: bool = True
    ) -> Report:
        if engine == "pyshacl" or not self.plan.complete:
            results = _shape_paths(
                run_pyshacl(rdflib_graph(self.base_triples, data), self.shapes), self.shapes
            )
            used = (
                "pyshacl"
                if engine == "pyshacl"
                else "pyshacl (fallback: " + "; ".join(self.plan.unsupported[:3]) + ")"
            )
        elif engine == "fast":
            results = _restore_literals(
                self._fast(data, incremental), [*self.base_triples, *data], self.shapes
            )
            used = "fast"
        else:
            raise UsageError(f"unknown validation engine {engine!r}; use fast or pyshacl")
        results = [r for r in results if _node_key(r.focus) not in self.ontology_nodes]
        return Report(results=results, engine=used, shapes_graph=self.shapes)

    def _fast(self, data: Sequence[ox.Triple], incremental: bool) -> list[ValidationResult]:
        self.store.clear_graph(DELTA)
        if incremental:
            self.base_results()  # on the base graph alone, before the mapping is added
        add_triples(self.store, data, DELTA)
        try:
            if incremental and self._incremental_is_sound(data):
                touched = _touched(data)
                kept = [r for r in self.base_results() if _node_key(r.focus) not in touched]
                nodes = {
                    n for t in data for n in (t.subject, t.object) if not isinstance(n, ox.Literal)
                }
                named = [n for n in nodes if isinstance(n, ox.NamedNode)]
                if len(named) == len(nodes):
                    restrict: ox.NamedNode | list[ox.NamedNode] = sorted(named, key=str)
                else:
                    restrict = DELTA  # blank nodes cannot be named in a query
                return kept + run_plan(self.plan, self.store, restrict_to=restrict)
            return run_plan(self.plan, self.store)
        finally:
            self.store.clear_graph(DELTA)

    def base_results(self) -> list[ValidationResult]:
        """Results on the ontology and plant alone (computed once, reused by increments)."""
        if self._base_results is None:
            self._base_results = run_plan(self.plan, self.store)
        return self._base_results

    def _incremental_is_sound(self, data: Sequence[ox.Triple]) -> bool:
        """True when a mapping only describes nodes of its own (see docs/validation.md)."""
        if any(c.derived_focus for c in self.plan.checks):
            return False
        subjects = {t.subject for t in data}
        for s in subjects:
            if next(iter(self.store.quads_for_pattern(s, None, None, BASE)), None) is not None:
                return False
            if next(iter(self.store.quads_for_pattern(None, None, s, BASE)), None) is not None:
                return False
        return True


def _shape_paths(results: list[ValidationResult], shapes: Graph) -> list[ValidationResult]:
    """Point complex result paths at the path nodes of the shapes graph (for Turtle output)."""
    from rdflib import BNode
    from rdflib.namespace import SH

    from otmlops.validation.paths import UnsupportedPath, path_to_sparql

    by_text: dict[str, Node] = {}
    for node in set(shapes.objects(None, SH.path)):
        if isinstance(node, BNode):
            try:
                by_text[path_to_sparql(shapes, node)] = node
            except UnsupportedPath:
                continue
    return [
        replace(r, path_node=by_text[r.path])
        if isinstance(r.path_node, BNode) and r.path in by_text
        else r
        for r in results
    ]


def _restore_literals(
    results: list[ValidationResult], triples: Sequence[ox.Triple], shapes: Graph
) -> list[ValidationResult]:
    """Give literals back the lexical form they were written with.

    Oxigraph stores typed literals in canonical form ("4.0"^^xsd:decimal comes back as "4");
    reports must show what the user wrote, as pySHACL does.
    """

    def typed(node: Node | None) -> TypeGuard[RdfLiteral]:
        return (
            isinstance(node, RdfLiteral)
            and node.datatype is not None
            and node.datatype != XSD.string
        )

    wanted = {n.datatype for r in results for n in (r.focus, r.value) if typed(n)}
    if not wanted:
        return results
    names = {str(d) for d in wanted}
    originals: list[ox.NamedNode | ox.BlankNode | ox.Literal] = [
        t.object
        for t in triples
        if isinstance(t.object, ox.Literal) and t.object.datatype.value in names
    ]
    originals += [to_ox(o) for o in shapes.objects() if typed(o) and str(o.datatype) in names]
    scratch = ox.Store()
    pred = ox.NamedNode("urn:otmlops:p")
    scratch.extend(
        ox.Quad(ox.NamedNode(f"urn:otmlops:i:{i}"), pred, o) for i, o in enumerate(originals)
    )
    first: dict[str, int] = {}
    for q in scratch:
        i = int(q.subject.value.rsplit(":", 1)[1])
        key = str(q.object)
        if key not in first or i < first[key]:
            first[key] = i

    def restore(node: Node) -> Node:
        if not typed(node):
            return node
        i = first.get(str(to_ox(node)))
        return to_rdflib(originals[i]) if i is not None else node

    return [
        replace(
            r,
            focus=restore(r.focus),
            value=restore(r.value) if r.value is not None else None,
        )
        for r in results
    ]


def _touched(data: Sequence[ox.Triple]) -> set[str]:
    out: set[str] = set()
    for t in data:
        out.add(_node_key(to_rdflib(t.subject)))
        if not isinstance(t.object, ox.Literal):
            out.add(_node_key(to_rdflib(t.object)))
    return out


def validate(
    data_sources: Sequence[SourceLike],
    plant_sources: Sequence[SourceLike] = (),
    *,
    plant_triples: Iterable[ox.Triple] = (),
    plant_graphs: Mapping[str, Sequence[ox.Triple]] | None = None,
    shapes: Graph | None = None,
    include_ontology: bool = True,
    engine: Engine = "fast",
    max_size: int | None = DEFAULT_MAX_SIZE,
    locate_lines: bool = True,
    suggest: bool = True,
) -> Report:
    """Validate mapping documents (plus plant documents, graphs or triples) against the shapes.

    Sources are paths, :class:`Source` objects or ``(bytes, media_type)`` pairs;
    ``plant_graphs`` maps the IRI of a plant graph taken from a store to its triples (findings
    about its nodes name the graph). Bad input raises :class:`~otmlops.errors.InputError` with
    file:line:column.
    """
    if not data_sources:
        raise UsageError("nothing to validate: give at least one mapping file")
    data_src = [to_source(s, max_size=max_size) for s in data_sources]
    plant_src = [to_source(s, max_size=max_size, name="<plant>") for s in plant_sources]
    graphs = dict(plant_graphs or {})
    data = [t for s in data_src for t in parse(s)]
    plant = [t for s in plant_src for t in parse(s)]
    plant.extend(plant_triples)
    for triples in graphs.values():
        plant.extend(triples)
    validator = Validator(shapes, plant=plant, ontology=None if include_ontology else ())
    report = validator.validate(data, engine=engine, incremental=False)
    if locate_lines:
        report.locations = locations(report.results, data_src, plant_src, graphs, max_size=max_size)
    if suggest:
        from otmlops.validation.fixes import attach

        attach(report, data, data_src, store=validator.store, graph=BASE)
    return report


def locations(
    results: Sequence[ValidationResult],
    mappings: Sequence[Source],
    plant: Sequence[Source] = (),
    graphs: Mapping[str, Sequence[ox.Triple]] | None = None,
    *,
    max_size: int | None = DEFAULT_MAX_SIZE,
) -> dict[str, Location]:
    """focus node -> where it is described.

    A node is placed where it is a subject (described), the plant before the mappings, so a
    finding about a plant node names the plant file and the node's line there rather than a
    mapping that only refers to it. A node that is nowhere a subject is placed at its first
    mention. Files in syntaxes without meaningful lines (JSON-LD, RDF/XML) are named without a
    line; a plant graph from the store is named by its IRI, or by its file and line when the
    IRI is the ``file:`` URI of a readable Turtle/N-Triples file that describes the node.
    """
    wanted = {str(r.focus) for r in results if isinstance(r.focus, URIRef)}
    described: dict[str, Location] = {}
    mentioned: dict[str, Location] = {}

    def scan(src: Source, graph: str | None = None) -> None:
        todo = wanted - set(described)
        if not todo:
            return
        if src.positions is not None:  # a compiled YAML/CSV/XLSX mapping: its stage's line or row
            described.update(
                (iri, Location(src.name, src.positions[iri])) for iri in todo & set(src.positions)
            )
            return
        if src.line_oriented:
            text = src.data.decode("utf-8", errors="replace")
            for iri, (line, subject) in find(text, src.base_iri, todo).items():
                place = Location(src.name, line)
                if subject:
                    described[iri] = place
                elif graph is None:
                    mentioned.setdefault(iri, place)
            return
        subjects = {t.subject.value for t in parse(src) if isinstance(t.subject, ox.NamedNode)}
        described.update((iri, Location(src.name)) for iri in todo & subjects)

    for src in plant:
        scan(src)
    for iri, triples in (graphs or {}).items():
        subjects = {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
        todo = (wanted - set(described)) & subjects
        if not todo:
            continue
        file = _graph_file(iri, max_size)
        if file is not None:
            scan(file, graph=iri)
        described.update((node, Location(iri, graph=True)) for node in todo - set(described))
    for src in mappings:
        scan(src)
    return {
        URIRef(iri).n3(): described.get(iri) or mentioned[iri]
        for iri in wanted
        if iri in described or iri in mentioned
    }


def _graph_file(iri: str, max_size: int | None) -> Source | None:
    """The file a ``file:`` graph IRI names, if it exists and has lines; None otherwise (the
    graph was loaded from somewhere else, or the file is gone)."""
    if not iri.startswith("file:"):
        return None
    from urllib.parse import unquote, urlsplit

    path = Path(unquote(urlsplit(iri).path))
    try:
        if not path.is_file():
            return None
        src = read_file(path, max_size=max_size)
    except (OSError, InputError):
        return None
    return src if src.line_oriented else None


def result_keys(results: Iterable[ValidationResult]) -> set[tuple[str, str | None, str, str]]:
    return {r.key for r in results}


__all__ = [
    "Validator",
    "validate",
    "load_shapes",
    "ontology_triples",
    "Report",
    "ValidationResult",
    "Node",
    "result_keys",
    "locations",
    "to_source",
    "Location",
]
