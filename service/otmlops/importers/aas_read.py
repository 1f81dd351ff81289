"""Read an AAS environment from JSON, XML or an AASX package with aas-core3.1.

Every failure becomes an ``InputError`` that says what is wrong and where (file, line, column
for syntax errors; the JSON/XML path for metamodel errors), so the CLI never shows a traceback.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import aas_core3_1.jsonization as aas_json
import aas_core3_1.types as aas
import aas_core3_1.xmlization as aas_xml
import pyecma376_2
from basyx.aas.adapter.aasx import RELATIONSHIP_TYPE_AAS_SPEC, RELATIONSHIP_TYPE_AAS_SPEC_SPLIT

from otmlops.errors import InputError

_ORIGIN_TYPES = ("http://admin-shell.io/aasx/relationships/aasx-origin",
                 "http://www.admin-shell.io/aasx/relationships/aasx-origin")
_SPEC_TYPES = (RELATIONSHIP_TYPE_AAS_SPEC,
               "http://www.admin-shell.io/aasx/relationships/aas-spec")


_NS_V30 = b"https://admin-shell.io/aas/3/0"
_NS_V31 = b"https://admin-shell.io/aas/3/1"
V30_NOTE = ("AAS XML in the V3.0 namespace, read as V3.1 (V3.1 accepts every V3.0 "
            "environment)")


def read_environment(path: Path) -> tuple[aas.Environment, list[str], list[str]]:
    """The environment in ``path``, the package parts that were not read (AASX only), and
    notes on how it was read."""
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", source=str(path)) from exc
    notes: list[str] = []
    if suffix == ".aasx":
        env, skipped = _read_aasx(path, data, notes)
        return env, skipped, notes
    if suffix == ".xml":
        return parse_xml(data, str(path), notes), [], notes
    if suffix == ".json":
        return parse_json(data, str(path)), [], notes
    raise InputError("unknown AAS file type; expected .json, .xml or .aasx", source=str(path))


def parse_json(data: bytes, source: str) -> aas.Environment:
    try:
        jsonable = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", source=source) from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", source=source, line=exc.lineno,
                         column=exc.colno) from exc
    try:
        return aas_json.environment_from_jsonable(jsonable)
    except aas_json.DeserializationException as exc:
        raise InputError(f"not an AAS V3 environment at {exc.path}: {exc.cause}",
                         source=source) from exc


def parse_xml(data: bytes, source: str, notes: list[str] | None = None) -> aas.Environment:
    """XML in the V3.1 namespace, or in the V3.0 one (rewritten to V3.1, with a note)."""
    from otmlops.xml_guard import check_xml

    check_xml(data, source)  # entity bombs are refused before any XML parser expands them
    try:
        ET.fromstring(data)  # syntax first, so the error can name line and column
    except ET.ParseError as exc:
        line, column = exc.position
        raise InputError(f"invalid XML: {exc.msg.split(':')[0]}", source=source, line=line,
                         column=column + 1) from exc
    if _NS_V30 in data and _NS_V31 not in data:
        data = data.replace(_NS_V30, _NS_V31)
        if notes is not None:
            notes.append(f"{source}: {V30_NOTE}")
    try:
        return aas_xml.environment_from_stream(io.BytesIO(data))
    except aas_xml.DeserializationException as exc:
        raise InputError(f"not an AAS V3 environment at {exc.path}: {exc.cause}",
                         source=source) from exc


def _read_aasx(path: Path, data: bytes,
               notes: list[str]) -> tuple[aas.Environment, list[str]]:
    source = str(path)
    try:
        reader = pyecma376_2.ZipPackageReader(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"not an AASX package (OPC zip): {exc}", source=source) from exc
    try:
        core = reader.get_related_parts_by_type()
        origins = [p for t in _ORIGIN_TYPES for p in core.get(t, [])]
        if not origins:
            raise InputError("AASX package has no aasx-origin relationship, so no AAS "
                             "environment", source=source)
        parts: list[str] = []
        for origin in origins:
            related = reader.get_related_parts_by_type(origin)
            for spec in (p for t in _SPEC_TYPES for p in related.get(t, [])):
                parts.append(spec)
                parts.extend(reader.get_related_parts_by_type(spec)
                             .get(RELATIONSHIP_TYPE_AAS_SPEC_SPLIT, []))
        if not parts:
            raise InputError("AASX package holds no AAS environment (no aas-spec part)",
                             source=source)
        envs = [_read_part(reader, part, source, notes) for part in parts]
        skipped = [name for name in _all_parts(data) if name not in {p.lstrip("/")
                   for p in parts} and not _is_package_plumbing(name)]
    finally:
        reader.close()
    merged = aas.Environment(asset_administration_shells=[], submodels=[],
                             concept_descriptions=[])
    for env in envs:
        merged.asset_administration_shells.extend(env.asset_administration_shells or [])
        merged.submodels.extend(env.submodels or [])
        merged.concept_descriptions.extend(env.concept_descriptions or [])
    return merged, skipped


def _read_part(reader: pyecma376_2.ZipPackageReader, part: str, source: str,
               notes: list[str]) -> aas.Environment:
    where = f"{source}!{part}"
    with reader.open_part(part) as stream:
        data = stream.read()
    content_type = (reader.get_content_type(part) or "").split(";")[0].strip()
    if part.lower().endswith(".json") or content_type.endswith("json"):
        return parse_json(data, where)
    if part.lower().endswith(".xml") or content_type.endswith("xml"):
        return parse_xml(data, where, notes)
    raise InputError(f"AAS part of unknown type {content_type!r}", source=where)


def _all_parts(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [n for n in z.namelist() if not n.endswith("/")]


def _is_package_plumbing(name: str) -> bool:
    return (name == "[Content_Types].xml" or name.endswith(".rels")
            or name.startswith("aasx/aasx-origin") or "core-properties" in name
            or name.startswith("docProps/"))
