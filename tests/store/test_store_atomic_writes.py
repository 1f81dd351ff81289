"""Writes that replace data are atomic on every path: GSP PUT of the default graph (also under
SIGKILL), multi-graph replaces (importers), and remote replaces whose final MOVE fails."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from otmlops.errors import StoreError, UsageError
from otmlops.store import Store, open_store
from otmlops.store.remote import RemoteStore

EX = "http://example.org/"
OLD_DEFAULT = b'<http://example.org/old> <http://example.org/p> "1" .\n'


def default_graph(store: Store) -> set[str]:
    return set(store.export_graph(None, ox.RdfFormat.N_TRIPLES).decode().splitlines())


def ntriples(n: int, tag: str) -> bytes:
    return "".join(f'<{EX}{tag}/{i}> <{EX}p> "{i}" .\n' for i in range(n)).encode()


def test_put_default_graph_replaces_it_in_one_write(any_store: Store) -> None:
    any_store.add_to_graph(OLD_DEFAULT, graph=None, format=ox.RdfFormat.N_TRIPLES)
    for size in (3, 5_000):  # one update; the bulk path
        n = any_store.replace_default_graph(
            ntriples(size, f"new{size}"), format=ox.RdfFormat.N_TRIPLES
        )
        assert n == size
        assert len(default_graph(any_store)) == size
    with pytest.raises(Exception):  # noqa: B017 - a syntax error, reported by the parser
        any_store.replace_default_graph(b"<broken", format=ox.RdfFormat.N_TRIPLES)
    assert len(default_graph(any_store)) == 5_000


def test_replace_graphs_is_all_or_nothing(any_store: Store) -> None:
    any_store.load(ntriples(2, "a"), graph=f"{EX}a", format=ox.RdfFormat.N_TRIPLES)
    stored = any_store.replace_graphs(
        {f"{EX}a": ntriples(3, "a2"), f"{EX}b": ntriples(4, "b")}, format=ox.RdfFormat.N_TRIPLES
    )
    assert stored == {f"{EX}a": 3, f"{EX}b": 4}
    before = {g.iri: g.triples for g in any_store.graphs()}
    with pytest.raises(UsageError):
        any_store.replace_graphs(
            {
                f"{EX}a": ntriples(1, "x"),
                "https://w3id.org/otmlops/graph/ontology": ntriples(1, "y"),
            },
            format=ox.RdfFormat.N_TRIPLES,
        )
    with pytest.raises(Exception):  # noqa: B017 - a syntax error in the second graph
        any_store.replace_graphs(
            {f"{EX}a": ntriples(1, "x"), f"{EX}b": b"<broken"}, format=ox.RdfFormat.N_TRIPLES
        )
    assert {g.iri: g.triples for g in any_store.graphs()} == before


PUTTER = """
import sys
from pathlib import Path
import pyoxigraph as ox
from otmlops.store import open_store
from otmlops.store.embedded import EmbeddedStore

original = EmbeddedStore._bulk_write
def announce(self, plan, progress):  # tell the test that the write has started
    print("writing", flush=True)
    original(self, plan, progress)
EmbeddedStore._bulk_write = announce

with open_store(sys.argv[1]) as store:
    store.replace_default_graph(Path(sys.argv[2]), format=ox.RdfFormat.N_TRIPLES)
