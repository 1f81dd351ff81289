"""What the route handlers share: settings, the runner, metrics."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import TypeVar, overload

from fastapi import Request
from fastapi.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from otmlops import media_types
from otmlops.errors import ClientGone, OtmlopsError, QueryTimeout
from otmlops.http.metrics import Metrics
from otmlops.http.settings import ServerSettings
from otmlops.redact import redact
from otmlops.runner import Runner
from otmlops.runner.pool import StreamedReply
from otmlops.runner.tasks import ReadTask, Reply, TripleCount, WriteTask

T = TypeVar("T")
R = TypeVar("R")
_log = logging.getLogger("otmlops.http")


@dataclass
class AppState:
    settings: ServerSettings
    runner: Runner
    metrics: Metrics = field(default_factory=Metrics)
    started: float = field(default_factory=time.time)
    ready: bool = False
    _triples: tuple[float, int | None] = (0.0, None)
    _runner_started: bool = False
    _slots: dict[str, _Slot] = field(default_factory=dict)

    async def start_runner(self) -> None:
        """Start the workers once: ``serve`` starts them before uvicorn (so a store that
        cannot open is one clear error), the app's lifespan otherwise."""
        if not self._runner_started:
            await self.runner.start()
            self._runner_started = True

    async def read(self, task: ReadTask[R], timeout: float) -> R:
        """Run a read task on the runner (errors are OtmlopsErrors: the app maps them)."""
        return await self.runner.read(task, timeout)

    async def answer(self, request: Request, task: ReadTask[Reply], timeout: float) -> Response:
        """Run a read for a client and answer it: at most ``client_limit`` at once per
        client address (more wait their turn), stopped as soon as the client disconnects,
        and a large answer streamed from the worker in chunks."""
        address = request.client.host if request.client else ""
        slot = self._slots.setdefault(address, _Slot(self.settings.client_limit))
        loop = asyncio.get_running_loop()
        start = loop.time()
        try:
            acquired = await _watching(request, slot.acquire(), timeout)
        except BaseException:
            self._forget_idle(address, slot)
            raise
        if not acquired:
            self._forget_idle(address, slot)
            self.runner.stats.timeouts += 1
            raise QueryTimeout(
                f"this client address already runs {slot.limit} "
                f"request(s) at once (the server's --per-client limit) and "
                f"none finished within {timeout:g} s; try again later",
            )
        release = True
        try:
            left = max(0.05, timeout - (loop.time() - start))
            reply = await _watching(request, self.runner.stream(task, left), None)
            if isinstance(reply, StreamedReply):
                release = False
                return _StreamingAnswer(reply, on_close=lambda: self._free(address, slot))
            return Response(reply.body, media_type=media_types.content_type(reply.media_type))
        finally:
            if release:
                self._free(address, slot)

    def _free(self, address: str, slot: _Slot) -> None:
        slot.release()
        self._forget_idle(address, slot)

    def _forget_idle(self, address: str, slot: _Slot) -> None:
        if slot.idle and self._slots.get(address) is slot:
            del self._slots[address]

    async def write(self, task: WriteTask[R], timeout: float) -> R:
        """Run a write task on the runner's writer."""
        return await self.runner.write(task, timeout)

    async def triple_count(self) -> int | None:
        """Store size for /metrics, cached for a few seconds (it is a store scan)."""
        at, value = self._triples
        if time.monotonic() - at < 5.0 and value is not None:
            return value
        try:
            value = await self.read(TripleCount(), self.settings.timeout)
        except OtmlopsError:
            value = None
        self._triples = (time.monotonic(), value)
        return value


class _Slot:
    """How many reads one client address runs; more wait in order."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.semaphore = asyncio.Semaphore(limit)
        self.users = 0

    async def acquire(self) -> bool:
        self.users += 1
        try:
            await self.semaphore.acquire()
        except BaseException:
            self.users -= 1
            raise
        return True

    def release(self) -> None:
        self.users -= 1
        self.semaphore.release()

    @property
    def idle(self) -> bool:
        return self.users == 0


#: How often a waiting request checks whether its client is still there (seconds).
DISCONNECT_POLL_S = 0.2


@overload
async def _watching(request: Request, work: Awaitable[T], timeout: None) -> T: ...
@overload
async def _watching(request: Request, work: Awaitable[T], timeout: float) -> T | None: ...


async def _watching(request: Request, work: Awaitable[T], timeout: float | None) -> T | None:
    """Await ``work`` while checking the client is still connected; on disconnect the work
    is cancelled (a worker running it is killed) and ClientGone (499) raised. With ``timeout``,
    returns None once it passes (the work cancelled). Work that finishes while it is
    being given up is returned all the same, so nothing it acquired is lost."""
    task = asyncio.ensure_future(work)
    loop = asyncio.get_running_loop()
    deadline = None if timeout is None else loop.time() + timeout
    try:
        while True:
            wait = DISCONNECT_POLL_S
            if deadline is not None:
                wait = min(wait, deadline - loop.time())
            if wait > 0:
                await asyncio.wait({task}, timeout=wait)
            if task.done():
                return task.result()
            if deadline is not None and loop.time() >= deadline:
                gone = False
                break
            if await request.is_disconnected():
                gone = True
                break
        task.cancel()
        with suppress(asyncio.CancelledError):
            return await task  # it finished before the cancellation reached it
        me = asyncio.current_task()
        if me is not None and me.cancelling():  # our own cancellation: pass it on
            raise asyncio.CancelledError
        if gone:
            raise ClientGone("the client closed the connection; its request was stopped")
        return None
    finally:
        if not task.done():  # we were cancelled ourselves (shutdown)
            task.cancel()
            with suppress(BaseException):
                await task


class _StreamingAnswer(StreamingResponse):
    """Streams a worker's chunks; whatever happens to the response (sent, client gone,
    error), the worker is released or stopped and the client's slot freed."""

    def __init__(self, reply: StreamedReply, on_close: Callable[[], None]) -> None:
        super().__init__(reply.chunks, media_type=media_types.content_type(reply.media_type))
        self.reply = reply
        self.on_close = on_close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except OtmlopsError as exc:
            # the status line is gone: the only honest signal left is to end the connection
            # without the last chunk, so the client sees an incomplete answer
            _log.warning("answer cut off after it started: %s", redact(str(exc)))
        finally:
            self.reply.close()
            self.on_close()


def state_of(request: Request) -> AppState:
    return request.app.state.otmlops
