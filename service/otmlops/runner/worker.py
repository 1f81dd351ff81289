"""The worker process: receives requests over a socket, answers them, can be killed any time.

Two roles. The *writer* is the only process that opens the store read-write; after every
successful write it publishes a new snapshot generation. *Readers* answer queries from the
newest published snapshot (checked on every request, so a write is visible to the next
query) and hold nothing the server would lose if they are killed on a timeout.

Started as ``python -m otmlops.runner ROLE FD STORE SNAPSHOTS [KEEP_S]``.
"""

from __future__ import annotations

import os
import sys
import traceback
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from otmlops.errors import OtmlopsError
from otmlops.runner import backend, tasks
from otmlops.runner.formats import NotAcceptable
from otmlops.runner.snapshots import SnapshotDir

READ_OPS = {
    "query": tasks.run_query,
    "named": tasks.run_named,
    "export": tasks.export_graph,
    "graphs": tasks.graph_list,
    "exists": lambda store, graph: tasks.graph_exists(store, graph),
    "triple_count": lambda store: store.triple_count(),
    "validate": lambda store, **kw: _validate(store, **kw),
}
WRITE_OPS = {
    "update": tasks.run_update,
    "put": tasks.put_graph,
    "post": tasks.post_graph,
    "delete": tasks.delete_graph,
}


def _validate(store: Any, **kwargs: Any) -> Any:
    from otmlops.runner import validation_adapter

    return validation_adapter.validate(store, **kwargs)


def error_reply(exc: BaseException) -> tuple[str, int, str]:
    """Map an exception to ("err", HTTP status, message) without leaking a traceback."""
    if isinstance(exc, NotAcceptable):
        return ("err", 406, str(exc))
    if isinstance(exc, OtmlopsError):
        return ("err", exc.http_status, str(exc))
    if isinstance(exc, SyntaxError):
        return ("err", 400, f"syntax error: {exc}")
    if isinstance(exc, (ValueError, UnicodeDecodeError)):
        return ("err", 400, str(exc))
    if isinstance(exc, MemoryError):
        return ("err", 500, "the request ran out of memory")
    traceback.print_exc(file=sys.stderr)
    return ("err", 500, f"{type(exc).__name__}: {exc}")


class Reader:
    """Keeps the newest snapshot open; reopens when the published generation changes."""

    def __init__(self, snapshots: SnapshotDir) -> None:
        self.snapshots = snapshots
        self.generation = -1
        self.store: Any = None

    def current(self) -> Any:
        cur = self.snapshots.current()
        if cur is None:
            raise OtmlopsError("no snapshot of the store has been published yet")
        gen, path = cur
        if gen != self.generation:
            if self.store is not None:
                backend.close_snapshot(self.store)
                self.store = None
            self.store = backend.open_snapshot(path)
            self.generation = gen
        return self.store


def serve_reader(conn: Connection, snapshots: SnapshotDir) -> None:
    reader = Reader(snapshots)
    conn.send(("ready", os.getpid()))
    while True:
        try:
            op, kwargs = conn.recv()
        except EOFError:
            return
        try:
            result = READ_OPS[op](reader.current(), **kwargs)
            conn.send(("ok", result))
        except BaseException as exc:  # noqa: BLE001 - every failure becomes an answer
            conn.send(error_reply(exc))


def serve_writer(conn: Connection, location: str, snapshots: SnapshotDir,
                 keep_s: float) -> None:
    from otmlops.store import open_store

    try:
        store = open_store(location)
        snapshots.publish(lambda target: backend.backup(store, target))
        snapshots.prune(keep=2, min_age_s=0)
    except BaseException as exc:  # noqa: BLE001
        conn.send(error_reply(exc))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            op, kwargs = conn.recv()
        except EOFError:
            store.close()
            return
        try:
            result = WRITE_OPS[op](store, **kwargs)
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


def main(argv: list[str]) -> int:
    _die_with_parent()
    role, fd, location, snapdir = argv[:4]
    keep_s = float(argv[4]) if len(argv) > 4 else 120.0
    conn = Connection(int(fd))
    snapshots = SnapshotDir(Path(snapdir))
    if role == "writer":
        serve_writer(conn, location, snapshots, keep_s)
    else:
        serve_reader(conn, snapshots)
    return 0

