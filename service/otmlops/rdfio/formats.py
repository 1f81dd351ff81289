"""Which RDF syntax a name, file extension, media type or content stands for.

Built on pyoxigraph's format registry (``RdfFormat.from_extension``, ``from_media_type``,
``.media_type``, ``.iri``); the only table here is the handful of names users type that the
registry does not know (``turtle``, ``rdfxml``, ``owl`` ...), and the media-type aliases the
service has always accepted. Every part of otmlops (loads, validation, importers, HTTP) asks
this module, so the same name means the same syntax everywhere.
"""

from __future__ import annotations

import re
from pathlib import PurePath

import pyoxigraph as ox

from otmlops.errors import UsageError

#: The syntaxes otmlops reads, in the order they are offered and listed.
FORMATS: tuple[ox.RdfFormat, ...] = (
    ox.RdfFormat.TURTLE,
    ox.RdfFormat.N_TRIPLES,
    ox.RdfFormat.RDF_XML,
    ox.RdfFormat.JSON_LD,
    ox.RdfFormat.TRIG,
    ox.RdfFormat.N_QUADS,
    ox.RdfFormat.N3,
)

#: Names and file endings users type that the registry's ``from_extension`` does not know.
ALIASES: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "n-triples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "n-quads": ox.RdfFormat.N_QUADS,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "rdf/xml": ox.RdfFormat.RDF_XML,
    "owl": ox.RdfFormat.RDF_XML,
    "json-ld": ox.RdfFormat.JSON_LD,
}

#: File endings the registry resolves that otmlops reads (its ``.txt`` for N-Triples is left
#: out: a text file is no more N-Triples than anything else).
EXTENSIONS: tuple[str, ...] = ("ttl", "nt", "nq", "trig", "rdf", "xml", "jsonld", "json", "n3")

#: Media types accepted for input besides each format's own (``RdfFormat.media_type``); the
#: registry resolves them. ``text/plain`` is not among them: as a request body it is too
#: often not RDF at all.
MEDIA_TYPE_ALIASES: tuple[str, ...] = (
    "application/x-turtle",
    "text/n-triples",
    "application/xml",
    "text/xml",
    "application/json",
    "application/x-trig",
    "text/x-nquads",
)

#: The short names listed in messages (one per syntax).
SHORT_NAMES: dict[ox.RdfFormat, str] = {
    ox.RdfFormat.TURTLE: "turtle",
    ox.RdfFormat.N_TRIPLES: "nt",
    ox.RdfFormat.RDF_XML: "rdfxml",
    ox.RdfFormat.JSON_LD: "jsonld",
    ox.RdfFormat.TRIG: "trig",
    ox.RdfFormat.N_QUADS: "nquads",
    ox.RdfFormat.N3: "n3",
}

#: rdflib's parser names, for the few readers that build rdflib graphs.
_RDFLIB_NAMES: dict[ox.RdfFormat, str] = {
    ox.RdfFormat.TURTLE: "turtle",
    ox.RdfFormat.N_TRIPLES: "nt",
    ox.RdfFormat.RDF_XML: "xml",
    ox.RdfFormat.JSON_LD: "json-ld",
    ox.RdfFormat.TRIG: "trig",
    ox.RdfFormat.N_QUADS: "nquads",
    ox.RdfFormat.N3: "n3",
}


def bare_media_type(value: str) -> str:
    """``'Text/Turtle; charset=UTF-8'`` -> ``'text/turtle'``."""
    return value.split(";", 1)[0].strip().lower()


def _input_media_types() -> dict[str, ox.RdfFormat]:
    table = {bare_media_type(f.media_type): f for f in FORMATS}
    for alias in MEDIA_TYPE_ALIASES:
        fmt = ox.RdfFormat.from_media_type(alias)
        if fmt in FORMATS:
            table.setdefault(alias, fmt)
    return table


#: Every media type accepted for RDF input -> its syntax (each format's own type first).
INPUT_MEDIA_TYPES: dict[str, ox.RdfFormat] = _input_media_types()


def format_of_extension(ending: str) -> ox.RdfFormat | None:
    """The syntax a file ending (``ttl``, ``.owl``, ``TTL``) or short name stands for, or
    None."""
    key = ending.strip().lower().lstrip(".")
    if key in ALIASES:
        return ALIASES[key]
    fmt = ox.RdfFormat.from_extension(key) if key in EXTENSIONS else None
    return fmt if fmt in FORMATS else None


def format_of_path(path: str | PurePath) -> ox.RdfFormat | None:
    """The syntax a file's extension stands for, or None."""
    return format_of_extension(PurePath(path).suffix)


def format_of_media_type(value: str | None) -> ox.RdfFormat | None:
    """The syntax an accepted media type (parameters allowed) stands for, or None."""
    if not value:
        return None
    return INPUT_MEDIA_TYPES.get(bare_media_type(value))


def format_of_name(name: str) -> ox.RdfFormat:
    """The syntax a user named (``--format``): a short name, an extension or a media type;
    UsageError listing the known names otherwise."""
    fmt = format_of_extension(name)
    if fmt is None and "/" in name:
        fmt = format_of_media_type(name)
    if fmt is None:
        known = ", ".join(sorted(SHORT_NAMES.values()))
        raise UsageError(f"unknown RDF format {name!r} (known: {known})")
    return fmt


_RDF_ROOT = re.compile(rb"<(rdf:)?RDF\b")


def sniff(data: bytes) -> ox.RdfFormat:
    """Guess the syntax of a document whose name and media type say nothing, from its first
    bytes: JSON-LD, RDF/XML, else Turtle (which also reads N-Triples)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return ox.RdfFormat.JSON_LD
    if head.startswith(b"<?xml") or _RDF_ROOT.match(head):
        return ox.RdfFormat.RDF_XML
    return ox.RdfFormat.TURTLE


def rdflib_name(fmt: ox.RdfFormat) -> str:
    """rdflib's parser name for ``fmt``."""
    return _RDFLIB_NAMES[fmt]


def is_line_oriented(fmt: ox.RdfFormat) -> bool:
    """True for syntaxes where a node's first description has a meaningful line (the
    Turtle family; not RDF/XML or JSON-LD)."""
    return fmt in (
        ox.RdfFormat.TURTLE,
        ox.RdfFormat.N_TRIPLES,
        ox.RdfFormat.TRIG,
        ox.RdfFormat.N_QUADS,
        ox.RdfFormat.N3,
    )
