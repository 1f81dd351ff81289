"""How the runner reaches the embedded store: hard-link backups and read-only snapshots.

The store layer (otmlops.store) owns query semantics; the runner only asks it for a snapshot
of an open store and for a read-only store over such a snapshot, so workers answer exactly as
the store would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from otmlops.errors import StoreError
from otmlops.store.embedded import EmbeddedStore


def is_embedded(location: str) -> bool:
    """True for a store folder (not ``memory``, not an http(s) endpoint)."""
    return location != "memory" and not location.startswith(("http://", "https://"))


def backup(store: Any, target: Path) -> None:
    """Write a hard-link snapshot of an open embedded store into ``target``."""
    if not isinstance(store, EmbeddedStore):
        raise StoreError(f"cannot snapshot a {type(store).__name__}: it is not an embedded store")
    store.snapshot(target)


def open_snapshot(path: Path) -> EmbeddedStore:
    """Open a snapshot folder read-only, with the embedded store's query semantics (union
    default graph, FROM handling, parameter binding, graph listing)."""
    return EmbeddedStore.open_read_only(path)


def close_snapshot(store: EmbeddedStore) -> None:
    """Let go of a snapshot store (read-only: nothing to flush)."""
    store.close()
