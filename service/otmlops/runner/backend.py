"""How the runner reaches the embedded store: hard-link backups and read-only snapshots.

The store layer (otmlops.store) owns query semantics; the runner only asks it for a snapshot
of an open store and for a read-only store over such a snapshot, so workers answer exactly as
the store would.
"""

from __future__ import annotations

from pathlib import Path

from otmlops.errors import StoreError
from otmlops.store.base import Store
from otmlops.store.common import SparqlBackedStore
from otmlops.store.embedded import EmbeddedStore


def is_embedded(location: str) -> bool:
    """True for a store folder (not ``memory``, not an http(s) endpoint)."""
    return location != "memory" and not location.startswith(("http://", "https://"))


def backup(store: Store, target: Path) -> None:
    """Write a hard-link snapshot of an open embedded store into ``target``."""
    if not isinstance(store, EmbeddedStore):
        raise StoreError(f"cannot snapshot a {type(store).__name__}: it is not an embedded store")
    store.snapshot(target)


def open_snapshot(path: Path) -> EmbeddedStore:
    """Open a snapshot folder read-only, with the embedded store's query semantics (union
    default graph, FROM handling, parameter binding, graph listing)."""
    return EmbeddedStore.open_read_only(path)


def open_direct(location: str) -> EmbeddedStore:
    """Open the store folder itself read-only (``serve --read-only``: nothing is written, not
    even a snapshot); StoreError saying why if it does not exist or was never set up."""
    path = Path(location).expanduser()
    if not path.is_dir():
        raise StoreError(
            f"there is no store at {location}; --read-only never creates one: "
            f"create it first (e.g. `otmlops --store {location} graphs`)"
        )
    try:
        store = EmbeddedStore.open_read_only(path)
    except StoreError as exc:
        raise StoreError(
            f"{exc} (--read-only opens the store folder read-only; is it a store?)"
        ) from None
    problem = bootstrap_problem(store)
    if problem:
        store.close()
        raise StoreError(
            f"the store at {location} {problem}; --read-only never writes the "
            f"store: open it once without --read-only (e.g. `otmlops --store "
            f"{location} graphs`), then serve it read-only"
        )
    return store


def bootstrap_problem(store: Store) -> str | None:
    """Why the store lacks the bundled ontology of this version, or None if it has it."""
    from otmlops.store import meta
    from otmlops.store.bundle import bundled_files

    if not isinstance(store, SparqlBackedStore):
        raise StoreError(f"cannot check the bundle of a {type(store).__name__}")
    bundle = bundled_files()
    rows = store._select(meta.bundle_query(), default_graphs=None)
    if not rows:
        return "was never set up (it has no bundled ontology)"
    if not any(
        r["version"].value == bundle.version and r["hash"].value == bundle.digest for r in rows
    ):
        return "holds the bundled ontology of another otmlops version"
    return None


def close_snapshot(store: EmbeddedStore) -> None:
    """Let go of a snapshot store (read-only: nothing to flush)."""
    store.close()
