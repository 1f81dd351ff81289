"""Open a store from a location string: ``memory``, an ``http(s)://`` endpoint, or a folder."""

from __future__ import annotations

from pathlib import Path

from otmlops.store.base import Store


def open_store(location: str, bootstrap: bool = True) -> Store:
    """Open (creating if needed) the store at ``location``.

    On open, staging graphs left by a crashed load are dropped, out-of-date entailments are
    recomputed and, with ``bootstrap``, the bundled ontology and reference mapping are loaded
    if missing or outdated.
    """
    if location.startswith(("http://", "https://")):
        from otmlops.store.remote import RemoteStore

        store: Store = RemoteStore.from_location(location)
    else:
        from otmlops.store.embedded import EmbeddedStore

        path = None if location == "memory" else Path(location).expanduser()
        store = EmbeddedStore(path)
    try:
        store._after_open(bootstrap)  # type: ignore[attr-defined]
    except BaseException:
        store.close()
        raise
    return store
