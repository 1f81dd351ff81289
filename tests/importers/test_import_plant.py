"""AAS structure, kinds, data sources and identity, and the example plant end to end: OPC UA and
AAS models imported into a real store, a use case mapped onto them validated and queried."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from otmlops.errors import InputError
from otmlops.importers.aas import import_aas
from otmlops.importers.aas_rules import load_aas_rules
from otmlops.importers.identity import serial_iri
from otmlops.importers.opcua import import_opcua
from tests.support.cli import run_cli, run_cli_inprocess
from tests.support.paths import FIXTURES, REPO

PLANT = REPO / "examples" / "plant"
OPCUA = FIXTURES / "opcua"
DEPS = [
    OPCUA / "Schema" / "Opc.Ua.NodeSet2.xml",
    OPCUA / "DI" / "Opc.Ua.Di.NodeSet2.xml",
    OPCUA / "Machinery" / "Opc.Ua.Machinery.NodeSet2.xml",
    OPCUA / "ISA-95" / "Opc.ISA95.NodeSet2.xml",
]
AAS_FILE = PLANT / "press01.aas.json"
AAS_RULES = PLANT / "aas-rules.toml"
TEMPLATES = FIXTURES / "aas" / "submodel-templates" / "published"
DPP = next(TEMPLATES.glob("Digital Product Passport/**/*.aasx"))
BOM_TEMPLATE = next(TEMPLATES.glob("Hierarchical Structures*/**/*.json"))
SERVO = next((FIXTURES / "aas" / "aas4j").rglob("Example_AAS_ServoDCMotor*.xml"))
ISA95 = "https://w3id.org/otmlops/isa95#"
MAP = "https://w3id.org/otmlops/map#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
A = "https://example.org/assets/"
PRESS_UA = "http://example.org/otmlops/plant/i=5100"


def triples_of(result) -> set[ox.Triple]:
    return {t for p in result.payloads for t in p.triples}


def classes(triples: set[ox.Triple]) -> dict[str, str]:
    return {
        t.subject.value: t.object.value[len(ISA95) :]
        for t in triples
        if t.predicate.value == RDF_TYPE and t.object.value.startswith(ISA95)
    }


@pytest.fixture(scope="module")
def aas_triples() -> set[ox.Triple]:
    return triples_of(import_aas(AAS_FILE, rules=[AAS_RULES]))


def test_bill_of_material_becomes_part_of(aas_triples) -> None:
    part_of = {
        (t.subject.value, t.object.value)
        for t in aas_triples
        if t.predicate.value == ISA95 + "partOf"
        and t.object.value.startswith(A)
        and t.subject.value.startswith(A)
    }
    assert part_of == {
        (A + "hydraulic-unit-07", A + "press-01"),
        (A + "servo-drive-3", A + "press-01"),
        (A + "pump-12", A + "hydraulic-unit-07"),
    }
    found = classes(aas_triples)
    assert found[A + "press-01"] == "WorkUnit"  # the plant's rule for its asset type
    assert found[A + "hydraulic-unit-07"] == found[A + "pump-12"] == "EquipmentModule"


def test_without_a_class_rule_assets_are_reported_once_not_made_generic() -> None:
    result = import_aas(AAS_FILE)
    assert not classes(triples_of(result))
    notes = [w for w in result.warnings if "no ISA-95 class" in w]
    assert len(notes) == 1 and A + "press-01" in notes[0] and A + "vs-01" in notes[0]
    # the real aas4j servo motor example, an instance asset, likewise
    servo = import_aas(SERVO)
    assert not classes(triples_of(servo))
    assert sum("no ISA-95 class" in w for w in servo.warnings) == 1


@pytest.mark.parametrize(
    ("path", "verdict"),
    [
        (DPP, "assets of kind Type"),
        (BOM_TEMPLATE, "assets of kind Type"),
    ],
    ids=["dpp", "bom-template"],
)
def test_templates_and_products_are_not_plant_equipment(path: Path, verdict: str) -> None:
    result = import_aas(path)
    assert not classes(triples_of(result))
    assert any(k.startswith(verdict) for k in result.counts)


def test_product_and_placeholder_assets(tmp_path: Path) -> None:
    """An instance shell with a battery passport submodel is a product; one whose asset id is
    an IDTA template placeholder names no real asset."""
    text = AAS_FILE.read_text(encoding="utf-8")
    product = tmp_path / "product.json"
    product.write_text(
        text.replace(
            "https://admin-shell.io/idta/TimeSeries/1/1",
            "urn:samm:io.admin-shell.idta.batterypass.circularity:1.0.0#Circularity",
        ),
        encoding="utf-8",
    )
    counts = import_aas(product, rules=[AAS_RULES]).counts
    assert counts["product or AI assets (not plant equipment)"] == 1
    placeholder = tmp_path / "placeholder.json"
    placeholder.write_text(
        text.replace(A + "press-01", "https://admin-shell.io/idta/asset/x"), encoding="utf-8"
    )
    counts = import_aas(placeholder, rules=[AAS_RULES]).counts
    assert counts["placeholder asset ids (templates; not plant equipment)"] == 1


def test_aas_data_sources(aas_triples) -> None:
    segment = ox.NamedNode("https://example.org/aas/press-01/sm/TimeSeries#Segments.ForceHistory")
    ram = ox.NamedNode(
        "https://example.org/aas/press-01/sm/AssetInterfacesDescription"
        "#InterfaceHTTP.InteractionMetadata.properties.RamPosition"
    )
    for source in (segment, ram):
        assert (
            ox.Triple(source, ox.NamedNode(RDF_TYPE), ox.NamedNode(MAP + "DataSource"))
            in aas_triples
        )
        assert (
            ox.Triple(source, ox.NamedNode(MAP + "dataSourceOf"), ox.NamedNode(A + "press-01"))
            in aas_triples
        )
    align = "https://w3id.org/otmlops/alignment#"
    assert (
        ox.Triple(
            segment,
            ox.NamedNode(align + "endpoint"),
            ox.Literal("https://historian.example.org/api/v1/query"),
        )
        in aas_triples
    )
    assert ox.Triple(ram, ox.NamedNode(align + "unit"), ox.Literal("MMT")) in aas_triples


def test_identities_meet() -> None:
    """OPC UA ProductInstanceUri = AAS globalAssetId; manufacturer + serial number on both."""
    serial = serial_iri("Example Presses Ltd", "P-2024-0117")
    assert serial == serial_iri("  example presses LTD ", "P-2024-0117")
    ua = triples_of(import_opcua([*DEPS, PLANT / "plant.NodeSet2.xml"]))
    same = {
        t.object.value for t in ua if t.predicate.value == SAME_AS and t.subject.value == PRESS_UA
    }
    assert same == {A + "press-01", serial.value}
    assert classes(ua)[A + "press-01"] == "WorkUnit"
    aas = triples_of(import_aas(AAS_FILE, rules=[AAS_RULES]))
    assert ox.Triple(ox.NamedNode(A + "press-01"), ox.NamedNode(SAME_AS), serial) in aas
    assert classes(aas)[serial.value] == "WorkUnit"
    # a bill-of-material part (entity with specific asset ids) meets the OPC UA component with
    # the same manufacturer and serial number in its Identification
    unit = serial_iri("Example Hydraulics GmbH", "HU-0007")
    assert ox.Triple(ox.NamedNode(A + "hydraulic-unit-07"), ox.NamedNode(SAME_AS), unit) in aas
    assert (
        ox.Triple(
            ox.NamedNode("http://example.org/otmlops/plant/i=5120"), ox.NamedNode(SAME_AS), unit
        )
        in ua
    )
    part_of = ox.NamedNode(ISA95 + "partOf")
    assert ox.Triple(ox.NamedNode(A + "pump-12"), part_of, unit) in aas  # AAS below it
    assert ox.Triple(unit, part_of, ox.NamedNode(PRESS_UA)) in ua  # OPC UA above it


def test_bad_aas_rule_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[asset_class]]\nasset_type_equals = "x"\nclass = "Press"\n', encoding="utf-8")
    with pytest.raises(InputError, match="asset_class\\[0\\]: unknown ISA-95 equipment class"):
        load_aas_rules([bad])


@pytest.mark.slow
def test_example_plant_end_to_end(tmp_path: Path) -> None:
    """The README path: import both models, validate the mapping, ask the questions. The
    first import and the failing validation run as real commands (the user's exit codes); the
    steps that only give an answer run in this process."""
    store = tmp_path / "store"
    done = run_cli(
        "import",
        "opcua",
        *map(str, DEPS),
        str(PLANT / "plant.NodeSet2.xml"),
        "--graph",
        "urn:plant:opcua",
        store=store,
    )
    assert done.returncode == 0, done.stderr
    done = run_cli_inprocess(
        "import",
        "aas",
        str(AAS_FILE),
        "--rules",
        str(AAS_RULES),
        "--graph",
        "urn:plant:aas",
        store=store,
    )
    assert done.returncode == 0, done.stderr
    mapping = PLANT / "press-force-monitoring.ttl"
    done = run_cli_inprocess(
        "validate",
        str(mapping),
        "--plant",
        "urn:plant:opcua",
        "--plant",
        "urn:plant:aas",
        store=store,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 violation(s), 0 warning(s)" in done.stdout
    # without the AAS model the data source of the historian and the press asset dangle
    done = run_cli("validate", str(mapping), "--plant", "urn:plant:opcua", store=store)
    assert done.returncode == 1
    assert run_cli_inprocess("load", str(mapping), store=store).returncode == 0
    done = run_cli_inprocess(
        "query",
        "impact-of-equipment",
        "-p",
        "equipment=http://example.org/otmlops/plant/i=5020",
        "--format",
        "csv",
        store=store,
    )
    assert done.returncode == 0, done.stderr
    # the line reaches stages deployed on the OPC UA hydraulic unit and on the AAS press asset
    assert "plant/i=5120" in done.stdout and A + "press-01" in done.stdout
