"""Read an AAS environment from JSON, XML or an AASX package with aas-core3.1.

Every failure becomes an ``InputError`` that says what is wrong and where (file, line, column
for syntax errors; the JSON/XML path for metamodel errors), so the CLI never shows a traceback.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from pathlib import Path

import aas_core3_1.jsonization as aas_json
import aas_core3_1.types as aas
import aas_core3_1.xmlization as aas_xml
import pyecma376_2
from lxml import etree
from pyecma376_2.package_model import OPCTargetMode, part_realpath

from otmlops.errors import InputError

# OPC relationship types of an AASX package (IDTA, Specification of the AAS, Part 5: the
# package format). Written out here so that reading a package needs no AAS SDK.
RELATIONSHIP_TYPE_AASX_ORIGIN = "http://admin-shell.io/aasx/relationships/aasx-origin"
RELATIONSHIP_TYPE_AAS_SPEC = "http://admin-shell.io/aasx/relationships/aas-spec"
RELATIONSHIP_TYPE_AAS_SPEC_SPLIT = "http://admin-shell.io/aasx/relationships/aas-spec-split"

# Packages written by older tools use the www. host; both spellings are read.
_ORIGIN_TYPES = (
    RELATIONSHIP_TYPE_AASX_ORIGIN,
    "http://www.admin-shell.io/aasx/relationships/aasx-origin",
)
_SPEC_TYPES = (RELATIONSHIP_TYPE_AAS_SPEC, "http://www.admin-shell.io/aasx/relationships/aas-spec")


NS_V30 = "https://admin-shell.io/aas/3/0"
NS_V31 = "https://admin-shell.io/aas/3/1"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
V30_NOTE = "AAS XML in the V3.0 namespace, read as V3.1 (V3.1 accepts every V3.0 environment)"


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
        raise InputError(
            f"invalid JSON: {exc.msg}", source=source, line=exc.lineno, column=exc.colno
        ) from exc
    try:
        return aas_json.environment_from_jsonable(jsonable)
    except aas_json.DeserializationException as exc:
        raise InputError(
            f"not an AAS V3 environment at {exc.path}: {exc.cause}", source=source
        ) from exc


def parse_xml(data: bytes, source: str, notes: list[str] | None = None) -> aas.Environment:
    """XML in the V3.1 namespace, or in the V3.0 one (elements renamed to V3.1, with a note).

    Only element names are rewritten, never text, so a value that mentions the namespace stays
    as it is. ``xsi:`` attributes (``schemaLocation``, which most aas4j files carry on the root)
    are hints for validators, not content, and are dropped before aas-core reads the file.
    """
    from otmlops.xml_guard import check_xml

    check_xml(data, source)  # entity bombs are refused before any XML parser expands them
    try:
        ET.fromstring(data)  # syntax first: its error names the line and column of the fault
    except ET.ParseError as exc:
        line, column = exc.position
        raise InputError(
            f"invalid XML: {exc.msg.split(':')[0]}", source=source, line=line, column=column + 1
        ) from exc
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.fromstring(data, parser)
    if _normalise(root, source, notes):
        etree.cleanup_namespaces(root)
        data = etree.tostring(root, encoding="utf-8", xml_declaration=True)
    try:
        # aas-core types the stream as TextIO, but ElementTree.iterparse reads bytes too (and
        # only bytes let the XML declaration pick the encoding)
        return aas_xml.environment_from_stream(io.BytesIO(data))  # type: ignore[arg-type]
    except aas_xml.DeserializationException as exc:
        raise InputError(
            f"not an AAS V3 environment at element {exc.path}: {exc.cause}", source=source
        ) from exc


def _normalise(root: etree._Element, source: str, notes: list[str] | None) -> bool:
    """Rename V3.0 elements to V3.1 and drop ``xsi:`` attributes; True if anything changed."""
    renamed = dropped = 0
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        qname = etree.QName(el)
        if qname.namespace == NS_V30:
            el.tag = etree.QName(NS_V31, qname.localname).text
            renamed += 1
        for attr in [a for a in el.attrib if etree.QName(a).namespace == _XSI]:
            del el.attrib[attr]
            dropped += 1
    if renamed and notes is not None:
        notes.append(f"{source}: {V30_NOTE}")
    return bool(renamed or dropped)


def _read_aasx(path: Path, data: bytes, notes: list[str]) -> tuple[aas.Environment, list[str]]:
    source = str(path)
    try:
        names = set(_all_parts(data))
        reader = pyecma376_2.ZipPackageReader(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"not an AASX package (OPC zip): {exc}", source=source) from exc
    try:
        origins = _targets(reader, "/", _ORIGIN_TYPES, names, source, notes)
        if not origins:
            raise InputError(
                "AASX package has no aasx-origin relationship, so no AAS environment", source=source
            )
        parts: list[str] = []
        for origin in origins:
            for spec in _targets(reader, origin, _SPEC_TYPES, names, source, notes):
                parts.append(spec)
                parts.extend(
                    _targets(
                        reader, spec, (RELATIONSHIP_TYPE_AAS_SPEC_SPLIT,), names, source, notes
                    )
                )
        if not parts:
            raise InputError(
                "AASX package holds no AAS environment (no aas-spec part)", source=source
            )
        envs = [_read_part(reader, part, source, notes) for part in parts]
    except (zipfile.BadZipFile, zlib.error, EOFError, etree.XMLSyntaxError) as exc:
        raise InputError(f"damaged AASX package: {exc}", source=source) from exc
    finally:
        reader.close()
    skipped = [
        name
        for name in sorted(names)
        if name not in {p.lstrip("/") for p in parts} and not _is_package_plumbing(name)
    ]
    shells: list[aas.AssetAdministrationShell] = []
    submodels: list[aas.Submodel] = []
    descriptions: list[aas.ConceptDescription] = []
    for env in envs:
        shells.extend(env.asset_administration_shells or [])
        submodels.extend(env.submodels or [])
        descriptions.extend(env.concept_descriptions or [])
    merged = aas.Environment(
        asset_administration_shells=shells, submodels=submodels, concept_descriptions=descriptions
    )
    return merged, skipped


def _targets(
    reader: pyecma376_2.ZipPackageReader,
    part: str,
    types: tuple[str, ...],
    names: set[str],
    source: str,
    notes: list[str],
) -> list[str]:
    """The parts that ``part``'s relationships of ``types`` lead to. A relationship marked
    ``TargetMode="External"`` whose target is a part name, not a URI (as in the IDTA Digital
    Product Passport), is followed as a part of this package, with a note; a URI is not."""
    out: list[str] = []
    for rel in reader.get_raw_relationships(part):
        if rel.type not in types:
            continue
        target = part_realpath(rel.target, part)
        if rel.target_mode == OPCTargetMode.EXTERNAL:
            if _URI_SCHEME.match(rel.target):
                notes.append(
                    f"{source}: relationship {rel.type} of {part} leads outside the "
                    f"package ({rel.target}); not followed"
                )
                continue
            notes.append(
                f"{source}: relationship {rel.type} of {part} is marked "
                f"TargetMode External but names the part {target} of this package; "
                f"read as internal"
            )
        out.append(target)
    return out


def _read_part(
    reader: pyecma376_2.ZipPackageReader, part: str, source: str, notes: list[str]
) -> aas.Environment:
    where = f"{source}!{part}"
    try:
        with reader.open_part(part) as stream:
            data = stream.read()
    except KeyError as exc:
        raise InputError(
            f"the package's relationships name the part {part}, which the package does not contain",
            source=source,
        ) from exc
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise InputError(f"damaged part {part} in the AASX package ({exc})", source=source) from exc
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
    return (
        name == "[Content_Types].xml"
        or name.endswith(".rels")
        or name.startswith("aasx/aasx-origin")
        or "core-properties" in name
        or name.startswith("docProps/")
    )
