"""Read the W3C SPARQL 1.1 query and update evaluation manifests (tests/w3c/sparql11) and run
one test against a store or against plain pyoxigraph, answering pass or fail.

Both sides get the same dataset: ``qt:data``/``ut:data`` in the default graph, each
``qt:graphData`` in a named graph called by its file IRI, each ``ut:graphData`` in the graph its
``rdfs:label`` names, and the files a query names with FROM/FROM NAMED under their IRIs. The
store runs the request with its own semantics (union default graph, entailment, its update
execution); plain pyoxigraph runs it as SPARQL defines.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.compare import isomorphic

from tests.support.paths import W3C

ROOT = W3C / "sparql11"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
RDFS_LABEL = rdflib.RDFS.label
QUERY_FOLDERS = (
    "aggregates",
    "bind",
    "bindings",
    "cast",
    "construct",
    "csv-tsv-res",
    "exists",
    "functions",
    "grouping",
    "json-res",
    "negation",
    "project-expression",
    "property-path",
    "subquery",
)
UPDATE_FOLDERS = (
    "add",
    "basic-update",
    "clear",
    "copy",
    "delete",
    "delete-data",
    "delete-insert",
    "delete-where",
    "drop",
    "move",
    "update-silent",
)
_FROM = re.compile(r"FROM\s+(NAMED\s+)?<([^>]*)>", re.I)


@dataclass
class W3CTest:
    id: str  # folder/name
    kind: str  # query | update
    request: Path
    data: list[Path] = field(default_factory=list)
    graph_data: list[tuple[str, Path]] = field(default_factory=list)
    result: Path | None = None
    result_data: list[Path] = field(default_factory=list)
    result_graphs: list[tuple[str, Path]] = field(default_factory=list)


def _path(node: rdflib.term.Node) -> Path:
    return Path(str(node).removeprefix("file://"))


def load_tests() -> list[W3CTest]:
    tests: list[W3CTest] = []
    for folder in QUERY_FOLDERS + UPDATE_FOLDERS:
        manifest = ROOT / folder / "manifest.ttl"
        g = rdflib.Graph()
        g.parse(manifest, format="turtle", publicID=manifest.as_uri())
        entries = g.value(rdflib.URIRef(manifest.as_uri()), MF.entries)
        for entry in rdflib.collection.Collection(g, entries):
            types = set(g.objects(entry, rdflib.RDF.type))
            name = str(entry).rsplit("#", 1)[-1]
            action = g.value(entry, MF.action)
            if MF.QueryEvaluationTest in types or MF.CSVResultFormatTest in types:
                t = W3CTest(f"{folder}/{name}", "query", _path(g.value(action, QT.query)))
                t.data = [_path(d) for d in g.objects(action, QT.data)]
                t.graph_data = [(str(d), _path(d)) for d in g.objects(action, QT.graphData)]
                t.result = _path(g.value(entry, MF.result))
            elif MF.UpdateEvaluationTest in types:
                t = W3CTest(f"{folder}/{name}", "update", _path(g.value(action, UT.request)))
                t.data = [_path(d) for d in g.objects(action, UT.data)]
                t.graph_data = [
                    (str(g.value(gd, RDFS_LABEL)), _path(g.value(gd, UT.graph)))
                    for gd in g.objects(action, UT.graphData)
                ]
                result = g.value(entry, MF.result)
                t.result_data = [_path(d) for d in g.objects(result, UT.data)]
                t.result_graphs = [
                    (str(g.value(gd, RDFS_LABEL)), _path(g.value(gd, UT.graph)))
                    for gd in g.objects(result, UT.graphData)
                ]
            else:
                continue
            tests.append(t)
    return tests


def _format(path: Path) -> ox.RdfFormat:
    return {".rdf": ox.RdfFormat.RDF_XML, ".nt": ox.RdfFormat.N_TRIPLES}.get(
        path.suffix, ox.RdfFormat.TURTLE
    )


def _dataset_files(test: W3CTest) -> tuple[list[Path], list[tuple[str, Path]]]:
    """Default-graph files and (graph IRI, file) pairs, FROM / FROM NAMED files included."""
    named = list(test.graph_data)
    if test.kind == "query":
        for _, iri in _FROM.findall(test.request.read_text()):
            absolute = iri if ":" in iri else (test.request.parent / iri).as_uri()
            path = _path(rdflib.URIRef(absolute))
            if path.is_file() and (absolute, path) not in named:
                named.append((absolute, path))
    return test.data, named


# -- running ---------------------------------------------------------------------------------


def prepare_store(store, test: W3CTest) -> None:  # type: ignore[no-untyped-def]
    """Empty the store's user data and load the test's dataset."""
    store.update("DROP ALL")
    default, named = _dataset_files(test)
    for path in default:
        store.add_to_graph(
            path, graph=None, format=_format(path), base_iri=path.as_uri(), record_prefixes=False
        )
    for iri, path in named:  # prefix records would add meta triples to every union answer
        store.load(
            path, graph=iri, format=_format(path), base_iri=path.as_uri(), record_prefixes=False
        )


def prepare_plain(test: W3CTest) -> ox.Store:
    store = ox.Store()
    default, named = _dataset_files(test)
    for path in default:
        store.load(path=str(path), format=_format(path), base_iri=path.as_uri())
    for iri, path in named:
        store.load(
            path=str(path), format=_format(path), base_iri=path.as_uri(), to_graph=ox.NamedNode(iri)
        )
    return store


def request_text(test: W3CTest) -> str:
    """The request with its file's IRI as base (relative IRIs resolve as the suite expects)."""
    return f"BASE <{test.request.as_uri()}>\n" + test.request.read_text()


