"""Knowledge-graph store: one interface, three backends (embedded Oxigraph, memory, remote SPARQL)."""

from otmlops.store.base import GraphInfo, LoadReport, QueryOutcome, Store
from otmlops.store.graphs import (
    META_GRAPH,
    ONTOLOGY_GRAPH,
    REFERENCE_MAPPING_GRAPH,
    SYSTEM_GRAPHS,
)

__all__ = [
    "GraphInfo",
    "LoadReport",
    "QueryOutcome",
    "Store",
    "META_GRAPH",
    "ONTOLOGY_GRAPH",
    "REFERENCE_MAPPING_GRAPH",
    "SYSTEM_GRAPHS",
    "open_store",
]


def open_store(
    location: str, *, bootstrap: bool = True, token: str | None = None, through_service: bool = True
) -> Store:
    """Open the store named by ``location``: ``memory``, an ``http(s)://`` endpoint (an
    otmlops service or any SPARQL server), or a folder (through ``otmlops serve`` while one
    holds it). ``token`` (default: $OTMLOPS_TOKEN) authorises writes to a service."""
    from otmlops.store.factory import open_store as _open

    return _open(location, bootstrap=bootstrap, token=token, through_service=through_service)
