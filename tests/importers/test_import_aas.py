"""AAS importer: the official RDF form, the IDTA templates, packages and bad input.

The RDF form is checked against the IDTA's own generated examples (aas-specs-metamodel): the JSON
example, imported, must be isomorphic to the RDF example made from the same data.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import aas_core3_1.jsonization as aas_json
import aas_core3_1.xmlization as aas_xml
import pyoxigraph as ox
import pytest
import rdflib
from basyx.aas.adapter import aasx
from basyx.aas.adapter.json import read_aas_json_file
from rdflib.compare import isomorphic

from otmlops.errors import InputError
from otmlops.importers.aas import import_aas
from otmlops.importers.aas_rdf import AAS_NS, rdf_class_name
from tests.support.paths import FIXTURES, TESTS

SPECS = FIXTURES / "aas" / "aas-specs-metamodel" / "schemas"
TEMPLATES = FIXTURES / "aas" / "submodel-templates" / "published"
DATA = TESTS / "data" / "importers"
BASE = "https://example.org/aas-examples/"

EXAMPLES = sorted(
    p.relative_to(SPECS / "json" / "examples" / "generated")
    for p in (SPECS / "json" / "examples" / "generated").glob("*/*.json")
)
#: Pairs where the official JSON and RDF examples do not describe the same data (none so far;
#: docs/importers.md explains how this list is kept).
DISAGREEING: dict[str, str] = {}

TEMPLATE_FILES = {
    "AIDataset": "Artificial Intelligence Dataset/1/0/1/IDTA 02058-1-0-1_Template_AIDataset.json",
    "AIDeployment": "Artificial Intelligence Deployment/1/0/1/"
    "IDTA 02059-1-0-1_Template_AIDeployment.json",
    "AIModelNameplate": "Artificial Intelligence Model Nameplate/1/0/1/"
    "IDTA 02060-1-0-1_Template_AIModelNameplate.json",
    "HSEBoM": "Hierarchical Structures enabling Bills of Material/1/1/1/"
    "IDTA 02011-1-1-1_Template_HSEBoM.json",
    "PredictiveMaintenance": "Predictive Maintenance/1/0/IDTA 02048_Template_PredictiveMaintenance.json",
}
#: name -> (triples, shells, submodels, submodel elements, concept descriptions, warnings)
TEMPLATE_COUNTS = {
    "AIDataset": (2317, 1, 1, 49, 49, 0),
    "AIDeployment": (1841, 1, 1, 38, 39, 1),
    "AIModelNameplate": (2293, 1, 1, 41, 42, 1),
    "HSEBoM": (707, 1, 1, 11, 8, 0),
    "PredictiveMaintenance": (2451, 1, 1, 32, 35, 1),
}


def to_rdflib(result) -> rdflib.Graph:
    """The payload as an rdflib graph, with plain literals written as xsd:string (RDF 1.1
    makes them the same term; N-Triples writers drop the datatype)."""
    graph = rdflib.Graph()
    for payload in result.payloads:
        graph.parse(data=payload.ntriples().decode(), format="nt")
    return normalised(graph)


def canonical(result) -> set[str]:
    """Quads of the payloads after RDF canonicalisation (pyoxigraph), for fast isomorphism
    checks on template-sized graphs full of blank nodes."""
    dataset = ox.Dataset()
    for payload in result.payloads:
        for t in payload.triples:
            dataset.add(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return {str(q) for q in dataset}


def normalised(graph: rdflib.Graph) -> rdflib.Graph:
    out = rdflib.Graph()
    for s, p, o in graph:
        if isinstance(o, rdflib.Literal) and o.datatype is None and o.language is None:
            o = rdflib.Literal(str(o), datatype=rdflib.XSD.string)
        out.add((s, p, o))
    return out


@pytest.mark.parametrize("example", EXAMPLES, ids=str)
def test_official_example_is_isomorphic(example: Path) -> None:
    if str(example) in DISAGREEING:
        pytest.xfail(DISAGREEING[str(example)])
    json_file = SPECS / "json" / "examples" / "generated" / example
    ttl_file = (SPECS / "rdf" / "examples" / "generated" / example).with_suffix(".ttl")
    ours = to_rdflib(import_aas(json_file, base=BASE, bridge=False))
    official = normalised(rdflib.Graph().parse(ttl_file, format="turtle", publicID=BASE))
    assert len(ours) == len(official)
    assert isomorphic(ours, official)


def test_every_term_written_is_in_the_official_ontology() -> None:
    ontology = rdflib.Graph().parse(SPECS / "rdf" / "rdf-ontology.ttl")
    declared = {str(s) for s in ontology.subjects()}
    used: set[str] = set()
    for name in TEMPLATE_FILES.values():
        graph = to_rdflib(import_aas(TEMPLATES / name, bridge=False))
        used |= {str(p) for p in graph.predicates() if str(p).startswith(AAS_NS)}
        used |= {str(o) for o in graph.objects() if str(o).startswith(AAS_NS)}
    assert used and not (used - declared)


def test_rdf_class_names_follow_the_official_spelling() -> None:
    assert rdf_class_name("DataSpecificationIEC61360") == "DataSpecificationIec61360"
    assert rdf_class_name("SpecificAssetID") == "SpecificAssetId"
    assert rdf_class_name("AASSubmodelElements") == "AasSubmodelElements"
    assert rdf_class_name("DataTypeDefXSD") == "DataTypeDefXsd"
    assert rdf_class_name("Submodel") == "Submodel"


@pytest.mark.parametrize("name", sorted(TEMPLATE_FILES))
def test_template_counts(name: str) -> None:
    result = import_aas(TEMPLATES / TEMPLATE_FILES[name])
    triples, shells, submodels, elements, cds, warnings = TEMPLATE_COUNTS[name]
    assert len(set(result.payloads[0].triples)) == triples
    assert result.counts["asset administration shells"] == shells
    assert result.counts["submodels"] == submodels
    assert result.counts["submodel elements"] == elements
    assert result.counts["concept descriptions"] == cds
    assert len(result.warnings) == warnings
    assert result.payloads[0].graph == (TEMPLATES / TEMPLATE_FILES[name]).resolve().as_uri()


def test_duplicate_ids_are_reported() -> None:
    result = import_aas(TEMPLATES / TEMPLATE_FILES["AIDeployment"])
    assert "https://admin-shell.io/idta/SubmodelTemplate/AIDeployment/1/0" in result.warnings[0]


def test_xml_gives_the_same_graph_as_json(tmp_path: Path) -> None:
    source = TEMPLATES / TEMPLATE_FILES["PredictiveMaintenance"]
    env = aas_json.environment_from_jsonable(json.loads(source.read_text(encoding="utf-8-sig")))
    xml_file = tmp_path / "pm.xml"
    xml_file.write_text(aas_xml.to_str(env), encoding="utf-8")
    from_xml, from_json = canonical(import_aas(xml_file)), canonical(import_aas(source))
    assert len(from_xml) == 2451
    assert from_xml == from_json


def test_v30_xml_is_read_as_v31(tmp_path: Path) -> None:
    source = TEMPLATES / TEMPLATE_FILES["PredictiveMaintenance"]
    env = aas_json.environment_from_jsonable(json.loads(source.read_text(encoding="utf-8-sig")))
    xml_file = tmp_path / "pm-v30.xml"
    xml_file.write_text(
        aas_xml.to_str(env).replace(
            "https://admin-shell.io/aas/3/1", "https://admin-shell.io/aas/3/0"
        ),
        encoding="utf-8",
    )
    result = import_aas(xml_file)
    assert canonical(result) == canonical(import_aas(source))
    assert any("V3.0 namespace" in w for w in result.warnings)


def _write_aasx(path: Path, source: Path | None) -> None:
    """An AASX package written by the BaSyx SDK (empty when ``source`` is None)."""
    files = aasx.DictSupplementaryFileContainer()
    with aasx.AASXWriter(str(path)) as writer:
        if source is not None:
            with source.open(encoding="utf-8-sig") as f:
                objects = read_aas_json_file(f, failsafe=False)
            writer.write_all_aas_objects("/aasx/data.json", objects, files, write_json=True)


def test_aasx_package_reads_its_environment(tmp_path: Path) -> None:
    package = tmp_path / "dataset.aasx"
    _write_aasx(package, TEMPLATES / TEMPLATE_FILES["AIDataset"])
    inner = tmp_path / "data.json"
    with zipfile.ZipFile(package) as z:
        inner.write_bytes(z.read("aasx/data.json"))
    from_package = import_aas(package)
    assert from_package.counts["concept descriptions"] == 49
    assert from_package.counts["AI datasets (mlops:Dataset)"] == 1
    assert canonical(from_package) == canonical(import_aas(inner))


@pytest.mark.parametrize(
    ("name", "message", "line"),
    [
        ("broken.json", "invalid JSON", 4),
        ("not-an-environment.json", "not an AAS V3 environment at submodels[0]", None),
        ("broken.xml", "invalid XML: mismatched tag", 6),
    ],
)
def test_bad_files_raise_input_error(name: str, message: str, line: int | None) -> None:
    with pytest.raises(InputError) as info:
        import_aas(DATA / name)
    assert message in str(info.value)
    assert info.value.line == line
    assert info.value.source.endswith(name)


def test_aasx_without_environment(tmp_path: Path) -> None:
    package = tmp_path / "empty.aasx"
    _write_aasx(package, None)
    with pytest.raises(InputError, match="holds no AAS environment"):
        import_aas(package)


def test_not_a_zip_is_an_input_error(tmp_path: Path) -> None:
    fake = tmp_path / "fake.aasx"
    fake.write_text("not a zip")
    with pytest.raises(InputError, match="not an AASX package"):
        import_aas(fake)


def test_bridge_types_equipment_and_stages() -> None:
    result = import_aas(DATA / "press7-ai-deployment.json")
    graph = to_rdflib(result)
    press = rdflib.URIRef("https://example.com/plant/Press7")
    isa95 = rdflib.Namespace("https://w3id.org/otmlops/isa95#")
    mlops = rdflib.Namespace("https://w3id.org/otmlops/mlops#")
    mapns = rdflib.Namespace("https://w3id.org/otmlops/map#")
    serving = rdflib.URIRef("https://example.com/aas/press7/AIDeployment#ModelServing")
    assert (press, rdflib.RDF.type, isa95.WorkUnit) in graph
    assert (serving, rdflib.RDF.type, mlops.ModelServing) in graph
    assert (serving, mapns.deployedOn, press) in graph
    shell = rdflib.URIRef("https://example.com/aas/press7")
    assert (shell, mlops.hasStage, serving) in graph
    assert not list(graph.subjects(rdflib.RDF.type, mlops.Monitoring))
    assert result.counts["equipment (isa95:WorkUnit, AAS assets)"] == 1


def test_template_assets_are_not_equipment() -> None:
    """The IDTA AI templates describe AI artefacts (or a Type), never plant equipment."""
    for name in ("AIDataset", "AIDeployment", "AIModelNameplate", "PredictiveMaintenance"):
        result = import_aas(TEMPLATES / TEMPLATE_FILES[name])
        assert not any(k.startswith("equipment") for k in result.counts), name


@pytest.mark.parametrize(
    ("name", "submodel", "cls"),
    [
        (
            "AIModelNameplate",
            "https://admin-shell.io/idta/SubmodelTemplate/AIModelNameplate/1/0",
            "Model",
        ),
        ("AIDataset", "https://admin-shell.io/idta/SubmodelTemplate/AIDataset/1/0", "Dataset"),
        (
            "AIDeployment",
            "https://admin-shell.io/idta/SubmodelTemplate/AIDeployment/1/0",
            "Deployment",
        ),
    ],
)
def test_idta_ai_submodels_map_to_mlops(name: str, submodel: str, cls: str) -> None:
    graph = to_rdflib(import_aas(TEMPLATES / TEMPLATE_FILES[name]))
    mlops = rdflib.Namespace("https://w3id.org/otmlops/mlops#")
    assert (rdflib.URIRef(submodel), rdflib.RDF.type, mlops[cls]) in graph


def test_aasx_relationship_types_agree_with_the_basyx_sdk() -> None:
    """The reader spells the AASX relationship types out (no SDK at run time); BaSyx, an
    independent implementation, must name the same ones."""
    from otmlops.importers import aas_read

    assert aas_read.RELATIONSHIP_TYPE_AASX_ORIGIN == aasx.RELATIONSHIP_TYPE_AASX_ORIGIN
    assert aas_read.RELATIONSHIP_TYPE_AAS_SPEC == aasx.RELATIONSHIP_TYPE_AAS_SPEC
    assert aas_read.RELATIONSHIP_TYPE_AAS_SPEC_SPLIT == aasx.RELATIONSHIP_TYPE_AAS_SPEC_SPLIT
