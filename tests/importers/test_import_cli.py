"""End to end: `otmlops import` into a real on-disk store, then competency questions over each
imported model (catalogue queries where the catalogue has one, else direct SPARQL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from otmlops.store import open_store
from tests.support.cli import run_cli, run_cli_inprocess
from tests.support.paths import FIXTURES, TESTS

DATA = TESTS / "data" / "importers"
TEMPLATES = FIXTURES / "aas" / "submodel-templates" / "published"
AI_DEPLOYMENT = (
    TEMPLATES
    / "Artificial Intelligence Deployment"
    / "1"
    / "0"
    / "1"
    / "IDTA 02059-1-0-1_Template_AIDeployment.json"
)
OPCUA = FIXTURES / "opcua"
CORE = OPCUA / "Schema" / "Opc.Ua.NodeSet2.xml"
MACHINERY_SET = [
    CORE,
    OPCUA / "DI" / "Opc.Ua.Di.NodeSet2.xml",
    OPCUA / "Machinery" / "Opc.Ua.Machinery.NodeSet2.xml",
    OPCUA / "Machinery" / "Opc.Ua.Machinery.Examples.NodeSet2.xml",
]
ISA95 = OPCUA / "ISA-95" / "Opc.ISA95.NodeSet2.xml"
JOBCONTROL = OPCUA / "ISA95-JOBCONTROL" / "opc.ua.isa95-jobcontrol.nodeset2.xml"
PREFIXES = """PREFIX ua: <https://w3id.org/otmlops/opcua#>
PREFIX isa95: <https://w3id.org/otmlops/isa95#>
PREFIX mlops: <https://w3id.org/otmlops/mlops#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def snapshot(store: Path) -> dict[str, int]:
    with open_store(str(store)) as s:
        return {g.iri: g.triples for g in s.graphs()}


def rows(store: Path, *args: str) -> list[dict[str, str]]:
    """Run `otmlops query ... --format json` and return the bindings as plain strings."""
    done = run_cli_inprocess("query", *args, "--format", "json", store=store)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    return [{k: v["value"] for k, v in b.items()} for b in result["results"]["bindings"]]


def pairs(found: list[dict[str, str]]) -> set[tuple[str, str | None]]:
    """(use case, stage) of models-on-equipment rows."""
    return {(r["useCase"], r.get("stage")) for r in found}


def sparql(store: Path, text: str) -> list[dict[str, str]]:
    return rows(store, "--sparql", PREFIXES + text)


@pytest.mark.slow
def test_aas_import_reports_and_answers_serving_without_monitoring(tmp_path: Path) -> None:
    store = tmp_path / "store"
    done = run_cli_inprocess(
        "import", "aas", str(AI_DEPLOYMENT), "--graph", "urn:test:ai-deployment", store=store
    )
    assert done.returncode == 0, done.stderr
    assert "graph <urn:test:ai-deployment>" in done.stdout
    assert "1841 triples" in done.stdout
    assert "concept descriptions: 39" in done.stdout
    assert "submodel elements: 38" in done.stdout
    assert "warning: 1 id(s) used by more than one identifiable" in done.stdout
    assert snapshot(store)["urn:test:ai-deployment"] == 1841
    # the IDTA deployment serves and monitors: not listed
    assert rows(store, "serving-without-monitoring") == []
    # the same deployment without its LiveMonitoring collection is listed
    env = json.loads(AI_DEPLOYMENT.read_text(encoding="utf-8-sig"))
    submodel = env["submodels"][0]
    submodel["submodelElements"] = [
        e for e in submodel["submodelElements"] if e.get("idShort") != "LiveMonitoring"
    ]
    unmonitored = tmp_path / "unmonitored.json"
    unmonitored.write_text(json.dumps(env), encoding="utf-8")
    done = run_cli_inprocess(
        "import", "aas", str(unmonitored), "--graph", "urn:test:ai-deployment", store=store
    )
    assert done.returncode == 0, done.stderr
    assert rows(store, "serving-without-monitoring") == [
        {
            "useCase": "https://admin-shell.io/idta/aas/AIDeployment/1/0",
            "servingStage": "https://admin-shell.io/idta/SubmodelTemplate/AIDeployment/1/0"
            "#ModelServing",
        }
    ]


