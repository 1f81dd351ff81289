"""Reading RDF from a file or bytes, with one policy for size, UTF-8 and syntax errors.

Every problem becomes an :class:`~otmlops.errors.InputError` that names the source and, where
it can be known, the line and column: a syntax error (an undeclared prefix gets a hint), bytes
that are not UTF-8 (the offending byte is named), a file over the size limit. Oxigraph's
RDF/XML parser reports no position; for it, expat finds the position of XML well-formedness
errors and, for other errors, the first occurrence of the quoted offending text is used.
RDF/XML is checked for entity bombs (otmlops.xml_guard) before any parser sees it.

:func:`scan` streams (a store load reads files of any size); :func:`parse_triples` reads a
document held in memory (validation).
"""

from __future__ import annotations

import io
import re
import xml.parsers.expat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from otmlops.errors import InputError
from otmlops.xml_guard import check_xml

#: Default size limit for one document read into memory (bytes); the CLI's --max-size
#: overrides it. Store loads stream and have no limit.
DEFAULT_MAX_SIZE = 50 * 1024 * 1024
#: A file or the bytes of a document.
RdfSource = Path | bytes
#: progress(bytes_done, bytes_total) — called while a source is read.
Progress = Callable[[int, int], None]

_POSITION = re.compile(r"^Parser error (?:at|between) line \d+.*?: ")
_QUOTED = re.compile(r"'([^']{1,200})'")
_UNDECLARED_PREFIX = re.compile(r"The prefix ([^ ]*) has not been declared")
#: Files up to this size are read again to find where an error without position is.
_POSITION_SEARCH_LIMIT = 256 << 20


# ----------------------------------------------------------------------------- policies


def describe_size(n: int) -> str:
    """``4100 bytes`` or ``52.4 MB``: a size as messages show it."""
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n} bytes"


def check_size(size: int, limit: int | None, name: str, what: str = "input") -> None:
    """InputError if ``size`` is over ``limit`` (None: no limit); ``what`` starts the message
    (``file``, ``input``)."""
    if limit is not None and size > limit:
        raise InputError(
            f"{what} is {describe_size(size)}, over the limit of {describe_size(limit)}; "
            "raise the limit with --max-size or split the file",
            source=name,
        )