print("finished", flush=True)
"""


@pytest.mark.slow
def test_sigkill_during_put_of_the_default_graph_keeps_it(tmp_path: Path) -> None:
    location = tmp_path / "store"
    with open_store(str(location)) as store:
        store.add_to_graph(OLD_DEFAULT, graph=None, format=ox.RdfFormat.N_TRIPLES)
        before = default_graph(store)
    big = tmp_path / "big.nt"
    big.write_bytes(ntriples(400_000, "big"))
    proc = subprocess.Popen(
        [sys.executable, "-c", PUTTER, str(location), str(big)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    assert line == "writing", proc.stderr.read() if proc.stderr else line
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    with open_store(str(location), bootstrap=False) as store:
        assert default_graph(store) == before


class _LosesStagedGraphs(RemoteStore):
    """A remote store whose staging graph is dropped by someone else right after it was
    counted: the MOVE then finds no source."""

    def _count_graph(self, graph: str) -> int:
        n = super()._count_graph(graph)
        if graph.startswith("urn:otmlops:staging:"):
            self._raw_update(f"DROP GRAPH <{graph}>")
        return n


class _StoresTooLittle(RemoteStore):
    """A remote store whose server keeps only part of an upload."""

    def _send(self, method: str, url: str, **kwargs: object):  # type: ignore[no-untyped-def]
        if method == "PUT":
            kwargs["content"] = b"".join(bytes(kwargs["content"]).splitlines(True)[:10])  # type: ignore[arg-type]
        return super()._send(method, url, **kwargs)


@pytest.mark.parametrize("kind", [_LosesStagedGraphs, _StoresTooLittle])
def test_remote_replace_that_cannot_finish_keeps_the_old_graph(
    oxigraph_server: str, kind: type[RemoteStore]
) -> None:
    graph = f"{EX}plant"
    with open_store(oxigraph_server) as store:
        store.load(ntriples(5, "old"), graph=graph, format=ox.RdfFormat.N_TRIPLES)
    broken = kind.from_location(oxigraph_server)
    try:
        with pytest.raises((StoreError, UsageError)):
            broken.load(ntriples(20_000, "new"), graph=graph, format=ox.RdfFormat.N_TRIPLES)
    finally:
        broken.close()
    with open_store(oxigraph_server) as store:
        counts = {g.iri: g.triples for g in store.graphs()}
        assert counts[graph] == 5
        assert not any(g.startswith("urn:otmlops:staging:") for g in counts)
        assert not store.has_graph("urn:otmlops:staging:")


@pytest.mark.slow
def test_put_of_the_default_graph_stopped_by_its_time_limit_keeps_it(tmp_path: Path) -> None:
    import httpx

    from tests.support.live_server import live_server

    body = ntriples(600_000, "big")
    with live_server(
        tmp_path / "store",
        "--workers",
        "1",
        "--timeout",
        "1",
        "--max-timeout",
        "1",
        "--body-limit",
        str(len(body) + 1000),
    ) as srv:
        r = httpx.put(
            srv.url("/store"),
            params={"default": ""},
            content=OLD_DEFAULT,
            headers={"content-type": "application/n-triples", **srv.auth},
            timeout=60,
        )
        assert r.status_code in (201, 204), r.text
        r = httpx.put(
            srv.url("/store"),
            params={"default": ""},
            content=body,
            headers={"content-type": "application/n-triples", **srv.auth},
            timeout=300,
        )
        assert r.status_code == 503, r.text
        assert "before it committed" in r.text
        got = httpx.get(
            srv.url("/store"),
            params={"default": ""},
            headers={"accept": "application/n-triples"},
            timeout=60,
        )
        assert got.status_code == 200
        assert set(got.text.splitlines()) == {OLD_DEFAULT.decode().strip()}


UPDATER = """
import sys
from otmlops.store import open_store
from otmlops.store.embedded import EmbeddedStore

original = EmbeddedStore._run_operation
def announce(self, op):  # tell the test each operation of the request as it starts
    print("operation", flush=True)
    original(self, op)
EmbeddedStore._run_operation = announce

with open_store(sys.argv[1]) as store:
    print("started", flush=True)
    store.update("INSERT DATA { GRAPH <http://example.org/first> { <http://example.org/a> "
                 "<http://example.org/p> 1 } } ;\\n"
                 "INSERT { GRAPH <http://example.org/second> { ?a <http://example.org/p> ?d } } "
                 "WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
print("finished", flush=True)
"""


@pytest.mark.slow
def test_sigkill_inside_a_multi_operation_update_undoes_the_earlier_operations(
    tmp_path: Path,
) -> None:
    location = tmp_path / "store"
    with open_store(str(location)) as store:
        before = {g.iri: g.triples for g in store.graphs()}
    proc = subprocess.Popen(
        [sys.executable, "-c", UPDATER, str(location)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "started"
    # the second operation starting means the first one is written; the second one's cartesian
    # WHERE (over the bootstrapped ontology) runs far longer than the kill takes to arrive
    for _ in range(2):
        line = proc.stdout.readline().strip()
        assert line == "operation", proc.stderr.read() if proc.stderr else line
    assert proc.poll() is None, "the cartesian WHERE finished too soon to test anything"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    with open_store(str(location), bootstrap=False) as store:
        assert {g.iri: g.triples for g in store.graphs()} == before


FAKE_WRITER = """
import sys, time
from multiprocessing.connection import Connection
conn = Connection(int(sys.argv[1]))
conn.recv()
time.sleep(float(sys.argv[2]))          # the write itself
conn.send(("committed", "result"))
time.sleep(60)                          # a publication that never ends
"""


def test_a_write_past_its_commit_point_is_reported_done(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pool's side of the writer protocol, against a real process: a write that said
    "committed" is answered as done even when the request's time limit passes while the
    snapshot is being published (the caller then restarts the writer, which publishes)."""
    import socket

    from otmlops.runner import pool

    # the write takes 0.05 s and says "committed" well inside the request's 0.5 s; the wait
    # for its snapshot (0.6 s, never sent) then runs past that limit
    monkeypatch.setattr(pool, "PUBLISH_TIMEOUT_S", 0.6)
    parent, child = socket.socketpair()
    proc = subprocess.Popen(
        [sys.executable, "-c", FAKE_WRITER, str(child.fileno()), "0.05"], pass_fds=(child.fileno(),)
    )
    child.close()
    worker = pool._Worker.__new__(pool._Worker)
    worker.proc, worker.role = proc, "writer"
    worker.conn = pool.Connection(parent.detach())
    try:
        assert worker.call(("update", {}), timeout=0.5) == ("result", None)
        assert proc.wait(timeout=10) != 0  # killed: a new writer will publish the snapshot
    finally:
        if proc.poll() is None:
            proc.kill()
