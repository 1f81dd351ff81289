"""Real SPARQL clients against a live server: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import CSV, JSON, POST, TURTLE, SPARQLWrapper

from tests.support.live_server import LiveServer, live_server

EX = "http://example.org/clients#"
DATA = f"""<{EX}pump1> <{EX}partOf> <{EX}line1> .
<{EX}pump2> <{EX}partOf> <{EX}line1> .
<{EX}pump1> <http://www.w3.org/2000/01/rdf-schema#label> "Pump 1"@en .
""".encode()
GRAPH = "http://example.org/graphs/clients"
SELECT = f"SELECT ?pump WHERE {{ ?pump <{EX}partOf> <{EX}line1> }} ORDER BY ?pump"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("clients") / "store", "--workers", "2") as srv:
        srv.put_graph(GRAPH, DATA)
        yield srv


def _wrapper(server: LiveServer) -> SPARQLWrapper:
    return SPARQLWrapper(server.url("/sparql"))


def test_sparqlwrapper_select_json(server: LiveServer) -> None:
    sw = _wrapper(server)
    sw.setQuery(SELECT)
    sw.setReturnFormat(JSON)
    result = sw.query().convert()
    assert [b["pump"]["value"] for b in result["results"]["bindings"]] == [
        EX + "pump1",
        EX + "pump2",
    ]


def test_sparqlwrapper_select_csv_by_post(server: LiveServer) -> None:
    sw = _wrapper(server)
    sw.setQuery(SELECT)
    sw.setMethod(POST)
    sw.setReturnFormat(CSV)
    text = sw.query().convert().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["pump"], [EX + "pump1"], [EX + "pump2"]]


def test_sparqlwrapper_construct_turtle(server: LiveServer) -> None:
    sw = _wrapper(server)
    sw.setQuery(f"CONSTRUCT WHERE {{ ?s <{EX}partOf> ?o }}")
    sw.setReturnFormat(TURTLE)
    data = sw.query().convert()
    graph = Graph().parse(data=data, format="turtle")
    assert len(graph) == 2
    assert (URIRef(EX + "pump2"), URIRef(EX + "partOf"), URIRef(EX + "line1")) in graph


def test_sparqlwrapper_reports_syntax_errors(server: LiveServer) -> None:
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    sw = _wrapper(server)
    sw.setQuery("SELECT * WHERE {")
    sw.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed):
        sw.query()


def test_rdflib_sparqlstore_reads(server: LiveServer) -> None:
    store = SPARQLStore(server.url("/sparql"), returnFormat="json")
    graph = Graph(store=store)
    pumps = sorted(str(row[0]) for row in graph.query(SELECT))
    assert pumps == [EX + "pump1", EX + "pump2"]
    assert (URIRef(EX + "pump1"), None, Literal("Pump 1", lang="en")) in graph
    assert len(list(graph.triples((None, URIRef(EX + "partOf"), None)))) == 2
    store.close()


def test_rdflib_sparqlupdatestore_writes_with_token(server: LiveServer) -> None:
    store = SPARQLUpdateStore(
        server.url("/sparql"), server.url("/sparql"), auth=None, headers=server.auth
    )
    graph = Graph(store=store, identifier=URIRef("http://example.org/graphs/rdflib"))
    graph.add((URIRef(EX + "pump3"), URIRef(EX + "partOf"), URIRef(EX + "line1")))
    store.commit() if hasattr(store, "commit") else None
    reader = Graph(store=SPARQLStore(server.url("/sparql")))
    assert (URIRef(EX + "pump3"), URIRef(EX + "partOf"), URIRef(EX + "line1")) in reader
