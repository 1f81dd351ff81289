"""Shared test helpers: where things are, and how to run the real CLI as a subprocess."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: Third-party data copied into the repository (origins and licences in its SOURCES.md).
FIXTURES = REPO / "tests" / "fixtures"
EXAMPLES = REPO / "examples"


def run_cli(
    *args: str,
    store: str | os.PathLike[str] | None = None,
    input: bytes | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 300,
    cwd: str | os.PathLike[str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``otmlops ARGS`` in a real subprocess (``python -m otmlops``)."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("OTMLOPS_STORE", None) if env is None or "OTMLOPS_STORE" not in env else None
    cmd = [sys.executable, "-m", "otmlops"]
    if store is not None:
        cmd += ["--store", str(store)]
    cmd += list(args)
    return subprocess.run(
        cmd,
        input=input.decode() if input else None,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=cwd,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def fixtures_dir() -> Path:
    if not FIXTURES.is_dir():
        pytest.fail(f"test fixtures not found at {FIXTURES}")
    return FIXTURES


# --- store fixtures (store layer; tests/oxigraph_server.py) ---------------------------------

from oxigraph_server import oxigraph_server  # noqa: E402,F401  (re-exported fixture)

STORE_KINDS = ("disk", "memory", "remote")


@pytest.fixture(params=STORE_KINDS)
def any_store(request: pytest.FixtureRequest, tmp_path: Path):
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
