"""Where requests run: worker processes that can be killed (embedded store) or threads.

The server's event loop never runs a query. For an embedded store, a writer process holds the
store read-write and N reader processes answer from read-only snapshots; a reader that runs
past its time limit is killed (SIGKILL) and replaced, so a runaway query really stops and
the other readers keep serving. For ``memory`` and remote stores, requests run on threads
(an in-memory store cannot be shared with another process; a remote store enforces its own
limits and our HTTP client gives up at the timeout).
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from otmlops.errors import QueryTimeout, StoreError
from otmlops.runner import backend
from otmlops.runner.snapshots import SnapshotDir, snapshot_root
from otmlops.runner.worker import READ_OPS, WRITE_OPS, error_reply

#: How long a writer that has committed may take to publish the snapshot readers see; it
#: is a hard-link backup (milliseconds), so this only bounds a stuck process.
PUBLISH_TIMEOUT_S = 120.0


class ServiceError(Exception):
    """A request failed with an HTTP status and a message that says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class RunnerStats:
    """Counters the /metrics endpoint reports."""

    timeouts: int = 0
    worker_restarts: int = 0
    generation: int = 0
    extra: dict[str, int] = field(default_factory=dict)


class _Worker:
    """One worker process and the socket we talk to it over."""

    def __init__(self, role: str, location: str, snapdir: Path, keep_s: float) -> None:
        parent, child = socket.socketpair()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "otmlops.runner", role, str(child.fileno()),
             location, str(snapdir), str(keep_s)],
            pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL, env=env,
        )
        child.close()
        self.conn = Connection(parent.detach())
        self.role = role

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise StoreError(f"the {self.role} worker did not start within {timeout:.0f} s")
        reply = self.conn.recv()
        if reply[0] != "ready":
            self.kill()
            raise StoreError(f"the {self.role} worker could not start: {reply[2]}")

    def call(self, message: tuple[str, dict[str, Any]], timeout: float) -> Any:
        """Send one request and wait for its answer; raises TimeoutError (the worker is then
        killed) or ServiceError."""
        try:
            self.conn.send(message)
            ready = self.conn.poll(timeout)
            reply = self.conn.recv() if ready else None
        except (EOFError, OSError) as exc:
            self.kill()
            raise ServiceError(500, f"the {self.role} worker stopped unexpectedly "
                                    f"(exit code {self.proc.poll()})") from exc
        if reply is None:
            self.kill()
            raise TimeoutError
        if reply[0] == "committed":
            return self._after_commit(reply[1])
        if reply[0] == "ok":
            return reply[1]
        raise ServiceError(reply[1], reply[2])

    def _after_commit(self, result: Any) -> tuple[Any, int | None]:
        """The writer has committed; wait for its snapshot, with no request time limit (the
        write is done whatever happens now). (result, None) if no snapshot came: the caller
        restarts the writer, which publishes one when it opens the store."""
        try:
            if self.conn.poll(PUBLISH_TIMEOUT_S):
                reply = self.conn.recv()
                if reply[0] == "ok":
                    return reply[1]
        except (EOFError, OSError):
            pass
        self.kill()
        return result, None

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover
            pass
        self.conn.close()


