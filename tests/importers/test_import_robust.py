"""Importers on real files that crashed or were refused: each case is a real file, or a real file
altered in one place at test time, and each failure is one error naming the file, never a
traceback."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pyoxigraph as ox
import pytest

from otmlops.errors import InputError
from otmlops.importers.aas import import_aas
from otmlops.importers.opcua import import_opcua
from tests.support.cli import run_cli
from tests.support.paths import FIXTURES

OPCUA = FIXTURES / "opcua"
CORE = OPCUA / "Schema" / "Opc.Ua.NodeSet2.xml"
DI = OPCUA / "DI" / "Opc.Ua.Di.NodeSet2.xml"
MACHINERY = OPCUA / "Machinery" / "Opc.Ua.Machinery.NodeSet2.xml"
EXAMPLE = OPCUA / "Machinery" / "Opc.Ua.Machinery.Examples.NodeSet2.xml"
DPP = (
    FIXTURES
    / "aas"
    / "submodel-templates"
    / "published"
    / "Digital Product Passport"
    / "Digital Product Passport Part-1"
    / "1"
    / "0"
    / "1"
    / "IDTA 02099-1_Template Digital Product Passport - Part 1.aasx"
)
AAS4J = FIXTURES / "aas" / "aas4j" / "dataformat-xml" / "src" / "test" / "resources"
SERVO = AAS4J / "Example_AAS_ServoDCMotor - Simplified.xml"
MINIMUM = AAS4J / "minimum.xml"
MACHINE = "http://opcfoundation.org/UA/Machinery_Example/i=5003"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
WORK_UNIT = ox.NamedNode("https://w3id.org/otmlops/isa95#WorkUnit")


def altered(src: Path, dest: Path, old: bytes, new: bytes, count: int = 1) -> Path:
    data = src.read_bytes()
    assert data.count(old) >= count, f"{old!r} not in {src.name}"
    dest.write_bytes(data.replace(old, new, count))
    return dest


def all_triples(result) -> set[ox.Triple]:
    return {t for p in result.payloads for t in p.triples}


# --- OPC UA -----------------------------------------------------------------------------------


def test_locales_that_are_not_language_tags(tmp_path: Path) -> None:
    """The Woodworking companion's Eumabois nodeset has Locale="3"; other tools write "en_US"."""
    example = altered(
        EXAMPLE, tmp_path / EXAMPLE.name, b'<Description Locale="en">', b'<Description Locale="3">'
    )
    example = altered(
        example, example, b'<Description Locale="en">', b'<Description Locale="en_US">'
    )
    result = import_opcua([CORE, DI, MACHINERY, example])
    texts = [
        t.object
        for t in all_triples(result)
        if t.predicate.value == "http://www.w3.org/2000/01/rdf-schema#comment"
        and isinstance(t.object, ox.Literal)
    ]
    assert any(lit.language == "en-us" for lit in texts)
    bad = [what for what, why in result.skipped if "BCP 47" in why]
    assert len(bad) == 1 and "Locale '3'" in bad[0] and example.name in bad[0]


def test_nodeset_without_models_element(tmp_path: Path) -> None:
    """<Models> is optional (the Pumps instance example has none): import, warn, bridge."""
    data = EXAMPLE.read_bytes()
    start, end = data.index(b"<Models>"), data.index(b"</Models>") + len(b"</Models>")
    example = tmp_path / "no-models.xml"
    example.write_bytes(data[:start] + data[end:])
    result = import_opcua([CORE, DI, MACHINERY, example])
    assert any("declares no <Models>" in w and "Machinery_Example" in w for w in result.warnings)
    assert ox.Triple(ox.NamedNode(MACHINE), RDF_TYPE, WORK_UNIT) in all_triples(result)


# --- AAS --------------------------------------------------------------------------------------


def test_aasx_with_external_target_mode_inside_the_package() -> None:
    """The IDTA Digital Product Passport marks its aasx-origin and aas-spec relationships
    TargetMode="External" although they name parts of the package."""
    result = import_aas(DPP)
    assert result.counts["submodels"] == 1
    assert any("TargetMode External" in w for w in result.warnings)


def _rezip(src: Path, dest: Path, change) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info, data)
    return dest


def test_aasx_with_a_damaged_part(tmp_path: Path) -> None:
    """Bytes flipped inside the compressed environment part: a zlib error or a CRC mismatch."""
    copy = tmp_path / "damaged.aasx"
    copy.write_bytes(DPP.read_bytes())
    with zipfile.ZipFile(copy) as z:
        info = z.getinfo("aasx/xml/content.xml")
        assert info.compress_type == zipfile.ZIP_DEFLATED
        offset = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data = bytearray(copy.read_bytes())
    for i in range(offset + 100, offset + 140):
        data[i] ^= 0xFF
    copy.write_bytes(bytes(data))
    with pytest.raises(InputError) as err:
        import_aas(copy)
    assert str(err.value).startswith(str(copy))
    assert "damaged" in str(err.value) and "/aasx/xml/content.xml" in str(err.value)
    proc = run_cli("import", "aas", str(copy), "--dry-run")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "damaged" in proc.stderr


@pytest.mark.parametrize("mode", [b' TargetMode="External"', b""], ids=["as-is", "internal"])
def test_aasx_relationship_to_a_missing_part(tmp_path: Path, mode: bytes) -> None:
    def change(name: str, data: bytes) -> bytes | None:
        if name == "aasx/xml/content.xml":
            return None
        return data.replace(b' TargetMode="External"', mode) if name.endswith(".rels") else data

    copy = _rezip(DPP, tmp_path / "missing.aasx", change)
    with pytest.raises(InputError) as err:
        import_aas(copy)
    assert "/aasx/xml/content.xml" in str(err.value) and "does not contain" in str(err.value)
    proc = run_cli("import", "aas", str(copy), "--dry-run")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


@pytest.mark.parametrize("path", [SERVO, MINIMUM], ids=lambda p: p.name)
def test_aas4j_xml_with_schema_location(path: Path) -> None:
    """aas4j's XML examples carry xsi:schemaLocation on the root, which aas-core refuses."""
    assert b"xsi:schemaLocation" in path.read_bytes()
    result = import_aas(path)
    assert result.counts["asset administration shells"] >= 1


def test_v30_xml_is_renamed_namespace_aware(tmp_path: Path) -> None:
    """The V3.0 namespace becomes V3.1 on elements only: a value that quotes the namespace is
    imported as written."""
    v30 = altered(
        SERVO,
        tmp_path / "servo-v30.xml",
        b'xmlns:aas="https://admin-shell.io/aas/3/1"',
        b'xmlns:aas="https://admin-shell.io/aas/3/0"',
    )
    value = b"see https://admin-shell.io/aas/3/0 for the metamodel"
    text = v30.read_bytes()
    start = text.index(b"<aas:value>") + len(b"<aas:value>")
    end = text.index(b"</aas:value>", start)
    v30.write_bytes(text[:start] + value + text[end:])
    result = import_aas(v30)
    assert any("V3.0 namespace" in w for w in result.warnings)
    literals = {t.object.value for t in all_triples(result) if isinstance(t.object, ox.Literal)}
    assert value.decode() in literals


def test_aas_xml_error_names_file_and_element(tmp_path: Path) -> None:
    bad = altered(
        SERVO,
        tmp_path / "bad.xml",
        b"<aas:assetKind>Instance</aas:assetKind>",
        b"<aas:assetKind>Somewhere</aas:assetKind>",
    )
    with pytest.raises(InputError) as err:
        import_aas(bad)
    message = str(err.value)
    assert message.startswith(str(bad)) and "assetKind" in message
