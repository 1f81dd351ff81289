"""Read RDF input for validation: files or request bodies, with errors a user can act on.

The reading itself (syntax from the extension, media type or content; the size limit; UTF-8;
syntax errors with file:line:column) is :mod:`otmlops.rdfio`'s; this module adds what
validation needs on top: a :class:`Source` that keeps the bytes (findings point at lines),
a refusal of empty input, and the YAML/CSV/XLSX mapping forms compiled to N-Triples.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from otmlops.authoring import compile_bytes, form_of_media_type, form_of_path
from otmlops.errors import InputError
from otmlops.rdfio import (
    DEFAULT_MAX_SIZE,
    FORMATS,
    bare_media_type,
    check_size,
    check_utf8,
    format_of_media_type,
    format_of_path,
    is_line_oriented,
    parse_triples,
    sniff,
)

__all__ = ["DEFAULT_MAX_SIZE", "Source", "compiled", "from_bytes", "parse", "read_file"]


@dataclass(frozen=True)
class Source:
    """One RDF document: its bytes, syntax and the name used in messages."""

    name: str
    data: bytes
    format: ox.RdfFormat
    base_iri: str | None = None
    #: for a compiled YAML/CSV/XLSX mapping: IRI -> line (row) where the file describes it
    positions: dict[str, int] | None = None

    @property
    def line_oriented(self) -> bool:
        """True for syntaxes where a node's first description has a meaningful line."""
        return self.positions is None and is_line_oriented(self.format)


def _format_for_media_type(media_type: str) -> ox.RdfFormat:
    fmt = format_of_media_type(media_type)
    if fmt is None:
        raise InputError(
            f"unsupported media type {media_type!r}; use one of "
            + ", ".join(bare_media_type(f.media_type) for f in FORMATS)
        )
    return fmt


def from_bytes(
    data: bytes,
    *,
    name: str = "<request>",
    media_type: str | None = None,
    format: ox.RdfFormat | None = None,
    base_iri: str | None = None,
    max_size: int | None = DEFAULT_MAX_SIZE,
) -> Source:
    """A document given as bytes (an HTTP request body, stdin); media type optional."""
    check_size(len(data), max_size, name)
    if not data.strip():
        raise InputError("input is empty: there is nothing to validate", source=name)
    if format is None and form_of_media_type(media_type):
        return compiled(data, form_of_media_type(media_type) or "", name)
    check_utf8(data, name)
    fmt = format or (_format_for_media_type(media_type) if media_type else sniff(data))
    return Source(name=name, data=data, format=fmt, base_iri=base_iri)


def read_file(path: str | Path, *, max_size: int | None = DEFAULT_MAX_SIZE) -> Source:
    """A document on disk; syntax from the extension, else from the content."""
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise InputError("no such file", source=name)
    if not p.is_file():
        raise InputError("not a regular file", source=name)
    check_size(p.stat().st_size, max_size, name, "file")
    data = p.read_bytes()
    if not data.strip():
        raise InputError("file is empty: there is nothing to validate", source=name)
    if form_of_path(p):
        return compiled(data, form_of_path(p) or "", name)
    fmt = format_of_path(p) or sniff(data)
    return from_bytes(data, name=name, format=fmt, base_iri=p.resolve().as_uri(), max_size=None)


def compiled(data: bytes, form: str, name: str) -> Source:
    """A YAML, CSV or XLSX mapping compiled to N-Triples (docs/authoring.md)."""
    result = compile_bytes(data, form, name)
    return Source(
        name=name,
        data=result.ntriples(),
        format=ox.RdfFormat.N_TRIPLES,
        positions=result.positions,
    )


def parse(source: Source) -> list[ox.Triple]:
    """Parse a source into triples (graph names of quad syntaxes are dropped)."""
    return parse_triples(
        source.data, source.format, base_iri=source.base_iri, source_name=source.name
    )