@pytest.mark.slow
def test_aas_equipment_answers_models_on_equipment(tmp_path: Path) -> None:
    store = tmp_path / "store"
    done = run_cli_inprocess("import", "aas", str(DATA / "press7-ai-deployment.json"), store=store)
    assert done.returncode == 0, done.stderr
    assert "equipment (isa95:WorkUnit, AAS assets): 1" in done.stdout
    found = rows(store, "models-on-equipment", "-p", "equipment=https://example.com/plant/Press7")
    assert (
        "https://example.com/aas/press7",
        "https://example.com/aas/press7/AIDeployment#ModelServing",
    ) in pairs(found)
    assert sparql(
        store,
        "SELECT ?c WHERE { <https://example.com/plant/Press7> a ?c "
        "FILTER(STRSTARTS(STR(?c), STR(isa95:))) } ORDER BY ?c",
    ) == [
        {"c": "https://w3id.org/otmlops/isa95#Equipment"},
        {"c": "https://w3id.org/otmlops/isa95#WorkUnit"},
    ]


@pytest.mark.slow
def test_bad_input_stores_nothing(tmp_path: Path) -> None:
    store = tmp_path / "store"
    # the store to keep unchanged is made in this process; each bad import is a real command
    done = run_cli_inprocess("import", "aas", str(DATA / "press7-ai-deployment.json"), store=store)
    assert done.returncode == 0, done.stderr
    before = snapshot(store)
    empty_aasx = tmp_path / "empty.aasx"
    from basyx.aas.adapter import aasx

    with aasx.AASXWriter(str(empty_aasx)):
        pass
    cases = [
        (("aas", str(DATA / "broken.json")), "broken.json:4:1: invalid JSON"),
        (("aas", str(DATA / "not-an-environment.json")), "not an AAS V3 environment"),
        (("aas", str(DATA / "broken.xml")), "broken.xml:6:5: invalid XML"),
        (("aas", str(empty_aasx)), "holds no AAS environment"),
        (
            ("opcua", str(MACHINERY_SET[-1])),
            "missing required OPC UA model(s): http://opcfoundation.org/UA/ (required by",
        ),
        (("opcua", str(DATA / "broken.NodeSet2.xml")), "broken.NodeSet2.xml:6:13: invalid XML"),
    ]
    for args, message in cases:
        done = run_cli("import", *args, "--graph", "urn:test:bad", store=store)
        assert done.returncode == 2, (args, done.stderr)
        assert message in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
        assert done.stdout == ""
    assert snapshot(store) == before


