"""SHACL validation of mappings and plant models: shipped shapes, a fast whole-graph SPARQL
engine on pyoxigraph, pySHACL as the reference, reports in text, JSON and W3C Turtle.

The names below are imported on first use: ``validation.api`` pulls in pySHACL and rdflib, which
a caller of ``validation.sources`` alone (the CLI building its argument parser) does not need.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from otmlops.validation.api import Validator, load_shapes, ontology_triples, validate
    from otmlops.validation.report import Report, ValidationResult
    from otmlops.validation.sources import DEFAULT_MAX_SIZE, Source, from_bytes, read_file

_HOME = {
    "Validator": "api",
    "load_shapes": "api",
    "ontology_triples": "api",
    "validate": "api",
    "Report": "report",
    "ValidationResult": "report",
    "DEFAULT_MAX_SIZE": "sources",
    "Source": "sources",
    "from_bytes": "sources",
    "read_file": "sources",
}

__all__ = [
    "DEFAULT_MAX_SIZE",
    "Report",
    "Source",
    "ValidationResult",
    "Validator",
    "from_bytes",
    "load_shapes",
    "ontology_triples",
    "read_file",
    "validate",
]


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