def query_passes(outcome: object, test: W3CTest) -> bool:
    assert test.result is not None
    if isinstance(outcome, ox.QueryTriples):
        got = rdflib.Graph().parse(
            data=outcome.serialize(format=ox.RdfFormat.N_TRIPLES), format="nt"
        )
        want = rdflib.Graph().parse(test.result, format="turtle", publicID=test.result.as_uri())
        return isomorphic(got, want)
    fmt = {
        ".srx": ox.QueryResultsFormat.XML,
        ".srj": ox.QueryResultsFormat.JSON,
        ".tsv": ox.QueryResultsFormat.TSV,
        ".csv": ox.QueryResultsFormat.CSV,
    }.get(test.result.suffix)
    if fmt is None:
        return False
    if fmt == ox.QueryResultsFormat.CSV:  # lossy: compare the text, columns by name
        if not isinstance(outcome, ox.QuerySolutions):
            return False
        return _csv_bag(outcome.serialize(format=fmt).decode()) == _csv_bag(test.result.read_text())
    expected = ox.parse_query_results(path=str(test.result), format=fmt)
    if isinstance(expected, ox.QueryBoolean) or isinstance(outcome, ox.QueryBoolean):
        return (
            isinstance(outcome, ox.QueryBoolean)
            and isinstance(expected, ox.QueryBoolean)
            and bool(outcome) == bool(expected)
        )
    return _bag(outcome) == _bag(expected)


def _csv_bag(text: str) -> Counter[tuple[tuple[str, str], ...]]:
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0] if rows else []
    return Counter(
        tuple(
            sorted(
                (h, "_:b" if v.startswith("_:") else v) for h, v in zip(header, row, strict=False)
            )
        )
        for row in rows[1:]
    )


def _bag(solutions: object) -> Counter[tuple[tuple[str, str], ...]]:
    """Solutions as a bag of rows; blank nodes compared by position only."""
    rows: Counter[tuple[tuple[str, str], ...]] = Counter()
    variables = [v.value for v in solutions.variables]  # type: ignore[attr-defined]
    for sol in solutions:  # type: ignore[attr-defined]
        row = []
        for v in variables:
            term = sol[v]
            if term is None:
                continue
            row.append((v, "_:b" if isinstance(term, ox.BlankNode) else _canonical(term)))
        rows[tuple(sorted(row))] += 1
    return rows


def _canonical(term: object) -> str:
    """Numbers compare by value (``1`` and ``1.0`` are the same xsd:decimal)."""
    if isinstance(term, ox.Literal) and term.datatype.value.endswith(
        ("#integer", "#decimal", "#double", "#float")
    ):
        try:
            number = (
                Decimal(term.value)
                if not term.datatype.value.endswith(("#double", "#float"))
                else float(term.value)
            )
            return (
                f"{number.normalize() if isinstance(number, Decimal) else number}"
                f"^^{term.datatype.value}"
            )
        except (ArithmeticError, ValueError):
            return str(term)
    return str(term)


def _graph(nt: bytes) -> rdflib.Graph:
    return rdflib.Graph().parse(data=nt.decode(), format="nt")


def _expected(path: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(
        path,
        format=_format(path).name.lower().replace("_", "-") if path.suffix != ".ttl" else "turtle",
        publicID=path.as_uri(),
    )


def dataset_passes(default_nt: bytes, named: dict[str, bytes], test: W3CTest) -> bool:
    """The store's state after an update equals the manifest's expected dataset."""
    want_default = rdflib.Graph()
    for path in test.result_data:
        want_default += _expected(path)
    if not isomorphic(_graph(default_nt), want_default):
        return False
    want = {iri: _expected(path) for iri, path in test.result_graphs}
    got = {iri: _graph(nt) for iri, nt in named.items() if nt.strip()}
    if set(got) != {iri for iri, g in want.items() if len(g)}:
        return False
    return all(isomorphic(got[iri], g) for iri, g in want.items() if len(g))


def plain_update_passes(test: W3CTest) -> bool:
    store = prepare_plain(test)
    try:
        store.update(request_text(test))
    except (SyntaxError, OSError, RuntimeError, ValueError):
        return False
    default = (
        ox.serialize(
            store.quads_for_pattern(None, None, None, ox.DefaultGraph()),
            format=ox.RdfFormat.N_QUADS,
        )
        or b""
    )
    named: dict[str, bytes] = {}
    for g in store.named_graphs():
        named[g.value] = (
            ox.serialize(
                (
                    ox.Triple(q.subject, q.predicate, q.object)
                    for q in store.quads_for_pattern(None, None, None, g)
                ),
                format=ox.RdfFormat.N_TRIPLES,
            )
            or b""
        )
    return dataset_passes(default, named, test)


def plain_query_passes(test: W3CTest) -> bool:
    store = prepare_plain(test)
    try:
        outcome = store.query(request_text(test))
    except (SyntaxError, OSError, RuntimeError, ValueError):
        return False
    return query_passes(outcome, test)
