"""The worker process: receives requests over a socket, answers them, can be killed any time.

Two roles. The *writer* is the only process that opens the store read-write; after every
successful write it publishes a new snapshot generation. *Readers* answer queries from the
newest published snapshot (checked on every request, so a write is visible to the next
query) and hold nothing the server would lose if they are killed on a timeout.

A third role, *direct*, serves ``--read-only``: a reader over the store folder itself, opened
read-only, with no writer and no snapshots (nothing is written).

Started as ``python -m otmlops.runner ROLE FD STORE SNAPSHOTS [KEEP_S]``.
"""

from __future__ import annotations

import os
import sys
import traceback
from multiprocessing.connection import Connection
from pathlib import Path

from otmlops.errors import OtmlopsError, status_of
from otmlops.runner import backend, tasks
from otmlops.runner.snapshots import SnapshotDir
from otmlops.store.base import Store
from otmlops.store.embedded import EmbeddedStore

#: Bytes per message of a streamed answer.
CHUNK_BYTES = 256 * 1024

#: An error as it crosses the pipe: ("err", HTTP status, exit code, message), from the one
#: error table (otmlops.errors.status_of); the server raises it again as a ReportedError.
Failure = tuple[str, int, int, str]


def error_reply(exc: BaseException) -> Failure:
    """Map an exception to a Failure without leaking a traceback to the client (a bug's
    traceback goes to the server's log, redacted)."""
    status = status_of(exc)
    if status.unexpected:
        from otmlops.redact import redact

        sys.stderr.write(redact("".join(traceback.format_exception(exc))))
        return ("err", status.http_status, status.exit_code, redact(status.message))
    return ("err", status.http_status, status.exit_code, status.message)


class Reader:
    """Keeps the newest snapshot open; reopens when the published generation changes. With
    ``direct`` (read-only serving) it holds the store folder itself, opened read-only."""

    def __init__(self, snapshots: SnapshotDir, direct: EmbeddedStore | None = None) -> None:
        self.snapshots = snapshots
        self.generation = -1
        self.store: EmbeddedStore | None = direct
        self.direct = direct is not None

    def current(self) -> Store:
        if self.store is not None and self.direct:
            return self.store
        cur = self.snapshots.current()
        if cur is None:
            raise OtmlopsError("no snapshot of the store has been published yet")
        gen, path = cur
        if gen == self.generation and self.store is not None:
            return self.store
        if self.store is not None:
            backend.close_snapshot(self.store)
            self.store = None
        store = self.store = backend.open_snapshot(path)
        self.generation = gen
        return store


def serve_reader(conn: Connection, snapshots: SnapshotDir, location: str | None = None) -> None:
    """Answer reads; with ``location``, from that store folder opened read-only."""
    direct = None
    if location is not None:
        try:
            direct = backend.open_direct(location)
        except BaseException as exc:  # noqa: BLE001
            conn.send(error_reply(exc))
            return
    reader = Reader(snapshots, direct)
    conn.send(("ready", os.getpid()))
    while True:
        try:
            task, stream = conn.recv()  # (tasks.ReadTask, bool): the task class travels by name
        except EOFError:
            return
        sink = PipeSink(conn) if stream else None
        try:
            result = task.run(reader.current(), sink if task.streams else None)
        except BaseException as exc:  # noqa: BLE001 - every failure becomes an answer
            reply = error_reply(exc)
            if sink is not None and sink.started:
                conn.send(("abort", *reply[1:]))
            else:
                conn.send(reply)
            if isinstance(exc, MemoryError):
                return  # the heap may be left fragmented: let the server start a fresh one
            continue
        if sink is None:
            conn.send(("ok", result))
        else:
            sink.finish(result)


