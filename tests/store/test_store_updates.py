"""SPARQL Update through the store, on every backend: each operation's WHERE sees what a query
sees (the union with the store's default graph, with entailment, with earlier operations'
writes), WITH/USING change only their own operation, and managed graphs are never written."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from otmlops.errors import UsageError
from otmlops.store import (
    META_GRAPH,
    ONTOLOGY_GRAPH,
    REFERENCE_MAPPING_GRAPH,
    Store,
)
from otmlops.store.graphs import STAGING_PREFIX
from tests.support.cli import run_cli_inprocess

EX = "http://example.org/"
P = f"PREFIX ex: <{EX}>\nPREFIX isa95: <https://w3id.org/otmlops/isa95#>\n"


def values(store: Store, sparql: str) -> list[str]:
    return sorted(str(row[0]) for row in store.query(P + sparql, entailment=False))


def graph_sizes(store: Store) -> dict[str, int]:
    return {g.iri: g.triples for g in store.graphs()}


# -- updates see what queries see ------------------------------------------------------------


def test_where_sees_the_default_graph_once_named_graphs_exist(any_store: Store) -> None:
    any_store.update(P + "INSERT DATA { ex:d ex:p 1 . GRAPH ex:g { ex:e ex:p 2 } }")
    assert values(any_store, "SELECT ?o { ex:d ex:p ?o }") == [
        '"1"^^<http://www.w3.org/2001/XMLSchema#integer>'
    ]
    any_store.update(P + "DELETE { ex:d ex:p ?o } WHERE { ex:d ex:p ?o }")
    assert values(any_store, "SELECT ?o { ex:d ex:p ?o }") == []
    # the named graph's triple is read through the union and written where the template says
    any_store.update(P + "INSERT { ex:copy ex:p ?o } WHERE { ex:e ex:p ?o }")
    assert values(any_store, "SELECT ?o { ex:copy ex:p ?o }") == [
        '"2"^^<http://www.w3.org/2001/XMLSchema#integer>'
    ]
    assert (
        "<http://example.org/copy>" in any_store.export_graph(None, ox.RdfFormat.N_TRIPLES).decode()
    )


def test_later_operations_see_graphs_earlier_ones_wrote(any_store: Store) -> None:
    any_store.update(
        P + "INSERT DATA { GRAPH ex:new { ex:a ex:p ex:b } } ;\n"
        "INSERT { GRAPH ex:out { ?s ex:q ?o } } WHERE { ?s ex:p ?o } ;\n"
        "DELETE { GRAPH ex:new { ?s ex:p ?o } } WHERE { GRAPH ?g { ?s ex:q ?o } }"
    )
    assert values(any_store, "SELECT ?s { GRAPH ex:out { ?s ex:q ex:b } }") == [f"<{EX}a>"]
    assert values(any_store, "SELECT ?s { GRAPH ex:new { ?s ?p ?o } }") == []


def test_where_clauses_see_entailment(any_store: Store) -> None:
    any_store.update(
        P + "INSERT DATA { GRAPH ex:plant { ex:cell isa95:partOf ex:line . "
        "ex:line isa95:partOf ex:site . ex:line a isa95:ProductionLine } }"
    )
    any_store.update(
        P + "INSERT { GRAPH ex:out { ?x ex:inSite ex:site } } WHERE { ?x isa95:partOf ex:site }"
    )
    assert values(any_store, "SELECT ?x { ?x ex:inSite ex:site }") == [f"<{EX}cell>", f"<{EX}line>"]
    any_store.update(
        P + "INSERT { GRAPH ex:out { ?x ex:kind ex:wc } } WHERE { ?x a isa95:WorkCenter }"
    )
    assert values(any_store, "SELECT ?x { ?x ex:kind ex:wc }") == [f"<{EX}line>"]


def test_with_and_using_change_only_their_own_operation(any_store: Store) -> None:
    any_store.update(P + "INSERT DATA { GRAPH ex:a { ex:s ex:p 1 } GRAPH ex:b { ex:s ex:p 2 } }")
    any_store.update(
        P + "INSERT { GRAPH ex:fromA { ex:s ex:q ?o } } USING ex:a "
        "WHERE { ex:s ex:p ?o } ;\n"
        "INSERT { GRAPH ex:all { ex:s ex:q ?o } } WHERE { ex:s ex:p ?o } ;\n"
        "WITH ex:b DELETE { ex:s ex:p ?o } WHERE { ex:s ex:p ?o }"
    )
    assert len(values(any_store, "SELECT ?o { GRAPH ex:fromA { ex:s ex:q ?o } }")) == 1
    assert len(values(any_store, "SELECT ?o { GRAPH ex:all { ex:s ex:q ?o } }")) == 2
    assert values(any_store, "SELECT ?o { GRAPH ex:b { ?s ?p ?o } }") == []
    assert len(values(any_store, "SELECT ?o { GRAPH ex:a { ?s ?p ?o } }")) == 1


def test_blank_nodes_found_by_where_are_deleted(any_store: Store) -> None:
    any_store.update(P + "INSERT DATA { _:x ex:p 1 . GRAPH ex:g { _:y ex:p 2 } }")
    any_store.update(P + "DELETE { ?s ex:p ?o } WHERE { ?s ex:p ?o }")
    # the default graph's triple is gone; the named graph's stays (the template writes the
    # default graph)
    assert len(values(any_store, "SELECT ?o { ?s ex:p ?o }")) == 1
    assert len(values(any_store, "SELECT ?o { GRAPH ex:g { ?s ex:p ?o } }")) == 1


def test_a_failing_operation_undoes_the_whole_request(any_store: Store) -> None:
    any_store.update(P + "INSERT DATA { GRAPH ex:keep { ex:a ex:p 1 } }")
    before = graph_sizes(any_store)
    with pytest.raises(Exception):  # noqa: B017 - the backend's own error for a missing graph
        any_store.update(
            P + "INSERT DATA { GRAPH ex:keep { ex:a ex:p 2 } } ;\nDROP GRAPH ex:missing"
        )
    assert graph_sizes(any_store) == before


# -- managed graphs --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "update",
    [
        f"INSERT DATA {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ex:a ex:b ex:c }} }}",
        f"DELETE DATA {{ GRAPH <{REFERENCE_MAPPING_GRAPH}> {{ ex:a ex:b ex:c }} }}",
        "PREFIX g: <https://w3id.org/otmlops/graph/>\nDROP GRAPH g:meta",
        "BASE <https://w3id.org/otmlops/graph/>\nCLEAR GRAPH <ontology>",
        f"WITH <{ONTOLOGY_GRAPH}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
        f"DELETE {{ GRAPH <{META_GRAPH}> {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o }}",
        f"MOVE <{ONTOLOGY_GRAPH}> TO ex:mine",
        f"COPY ex:mine TO <{REFERENCE_MAPPING_GRAPH}>",
        f"ADD DEFAULT TO <{META_GRAPH}>",
        f"CREATE GRAPH <{STAGING_PREFIX}x>",
        "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }",
        "DELETE WHERE { GRAPH ?g { ?s a ?c } }",
        # the escape decodes to the ontology graph's name
        "DROP GRAPH <https://w3id.org/otmlops/graph/ontolog\\u0079>",
        "INSERT DATA { GRAPH ex:fine { ex:a ex:b ex:c } } ;\n"
        f"DROP SILENT GRAPH <{ONTOLOGY_GRAPH}>",
    ],
)
def test_updates_never_write_managed_graphs(shared_store: Store, update: str) -> None:
    # one store per backend for all these requests: each is refused before it runs, and what
    # is checked is that this request changed nothing
    shared_store.update(P + "INSERT DATA { GRAPH ex:mine { ex:a ex:b ex:c } }")
    before = graph_sizes(shared_store)
    with pytest.raises(UsageError, match="otmlops manages that graph") as err:
        shared_store.update(P + update)
    assert "https://w3id.org/otmlops/graph/" in str(err.value) or STAGING_PREFIX in str(err.value)
    assert graph_sizes(shared_store) == before


def test_drop_all_touches_user_graphs_only(any_store: Store) -> None:
    any_store.update(P + "INSERT DATA { ex:d ex:p 1 . GRAPH ex:g { ex:a ex:b ex:c } }")
    system = {g: n for g, n in graph_sizes(any_store).items() if g.startswith("https://w3id")}
    any_store.update("DROP ALL")
    assert graph_sizes(any_store) == system
    assert values(any_store, "SELECT ?o { ex:d ex:p ?o }") == []
    any_store.update(P + "INSERT DATA { GRAPH ex:g { ex:a ex:b ex:c } } ; CLEAR NAMED")
    assert graph_sizes(any_store).get(f"{EX}g", 0) == 0
    assert {g: n for g, n in graph_sizes(any_store).items() if n} == system


def test_bootstrap_command_restores_the_bundled_graphs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from otmlops.store import open_store

    location = str(tmp_path / "store")
    with open_store(location) as store:
        sizes = graph_sizes(store)
        store._raw_update(f"DROP GRAPH <{ONTOLOGY_GRAPH}>")  # type: ignore[attr-defined]
    result = run_cli_inprocess("bootstrap", "--store", location)
    assert result.returncode == 0, result.stderr
    assert ONTOLOGY_GRAPH in result.stdout
    with open_store(location, bootstrap=False) as store:
        assert graph_sizes(store)[ONTOLOGY_GRAPH] == sizes[ONTOLOGY_GRAPH]
