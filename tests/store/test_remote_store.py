"""Remote backend specifics, against real ``oxigraph serve`` processes on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from otmlops.errors import StoreError
from otmlops.store import META_GRAPH, open_store
from otmlops.store.graphs import STAGING_PREFIX
from otmlops.store.remote import INLINE_UPDATE_BYTES, RemoteStore
from tests.support.oxigraph_server import start_server, stop_server

EX = "http://example.org/plant#"


def test_endpoint_defaults_and_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    store = RemoteStore.from_location("http://h:7878")
    assert (store.query_url, store.update_url, store.store_url) == (
        "http://h:7878/query",
        "http://h:7878/update",
        "http://h:7878/store",
    )
    store = RemoteStore.from_location("http://h:3030/ds?query=sparql&update=update&store=data")
    assert (store.query_url, store.update_url, store.store_url) == (
        "http://h:3030/ds/sparql",
        "http://h:3030/ds/update",
        "http://h:3030/ds/data",
    )
    monkeypatch.setenv("OTMLOPS_QUERY_URL", "http://other/q")
    store = RemoteStore.from_location("http://h:7878/")
    assert store.query_url == "http://other/q" and store.update_url == "http://h:7878/update"


def test_server_without_union_default_graph_is_refused(tmp_path: Path) -> None:
    proc, url = start_server(tmp_path / "plain", union=False)
    try:
        with pytest.raises(StoreError, match="--union-default-graph"):
            open_store(url)
    finally:
        stop_server(proc)


def test_bound_queries_answer_alike_on_both_backends(tmp_path: Path, oxigraph_server: str) -> None:
    data = tmp_path / "plant.ttl"
    data.write_text(f"""@prefix ex: <{EX}> .
@prefix isa95: <https://w3id.org/otmlops/isa95#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:area1 a isa95:Area .
ex:line1 a isa95:ProductionLine ; isa95:partOf ex:area1 ; rdfs:label "Line 1"@en .
ex:cell1 a isa95:WorkCell ; isa95:partOf ex:line1 ; rdfs:label "Cell \\"1\\""@en .
ex:s1 a isa95:Sensor ; isa95:partOf ex:cell1 ; rdfs:label "5"^^<http://www.w3.org/2001/XMLSchema#integer> .
""")
    queries = [
        (
            "SELECT ?x ?c WHERE { ?x isa95:partOf ?area ; a ?c } ORDER BY ?x ?c",
            {"area": ox.NamedNode(EX + "area1")},
        ),
        ("SELECT ?x WHERE { ?x rdfs:label ?l }", {"l": ox.Literal('Cell "1"', language="en")}),
        (
            "SELECT ?x WHERE { ?x rdfs:label ?l }",
            {
                "l": ox.Literal(
                    "5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
                )
            },
        ),
        (
            "SELECT (COUNT(?x) AS ?n) WHERE { { SELECT ?x WHERE { ?x isa95:partOf ?p } } "
            "?x a ?c FILTER(?c = ?cls) }",
            {
                "cls": ox.NamedNode("https://w3id.org/otmlops/isa95#Equipment"),
                "p": ox.NamedNode(EX + "line1"),
            },
        ),
        (
            "ASK { ?x isa95:partOf ?p }",
            {"x": ox.NamedNode(EX + "s1"), "p": ox.NamedNode(EX + "area1")},
        ),
        ("CONSTRUCT WHERE { ?x isa95:partOf ?p }", {"p": ox.NamedNode(EX + "line1")}),
        ("SELECT ?x WHERE { ?x rdfs:label ?l }", {"l": ox.Literal('x" } UNION { ?x ?p ?o } #')}),
    ]
    prefixes = (
        "PREFIX isa95: <https://w3id.org/otmlops/isa95#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    )
    answers = []
    for location in ("memory", str(tmp_path / "disk"), oxigraph_server):
        with open_store(location) as store:
            store.load(data, graph="http://example.org/g")
            per_store = []
            for text, bindings in queries:
                result = store.query(prefixes + text, bindings=bindings)
                if isinstance(result, ox.QueryBoolean):
                    per_store.append(bool(result))
                elif isinstance(result, ox.QueryTriples):
                    per_store.append(sorted(str(t) for t in result))
                else:
                    per_store.append(sorted(str(list(row)) for row in result))
            answers.append(per_store)
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][4] is True and answers[0][6] == [] and len(answers[0][0]) >= 4


def test_big_load_goes_through_staging(tmp_path: Path, oxigraph_server: str) -> None:
    # past the inline-update size in bytes with few triples: the server's MOVE out of staging
    # costs per triple
    big = tmp_path / "big.nt"
    label = "with a long label to make the file big, " * 3
    with big.open("w") as out:
        for i in range(4_000):
            out.write(
                f"<{EX}e{i}> <http://www.w3.org/2000/01/rdf-schema#label> "
                f'"equipment {i} {label}" .\n'
            )
    assert big.stat().st_size > INLINE_UPDATE_BYTES
    with open_store(oxigraph_server) as store:
        report = store.load(big, graph="http://example.org/big")
        assert report.triples == 4_000
        report = store.load(big, graph="http://example.org/big")
        assert report.replaced and report.triples == 4_000
        graphs = store._graph_counts()  # type: ignore[attr-defined]
        assert not any(g.startswith(STAGING_PREFIX) for g in graphs)


def test_stale_staging_is_dropped_on_open(oxigraph_server: str) -> None:
    with open_store(oxigraph_server):
        pass
    stale = f"{STAGING_PREFIX}00000000-dead"
    httpx.post(
        f"{oxigraph_server}/update",
        data={
            "update": (
                f"INSERT DATA {{ GRAPH <{stale}> {{ <{EX}a> <{EX}b> <{EX}c> }} "
                f"GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> <https://w3id.org/otmlops/meta#pendingStaging> "
                f"<{stale}> }} }}"
            )
        },
    ).raise_for_status()
    with open_store(oxigraph_server) as store:
        assert not store.has_graph(stale)
        assert not store.query(
            f"ASK {{ GRAPH <{META_GRAPH}> {{ ?s "
            "<https://w3id.org/otmlops/meta#pendingStaging> ?g } }"
        )


def test_unreachable_server_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="cannot reach"):
        open_store("http://127.0.0.1:9")
