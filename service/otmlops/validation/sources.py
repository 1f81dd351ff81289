"""Read RDF input for validation: files or request bodies, with errors a user can act on.

Every problem becomes an :class:`~otmlops.errors.InputError` that names the source and, where
the parser knows it, the line and column: a syntax error, an undeclared prefix, bytes that are
not UTF-8, an empty file, a file over the size limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from otmlops.authoring import compile_bytes, form_of_media_type, form_of_path
from otmlops.errors import InputError

#: Default size limit for one input (bytes); the CLI's --max-size overrides it.
DEFAULT_MAX_SIZE = 50 * 1024 * 1024

_EXTENSIONS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ntriples": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
}

_MEDIA_TYPES: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/xml": ox.RdfFormat.RDF_XML,
    "text/xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/json": ox.RdfFormat.JSON_LD,
}

_UNDECLARED_PREFIX = re.compile(r"The prefix ([^ ]*) has not been declared")


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
        return self.positions is None and self.format in (
            ox.RdfFormat.TURTLE,
            ox.RdfFormat.N_TRIPLES,
            ox.RdfFormat.TRIG,
            ox.RdfFormat.N_QUADS,
        )


def format_for_media_type(media_type: str) -> ox.RdfFormat:
    base = media_type.split(";", 1)[0].strip().lower()
    if base in _MEDIA_TYPES:
        return _MEDIA_TYPES[base]
    raise InputError(
        f"unsupported media type {media_type!r}; use text/turtle, application/n-triples, "
        "application/rdf+xml or application/ld+json"
    )


def sniff_format(data: bytes) -> ox.RdfFormat:
    """Guess the syntax of a document whose name says nothing (content sniffing)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return ox.RdfFormat.JSON_LD
    if head.startswith(b"<?xml") or re.match(rb"<(rdf:)?RDF\b", head):
        return ox.RdfFormat.RDF_XML
    if re.search(rb"^\s*(@prefix|@base|PREFIX|BASE)\b", head, re.M | re.I) or b";" in head:
        return ox.RdfFormat.TURTLE
    # N-Triples is a subset of Turtle; Turtle parsing accepts both.
    return ox.RdfFormat.TURTLE


def _check_utf8(name: str, data: bytes) -> None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} cannot be decoded; save "
            "the file as UTF-8",
            source=name,
            line=line,
            column=column,
        ) from None


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
    if max_size is not None and len(data) > max_size:
        raise InputError(
            f"input is {_size(len(data))}, over the limit of {_size(max_size)}; "
            "raise the limit (--max-size) or split the file",
            source=name,
        )
    if not data.strip():
        raise InputError("input is empty: there is nothing to validate", source=name)
    if format is None and form_of_media_type(media_type):
        return _compiled(data, form_of_media_type(media_type) or "", name)
    _check_utf8(name, data)
    fmt = format or (format_for_media_type(media_type) if media_type else sniff_format(data))
    return Source(name=name, data=data, format=fmt, base_iri=base_iri)


def read_file(path: str | Path, *, max_size: int | None = DEFAULT_MAX_SIZE) -> Source:
    """A document on disk; syntax from the extension, else from the content."""
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise InputError("no such file", source=name)
    if not p.is_file():
        raise InputError("not a regular file", source=name)
    size = p.stat().st_size
    if max_size is not None and size > max_size:
        raise InputError(
            f"file is {_size(size)}, over the limit of {_size(max_size)}; raise the "
            "limit with --max-size or split the file",
            source=name,
        )
    data = p.read_bytes()
    if not data.strip():
        raise InputError("file is empty: there is nothing to validate", source=name)
    if form_of_path(p):
        return _compiled(data, form_of_path(p) or "", name)
    fmt = _EXTENSIONS.get(p.suffix.lower()) or sniff_format(data)
    return from_bytes(data, name=name, format=fmt, base_iri=p.resolve().as_uri(), max_size=None)


def _compiled(data: bytes, form: str, name: str) -> Source:
    """A YAML, CSV or XLSX mapping compiled to N-Triples (docs/authoring.md)."""
    compiled = compile_bytes(data, form, name)
    return Source(
        name=name,
        data=compiled.ntriples(),
        format=ox.RdfFormat.N_TRIPLES,
        positions=compiled.positions,
    )


def parse(source: Source) -> list[ox.Triple]:
    """Parse a source into triples (graph names of quad syntaxes are dropped)."""
    if source.format == ox.RdfFormat.RDF_XML:
        from otmlops.xml_guard import check_xml

        check_xml(source.data, source.name)  # entity bombs are refused before parsing
    try:
        quads = ox.parse(source.data, format=source.format, base_iri=source.base_iri)
        return [q.triple for q in quads]
    except SyntaxError as exc:
        message = str(exc.msg)
        detail = message.split(": ", 1)[1] if message.startswith("Parser error") else message
        prefix = _UNDECLARED_PREFIX.search(detail)
        if prefix:
            detail = (
                f"unknown prefix {prefix.group(1)} (declare it with "
                f"'@prefix {prefix.group(1)} <namespace> .' before its first use)"
            )
        else:
            detail = f"syntax error: {detail}"
        raise InputError(detail, source=source.name, line=exc.lineno, column=exc.offset) from None
    except (ValueError, OSError) as exc:
        raise InputError(
            f"cannot parse as {source.format.name}: {exc}", source=source.name
        ) from None


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n} bytes"
