"""Who holds a store folder: a running ``otmlops serve`` (found by its service record), another
process (found by RocksDB's lock), or nobody.

An embedded store folder can be open in one process only. ``otmlops serve`` keeps it open, so
it leaves a small record beside the folder (``.NAME.service.json``: its URL and pid) while it
listens, and the store layer sends every other process's commands through the service instead
(see :mod:`otmlops.store.service`). A record whose process is gone is stale and ignored.
The token is never written down: a client brings its own (--token or OTMLOPS_TOKEN).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

#: Loopback addresses a client uses for a server that listens on every address.
_WILDCARDS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


@dataclass(frozen=True)
class ServiceRecord:
    """What a running service says about itself: where it listens and which process it is."""

    url: str
    pid: int
    store: str


def record_path(folder: Path) -> Path:
    """The record of the service that holds ``folder``: a hidden file beside it (not inside:
    a crash recovery replaces the folder as a whole)."""
    folder = folder.expanduser().resolve()
    return folder.parent / f".{folder.name}.service.json"


def client_url(host: str, port: int) -> str:
    """The URL a client on this machine uses for a server bound to ``host:port``."""
    host = _WILDCARDS.get(host, host)
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def announce(folder: Path, url: str) -> Path:
    """Record that this process serves ``folder`` at ``url`` (written atomically)."""
    path = record_path(folder)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    body = {"url": url, "pid": os.getpid(), "store": str(folder.expanduser().resolve())}
    tmp.write_text(json.dumps(body) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def withdraw(folder: Path) -> None:
    """Remove this process's record (a record another process wrote meanwhile is kept)."""
    path = record_path(folder)
    record = _read(path)
    if record is not None and record.pid == os.getpid():
        path.unlink(missing_ok=True)


def running_service(folder: Path) -> ServiceRecord | None:
    """The record of the live service that holds ``folder``, or None (no record, a stale one
    from a process that is gone, or this process itself or its parent: a server's own store
    workers open the folder directly)."""
    record = _read(record_path(folder))
    if record is None or record.pid in (os.getpid(), os.getppid()):
        return None
    if record.store != str(folder.expanduser().resolve()) or not _alive(record.pid):
        return None
    return record


def folder_locked(folder: Path) -> bool:
    """True while another process has the store folder open (RocksDB holds an fcntl lock on
    ``LOCK``). Checked before anything touches the folder, so a process that finds it held does
    not run crash recovery under the holder's feet. Only correct for folders this process does
    not hold itself (releasing a probe drops all of a process's fcntl locks on the file)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: RocksDB's own open reports the lock
        return False
    try:
        fd = os.open(folder / "LOCK", os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _read(path: Path) -> ServiceRecord | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return ServiceRecord(url=str(data["url"]), pid=int(data["pid"]), store=str(data["store"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: it exists
    except OSError:
        return False
    return True
