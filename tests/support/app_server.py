"""The HTTP app in this process, behind FastAPI's TestClient: for protocol and status checks
that need no real socket, process or signal (those keep ``live_server``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fastapi.testclient import TestClient

from otmlops.http.app import create_app
from otmlops.http.settings import ServerSettings
from tests.support.live_server import ServerClient


@dataclass
class AppServer(ServerClient):
    """The app of ``otmlops serve`` with its worker processes, answering through ``client``."""

    base: str
    token: str
    client: TestClient


@contextmanager
def app_server(settings: ServerSettings) -> Iterator[AppServer]:
    """The app built from ``settings`` (what ``serve`` options would set), with its workers
    started, until the block ends."""
    with TestClient(create_app(settings)) as client:
        yield AppServer(str(client.base_url), settings.token or "", client)
