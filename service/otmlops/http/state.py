"""What the route handlers share: settings, the runner, metrics."""

from __future__ import annotations

import time
from collections.abc import Awaitable
from dataclasses import dataclass, field

from fastapi import Request

from otmlops.errors import OtmlopsError, QueryTimeout
from otmlops.http.errors import HttpError
from otmlops.http.metrics import Metrics
from otmlops.http.settings import ServerSettings
from otmlops.runner import Runner, ServiceError


@dataclass
class AppState:
    settings: ServerSettings
    runner: Runner
    metrics: Metrics = field(default_factory=Metrics)
    started: float = field(default_factory=time.time)
    ready: bool = False
    _triples: tuple[float, int | None] = (0.0, None)
    _runner_started: bool = False

    async def start_runner(self) -> None:
        """Start the workers once: ``serve`` starts them before uvicorn (so a store that
        cannot open is one clear error), the app's lifespan otherwise."""
        if not self._runner_started:
            await self.runner.start()
            self._runner_started = True

    async def read(self, op: str, timeout: float, **kwargs: object) -> object:
        return await _as_http(self.runner.read(op, timeout, **kwargs))

    async def write(self, op: str, timeout: float, **kwargs: object) -> object:
        return await _as_http(self.runner.write(op, timeout, **kwargs))

    async def triple_count(self) -> int | None:
        """Store size for /metrics, cached for a few seconds (it is a store scan)."""
        at, value = self._triples
        if time.monotonic() - at < 5.0 and value is not None:
            return value
        try:
            value = int(await self.read("triple_count", self.settings.timeout))  # type: ignore[arg-type]
        except HttpError:
            value = None
        self._triples = (time.monotonic(), value)
        return value


def state_of(request: Request) -> AppState:
    return request.app.state.otmlops


async def _as_http(call: Awaitable[object]) -> object:
    """Await a runner call, turning its errors into the HTTP status they stand for."""
    try:
        return await call
    except ServiceError as exc:
        raise HttpError(exc.status, exc.message) from None
    except QueryTimeout as exc:
        raise HttpError(503, str(exc)) from None
    except OtmlopsError as exc:
        raise HttpError(exc.http_status, str(exc)) from None
