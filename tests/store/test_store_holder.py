"""otmlops.store.holder: the record a running service leaves beside its store folder, and the
lock check that keeps other processes from touching a held folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from otmlops.store import holder


def test_client_url_maps_wildcards_to_loopback() -> None:
    assert holder.client_url("0.0.0.0", 8000) == "http://127.0.0.1:8000"
    assert holder.client_url("::", 8000) == "http://[::1]:8000"
    assert holder.client_url("127.0.0.1", 9) == "http://127.0.0.1:9"
    assert holder.client_url("fe80::1", 80) == "http://[fe80::1]:80"


def _write(folder: Path, pid: int, store: Path | None = None) -> None:
    holder.record_path(folder).write_text(
        json.dumps(
            {"url": "http://127.0.0.1:9", "pid": pid, "store": str((store or folder).resolve())}
        )
    )


def test_record_of_a_live_process_counts(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    other = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )
    try:
        _write(folder, other.pid)
        found = holder.running_service(folder)
        assert found is not None and found.pid == other.pid
        assert holder.record_path(folder) == tmp_path / ".store.service.json"
        _write(folder, other.pid, store=tmp_path / "elsewhere")  # a record for another folder
        assert holder.running_service(folder) is None
    finally:
        assert other.stdin is not None
        other.stdin.close()
        other.wait(timeout=30)
    _write(folder, other.pid)  # the process is gone: stale
    assert holder.running_service(folder) is None


def test_own_record_is_not_a_service_for_us(tmp_path: Path) -> None:
    """A server's own store workers (its children) and the server itself open the folder."""
    folder = tmp_path / "store"
    holder.announce(folder, "http://127.0.0.1:9")
    assert json.loads(holder.record_path(folder).read_text())["pid"] == os.getpid()
    assert holder.running_service(folder) is None
    holder.withdraw(folder)
    assert not holder.record_path(folder).exists()


def test_withdraw_keeps_another_process_record(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    _write(folder, os.getppid())
    holder.withdraw(folder)
    assert holder.record_path(folder).exists()


def test_folder_locked_sees_another_process(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    assert not holder.folder_locked(folder)  # does not exist yet
    code = (
        "import sys, pyoxigraph as ox\n"
        f"s = ox.Store({str(folder)!r}); print('open', flush=True); sys.stdin.read()"
    )
    other = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "open"
        assert holder.folder_locked(folder)
        assert holder.folder_locked(folder)  # probing does not take the lock away
    finally:
        assert other.stdin is not None
        other.stdin.close()
        other.wait(timeout=30)
    assert not holder.folder_locked(folder)