def utf8_error(data: bytes, name: str) -> InputError | None:
    """The error for the first byte of ``data`` that is not UTF-8 (with its line and column),
    or None if all of it is UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return InputError(
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} cannot be decoded; save "
            "the file as UTF-8",
            source=name,
            line=line,
            column=column,
        )
    return None


def check_utf8(data: bytes, name: str) -> None:
    """InputError naming the first byte of ``data`` that is not UTF-8."""
    error = utf8_error(data, name)
    if error is not None:
        raise error


# ----------------------------------------------------------------------------- streams


class CountingReader(io.RawIOBase):
    """A binary file wrapper that reports how many bytes were read, for progress bars."""

    def __init__(
        self,
        raw: io.BufferedIOBase,
        total: int,
        progress: Progress | None,
        offset: int = 0,
        grand_total: int | None = None,
    ) -> None:
        self._raw = raw
        self.done = 0
        self._offset = offset
        self._grand_total = grand_total if grand_total is not None else total
        self._progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
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
    source: RdfSource,
    progress: Progress | None = None,
    *,
    offset: int = 0,
    grand_total: int | None = None,
) -> Iterator[io.BufferedReader]:
    """Open a path or bytes as a buffered binary stream that reports progress."""
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


def source_size(source: RdfSource) -> int:
    return len(source) if isinstance(source, bytes | bytearray) else source.stat().st_size


# ----------------------------------------------------------------------------- reading


@dataclass
class ScanResult:
    """What a source holds: triples per graph (None: the source's default graph), and the
    prefixes it declares (Turtle, TriG, N3), remembered so that answers can use the user's
    short names."""

    counts: dict[str | None, int] = field(default_factory=dict)
    prefixes: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def scan(
    source: RdfSource,
    fmt: ox.RdfFormat,
    *,
    base_iri: str | None,
    source_name: str,
    progress: Progress | None = None,
    grand_total: int | None = None,
) -> ScanResult:
    """Parse ``source`` completely without keeping it (about a tenth of the cost of loading);
    InputError on the first syntax error, so a store can refuse it before any write."""
    result = ScanResult()
    counts = result.counts
    if fmt == ox.RdfFormat.RDF_XML:
        check_xml(source, source_name)
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
    except UnicodeDecodeError:
        raise _not_utf8(source, source_name, None, None) from None
    return result


def _graph_key(g: ox.NamedNode | ox.BlankNode) -> str:
    if isinstance(g, ox.BlankNode):
        raise InputError(
            "graphs named by blank nodes are not supported; name the graph with an IRI"
        )
    return g.value


def parse_triples(
    data: bytes, fmt: ox.RdfFormat, *, base_iri: str | None, source_name: str
) -> list[ox.Triple]:
    """The triples of a document in memory (graph names of quad syntaxes are dropped)."""
    if fmt == ox.RdfFormat.RDF_XML:
        check_xml(data, source_name)
    try:
        return [q.triple for q in ox.parse(data, format=fmt, base_iri=base_iri)]
    except SyntaxError as exc:
        raise syntax_error(exc, data, fmt, source_name) from None
    except (ValueError, OSError) as exc:
        raise InputError(f"cannot parse as {fmt.name}: {exc}", source=source_name) from None


# ----------------------------------------------------------------------------- errors


def syntax_error(
    exc: SyntaxError, source: RdfSource, fmt: ox.RdfFormat, source_name: str
) -> InputError:
    """The one mapping of a pyoxigraph SyntaxError to an InputError with file:line:column."""
    message = str(exc.args[0]) if exc.args else str(exc)
    line = column = None
    if len(exc.args) > 1 and isinstance(exc.args[1], tuple) and len(exc.args[1]) >= 3:
        line, column = exc.args[1][1], exc.args[1][2]
    detail = _POSITION.sub("", message)
    if detail.startswith("Invalid UTF-8"):
        return _not_utf8(source, source_name, line, column)
    if line is None and fmt == ox.RdfFormat.RDF_XML:
        line, column = _xml_position(source, detail)
    prefix = _UNDECLARED_PREFIX.search(detail)
    if prefix:
        detail = (
            f"unknown prefix {prefix.group(1)} (declare it with "
            f"'@prefix {prefix.group(1)} <namespace> .' before its first use)"
        )
    else:
        detail = f"syntax error: {detail}"
    return InputError(detail, source=source_name, line=line, column=column)


def _not_utf8(
    source: RdfSource, source_name: str, line: int | None, column: int | None
) -> InputError:
    """The UTF-8 error with the offending byte when the bytes can be searched, else at the
    parser's position."""
    data = _searchable(source)
    error = utf8_error(bytes(data), source_name) if data is not None else None
    if error is not None:
        return error
    return InputError(
        "not UTF-8 text; save the file as UTF-8", source=source_name, line=line, column=column
    )


def _xml_position(source: RdfSource, message: str) -> tuple[int | None, int | None]:
    data = _searchable(source)
    if data is None:
        return None, None
    data = bytes(data)
    parser = xml.parsers.expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as err:
        return err.lineno, err.offset + 1
    quoted = _QUOTED.search(message)
    if quoted:
        at = data.find(quoted.group(1).encode())
        if at >= 0:
            before = data[:at]
            return before.count(b"\n") + 1, len(before) - (before.rfind(b"\n") + 1) + 1
    return None, None


def _searchable(source: RdfSource) -> bytes | None:
    """The source's bytes if it is small enough to search for an error position."""
    if isinstance(source, bytes | bytearray):
        return bytes(source)
    try:
        if source.stat().st_size > _POSITION_SEARCH_LIMIT:
            return None
        return source.read_bytes()
    except OSError:
        return None
