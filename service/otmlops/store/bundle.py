"""The data every store starts with: the bundled ontology and the reference mapping.

A content hash (with the otmlops version) is kept in the meta graph, so a store is brought up to
date when a new release ships different ontology files, and left alone otherwise.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from otmlops import __version__
from otmlops.resources import ontology_dir
from otmlops.store.graphs import ONTOLOGY_GRAPH, REFERENCE_MAPPING_GRAPH

REFERENCE_MAPPING_FILE = "reference-mapping.ttl"


@dataclass(frozen=True)
class Bundle:
    """Files per system graph, and a digest over names and contents."""

    files: dict[str, list[Path]]
    digest: str
    version: str = __version__


def bundled_files(root: Path | None = None) -> Bundle:
    """The ontology modules (and alignments) and the reference mapping of this installation.

    Missing folders or files are tolerated: the graphs are then loaded with what exists.
    """
    if root is None:
        try:
            root = ontology_dir()
        except FileNotFoundError:
            root = None
    ontology: list[Path] = []
    mapping: list[Path] = []
    if root is not None:
        ontology = sorted(p for p in root.glob("*.ttl") if p.name != REFERENCE_MAPPING_FILE)
        ontology += sorted((root / "alignments").glob("*.ttl"))
        if (root / REFERENCE_MAPPING_FILE).is_file():
            mapping = [root / REFERENCE_MAPPING_FILE]
    digest = hashlib.sha256(__version__.encode())
    for graph, paths in ((ONTOLOGY_GRAPH, ontology), (REFERENCE_MAPPING_GRAPH, mapping)):
        digest.update(graph.encode())
        for path in paths:
            digest.update(path.name.encode() + b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return Bundle({ONTOLOGY_GRAPH: ontology, REFERENCE_MAPPING_GRAPH: mapping}, digest.hexdigest())