@pytest.mark.slow
def test_machinery_example_answers_models_on_equipment(tmp_path: Path) -> None:
    store = tmp_path / "store"
    # the mapping first, then the plant model it points at (the order does not matter: nothing
    # is recomputed after a load)
    done = run_cli_inprocess("load", str(DATA / "machine-mapping.ttl"), store=store)
    assert done.returncode == 0, done.stderr
    done = run_cli_inprocess(
        "import", "opcua", *map(str, MACHINERY_SET), "--graph", "urn:test:machinery", store=store
    )
    assert done.returncode == 0, done.stderr
    assert "equipment (isa95:WorkUnit): 1" in done.stdout
    assert "using the newer 1.03.0" in done.stdout
    # + 6: ExampleMachine01's two asset identities (ProductInstanceUri; manufacturer and serial
    # number), each with owl:sameAs, the machine's class and MyComponent's partOf repeated
    assert snapshot(store)["urn:test:machinery"] == 44901 + 3778 + 1451 + 711 + 6
    # asking about the machine finds the stage deployed on it
    found = rows(
        store,
        "models-on-equipment",
        "-p",
        "equipment=http://opcfoundation.org/UA/Machinery_Example/i=5003",
    )
    assert (
        "https://example.com/usecases#SpindleWear",
        "https://example.com/usecases#SpindleWearServing",
    ) in pairs(found)
    # the OPC UA hierarchy: the machine's components, through the store's subproperty closure
    # (HasComponent and HasAddIn are HierarchicalReferences, i=33)
    parts = sparql(
        store,
        "SELECT ?name WHERE { "
        "<http://opcfoundation.org/UA/Machinery_Example/i=5003> "
        "<http://opcfoundation.org/UA/i=33> ?n . ?n ua:browseName ?name } "
        "ORDER BY ?name",
    )
    assert [r["name"] for r in parts] == ["Components", "Identification", "MachineryBuildingBlocks"]
    # the component is equipment inside the machine; the machine's asset identities (its
    # ProductInstanceUri; manufacturer and serial number, where an AAS of it meets it) are the
    # same machine, so the answer names it once, by its representative (docs/entailment.md)
    assert sparql(
        store,
        "SELECT ?p WHERE { <http://opcfoundation.org/UA/Machinery_Example/"
        "i=5015> isa95:partOf ?p } ORDER BY ?p",
    ) == [{"p": "http://opcfoundation.org/UA/Machinery_Example/i=5003"}]
    # asked from an identity an AAS would use, the component is found the same
    assert {"x": "http://opcfoundation.org/UA/Machinery_Example/i=5015"} in sparql(
        store,
        "SELECT ?x WHERE { ?x isa95:partOf <urn:otmlops:asset:engel%20austria%20gmbh:235223> }",
    )
    # the mapping's links resolve against the imported plant graph (link-checking shapes)
    checked = run_cli_inprocess(
        "validate", str(DATA / "machine-mapping.ttl"), "--plant", "urn:test:machinery", store=store
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    dangling = run_cli_inprocess("validate", str(DATA / "machine-mapping.ttl"), store=store)
    assert dangling.returncode == 1
    assert "Machinery_Example/i=5003" in dangling.stdout


@pytest.mark.slow
def test_isa95_nodesets_answer_their_questions(tmp_path: Path) -> None:
    store = tmp_path / "store"
    done = run_cli_inprocess(
        "import",
        "opcua",
        str(CORE),
        str(ISA95),
        str(JOBCONTROL),
        "--graph",
        "urn:test:isa95",
        store=store,
    )
    assert done.returncode == 0, done.stderr
    assert snapshot(store)["urn:test:isa95"] == 44901 + 3433 + 2573
    # ISA-95 Common Object Model: which OPC UA types describe ISA-95 equipment?
    assert sparql(
        store,
        "SELECT ?name WHERE { ?t rdfs:subClassOf isa95:Equipment ; "
        "ua:browseName ?name } ORDER BY ?name",
    ) == [{"name": "EquipmentType"}]
    # ISA-95 Job Control: which methods does a job order receiver offer an MES?
    methods = sparql(
        store,
        "SELECT ?name WHERE { "
        "<http://opcfoundation.org/UA/ISA95-JOBCONTROL_V2/i=1002> "
        "<http://opcfoundation.org/UA/i=47> ?m . ?m a ua:Method ; "
        "ua:browseName ?name } ORDER BY ?name",
    )
    assert [r["name"] for r in methods] == [
        "Abort",
        "Cancel",
        "Clear",
        "Pause",
        "Resume",
        "RevokeStart",
        "Start",
        "Stop",
        "Store",
        "StoreAndStart",
        "Update",
    ]


@pytest.mark.slow
def test_esmf_plant_answers_unchanged(tmp_path: Path) -> None:
    store = tmp_path / "store"
    for path in (
        FIXTURES / "esmf" / "esmf_i40_core_whitepaper_example.ttl",
        DATA / "esmf-mapping.ttl",
    ):
        done = run_cli_inprocess("load", str(path), store=store)
        assert done.returncode == 0, done.stderr
    esmf = "https://eclipse-esmf.github.io/ontologies/I4.0/Equipment/"
    assert sparql(store, "SELECT ?e WHERE { ?e a isa95:ProductionLine }") == [
        {"e": esmf + "Line/Aluminium_Cast"}
    ]
    assert sparql(store, "SELECT ?e WHERE { ?e a isa95:Site }") == [{"e": esmf + "Plant/Plant_2"}]
    found = rows(store, "models-on-equipment", "-p", f"equipment={esmf}Station/Housing_10")
    assert (
        "https://example.com/usecases#HousingInspection",
        "https://example.com/usecases#HousingInspectionServing",
    ) in pairs(found)


def test_dry_run_stores_nothing(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run_cli_inprocess("graphs", store=store).returncode == 0
    before = snapshot(store)
    done = run_cli_inprocess(
        "import", "aas", str(DATA / "press7-ai-deployment.json"), "--dry-run", store=store
    )
    assert done.returncode == 0, done.stderr
    assert "70 triples" in done.stdout and "dry run: nothing stored" in done.stdout
    assert snapshot(store) == before


def test_mldcat_models_count_as_mlops_models(tmp_path: Path) -> None:
    store = tmp_path / "store"
    examples = FIXTURES / "mldcat-ap" / "releases" / "3.1.0" / "html" / "examples"
    done = run_cli_inprocess("load", *map(str, sorted(examples.glob("*.ttl"))), store=store)
    assert done.returncode == 0, done.stderr
    models = sparql(store, "SELECT ?m WHERE { ?m a mlops:Model } ORDER BY ?m")
    assert len(models) == 3
