"""RDF input in one place: which syntax a name, extension, media type or content stands for
(:mod:`.formats`, on pyoxigraph's format registry), and one reader with one policy for size,
UTF-8 and syntax errors with file:line:column (:mod:`.read`).

Store loads, validation, importers and the HTTP app all read RDF through this package.
Importing it costs only pyoxigraph (no rdflib).
"""

from __future__ import annotations

from otmlops.rdfio.formats import (
    FORMATS,
    INPUT_MEDIA_TYPES,
    bare_media_type,
    format_of_extension,
    format_of_media_type,
    format_of_name,
    format_of_path,
    is_line_oriented,
    rdflib_name,
    sniff,
)
from otmlops.rdfio.read import (
    DEFAULT_MAX_SIZE,
    Progress,
    RdfSource,
    ScanResult,
    check_size,
    check_utf8,
    open_source,
    parse_triples,
    scan,
    source_size,
)

__all__ = [
    "DEFAULT_MAX_SIZE",
    "FORMATS",
    "INPUT_MEDIA_TYPES",
    "Progress",
    "RdfSource",
    "ScanResult",
    "bare_media_type",
    "check_size",
    "check_utf8",
    "format_of_extension",
    "format_of_media_type",
    "format_of_name",
    "format_of_path",
    "is_line_oriented",
    "open_source",
    "parse_triples",
    "rdflib_name",
    "scan",
    "sniff",
    "source_size",
]
