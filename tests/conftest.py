"""Fixtures shared by the whole suite. Helper functions live in ``tests.support``."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from otmlops.store.base import Store
from tests.support.oxigraph_server import start_server, stop_server
from tests.support.paths import FIXTURES


@pytest.fixture
def fixtures_dir() -> Path:
    if not FIXTURES.is_dir():
        pytest.fail(f"test fixtures not found at {FIXTURES}")
    return FIXTURES


# --- store fixtures (store layer; tests/support/oxigraph_server.py) --------------------------


@dataclass
class _OxigraphProcess:
    location: Path
    proc: subprocess.Popen[bytes]
    url: str
    client: httpx.Client


@pytest.fixture(scope="session")
def _oxigraph_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_OxigraphProcess]:
    """One ``oxigraph serve --union-default-graph`` process for the session, started on first
    use (``oxigraph_server`` starts it again if a test stopped it). It keeps its data in
    memory: every test empties it first, so nothing is to outlive the process, and a write
    costs the server about half of what it costs on disk (the otmlops side is the same)."""
    location = tmp_path_factory.mktemp("oxigraph-server")
    server = _OxigraphProcess(
        location, *start_server(location, in_memory=True), httpx.Client(timeout=30)
    )
    try:
        yield server
    finally:
        server.client.close()
        stop_server(server.proc)


@pytest.fixture
def oxigraph_server(_oxigraph_process: _OxigraphProcess) -> str:
    """Base URL of an empty ``oxigraph serve --union-default-graph`` on 127.0.0.1: the
    session's server process, emptied (``DROP ALL``) before each test, so that each test starts
    from no data without paying for a process start."""
    server = _oxigraph_process
    if server.proc.poll() is not None:
        server.proc, server.url = start_server(server.location, in_memory=True)
    r = server.client.post(f"{server.url}/update", data={"update": "DROP ALL"})
    assert r.status_code in (200, 204), r.text
    return server.url


STORE_KINDS = ("disk", "memory", "remote")


@pytest.fixture(params=STORE_KINDS)
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An open, bootstrapped store of each backend: embedded on disk, in memory, and remote
    (a real ``oxigraph serve`` process). ``request.param`` tells which."""
    from otmlops.store import open_store

    if request.param == "disk":
        location = str(tmp_path / "store")
    elif request.param == "memory":
        location = "memory"
    else:
        location = request.getfixturevalue("oxigraph_server")
    with open_store(location) as store:
        yield store


@pytest.fixture(scope="module", params=STORE_KINDS)
def shared_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """As ``any_store``, but one store per backend for the whole test module: for tests that
    only read what the module's own fixture loads into it once. The remote one gets an
    ``oxigraph serve`` of its own, since ``oxigraph_server`` empties the session's server
    before each test."""
    from otmlops.store import open_store

    folder = tmp_path_factory.mktemp(f"shared-{request.param}")
    server = None
    if request.param == "disk":
        location = str(folder / "store")
    elif request.param == "memory":
        location = "memory"
    else:
        server, location = start_server(folder / "oxigraph", in_memory=True)
    try:
        with open_store(location) as store:
            yield store
    finally:
        if server is not None:
            stop_server(server)


# --- order of files --------------------------------------------------------------------------


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files of end-to-end tests first: files whose tests are all marked slow, then files with
    some, then the rest, each group in its usual order.

    With ``--dist loadfile`` a worker takes a whole file at a time; a long file handed out last
    would leave the other worker idle until it ends, so the long files go out first and the
    many short ones even out the end. Tests inside a file keep their order.
    """
    counts: dict[Path, list[int]] = {}
    for item in items:
        seen = counts.setdefault(item.path, [0, 0])
        seen[0] += 1
        seen[1] += item.get_closest_marker("slow") is not None

    def rank(item: pytest.Item) -> int:
        total, slow = counts[item.path]
        return 0 if slow == total else 1 if slow else 2

    items.sort(key=rank)


# --- bytecode for the processes the tests start -----------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    """otmlops' bytecode on disk before any test starts an otmlops process (see
    tests/support/bytecode.py: with PYTHONDONTWRITEBYTECODE each process compiled it again).
    Done once, by the process that starts the xdist workers (or the only one)."""
    if hasattr(config, "workerinput"):
        return
    from tests.support.bytecode import compile_otmlops

    compile_otmlops()


# --- garbage collection ----------------------------------------------------------------------


def pytest_collection_finish(session: pytest.Session) -> None:
    """Move everything imported and collected so far out of the cyclic collector's reach.

    Closing a store on disk runs ``gc.collect()`` so that no forgotten result iterator keeps
    the folder locked; in a test process that has imported rdflib, pySHACL, FastAPI and
    schemathesis each full collection walked those modules' objects again (~75 ms, once per
    store closed). Objects made by the tests themselves are collected as before."""
    import gc

    gc.collect()
    gc.freeze()
