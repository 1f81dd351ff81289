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
import functools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TypeVar, cast

from otmlops.errors import (
    MEMORY_MESSAGE,
    Forbidden,
    OtmlopsError,
    QueryTimeout,
    ReportedError,
    ResourceLimit,
    StoreError,
    UsageError,
)
from otmlops.runner import backend
from otmlops.runner.snapshots import SnapshotDir, snapshot_root
from otmlops.runner.tasks import ReadTask, Reply, WriteTask
from otmlops.runner.worker import Failure, error_reply
from otmlops.store.base import Store

R = TypeVar("R")

#: How long a writer that has committed may take to publish the snapshot readers see; it
#: is a hard-link backup (milliseconds), so this only bounds a stuck process.
PUBLISH_TIMEOUT_S = 120.0


def raised(failure: Failure | tuple[object, ...]) -> OtmlopsError:
    """The error to raise for a worker's ("err" | "abort", status, exit code, message)."""
    _, http_status, exit_code, message = failure
    if message == MEMORY_MESSAGE:
        return ResourceLimit(MEMORY_MESSAGE)
    return ReportedError(
        str(message), http_status=cast(int, http_status), exit_code=cast(int, exit_code)
    )


@dataclass
class RunnerStats:
    """Counters the /metrics endpoint reports."""

    timeouts: int = 0
    worker_restarts: int = 0
    #: requests stopped because they reached the worker memory cap
    memory_stops: int = 0
    #: requests stopped because their client went away
    cancelled: int = 0
    generation: int = 0
    extra: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class StreamHead:
    """A worker started sending a large answer in chunks."""

    media_type: str
    kind: str


@dataclass
class StreamedReply:
    """A large answer: its media type and the chunks, read from the worker as the client
    takes them (the worker stays busy until the last one; closing early stops it)."""

    media_type: str
    kind: str
    chunks: AsyncIterator[bytes]
    #: Stops the worker if the stream was not read to its end (idempotent); call it when
    #: the response is done, whether or not the chunks were ever iterated.
    close: Callable[[], None]