class ProcessRunner:
    """Writer + reader processes over an embedded store folder."""

    def __init__(self, location: str, *, workers: int = 2, max_timeout: float = 300.0,
                 snapshots: Path | None = None, start_timeout: float = 300.0) -> None:
        self.location = location
        self.workers = max(1, workers)
        self.snapdir = SnapshotDir(snapshots or snapshot_root(location))
        self.keep_s = max_timeout + 30.0
        self.start_timeout = start_timeout
        self.stats = RunnerStats()
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._writer: _Worker | None = None
        self._write_lock = asyncio.Lock()
        self._restart: asyncio.Future[None] | None = None
        self._threads = ThreadPoolExecutor(max_workers=self.workers + 4,
                                           thread_name_prefix="otmlops-runner")
        self._all: set[_Worker] = set()
        self._closing = False
        self._lock = threading.Lock()

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._writer = await loop.run_in_executor(self._threads, self._spawn, "writer")
        self.stats.generation = self.snapdir.generation()
        readers = await asyncio.gather(*[
            loop.run_in_executor(self._threads, self._spawn, "reader")
            for _ in range(self.workers)])
        for reader in readers:
            self._idle.put_nowait(reader)

    def _spawn(self, role: str) -> _Worker:
        worker = _Worker(role, self.location, self.snapdir.root, self.keep_s)
        with self._lock:
            self._all.add(worker)
        worker.wait_ready(self.start_timeout)
        return worker

    def _replace_reader(self, dead: _Worker) -> None:
        """Start a new reader in the background and hand it to the idle queue when ready."""
        with self._lock:
            self._all.discard(dead)
        if self._closing:
            return
        self.stats.worker_restarts += 1
        loop = asyncio.get_running_loop()

        def spawn() -> None:
            try:
                fresh = self._spawn("reader")
            except Exception:  # noqa: BLE001 - try again shortly
                time.sleep(1)
                if not self._closing:
                    loop.call_soon_threadsafe(self._replace_reader, dead)
                return
            loop.call_soon_threadsafe(self._idle.put_nowait, fresh)

        self._threads.submit(spawn)

    async def read(self, op: str, timeout: float, **kwargs: Any) -> Any:
        """Run a read operation on an idle reader; killed and replaced past ``timeout``."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        try:
            worker = await asyncio.wait_for(self._idle.get(), timeout)
        except TimeoutError:
            self.stats.timeouts += 1
            raise QueryTimeout(f"no query worker became free within {timeout:g} s "
                               "(all are busy); try again later") from None
        remaining = max(0.05, timeout - (loop.time() - start))
        try:
            result = await loop.run_in_executor(self._threads, worker.call, (op, kwargs),
                                                remaining)
        except TimeoutError:
            self.stats.timeouts += 1
            self._replace_reader(worker)
            raise QueryTimeout(f"the query was stopped after {timeout:g} s (time limit)") \
                from None
        except ServiceError:
            if worker.alive():
                self._idle.put_nowait(worker)
            else:
                self._replace_reader(worker)
            raise
        except BaseException:
            # cancelled (client went away) or similar: the worker may still be busy
            worker.kill()
            self._replace_reader(worker)
            raise
        self._idle.put_nowait(worker)
        return result

    async def write(self, op: str, timeout: float, **kwargs: Any) -> Any:
        """Run a write on the writer (one at a time); a new snapshot is published before
        this returns, so the next read sees the change."""
        loop = asyncio.get_running_loop()
        async with self._write_lock:
            writer = await self._ensure_writer()
            try:
                result, gen = await loop.run_in_executor(self._threads, writer.call,
                                                         (op, kwargs), timeout)
            except TimeoutError:
                self.stats.timeouts += 1
                self._drop_writer(writer)
                # restart in the background (reopening may recover the store): the client
                # gets its answer now, the next write waits for the new writer
                self._restart = asyncio.ensure_future(self._locked_restart())
                raise QueryTimeout(f"the update was stopped after {timeout:g} s (time limit) "
                                   "before it committed; the store keeps its state from before "
                                   "it") from None
            except ServiceError:
                if not writer.alive():
                    self._drop_writer(writer)
                raise
            if gen is None:  # committed, but no snapshot: a new writer publishes one
                self._drop_writer(writer)
                await self._ensure_writer()
                gen = self.snapdir.generation()
            self.stats.generation = gen
            return result

    def _drop_writer(self, dead: _Worker) -> None:
        dead.kill()
        with self._lock:
            self._all.discard(dead)
        self._writer = None
        self.stats.worker_restarts += 1

    async def _ensure_writer(self) -> _Worker:
        """The writer, started again if it was killed (call with the write lock held)."""
        if self._writer is None:
            loop = asyncio.get_running_loop()
            self._writer = await loop.run_in_executor(self._threads, self._spawn, "writer")
        return self._writer

    async def _locked_restart(self) -> None:
        async with self._write_lock:
            if not self._closing:
                try:
                    await self._ensure_writer()
                except Exception:  # noqa: BLE001 - the next write retries and reports it
                    pass

    async def close(self) -> None:
        self._closing = True
        with self._lock:
            workers = list(self._all)
        for worker in workers:
            try:
                worker.conn.close()
            except OSError:
                pass
        for worker in workers:
            try:
                worker.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
        self._threads.shutdown(wait=False, cancel_futures=True)


class ThreadRunner:
    """Runs operations on threads against one store object (memory or remote stores).

    A thread cannot be stopped: past the timeout the client gets its error, but the work
    may go on in the background. Use an embedded store folder for killable queries."""

    def __init__(self, location: str, *, workers: int = 4) -> None:
        self.location = location
        self.stats = RunnerStats()
        self._threads = ThreadPoolExecutor(max_workers=max(2, workers),
                                           thread_name_prefix="otmlops-runner")
        self._write_lock = asyncio.Lock()
        self.store: Any = None

    async def start(self) -> None:
        from otmlops.store import open_store

        loop = asyncio.get_running_loop()
        self.store = await loop.run_in_executor(self._threads, open_store, self.location)

    async def _run(self, table: dict[str, Any], op: str, timeout: float,
                   kwargs: dict[str, Any]) -> Any:
        loop = asyncio.get_running_loop()

        def call() -> Any:
            try:
                return ("ok", table[op](self.store, **kwargs))
            except BaseException as exc:  # noqa: BLE001
                return error_reply(exc)

        try:
            reply = await asyncio.wait_for(loop.run_in_executor(self._threads, call), timeout)
        except TimeoutError:
            self.stats.timeouts += 1
            raise QueryTimeout(f"the request ran past its {timeout:g} s time limit") from None
        if reply[0] == "ok":
            return reply[1]
        raise ServiceError(reply[1], reply[2])

    async def read(self, op: str, timeout: float, **kwargs: Any) -> Any:
        return await self._run(READ_OPS, op, timeout, kwargs)

    async def write(self, op: str, timeout: float, **kwargs: Any) -> Any:
        async with self._write_lock:
            result = await self._run(WRITE_OPS, op, timeout, kwargs)
        self.stats.generation += 1
        return result

    async def close(self) -> None:
        if self.store is not None:
            self.store.close()
        self._threads.shutdown(wait=False, cancel_futures=True)


Runner = ProcessRunner | ThreadRunner


def make_runner(location: str, *, workers: int = 2, max_timeout: float = 300.0) -> Runner:
    """The right runner for a store location (processes for a store folder)."""
    if backend.is_embedded(location):
        return ProcessRunner(location, workers=workers, max_timeout=max_timeout)
    return ThreadRunner(location, workers=workers)
