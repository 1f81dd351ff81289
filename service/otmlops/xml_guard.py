"""Refuse XML documents whose entity declarations would expand them beyond a bound.

Oxigraph's RDF/XML parser expands internal entities without a limit, so an 863-byte document
with nested entity declarations ("billion laughs") can make a process allocate gigabytes. Real
RDF/XML uses entities for namespace abbreviations (``<!ENTITY owl "http://...#">``), so they
are not refused outright: the expanded size of the document is computed from its DOCTYPE and
the references in its body, and a document that would grow beyond ``factor`` times its own
size (plus a small allowance) is refused before any parser sees it. External and parameter
entities are refused (nothing is ever fetched). Every RDF/XML path (store load, Graph Store
Protocol, /validate, importers) calls :func:`check_xml`.
"""

from __future__ import annotations

import os
import re
import xml.parsers.expat
from collections.abc import Iterator
from pathlib import Path

from otmlops.errors import InputError

#: The default bound on how much larger than itself entity expansion may make a document.
DEFAULT_EXPANSION_FACTOR = 10
#: Expansion always allowed whatever the document's size (small files with a few entities).
_ALLOWANCE = 64 * 1024
_ENV = "OTMLOPS_XML_EXPANSION"
_CHUNK = 1 << 20
_REF = re.compile(rb"&([A-Za-z_:][A-Za-z0-9_.:\-]*);")


class _PrologDone(Exception):
    """Raised from the start-element handler: the DOCTYPE is behind us."""


def expansion_factor() -> int:
    """The configured factor (``$OTMLOPS_XML_EXPANSION``; serve's --xml-expansion sets it)."""
    raw = os.environ.get(_ENV, "")
    try:
        return max(1, int(raw)) if raw else DEFAULT_EXPANSION_FACTOR
    except ValueError:
        return DEFAULT_EXPANSION_FACTOR


def _chunks(source: Path | bytes) -> Iterator[bytes]:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        for at in range(0, len(data), _CHUNK):
            yield data[at : at + _CHUNK]
        return
    with open(source, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            yield chunk


def _declarations(source: Path | bytes, name: str) -> dict[str, str]:
    """Internal general entities declared in the DOCTYPE (name -> literal replacement text)."""
    entities: dict[str, str] = {}
    parser = xml.parsers.expat.ParserCreate()

    def on_entity(
        ent: str,
        is_param: bool,
        value: str | None,
        base: str | None,
        system_id: str | None,
        public_id: str | None,
        notation: str | None,
    ) -> None:
        if is_param:
            raise InputError(
                f"the XML declares the parameter entity %{ent}; parameter "
                "entities are not accepted",
                source=name,
            )
        if value is None:
            raise InputError(
                f"the XML declares the external entity &{ent}; (SYSTEM/PUBLIC); "
                "external entities are not accepted",
                source=name,
            )
        entities[ent] = value

    def on_start(*_: object) -> None:
        raise _PrologDone

    parser.EntityDeclHandler = on_entity
    parser.StartElementHandler = on_start
    try:
        for chunk in _chunks(source):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _PrologDone:
        pass
    except xml.parsers.expat.ExpatError:
        # not well-formed before its root element: the RDF parser reports the real error,
        # unless entities were being declared (then we cannot bound them: refuse)
        if entities or _mentions_entity(source):
            raise InputError(
                "the XML declares entities in a DOCTYPE that cannot be read; "
                "remove the entity declarations",
                source=name,
            ) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", source=name) from None
    return entities


def _mentions_entity(source: Path | bytes) -> bool:
    return any(b"<!ENTITY" in chunk for chunk in _chunks(source))


def _expanded_sizes(entities: dict[str, str], name: str, limit: int) -> dict[str, int]:
    """Expanded length of each entity (references inside values resolved); refuses cycles
    and any entity whose expansion alone passes ``limit``."""
    sizes: dict[str, int] = {}
    active: set[str] = set()

    def size(ent: str) -> int:
        if ent in sizes:
            return sizes[ent]
        if ent in active:
            raise InputError(f"the XML entity &{ent}; refers to itself", source=name)
        active.add(ent)
        value = entities[ent]
        total = len(value.encode("utf-8"))
        for ref in _REF.findall(value.encode("utf-8")):
            key = ref.decode("utf-8", "replace")
            if key in entities:
                total += size(key) - len(ref) - 2
                if total > limit:
                    raise _too_big(name, limit)
        active.discard(ent)
        sizes[ent] = total
        return total

    for ent in entities:
        size(ent)
    return sizes


def _too_big(name: str, limit: int) -> InputError:
    return InputError(
        f"the XML's entity declarations would expand it beyond {limit} bytes "
        f"(the limit is {expansion_factor()} times its size plus "
        f"{_ALLOWANCE // 1024} KiB); expand the entities in the "
        "file or remove the DOCTYPE",
        source=name,
    )


def check_xml(source: Path | bytes, name: str = "<input>") -> None:
    """Raise InputError if ``source`` (XML bytes or a file) declares entities that would
    expand it beyond :func:`expansion_factor` times its size, or declares external/parameter entities.

    A document without ``<!ENTITY`` costs one scan for that string."""
    if not _mentions_entity(source):
        return
    size = len(source) if isinstance(source, bytes | bytearray) else Path(source).stat().st_size
    limit = size * expansion_factor() + _ALLOWANCE
    entities = _declarations(source, name)
    if not entities:
        return
    sizes = _expanded_sizes(entities, name, limit)
    total = size
    tail = b""
    for chunk in _chunks(source):
        data = tail + chunk
        # keep an unfinished reference for the next chunk
        cut = data.rfind(b"&")
        if cut >= 0 and b";" not in data[cut:]:
            data, tail = data[:cut], data[cut:]
        else:
            tail = b""
        for ref in _REF.findall(data):
            grown = sizes.get(ref.decode("utf-8", "replace"))
            if grown is not None:
                total += grown - len(ref) - 2
                if total > limit:
                    raise _too_big(name, limit)