class _Worker:
    """One worker process and the socket we talk to it over."""

    def __init__(
        self, role: str, location: str, snapdir: Path, keep_s: float, memory: int = 0
    ) -> None:
        parent, child = socket.socketpair()
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "OTMLOPS_WORKER_MEMORY": str(memory)}
        self.memory = memory
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "otmlops.runner",
                role,
                str(child.fileno()),
                location,
                str(snapdir),
                str(keep_s),
            ],
            pass_fds=(child.fileno(),),
            stdin=subprocess.DEVNULL,
            env=env,
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
            if self.role == "direct":  # serving read-only: the store is missing or not set up
                raise UsageError(reply[3])
            raise StoreError(f"the {self.role} worker could not start: {reply[3]}")

    def call(self, message: object, timeout: float) -> object:
        """Send one request (a write task, or (read task, stream)) and wait for its answer;
        raises TimeoutError (the worker is then killed) or the request's error."""
        try:
            self.conn.send(message)
        except (EOFError, OSError) as exc:
            raise self._died() from exc
        reply = self.next_message(timeout)
        if reply[0] == "committed":
            return self._after_commit(reply[1])
        if reply[0] == "ok":
            return reply[1]
        if reply[0] == "head":
            return StreamHead(str(reply[1]), str(reply[2]))
        raise raised(reply)

    def next_message(self, timeout: float) -> tuple[object, ...]:
        """The worker's next message; TimeoutError (worker killed) or StoreError if it
        died."""
        try:
            ready = self.conn.poll(timeout)
            reply = self.conn.recv() if ready else None
        except (EOFError, OSError) as exc:
            raise self._died() from exc
        if reply is None:
            self.kill()
            raise TimeoutError
        return reply

    def _died(self) -> StoreError:
        """The error for a worker that stopped while working (killed, crashed, out of
        memory: an allocation past the cap aborts the process)."""
        self.kill()
        code = self.proc.poll()
        if self.memory and code in (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS):
            return ResourceLimit(MEMORY_MESSAGE)
        return StoreError(f"the {self.role} worker stopped unexpectedly (exit code {code})")

    def _after_commit(self, result: object) -> tuple[object, int | None]:
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

    def __init__(
        self,
        location: str,
        *,
        workers: int = 2,
        max_timeout: float = 300.0,
        snapshots: Path | None = None,
        start_timeout: float = 300.0,
        read_only: bool = False,
        worker_memory: int | None = None,
    ) -> None:
        self.location = location
        #: bytes of memory each worker may use (0: no cap)
        self.worker_memory = (
            default_worker_memory(workers) if worker_memory is None else worker_memory
        )
        #: read-only: no writer, no snapshots; readers open the store folder read-only
        self.read_only = read_only
        self._reader_role = "direct" if read_only else "reader"
        self.workers = max(1, workers)
        self.snapdir = SnapshotDir(snapshots or snapshot_root(location))
        self.keep_s = max_timeout + 30.0
        self.start_timeout = start_timeout
        self.stats = RunnerStats()
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._writer: _Worker | None = None
        self._write_lock = asyncio.Lock()
        #: the background restart after a stopped write (held so it is not garbage-collected)
        self._restart: asyncio.Future[None] | None = None
        self._threads = ThreadPoolExecutor(
            max_workers=self.workers + 4, thread_name_prefix="otmlops-runner"
        )
        self._all: set[_Worker] = set()
        self._closing = False
        self._lock = threading.Lock()

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        if not self.read_only:
            self._writer = await loop.run_in_executor(self._threads, self._spawn, "writer")
            self.stats.generation = self.snapdir.generation()
        first = await loop.run_in_executor(self._threads, self._spawn, self._reader_role)
        readers = [
            first,
            *await asyncio.gather(
                *[
                    loop.run_in_executor(self._threads, self._spawn, self._reader_role)
                    for _ in range(self.workers - 1)
                ]
            ),
        ]
        for reader in readers:
            self._idle.put_nowait(reader)

    def _spawn(self, role: str) -> _Worker:
        # the cap is for query workers: the writer serves token holders only, and a bulk
        # load may legitimately need more
        worker = _Worker(
            role,
            self.location,
            self.snapdir.root,
            self.keep_s,
            0 if role == "writer" else self.worker_memory,
        )
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
                fresh = self._spawn(self._reader_role)
            except Exception:  # noqa: BLE001 - try again shortly
                time.sleep(1)
                if not self._closing:
                    loop.call_soon_threadsafe(self._replace_reader, dead)
                return
            loop.call_soon_threadsafe(self._idle.put_nowait, fresh)

        self._threads.submit(spawn)

    async def read(self, task: ReadTask[R], timeout: float) -> R:
        """Run a read task on an idle reader; killed and replaced past ``timeout``."""
        return cast(R, await self._read(task, timeout, stream=False))

    async def stream(self, task: ReadTask[Reply], timeout: float) -> Reply | StreamedReply:
        """Run a read task whose answer may be large: it comes back as a
        :class:`StreamedReply` whose chunks are read from the worker as the client takes
        them; the worker is released after the last chunk, or killed and replaced if the
        stream is closed early (client gone) or the worker spends more than ``timeout`` in
        all producing the answer. A small answer is one Reply."""
        return cast(Reply | StreamedReply, await self._read(task, timeout, stream=True))

    async def _read(self, task: ReadTask[object], timeout: float, *, stream: bool) -> object:
        loop = asyncio.get_running_loop()
        start = loop.time()
        try:
            worker = await asyncio.wait_for(self._idle.get(), timeout)
        except TimeoutError:
            self.stats.timeouts += 1
            raise QueryTimeout(
                f"no query worker became free within {timeout:g} s (all are busy); try again later"
            ) from None
        remaining = max(0.05, timeout - (loop.time() - start))
        began = loop.time()
        try:
            result = await loop.run_in_executor(
                self._threads, worker.call, (task, stream), remaining
            )
        except TimeoutError:
            self.stats.timeouts += 1
            self._replace_reader(worker)
            raise QueryTimeout(f"the query was stopped after {timeout:g} s (time limit)") from None
        except OtmlopsError as exc:
            memory = isinstance(exc, ResourceLimit)
            if memory:
                self.stats.memory_stops += 1
            if worker.alive() and not memory:
                self._idle.put_nowait(worker)
            else:
                worker.kill()
                self._replace_reader(worker)
            raise
        except BaseException:
            # cancelled (client went away) or similar: the worker may still be busy
            self.stats.cancelled += 1
            worker.kill()
            self._replace_reader(worker)
            raise
        if isinstance(result, StreamHead):
            budget = remaining - (loop.time() - began)
            lease = _Lease(self, worker)
            return StreamedReply(
                result.media_type,
                result.kind,
                self._chunks(lease, budget, timeout),
                lambda: lease.release(finished=False),
            )
        self._idle.put_nowait(worker)
        return result

    async def _chunks(self, lease: _Lease, budget: float, timeout: float) -> AsyncIterator[bytes]:
        """The chunks of a streamed answer. ``budget`` is the worker time left: only time
        spent waiting for the worker counts, not time the client takes to read."""
        loop = asyncio.get_running_loop()
        worker = lease.worker
        finished = False
        try:
            while True:
                if budget <= 0:
                    raise TimeoutError
                began = loop.time()
                message = await loop.run_in_executor(self._threads, worker.next_message, budget)
                budget -= loop.time() - began
                if message[0] == "chunk":
                    yield cast(bytes, message[1])
                elif message[0] == "end":
                    finished = True
                    return
                else:  # ("abort", status, exit code, message): it cannot be completed
                    raise raised(message)
        except TimeoutError:
            self.stats.timeouts += 1
            raise QueryTimeout(f"the answer was stopped after {timeout:g} s (time limit)") from None
        except ResourceLimit:
            self.stats.memory_stops += 1
            raise
        except BaseException:
            self.stats.cancelled += 1
            raise
        finally:
            lease.release(finished)

    async def write(self, task: WriteTask[R], timeout: float) -> R:
        """Run a write task on the writer (one at a time); a new snapshot is published
        before this returns, so the next read sees the change."""
        if self.read_only:
            raise Forbidden("the server runs in read-only mode; writes are refused")
        loop = asyncio.get_running_loop()
        async with self._write_lock:
            writer = await self._ensure_writer()
            try:
                answer = await loop.run_in_executor(self._threads, writer.call, task, timeout)
                result, gen = cast(tuple[R, int | None], answer)
            except TimeoutError:
                self.stats.timeouts += 1
                self._drop_writer(writer)
                # restart in the background (reopening may recover the store): the client
                # gets its answer now, the next write waits for the new writer
                self._restart = asyncio.ensure_future(self._locked_restart())
                raise QueryTimeout(
                    f"the update was stopped after {timeout:g} s (time limit) "
                    "before it committed; the store keeps its state from before "
                    "it"
                ) from None
            except OtmlopsError:
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


