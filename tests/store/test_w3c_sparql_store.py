"""The W3C SPARQL 1.1 query (235) and update (94) evaluation tests, run through ``open_store``
on the embedded (on disk and in memory) and remote (``oxigraph serve``) backends.

Every test that plain pyoxigraph passes must pass through the store, except those listed in
``BY_DESIGN`` with the reason: the store's default graph is the union of all graphs, and its
updates read that union. A listed test that passes fails the run, so the list stays exact.
The stores are opened without the bundled ontology (``bootstrap=False``): with it, every
``?s ?p ?o`` of the suite would also see the ontology's triples.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from otmlops.store import Store, open_store
from tests.support.oxigraph_server import start_server, stop_server
from tests.support.w3c_sparql import (
    W3CTest,
    _bag,
    dataset_passes,
    load_tests,
    plain_query_passes,
    plain_update_passes,
    prepare_plain,
    prepare_store,
    query_passes,
    request_text,
)

TESTS = load_tests()
UNION = (
    "the store's default graph is the union of all graphs, so the named graphs' data "
    "also answers patterns outside GRAPH"
)
USING_REMOTE = (
    "Oxigraph server run with --union-default-graph refuses USING; the remote "
    "backend spells one USING graph as a GRAPH block, but not several, nor USING "
    "next to GRAPH in the WHERE clause (docs/store.md)"
)

#: test id -> why the store answers differently from plain SPARQL (all backends)
BY_DESIGN: dict[str, str] = {
    # ?s :p ?g also matches the named graphs' :p triples, so EXISTS runs for more ?g
    "exists/exists-graph-variable": UNION,
}
#: the same, for one backend only
BY_DESIGN_BACKEND: dict[str, dict[str, str]] = {
    "disk": {},
    "memory": {},
    "remote": {
        # two USING graphs, or USING next to GRAPH: not expressible as one GRAPH block
        "basic-update/insert-using-01": USING_REMOTE,
        "delete/dawg-delete-using-02a": USING_REMOTE,
        "delete/dawg-delete-using-04": USING_REMOTE,
        "delete/dawg-delete-using-06a": USING_REMOTE,
    },
}


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Store]]:
    location = tmp_path_factory.mktemp("w3c-oxigraph")
    proc, url = start_server(location)
    opened = {
        "disk": open_store(str(location.parent / "w3c-disk-store"), bootstrap=False),
        "memory": open_store("memory", bootstrap=False),
        "remote": open_store(url, bootstrap=False),
    }
    try:
        yield opened
    finally:
        for store in opened.values():
            store.close()
        stop_server(proc)


def _passes(store: Store, test: W3CTest) -> bool:
    prepare_store(store, test)
    try:
        if test.kind == "query":
            return query_passes(store.query(request_text(test)), test)
        store.update(request_text(test))
    except Exception:  # noqa: BLE001 - a refused request is a failed test, reported below
        return False
    default = store.export_graph(None, ox.RdfFormat.N_TRIPLES)
    named = {
        g.iri: store.export_graph(g.iri, ox.RdfFormat.N_TRIPLES)
        for g in store.graphs()
        if not g.system
    }
    return dataset_passes(default, named, test)


#: plain pyoxigraph's verdict per test id, worked out once for the three backends
_PLAIN: dict[str, bool] = {}


def _plain_passes(test: W3CTest) -> bool:
    if test.id not in _PLAIN:
        _PLAIN[test.id] = (
            plain_query_passes(test) if test.kind == "query" else plain_update_passes(test)
        )
    return _PLAIN[test.id]


@pytest.mark.parametrize("backend", ["disk", "memory", "remote"])
@pytest.mark.parametrize("test", TESTS, ids=[t.id for t in TESTS])
def test_w3c_through_the_store(stores: dict[str, Store], backend: str, test: W3CTest) -> None:
    plain = _plain_passes(test)
    ours = _passes(stores[backend], test)
    reason = BY_DESIGN.get(test.id) or BY_DESIGN_BACKEND[backend].get(test.id)
    if reason is not None:
        assert plain and not ours, (
            f"listed as differing by design ({reason}), but "
            f"plain={plain} store={ours}: update the list"
        )
        return
    if plain:
        assert ours, f"{test.id}: plain pyoxigraph passes, the store does not"
    elif test.kind == "query":
        # the checker cannot confirm plain pyoxigraph's answer (lexical forms of casts and
        # the like): the store must then give exactly plain pyoxigraph's answer
        assert _same_answer_as_plain(stores[backend], test), test.id


def _same_answer_as_plain(store: Store, test: W3CTest) -> bool:
    prepare_store(store, test)
    ours = store.query(request_text(test))
    plain = prepare_plain(test).query(request_text(test))
    if isinstance(ours, ox.QueryBoolean) or isinstance(plain, ox.QueryBoolean):
        return type(ours) is type(plain) and bool(ours) == bool(plain)
    if isinstance(ours, ox.QuerySolutions) and isinstance(plain, ox.QuerySolutions):
        return _bag(ours) == _bag(plain)
    return False


def test_suite_sizes() -> None:
    kinds = [t.kind for t in TESTS]
    assert kinds.count("query") == 235
    assert kinds.count("update") == 94
