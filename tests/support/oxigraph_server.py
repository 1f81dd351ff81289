"""A real ``oxigraph serve`` process on a free loopback port, for remote-store tests.

tests/conftest.py wraps it as the ``oxigraph_server`` fixture (yields the base URL, e.g.
``http://127.0.0.1:PORT``); each test gets a fresh, empty server with a union default graph.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.net import free_port


def oxigraph_binary() -> str:
    """The ``oxigraph`` CLI from the PyPI package, next to this interpreter or on PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        pytest.fail(
            "the `oxigraph` command is missing; install the test extra (pip install -e .[test])"
        )
    return found


def start_server(
    location: Path, *, union: bool = True, timeout: float = 30.0, in_memory: bool = False
) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``oxigraph serve`` on a free port and wait until it answers. Its data lives in
    ``location``, or with ``in_memory`` in the server's memory (``location`` then only names
    its log file)."""
    for _attempt in range(5):
        port = free_port()
        cmd = [oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}"]
        if not in_memory:
            cmd += ["--location", str(location)]
        if union:
            cmd.append("--union-default-graph")
        log = location.with_name(location.name + ".log").open("wb")
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break  # port taken meanwhile, or a startup error: try again
            try:
                httpx.post(f"{url}/query", data={"query": "ASK {}"}, timeout=1.0)
                return proc, url
            except httpx.HTTPError:
                time.sleep(0.05)
        stop_server(proc)
    err = location.with_name(location.name + ".log").read_text(errors="replace")
    raise RuntimeError(f"oxigraph serve did not start: {err[-2000:]}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