class _Lease:
    """A reader lent to one streamed answer; released exactly once: back to the idle queue
    after the last chunk, else killed and replaced."""

    def __init__(self, runner: ProcessRunner, worker: _Worker) -> None:
        self.runner = runner
        self.worker = worker
        self.done = False

    def release(self, finished: bool) -> None:
        if self.done:
            return
        self.done = True
        if finished:
            self.runner._idle.put_nowait(self.worker)
            return
        self.worker.kill()
        try:
            self.runner._replace_reader(self.worker)
        except RuntimeError:  # no running loop (interpreter shutting down)
            pass


class ThreadRunner:
    """Runs operations on threads against one store object (memory or remote stores).

    A thread cannot be stopped: past the timeout the client gets its error, but the work
    may go on in the background. Use an embedded store folder for killable queries."""

    def __init__(self, location: str, *, workers: int = 4, read_only: bool = False) -> None:
        self.location = location
        self.read_only = read_only
        self.stats = RunnerStats()
        self._threads = ThreadPoolExecutor(
            max_workers=max(2, workers), thread_name_prefix="otmlops-runner"
        )
        self._write_lock = asyncio.Lock()
        self.store: Store | None = None

    async def start(self) -> None:
        from otmlops.store import open_store

        loop = asyncio.get_running_loop()
        if self.read_only and self.location == "memory":
            raise UsageError(
                "--read-only over --store memory would serve an empty store that "
                "nothing can fill; serve a store folder or a remote store"
            )
        # read-only: the bundled ontology is not loaded (that would write the store)
        self.store = await loop.run_in_executor(
            self._threads,
            functools.partial(open_store, self.location, bootstrap=not self.read_only),
        )
        if self.read_only:
            problem = await loop.run_in_executor(
                self._threads, backend.bootstrap_problem, self.store
            )
            if problem:
                self.store.close()
                self.store = None
                from otmlops.redact import display_store

                shown = display_store(self.location, show_path=True)
                raise UsageError(
                    f"the store {shown} {problem}; --read-only never "
                    "writes the store: open it once without --read-only (e.g. "
                    "`otmlops --store LOCATION graphs`), then serve it read-only"
                )

    async def _run(self, call: Callable[[Store], R], timeout: float) -> R:
        """Run ``call(store)`` on a thread; its errors are mapped as a worker's are."""
        loop = asyncio.get_running_loop()
        store = self.store
        if store is None:
            raise StoreError("the runner has not been started")

        def work() -> tuple[R] | Failure:
            try:
                return (call(store),)
            except BaseException as exc:  # noqa: BLE001 - every failure becomes an answer
                return error_reply(exc)

        try:
            answer = await asyncio.wait_for(loop.run_in_executor(self._threads, work), timeout)
        except TimeoutError:
            self.stats.timeouts += 1
            raise QueryTimeout(f"the request ran past its {timeout:g} s time limit") from None
        if len(answer) == 1:
            return answer[0]
        raise raised(answer)

    async def read(self, task: ReadTask[R], timeout: float) -> R:
        """Run a read task on a thread."""
        return await self._run(task.run, timeout)

    async def stream(self, task: ReadTask[Reply], timeout: float) -> Reply | StreamedReply:
        """As :meth:`read`: answers are not streamed here (one buffered Reply)."""
        return await self._run(task.run, timeout)

    async def write(self, task: WriteTask[R], timeout: float) -> R:
        async with self._write_lock:
            result = await self._run(task.run, timeout)
        self.stats.generation += 1
        return result

    async def close(self) -> None:
        if self.store is not None:
            self.store.close()
        self._threads.shutdown(wait=False, cancel_futures=True)


Runner = ProcessRunner | ThreadRunner


def default_worker_memory(workers: int) -> int:
    """The machine's memory shared among the workers, the writer and the server (each
    worker gets total / (workers + 2)), at least 512 MiB; 0 (no cap) if it is unknown."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 0
    return max(512 << 20, total // (max(1, workers) + 2))


def make_runner(
    location: str,
    *,
    workers: int = 2,
    max_timeout: float = 300.0,
    read_only: bool = False,
    worker_memory: int | None = None,
) -> Runner:
    """The right runner for a store location (processes for a store folder)."""
    if backend.is_embedded(location):
        return ProcessRunner(
            location,
            workers=workers,
            max_timeout=max_timeout,
            read_only=read_only,
            worker_memory=worker_memory,
        )
    return ThreadRunner(location, workers=workers, read_only=read_only)
