"""OPC UA importer: NodeSet2 to RDF, dependency resolution, the Machinery bridge, bad input."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from otmlops.errors import InputError, UsageError
from otmlops.importers.opcua import import_opcua
from otmlops.importers.opcua_rdf import node_iri
from otmlops.importers.report import ImportResult
from tests.support.paths import FIXTURES, TESTS

OPCUA = FIXTURES / "opcua"
CORE = OPCUA / "Schema" / "Opc.Ua.NodeSet2.xml"
DI = OPCUA / "DI" / "Opc.Ua.Di.NodeSet2.xml"
MACHINERY = OPCUA / "Machinery" / "Opc.Ua.Machinery.NodeSet2.xml"
EXAMPLE = OPCUA / "Machinery" / "Opc.Ua.Machinery.Examples.NodeSet2.xml"
ISA95 = OPCUA / "ISA-95" / "Opc.ISA95.NodeSet2.xml"
JOBCONTROL = OPCUA / "ISA95-JOBCONTROL" / "opc.ua.isa95-jobcontrol.nodeset2.xml"
DATA = TESTS / "data" / "importers"
MACHINE = "http://opcfoundation.org/UA/Machinery_Example/i=5003"
COMPONENT = "http://opcfoundation.org/UA/Machinery_Example/i=5015"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
ISA95_NS = "https://w3id.org/otmlops/isa95#"

#: file -> triples in its graph
#: (the example's 717 include 6 identity triples of ExampleMachine01: docs/importers.md)
TRIPLES = {
    CORE.name: 44901,
    DI.name: 3778,
    MACHINERY.name: 1451,
    EXAMPLE.name: 717,
    ISA95.name: 3433,
    JOBCONTROL.name: 2573,
}
CORE_NODES = {
    "Object": 800,
    "Variable": 3063,
    "Method": 425,
    "ObjectType": 263,
    "VariableType": 62,
    "DataType": 271,
    "ReferenceType": 72,
}


@pytest.fixture(scope="module")
def machinery_result() -> ImportResult:
    """The Machinery example with its dependencies, imported once (the tests only read it)."""
    return import_opcua([CORE, DI, MACHINERY, EXAMPLE])


@pytest.fixture(scope="module")
def isa95_result() -> ImportResult:
    """The core and ISA-95 nodesets, imported once into the default graph (read only)."""
    return import_opcua([CORE, ISA95])


def triples_of(result, name: str) -> set[ox.Triple]:
    return {t for p in result.payloads if Path(p.source).name == name for t in p.triples}


def test_core_nodeset() -> None:
    result = import_opcua([CORE])
    assert len(triples_of(result, CORE.name)) == TRIPLES[CORE.name]
    for node_class, n in CORE_NODES.items():
        assert result.counts[f"{node_class} nodes"] == n
    assert result.counts["references"] == 11859
    assert len(result.skipped) == 587
    assert {reason for _, reason in result.skipped} == {
        "array or structured variable value (not converted)"
    }
    assert result.warnings == []
    triples = triples_of(result, CORE.name)
    has_component = ox.NamedNode("http://opcfoundation.org/UA/i=47")
    # HasComponent is a subtype of Aggregates (i=44): a reference type becomes a sub-property
    assert (
        ox.Triple(
            has_component,
            ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subPropertyOf"),
            ox.NamedNode("http://opcfoundation.org/UA/i=44"),
        )
        in triples
    )
    # the Server object (i=2253) is an instance of ServerType (i=2004)
    assert (
        ox.Triple(
            ox.NamedNode("http://opcfoundation.org/UA/i=2253"),
            RDF_TYPE,
            ox.NamedNode("http://opcfoundation.org/UA/i=2004"),
        )
        in triples
    )


def test_machinery_example_with_dependencies(machinery_result: ImportResult) -> None:
    result = machinery_result
    for path in (CORE, DI, MACHINERY, EXAMPLE):
        assert len(triples_of(result, path.name)) == TRIPLES[path.name]
    # one graph, named after the model being imported (the example: nobody requires it)
    assert {p.graph for p in result.payloads} == {EXAMPLE.resolve().as_uri()}
    assert result.counts["models"] == 4
    assert result.counts["equipment (isa95:WorkUnit)"] == 1
    assert result.counts["equipment (isa95:EquipmentModule)"] == 1
    example = triples_of(result, EXAMPLE.name)
    machine, component = ox.NamedNode(MACHINE), ox.NamedNode(COMPONENT)
    assert ox.Triple(machine, RDF_TYPE, ox.NamedNode(ISA95_NS + "WorkUnit")) in example
    assert ox.Triple(component, RDF_TYPE, ox.NamedNode(ISA95_NS + "EquipmentModule")) in example
    assert ox.Triple(component, ox.NamedNode(ISA95_NS + "partOf"), machine) in example
    assert (
        ox.Triple(
            machine,
            ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
            ox.Literal("ExampleMachine01"),
        )
        in example
    )


def test_newer_required_model_is_accepted_with_a_warning(machinery_result: ImportResult) -> None:
    result = machinery_result
    machinery = [
        w for w in result.warnings if "requires http://opcfoundation.org/UA/Machinery/ 1.02.0" in w
    ]
    assert len(machinery) == 1 and "newer 1.03.0" in machinery[0]
    assert len(result.warnings) == 5


def test_older_required_model_is_refused(tmp_path: Path) -> None:
    old = tmp_path / "Opc.Ua.Machinery.NodeSet2.xml"
    text = MACHINERY.read_text(encoding="utf-8")
    old.write_text(
        text.replace(
            'Version="1.03.0" PublicationDate="2023-08-01T00:00:00Z"',
            'Version="1.01.0" PublicationDate="2021-09-01T00:00:00Z"',
            1,
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"too old: .*Machinery/ 1\.02\.0.*older 1\.01\.0"):
        import_opcua([CORE, DI, old, EXAMPLE])


def test_missing_dependency_names_the_model_uris() -> None:
    with pytest.raises(InputError) as info:
        import_opcua([CORE, EXAMPLE])
    message = str(info.value)
    assert "http://opcfoundation.org/UA/DI/" in message
    assert "http://opcfoundation.org/UA/Machinery/" in message
    assert "http://opcfoundation.org/UA/ " not in message  # the core model was given


@pytest.mark.parametrize("companion", [ISA95, JOBCONTROL], ids=lambda p: p.name)
def test_isa95_nodesets(companion: Path, request: pytest.FixtureRequest) -> None:
    result = (
        request.getfixturevalue("isa95_result")
        if companion == ISA95
        else import_opcua([CORE, companion])
    )
    assert len(triples_of(result, companion.name)) == TRIPLES[companion.name]
    assert result.counts["models"] == 2


def test_isa95_equipment_type_is_a_class_under_base_object_type(
    isa95_result: ImportResult,
) -> None:
    triples = triples_of(isa95_result, ISA95.name)
    equipment_type = node_iri(("http://www.OPCFoundation.org/UA/2013/01/ISA95", "i=5040"))
    assert equipment_type.value == "http://www.OPCFoundation.org/UA/2013/01/ISA95/i=5040"
    assert (
        ox.Triple(
            equipment_type,
            ox.NamedNode("https://w3id.org/otmlops/opcua#browseName"),
            ox.Literal("EquipmentType"),
        )
        in triples
    )


def test_one_graph_for_all_files(isa95_result: ImportResult) -> None:
    result = import_opcua([CORE, ISA95], graph="urn:example:plant")
    assert {p.graph for p in result.payloads} == {"urn:example:plant"}
    assert {p.graph for p in isa95_result.payloads} == {ISA95.resolve().as_uri()}


def test_one_graph_per_file() -> None:
    result = import_opcua([CORE, ISA95], per_file=True)
    assert [p.graph for p in result.payloads] == [CORE.resolve().as_uri(), ISA95.resolve().as_uri()]
    with pytest.raises(UsageError):
        import_opcua([CORE], graph="urn:x", per_file=True)


def test_node_iri_encodes_string_identifiers() -> None:
    assert node_iri(("urn:x", "s=Line 1/Press")).value == "urn:x/s=Line%201%2FPress"
    assert node_iri(("http://x/#", "i=1")).value == "http://x/#i=1"


@pytest.mark.parametrize(
    ("name", "message", "line"),
    [
        ("broken.NodeSet2.xml", "invalid XML", 6),
        ("not-a-nodeset.xml", "not an OPC UA NodeSet2 file", 2),
    ],
)
def test_bad_nodesets(name: str, message: str, line: int) -> None:
    with pytest.raises(InputError) as info:
        import_opcua([DATA / name])
    assert message in str(info.value)
    assert info.value.line == line


def test_live_import_reads_the_attributes_of_each_node_class() -> None:
    """A live import reads only the attributes a node's class has; a class the server's browse
    result left Unspecified (or did not name) reads them all, so nothing is lost."""
    from asyncua import ua

    from otmlops.importers.opcua_live import _attributes

    every = _attributes(None)
    assert len(every) == 10 and _attributes(0) == every and _attributes(99) == every
    assert ua.AttributeIds.Value in _attributes(ua.NodeClass.Variable)
    assert ua.AttributeIds.Value in _attributes(ua.NodeClass.VariableType)
    assert ua.AttributeIds.Value not in _attributes(ua.NodeClass.Object)
    assert ua.AttributeIds.IsAbstract in _attributes(ua.NodeClass.DataType)
    assert ua.AttributeIds.InverseName in _attributes(ua.NodeClass.ReferenceType)
    for node_class in ua.NodeClass:
        assert ua.AttributeIds.BrowseName in _attributes(node_class)
