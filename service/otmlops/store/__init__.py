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


def open_store(location: str, *, bootstrap: bool = True) -> Store:
    """Open the store named by ``location``: ``memory``, an ``http(s)://`` endpoint, or a folder."""
    from otmlops.store.factory import open_store as _open

    return _open(location, bootstrap=bootstrap)
