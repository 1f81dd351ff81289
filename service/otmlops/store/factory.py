"""Open a store from a location string: ``memory``, an ``http(s)://`` endpoint, or a folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from otmlops.store.base import Store

if TYPE_CHECKING:
    from otmlops.store.common import SparqlBackedStore


def open_store(
    location: str, bootstrap: bool = True, *, token: str | None = None, through_service: bool = True
) -> Store:
    """Open (creating if needed) the store at ``location``.

    On open, staging graphs left by a crashed load are dropped, out-of-date entailments are
    recomputed and, with ``bootstrap``, the bundled ontology and reference mapping are loaded
    if missing or outdated.

    An ``http(s)://`` location that is an otmlops service (``otmlops serve``) is used through
    its routes, any other through the SPARQL protocol. A folder held by a running
    ``otmlops serve`` is reached through that service (``through_service``: the service's own
    workers pass False). ``token`` (default: $OTMLOPS_TOKEN) authorises writes to a service.
    """
    store: SparqlBackedStore
    if location.startswith(("http://", "https://")):
        store = _open_url(location, token)
    elif location == "memory":
        from otmlops.store.embedded import EmbeddedStore

        store = EmbeddedStore(None)
    else:
        store = _open_folder(Path(location).expanduser(), token, through_service)
    try:
        store._after_open(bootstrap)
    except BaseException:
        store.close()
        raise
    return store


def _open_url(location: str, token: str | None) -> SparqlBackedStore:
    from otmlops.store.remote import RemoteStore

    overridden = any(os.environ.get(f"OTMLOPS_{k}_URL") for k in ("QUERY", "UPDATE", "STORE"))
    if not urlsplit(location).query and not overridden:
        from otmlops.store.service import ServiceStore, probe

        if probe(location, quiet=False) is not None:
            return ServiceStore(location, token=token)
    return RemoteStore.from_location(location)


def _open_folder(path: Path, token: str | None, through_service: bool) -> SparqlBackedStore:
    from otmlops.store import holder

    record = holder.running_service(path) if through_service else None
    if record is not None:
        from otmlops.store.service import ServiceStore, probe

        # a record left by a server that is stopping (or a recycled pid) is stale once the
        # folder is free again
        if probe(record.url) is not None or holder.folder_locked(path):
            return ServiceStore(record.url, token=token, folder=path)
    # imported only here: a command beside a running service never opens the folder itself
    from otmlops.store.embedded import EmbeddedStore

    return EmbeddedStore(path)
