"""Starting, waiting for and stopping `otmlops serve` (and other servers) in a benchmark.

Benchmarks run as ``python bench/NAME.py``, so this folder is on the import path, as it is for
docsection.py. Servers bind 127.0.0.1 on a free port.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_serve(
    store: Path,
    port: int,
    log: IO[bytes],
    *options: str,
    env: Mapping[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """``python -m otmlops serve --store STORE --port PORT OPTIONS...``, output into ``log``."""
    command = [sys.executable, "-m", "otmlops", "serve", "--store", str(store)]
    return subprocess.Popen(
        [*command, "--port", str(port), *options],
        env=None if env is None else dict(env),
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_up(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 600) -> None:
    """Return once ``url`` answers below 500; SystemExit with the log's end if the server
    exits or does not answer within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=5).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"server at {url} did not start:\n{log.read_text()[-3000:]}")


def stop(*procs: subprocess.Popen[bytes], timeout: float = 30) -> None:
    """SIGTERM every process, then SIGKILL those still running after ``timeout`` seconds."""
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
