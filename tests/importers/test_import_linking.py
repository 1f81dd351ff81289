"""Linking mappings to imported plant models: the case studies against the real OPC UA and ESMF
models, validated with the shipped shapes and the bundled alignment modules.

The case studies describe their equipment in isa95: terms so that they also validate alone.
Here that typing is taken out, so the equipment must come from the imported model (OPC UA
bridge rules) or from the ESMF alignment; and without the plant model, the links dangle.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from otmlops.importers.opcua import import_opcua
from otmlops.validation.api import validate
from tests.support.paths import EXAMPLES, FIXTURES

OPCUA = FIXTURES / "opcua"
MACHINERY_SET = [
    OPCUA / "Schema" / "Opc.Ua.NodeSet2.xml",
    OPCUA / "DI" / "Opc.Ua.Di.NodeSet2.xml",
    OPCUA / "Machinery" / "Opc.Ua.Machinery.NodeSet2.xml",
    OPCUA / "Machinery" / "Opc.Ua.Machinery.Examples.NodeSet2.xml",
]
ESMF_EXAMPLE = FIXTURES / "esmf" / "esmf_i40_core_whitepaper_example.ttl"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
ISA95 = "https://w3id.org/otmlops/isa95#"


def without_isa95_types(path, prefix: str) -> bytes:
    """The case study as N-Triples, minus the isa95: types it gives nodes of the plant model."""
    kept = [
        t
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        if not (
            t.predicate == RDF_TYPE
            and isinstance(t.subject, ox.NamedNode)
            and t.subject.value.startswith(prefix)
            and t.object.value.startswith(ISA95)
        )
    ]
    return ox.serialize(kept, format=ox.RdfFormat.N_TRIPLES)


@pytest.fixture(scope="module")
def machinery_example_graph() -> list[ox.Triple]:
    result = import_opcua(MACHINERY_SET)
    return [
        t for p in result.payloads if p.source.endswith("Examples.NodeSet2.xml") for t in p.triples
    ]


def test_pdm_case_study_conforms_with_the_imported_machine(machinery_example_graph) -> None:
    data = without_isa95_types(
        EXAMPLES / "pdm-machinery.ttl", "http://opcfoundation.org/UA/Machinery_Example/"
    )
    report = validate([(data, "application/n-triples")], plant_triples=machinery_example_graph)
    assert not report.has_violations, report.to_text()


def test_pdm_case_study_links_dangle_without_the_plant_model() -> None:
    data = without_isa95_types(
        EXAMPLES / "pdm-machinery.ttl", "http://opcfoundation.org/UA/Machinery_Example/"
    )
    report = validate([(data, "application/n-triples")])
    assert report.has_violations
    text = report.to_text()
    assert "Machinery_Example/i=5015" in text and "Machinery_Example/i=5003" in text


def test_pdm_case_study_as_shipped_conforms_with_the_import(machinery_example_graph) -> None:
    report = validate([EXAMPLES / "pdm-machinery.ttl"], plant_triples=machinery_example_graph)
    assert not report.has_violations, report.to_text()


def test_esmf_case_study_conforms_through_the_alignment() -> None:
    data = without_isa95_types(
        EXAMPLES / "quality-esmf.ttl", "https://eclipse-esmf.github.io/ontologies/I4.0/"
    )
    report = validate([(data, "application/n-triples")], [ESMF_EXAMPLE])
    assert not report.has_violations, report.to_text()
    alone = validate([(data, "application/n-triples")])
    assert alone.has_violations
