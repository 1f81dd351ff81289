"""Reading RDF input: format names, a validating scan, and syntax errors with file:line:column.

Every backend scans a file completely before it touches the store, so a malformed file is
reported (with its position) while the store is still untouched. The scan runs Oxigraph's parser
without building a store, which costs about a tenth of loading.
"""

from __future__ import annotations

import io
import re
import xml.parsers.expat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from otmlops.errors import InputError, UsageError
from otmlops.store.base import ProgressCallback
from otmlops.xml_guard import check_xml

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

#: Names accepted for ``--format`` (besides file extensions and media types).
FORMAT_NAMES: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ttl": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "n-triples": ox.RdfFormat.N_TRIPLES,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "n-quads": ox.RdfFormat.N_QUADS,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "rdf/xml": ox.RdfFormat.RDF_XML,
    "xml": ox.RdfFormat.RDF_XML,
    "rdf": ox.RdfFormat.RDF_XML,
    "owl": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "json-ld": ox.RdfFormat.JSON_LD,
    "json": ox.RdfFormat.JSON_LD,
    "n3": ox.RdfFormat.N3,
}

_POSITION = re.compile(r"^Parser error (?:at|between) line \d+.*?: ")
_QUOTED = re.compile(r"'([^']{1,200})'")


def parse_format(name: str) -> ox.RdfFormat:
    """A format from a short name (turtle, nt, ...), an extension or a media type."""
    key = name.strip().lower()
    fmt = FORMAT_NAMES.get(key) or FORMAT_NAMES.get(key.lstrip("."))
    if fmt is None and "/" in key:
        fmt = ox.RdfFormat.from_media_type(key)
    if fmt is None:
        known = ", ".join(sorted({"turtle", "nt", "nquads", "trig", "rdfxml", "jsonld", "n3"}))
        raise UsageError(f"unknown RDF format {name!r} (known: {known})")
    return fmt


def guess_format(path: Path) -> ox.RdfFormat:
    """The format of ``path`` from its extension; UsageError if it has none we know."""
    fmt = FORMAT_NAMES.get(path.suffix.lower().lstrip("."))
    if fmt is None:
        raise UsageError(
            f"{path}: cannot tell the RDF format from the extension "
            f"{path.suffix or '(none)'!r}; pass --format"
        )
    return fmt


class CountingReader(io.RawIOBase):
    """A binary file wrapper that reports how many bytes were read, for progress bars."""

    def __init__(
        self,
        raw: io.BufferedIOBase,
        total: int,
        progress: ProgressCallback | None,
        offset: int = 0,
        grand_total: int | None = None,
    ) -> None:
        self._raw = raw
        self.done = 0
        self._total = total
        self._offset = offset
        self._grand_total = grand_total if grand_total is not None else total
        self._progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        n = self._raw.readinto(buffer) or 0
        self._advance(n)
        return n

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._advance(len(data))
        return data

    def _advance(self, n: int) -> None:
        self.done += n
        if self._progress is not None and n:
            self._progress(self._offset + self.done, self._grand_total)


@contextmanager
def open_source(
    source: Path | bytes,
    progress: ProgressCallback | None = None,
    *,
    offset: int = 0,
    grand_total: int | None = None,
) -> Iterator[io.BufferedReader]:
    """Open a path or bytes as a binary stream that reports progress."""
    if isinstance(source, bytes | bytearray):
        raw: io.BufferedIOBase = io.BytesIO(source)
        total = len(source)
    else:
        try:
            raw = open(source, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise InputError(f"cannot read the file: {exc.strerror}", source=str(source)) from exc
        total = source.stat().st_size
    try:
        yield io.BufferedReader(
            CountingReader(raw, total, progress, offset, grand_total), buffer_size=1 << 20
        )
    finally:
        raw.close()


def source_size(source: Path | bytes) -> int:
    return len(source) if isinstance(source, bytes | bytearray) else source.stat().st_size


@dataclass
class ScanResult:
    """What a file holds: triples per graph (None: the file's default graph), and the prefixes
    it declares (Turtle, TriG, N3), remembered so that answers can use the user's short names."""

    counts: dict[str | None, int] = field(default_factory=dict)
    prefixes: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def scan(
    source: Path | bytes,
    fmt: ox.RdfFormat,
    *,
    base_iri: str | None,
    source_name: str,
    progress: ProgressCallback | None = None,
    grand_total: int | None = None,
) -> ScanResult:
    """Parse ``source`` completely without storing it; InputError on the first syntax error."""
    result = ScanResult()
    counts = result.counts
    if fmt == ox.RdfFormat.RDF_XML:
        check_xml(source, source_name)  # entity bombs are refused before parsing
    try:
        with open_source(source, progress, grand_total=grand_total) as stream:
            parser = ox.parse(stream, fmt, base_iri=base_iri)
            if fmt.supports_datasets:
                for quad in parser:
                    g = quad.graph_name
                    key = None if isinstance(g, ox.DefaultGraph) else _graph_key(g)
                    counts[key] = counts.get(key, 0) + 1
            else:
                n = 0
                for _ in parser:
                    n += 1
                if n:
                    counts[None] = n
            result.prefixes = dict(getattr(parser, "prefixes", None) or {})
    except SyntaxError as exc:
        raise syntax_error(exc, source, fmt, source_name) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not valid UTF-8 ({exc.reason})", source=source_name) from None
    return result


def _graph_key(g: ox.NamedNode | ox.BlankNode) -> str:
    if isinstance(g, ox.BlankNode):
        raise InputError(
            "graphs named by blank nodes are not supported; name the graph with an IRI"
        )
    return g.value


def syntax_error(
    exc: SyntaxError, source: Path | bytes, fmt: ox.RdfFormat, source_name: str
) -> InputError:
    """Map a pyoxigraph SyntaxError to an InputError with file:line:column.

    Oxigraph's RDF/XML parser reports no position; for it, expat finds the position of XML
    well-formedness errors and, for other errors, the first occurrence of the quoted offending
    text is used.
    """
    message = str(exc.args[0]) if exc.args else str(exc)
    line = column = None
    if len(exc.args) > 1 and isinstance(exc.args[1], tuple) and len(exc.args[1]) >= 3:
        line, column = exc.args[1][1], exc.args[1][2]
    message = _POSITION.sub("", message)
    if line is None and fmt == ox.RdfFormat.RDF_XML:
        line, column = _xml_position(source, message)
    return InputError(message, source=source_name, line=line, column=column)


def _xml_position(source: Path | bytes, message: str) -> tuple[int | None, int | None]:
    data = source if isinstance(source, bytes | bytearray) else _read_prefix(source)
    if data is None:
        return None, None
    parser = xml.parsers.expat.ParserCreate()
    try:
        parser.Parse(bytes(data), True)
    except xml.parsers.expat.ExpatError as err:
        return err.lineno, err.offset + 1
    quoted = _QUOTED.search(message)
    if quoted:
        needle = quoted.group(1).encode()
        at = bytes(data).find(needle)
        if at >= 0:
            before = bytes(data[:at])
            line = before.count(b"\n") + 1
            column = len(before) - (before.rfind(b"\n") + 1) + 1
            return line, column
    return None, None


def _read_prefix(path: Path, limit: int = 256 << 20) -> bytes | None:
    """The file's bytes if it is small enough to search for an error position."""
    try:
        if path.stat().st_size > limit:
            return None
        return path.read_bytes()
    except OSError:
        return None
