"""How the runner reaches the embedded store: hard-link backups and read-only snapshots.

The store layer (otmlops.store) owns query semantics; these helpers only find the pieces the
runner needs: the pyoxigraph store inside an EmbeddedStore (for ``backup``), and an
EmbeddedStore over a read-only snapshot (so workers answer exactly as the store would).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox

from otmlops.errors import StoreError


def is_embedded(location: str) -> bool:
    """True for a store folder (not ``memory``, not an http(s) endpoint)."""
    return location != "memory" and not location.startswith(("http://", "https://"))


def backup(store: Any, target: Path) -> None:
    """Write a hard-link snapshot of an open embedded store into ``target``."""
    snap = getattr(store, "snapshot", None)
    if callable(snap):
        snap(target)
        return
    raw = _raw_oxigraph(store)
    raw.flush()
    raw.backup(str(target))


def _raw_oxigraph(store: Any) -> ox.Store:
    raw = getattr(store, "pyoxigraph_store", None)
    if isinstance(raw, ox.Store):
        return raw
    raise StoreError(f"cannot snapshot a {type(store).__name__}: it is not an embedded store")


def open_snapshot(path: Path) -> Any:
    """Open a snapshot folder read-only, with the embedded store's query semantics (union
    default graph, FROM handling, parameter binding, graph listing)."""
    from otmlops.store import embedded

    opener = getattr(embedded.EmbeddedStore, "open_read_only", None)
    if callable(opener):
        return opener(path)
    # The snapshot is complete and immutable: no recovery, bootstrap or entailment refresh
    # is needed, so the store object is assembled without running its opening steps.
    store = embedded.EmbeddedStore.__new__(embedded.EmbeddedStore)
    store.path = path
    store.location = str(path)
    store._lock = embedded._RWLock()
    store._store = ox.Store.read_only(str(path))
    return store


def close_snapshot(store: Any) -> None:
    """Let go of a snapshot store (read-only: nothing to flush)."""
    store._store = None
