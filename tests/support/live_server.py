"""Starting a real ``otmlops serve`` subprocess on 127.0.0.1 for the HTTP tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support.net import free_port

TOKEN = "test-token-7f3a"


class ServerClient:
    """Requests to a running service, live (:class:`LiveServer`) or in this process
    (``tests.support.app_server.AppServer``): the same calls work on both."""

    base: str
    token: str
    client: httpx.Client

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def url(self, path: str) -> str:
        return self.base + path

    def update(self, sparql: str, timeout: float = 120) -> httpx.Response:
        r = self.client.post(
            self.url("/sparql"),
            content=sparql.encode(),
            headers={"content-type": "application/sparql-update", **self.auth},
            timeout=timeout,
        )
        assert r.status_code == 204, r.text
        return r

    def put_graph(
        self, graph: str, data: bytes, media_type: str = "application/n-triples"
    ) -> httpx.Response:
        r = self.client.put(
            self.url("/store"),
            params={"graph": graph},
            content=data,
            headers={"content-type": media_type, **self.auth},
            timeout=120,
        )
        assert r.status_code in (201, 204), r.text
        return r


@dataclass
class LiveServer(ServerClient):
    """A real ``otmlops serve`` process on 127.0.0.1; ``client`` sends requests over TCP."""

    base: str
    token: str
    proc: subprocess.Popen[bytes]
    log: Path
    client: httpx.Client = field(default_factory=httpx.Client)


@contextmanager
def live_server(
    store: Path,
    *extra: str,
    token: str | None = TOKEN,
    env: dict[str, str] | None = None,
    startup_s: float = 300,
    location: str | None = None,
) -> Iterator[LiveServer]:
    """Run ``otmlops serve`` until the block ends; wait for /healthz first. ``store`` names
    the store folder (and where the token file and log go); ``location`` overrides what is
    passed to --store (e.g. ``memory``)."""
    port = free_port()
    full_env = {**os.environ, **(env or {})}
    full_env.pop("OTMLOPS_TOKEN", None)
    store.parent.mkdir(parents=True, exist_ok=True)
    args = [
        sys.executable,
        "-m",
        "otmlops",
        "serve",
        "--store",
        location or str(store),
        "--port",
        str(port),
    ]
    if token is not None:
        token_file = store.parent / f"{store.name}.token"
        token_file.write_text(token + "\n", encoding="utf-8")
        args += ["--token-file", str(token_file)]
    args += list(extra)
    log = store.parent / f"{store.name}.server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=full_env)
    base = f"http://127.0.0.1:{port}"
    server = LiveServer(base, token or "", proc, log)
    try:
        deadline = time.monotonic() + startup_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text()}")
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not start:\n{log.read_text()}")
            time.sleep(0.05)  # a refused connection costs little; the wait is what adds up
        yield server
    finally:
        server.client.close()
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
