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


@pytest.fixture(scope="session")
def _oxigraph_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_OxigraphProcess]:
    """One ``oxigraph serve --union-default-graph`` process for the session, started on first
    use (``oxigraph_server`` starts it again if a test stopped it)."""
    location = tmp_path_factory.mktemp("oxigraph-server")
    server = _OxigraphProcess(location, *start_server(location))
    try:
        yield server
    finally:
        stop_server(server.proc)


@pytest.fixture
def oxigraph_server(_oxigraph_process: _OxigraphProcess) -> str:
    """Base URL of an empty ``oxigraph serve --union-default-graph`` on 127.0.0.1: the
    session's server process, emptied (``DROP ALL``) before each test, so that each test starts
    from no data without paying for a process start."""
    server = _oxigraph_process
    if server.proc.poll() is not None:
        server.proc, server.url = start_server(server.location)
    r = httpx.post(f"{server.url}/update", data={"update": "DROP ALL"}, timeout=30)
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
    store = open_store(location)
    try:
        yield store
    finally:
        store.close()


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
    tests/support/bytecode.py: with PYTHONDONTWRITEBYTECODE each process compiled it again)."""
    from tests.support.bytecode import compile_otmlops

    compile_otmlops()


# --- garbage collection ----------------------------------------------------------------------


def pytest_collection_finish(session: pytest.Session) -> None:
    """Everything alive once the tests are collected (modules, classes, the libraries they
    imported) is kept out of later collections. Closing an embedded store runs gc.collect()
    (so that no forgotten query iterator keeps the folder locked); in a test process that has
    imported rdflib, pySHACL, FastAPI... each of those took about 0.1 s scanning objects that
    live to the end anyway. Garbage is collected first, and everything made later (stores,
    iterators, answers) is still collected as before."""
    import gc

    gc.collect()
    gc.freeze()
