"""OPC UA bridge rules as data: equipment classes, containment, data sources with units, and
users' rule files; on the example plant (examples/plant) over the real core, DI, Machinery and
ISA-95 nodesets."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from otmlops.errors import InputError
from otmlops.importers.opcua import import_opcua
from otmlops.importers.opcua_rules import SHIPPED, load_rules
from tests.support.cli import run_cli
from tests.support.paths import FIXTURES, REPO

OPCUA = FIXTURES / "opcua"
DEPS = [
    OPCUA / "Schema" / "Opc.Ua.NodeSet2.xml",
    OPCUA / "DI" / "Opc.Ua.Di.NodeSet2.xml",
    OPCUA / "Machinery" / "Opc.Ua.Machinery.NodeSet2.xml",
    OPCUA / "ISA-95" / "Opc.ISA95.NodeSet2.xml",
]
PLANT = REPO / "examples" / "plant" / "plant.NodeSet2.xml"
P = "http://example.org/otmlops/plant/"
ISA95 = "https://w3id.org/otmlops/isa95#"
MAP = "https://w3id.org/otmlops/map#"
UA = "https://w3id.org/otmlops/opcua#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def n(local: str) -> ox.NamedNode:
    return ox.NamedNode(P + local)


def plant_triples(rules: list[Path] | None = None) -> set[ox.Triple]:
    result = import_opcua([*DEPS, PLANT], rules=rules)
    return {t for p in result.payloads for t in p.triples}


@pytest.fixture(scope="module")
def triples() -> set[ox.Triple]:
    return plant_triples()


def classes(triples: set[ox.Triple]) -> dict[str, str]:
    return {
        t.subject.value[len(P) :]: t.object.value[len(ISA95) :]
        for t in triples
        if t.predicate.value == RDF_TYPE
        and t.object.value.startswith(ISA95)
        and t.subject.value.startswith(P)
    }


def test_equipment_classes_from_type_placement_and_level(triples) -> None:
    assert classes(triples) == {
        "i=5001": "Site",
        "i=5010": "Area",
        "i=5020": "ProductionLine",  # ISA-95 EquipmentLevel
        "i=5100": "WorkUnit",
        "i=5200": "WorkUnit",  # Machinery Machines folder
        "i=5120": "EquipmentModule",  # Machinery Components
        "i=5400": "EquipmentModule",  # DI DeviceType, in the DeviceSet
    }


def test_part_of_follows_containment_through_folders(triples) -> None:
    part_of = {
        (t.subject.value[len(P) :], t.object.value[len(P) :])
        for t in triples
        if t.predicate.value == ISA95 + "partOf"
        and t.subject.value.startswith(P)
        and t.object.value.startswith(P)
    }
    assert part_of == {
        ("i=5010", "i=5001"),
        ("i=5020", "i=5010"),
        ("i=5100", "i=5020"),
        ("i=5200", "i=5020"),
        ("i=5120", "i=5100"),
        ("i=5400", "i=5120"),
    }


def test_data_sources_with_unit_and_range(triples) -> None:
    sources = {
        t.subject
        for t in triples
        if t.predicate.value == RDF_TYPE and t.object.value == MAP + "DataSource"
    }
    assert sources == {n("i=6100"), n("i=6110"), n("i=6200"), n("i=6400")}
    of = {
        (t.subject, t.object)
        for t in triples
        if t.predicate.value == MAP + "dataSourceOf" and t.object.value.startswith(P)
    }
    assert of == {
        (n("i=6100"), n("i=5100")),
        (n("i=6110"), n("i=5120")),
        (n("i=6200"), n("i=5200")),
        (n("i=6400"), n("i=5400")),
    }
    force = {
        t.predicate.value[len(UA) :]: t.object.value
        for t in triples
        if t.subject == n("i=6100")
        and t.predicate.value.startswith(UA)
        and t.predicate.value[len(UA) :]
        in ("engineeringUnit", "unitId", "euRangeLow", "euRangeHigh")
    }
    assert force == {
        "engineeringUnit": "kN",
        "unitId": "4338743",
        "euRangeLow": "0",
        "euRangeHigh": "2500",
    }


def test_users_rule_file_adds_a_vendor_type(tmp_path: Path) -> None:
    rules = tmp_path / "conveyors.toml"
    rules.write_text(
        '[prefixes]\nplant = "http://example.org/otmlops/plant/"\n\n'
        '[[equipment]]\ntype = "plant:ConveyorType"\nclass = "WorkUnit"\n',
        encoding="utf-8",
    )
    triples = plant_triples([rules])
    assert classes(triples)["i=5300"] == "WorkUnit"
    assert ox.Triple(n("i=5300"), ox.NamedNode(ISA95 + "partOf"), n("i=5020")) in triples


def test_no_bridge_writes_no_equipment() -> None:
    result = import_opcua([*DEPS, PLANT], bridge=False)
    assert not any(t.object.value.startswith(ISA95) for p in result.payloads for t in p.triples)


def test_shipped_rules_cover_the_companion_specifications() -> None:
    rules = load_rules()
    namespaces = {name.namespace for name in rules.equipment} | {
        name.namespace for name in rules.data_sources
    }
    for spec in (
        "DI/",
        "MachineTool/",
        "CNC",
        "Robotics/",
        "MetalForming/",
        "LaserSystems/",
        "PackML/",
        "IA/",
        "Machinery/ProcessValues/",
    ):
        assert any(ns.endswith(spec) for ns in namespaces), spec
    assert SHIPPED.is_file()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[equipment]]\ntype = "x:T"\nclass = "WorkUnit"\n', "equipment[0]: unknown prefix 'x'"),
        (
            '[[equipment]]\ntype = "ua:T"\nclass = "Machine"\n',
            "equipment[0]: unknown ISA-95 equipment class 'Machine'",
        ),
        (
            '[[placement]]\nreference = "ua:Organizes"\nclass = "WorkUnit"\n',
            "placement[0]: give exactly one of parent and parent_type",
        ),
        ("[[equipment]\n", "invalid TOML"),
        ("[machines]\n", "unknown section(s) machines"),
    ],
)
def test_bad_rule_file_is_one_error(tmp_path: Path, text: str, message: str) -> None:
    rules = tmp_path / "bad.toml"
    rules.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_rules([rules])
    assert str(err.value).startswith(str(rules)) and message in str(err.value)


def test_cli_rules_option(tmp_path: Path) -> None:
    rules = tmp_path / "bad.toml"
    rules.write_text('[[equipment]]\ntype = "ua:T"\nclass = "Machine"\n', encoding="utf-8")
    done = run_cli("import", "opcua", *map(str, [*DEPS, PLANT]), "--rules", str(rules), "--dry-run")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "unknown ISA-95 equipment class 'Machine'" in done.stderr
