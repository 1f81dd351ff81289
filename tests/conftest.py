"""Fixtures shared by the whole suite. Helper functions live in ``tests.support``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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


@pytest.fixture
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a fresh ``oxigraph serve --union-default-graph`` on 127.0.0.1."""
    location = tmp_path_factory.mktemp("oxigraph-server")
    proc, url = start_server(location)
    try:
        yield url
    finally:
        stop_server(proc)


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