class PipeSink:
    """Sends an answer to the server in chunks as it is serialised, so neither process holds
    a whole large answer. An answer smaller than one chunk goes as one ordinary reply, so a
    late error still becomes a proper error status; after the first chunk ("head") an error
    can only abort the stream."""

    def __init__(self, conn: Connection, chunk: int = CHUNK_BYTES) -> None:
        self.conn = conn
        self.chunk = chunk
        self.buffer = bytearray()
        self.started = False
        self.media_type = ""
        self.kind = ""

    def open(self, media_type: str, kind: str) -> PipeSink:
        self.media_type, self.kind = media_type, kind
        return self

    def write(self, data: bytes) -> int:
        self.buffer += data
        if len(self.buffer) >= self.chunk:
            self._flush()
        return len(data)

    def flush(self) -> None:
        """Called by serialisers; chunks are sent by size, not on every flush."""

    def _flush(self) -> None:
        if not self.started:
            self.conn.send(("head", self.media_type, self.kind))
            self.started = True
        while self.buffer:
            piece = bytes(self.buffer[: self.chunk])
            del self.buffer[: self.chunk]
            self.conn.send(("chunk", piece))

    def finish(self, result: object) -> None:
        """Send what remains: a buffered (non-streaming) Reply is chunked here too."""
        if isinstance(result, tasks.Reply) and result.body:
            self.media_type, self.kind = result.media_type, result.kind
            self.buffer += result.body
            result = tasks.Reply(result.media_type, b"", result.kind)
        if not self.started and len(self.buffer) < self.chunk:
            if isinstance(result, tasks.Reply):
                result = tasks.Reply(
                    self.media_type or result.media_type,
                    bytes(self.buffer),
                    self.kind or result.kind,
                )
            self.conn.send(("ok", result))
            return
        self._flush()
        self.conn.send(("end",))


def serve_writer(conn: Connection, location: str, snapshots: SnapshotDir, keep_s: float) -> None:
    from otmlops.store import open_store

    try:
        store = open_store(location, through_service=False)  # we are the service
        snapshots.publish(lambda target: backend.backup(store, target))
        snapshots.prune(keep=2, min_age_s=0)
    except BaseException as exc:  # noqa: BLE001
        conn.send(error_reply(exc))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            task = conn.recv()  # a tasks.WriteTask
        except EOFError:
            store.close()
            return
        try:
            result = task.run(store)
        except BaseException as exc:  # noqa: BLE001
            conn.send(error_reply(exc))
            continue
        # the commit point is behind us: say so first, so that a kill during the snapshot
        # below is not reported as a failed write
        conn.send(("committed", result))
        try:
            gen = snapshots.publish(lambda target: backend.backup(store, target))
            snapshots.prune(keep=2, min_age_s=keep_s)
            conn.send(("ok", (result, gen)))
        except BaseException as exc:  # noqa: BLE001
            conn.send(error_reply(exc))


def _die_with_parent() -> None:
    """Linux: get SIGKILL when the server process dies, so a worker busy with a runaway
    query never outlives it (other systems: the worker exits at its next read of the pipe)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass


def _limit_memory() -> None:
    """Cap this process's data segment at $OTMLOPS_WORKER_MEMORY bytes (set by the server):
    an allocation past it fails (Python: MemoryError; Rust: the process aborts) and the
    server answers 503 and starts a fresh worker."""
    raw = os.environ.get("OTMLOPS_WORKER_MEMORY", "")
    if not raw or int(raw) <= 0:
        return
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_DATA, (int(raw), int(raw)))
    except (ImportError, ValueError, OSError):  # not on this system: no cap
        pass


def main(argv: list[str]) -> int:
    _die_with_parent()
    _limit_memory()
    role, fd, location, snapdir = argv[:4]
    keep_s = float(argv[4]) if len(argv) > 4 else 120.0
    conn = Connection(int(fd))
    snapshots = SnapshotDir(Path(snapdir))
    if role == "writer":
        serve_writer(conn, location, snapshots, keep_s)
    elif role == "direct":
        serve_reader(conn, snapshots, location)
    else:
        serve_reader(conn, snapshots)
    return 0
