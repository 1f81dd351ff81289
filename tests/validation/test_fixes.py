"""Fixes, not only findings (issue 16, item 3): each finding carries the fixes the ontology, the
reference mapping and the plant determine, and ``otmlops fix`` prints or applies the
unambiguous ones in the file's own format. Real CLI subprocesses throughout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import run_cli, run_cli_inprocess
from tests.support.paths import DATA, EXAMPLES

PLANT = EXAMPLES / "getting-started" / "plant.ttl"
AUTHORING = DATA / "authoring"

PREFIXES = """\
# a hand-written mapping with mistakes; this comment must survive `otmlops fix --apply`
@prefix vd:    <https://example.com/bottling/label-inspection#> .
@prefix plant: <https://example.com/bottling/plant#> .
@prefix rami:  <https://w3id.org/otmlops/rami#> .
@prefix isa95: <https://w3id.org/otmlops/isa95#> .
@prefix mlops: <https://w3id.org/otmlops/mlops#> .
@prefix map:   <https://w3id.org/otmlops/map#> .
"""

FAULTY = (
    PREFIXES
    + """
vd:LabelInspection a mlops:UseCase ;
    mlops:hasStage vd:TrainDetector , vd:ServeDetector , vd:WatchDetector .

vd:TrainDetector a mlops:ModelTrainig ;   # the typo
    map:layer rami:FunctionalLayer ;
    map:hierarchyLevel rami:EnterpriseLevel ;
    map:lifeCyclePhase rami:TypeDevelopment ;
    map:ownedBy isa95:QualityAssurance .

# serving: no owner yet, wrong phase, level that does not match the work cell
vd:ServeDetector a mlops:ModelServing ;
    map:layer rami:FunctionalLayer ;
    map:hierarchyLevel rami:WorkCentersLevel ;
    map:lifeCyclePhase rami:TypeDevelopment ;
    map:deployedOn plant:Labeller .

vd:WatchDetector a mlops:Monitoring ;
    map:layer rami:InformationLayer ;
    map:hierarchyLevel rami:StationLevel ;
    map:lifeCyclePhase rami:InstanceMaintenanceUsage ;
    map:ownedBy isa95:MarketingAndSales .
"""
)


def _json(path: Path, *extra: str) -> dict:
    r = run_cli_inprocess("validate", str(path), "--plant", str(PLANT), "--format", "json", *extra)
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout)


def _results(report: dict, node_suffix: str) -> list[dict]:
    return [
        res
        for g in report["focusNodes"]
        if g["focusNode"].endswith(node_suffix)
        for res in g["results"]
    ]


def _shape(results: list[dict], shape: str) -> dict:
    found = [r for r in results if r["sourceShape"].endswith("#" + shape)]
    assert found, f"no {shape} result in {results}"
    return found[0]


@pytest.fixture
def faulty(tmp_path: Path) -> Path:
    path = tmp_path / "mapping.ttl"
    path.write_text(FAULTY, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    path = tmp_path_factory.mktemp("fixes") / "mapping.ttl"
    path.write_text(FAULTY, encoding="utf-8")
    return _json(path)


def test_misspelt_class_is_an_unknown_term_at_its_line_with_candidates(report: dict) -> None:
    group = next(g for g in report["focusNodes"] if g["focusNode"].endswith("#TrainDetector"))
    line = (
        FAULTY.splitlines().index(next(x for x in FAULTY.splitlines() if "ModelTrainig" in x)) + 1
    )
    assert group["line"] == line
    vocab = _shape(group["results"], "VocabularyShape")
    assert vocab["value"].endswith("#ModelTrainig")
    first = vocab["suggestions"][0]
    assert "did you mean mlops:ModelTraining" in first["message"]
    assert first["line"] == line
    assert first["unambiguous"] is True
    assert first["remove"] == [
        [
            "<https://example.com/bottling/label-inspection#TrainDetector>",
            "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
            "<https://w3id.org/otmlops/mlops#ModelTrainig>",
        ]
    ]
    assert first["add"][0][2] == "<https://w3id.org/otmlops/mlops#ModelTraining>"
    # the use case's "type this stage" finding names the same candidate
    kind = _shape(_results(report, "#LabelInspection"), "UseCaseStageKind")
    assert any("mlops:ModelTraining" in s["message"] for s in kind["suggestions"])


def test_missing_owner_names_the_reference_owner_of_the_stage_kind(report: dict) -> None:
    owner = _shape(_results(report, "#ServeDetector"), "StageOwnerPresent")
    [fix] = owner["suggestions"]
    assert "isa95:ProductionExecutionManagement" in fix["message"]
    assert "mlops:ModelServing" in fix["message"]
    assert fix["add"] == [
        [
            "<https://example.com/bottling/label-inspection#ServeDetector>",
            "<https://w3id.org/otmlops/map#ownedBy>",
            "<https://w3id.org/otmlops/isa95#ProductionExecutionManagement>",
        ]
    ]


def test_far_off_owner_states_both_levels_and_the_reference_owner(report: dict) -> None:
    level = _shape(_results(report, "#WatchDetector"), "StageOwnerLevel")
    texts = [s["message"] for s in level["suggestions"]]
    assert any("ISA-95 level 4" in t and "ISA-95 level 2" in t for t in texts), texts
    replace = [s for s in level["suggestions"] if s["add"]]
    assert "isa95:ProductionPerformanceAnalysis" in replace[0]["message"]  # for mlops:Monitoring
    assert replace[0]["remove"][0][2] == "<https://w3id.org/otmlops/isa95#MarketingAndSales>"


def test_phase_and_level_findings_list_the_allowed_values(report: dict) -> None:
    serve = _results(report, "#ServeDetector")
    phase = _shape(serve, "StagePhaseKind")
    assert (
        "rami:InstanceMaintenanceUsage, rami:InstanceProduction"
        in phase["suggestions"][0]["message"]
    )
    level = _shape(serve, "StageLevelMatchesEquipment")
    info = level["suggestions"][0]["message"]
    assert "isa95:WorkCell" in info and "ISA-95 level 2" in info and "ISA-95 level 3" in info
    assert "isa95:WorkCenter" in info  # the equipment classes of the stage's own level
    fix = level["suggestions"][1]
    assert fix["unambiguous"] and fix["add"][0][2] == "<https://w3id.org/otmlops/rami#StationLevel>"


def test_containment_finding_lists_allowed_parents(tmp_path: Path) -> None:
    plant = tmp_path / "plant.ttl"
    plant.write_text(
        PREFIXES
        + """
plant:Corp a isa95:Enterprise .
plant:North a isa95:Site ; isa95:partOf plant:Corp .
plant:Hall a isa95:Area ; isa95:partOf plant:North .
plant:Line a isa95:ProductionLine ; isa95:partOf plant:Hall .
plant:Cell a isa95:WorkCell ; isa95:partOf plant:Hall .
""",
        encoding="utf-8",
    )
    r = run_cli_inprocess("validate", str(plant), "--format", "json")
    data = json.loads(r.stdout)
    parent = _shape(_results(data, "#Cell"), "EquipmentAllowedParent")
    assert "isa95:WorkCenter" in parent["suggestions"][0]["message"]
    text = run_cli_inprocess("validate", str(plant)).stdout
    assert "note: isa95:WorkCell may be part of:" in text


def test_text_report_prints_fix_lines(faulty: Path) -> None:
    r = run_cli_inprocess("validate", str(faulty), "--plant", str(PLANT))
    assert r.returncode == 1
    assert "fix (line 12): did you mean mlops:ModelTraining?" in r.stdout
    assert "set map:ownedBy isa95:ProductionExecutionManagement" in r.stdout


def test_engines_agree_with_suggestions_attached(faulty: Path) -> None:
    fast = _json(faulty)
    ref = _json(faulty, "--engine", "pyshacl")

    def keys(rep: dict) -> set:
        return {
            (g["focusNode"], r["sourceShape"], r["constraintComponent"], len(r["suggestions"]))
            for g in rep["focusNodes"]
            for r in g["results"]
        }

    assert keys(fast) == keys(ref)


def test_fix_prints_a_patch_and_apply_round_trips_turtle(faulty: Path) -> None:
    before = faulty.read_text(encoding="utf-8")
    r = run_cli("fix", str(faulty), "--plant", str(PLANT))
    assert r.returncode == 1, r.stderr
    assert "-vd:TrainDetector a mlops:ModelTrainig ;" in r.stdout
    assert "+vd:TrainDetector a mlops:ModelTraining ;" in r.stdout
    assert faulty.read_text(encoding="utf-8") == before  # printing writes nothing
    r = run_cli("fix", str(faulty), "--plant", str(PLANT), "--apply")
    assert r.returncode == 0, r.stderr
    after = faulty.read_text(encoding="utf-8")
    assert "# a hand-written mapping with mistakes" in after
    assert "@prefix plant: <https://example.com/bottling/plant#> ." in after
    assert "# the typo" in after
    assert "map:ownedBy isa95:ProductionExecutionManagement" in after
    report = _json(faulty)
    shapes = {
        r["sourceShape"].rsplit("#", 1)[1] for g in report["focusNodes"] for r in g["results"]
    }
    assert not shapes & {
        "VocabularyShape",
        "UseCaseStageKind",
        "StageOwnerPresent",
        "StagePhaseKind",
        "StageLevelMatchesEquipment",
        "StageOwnerLevel",
    }
    assert report["violations"] == 0
    again = run_cli("fix", str(faulty), "--plant", str(PLANT))
    assert again.returncode == 0 and again.stdout == ""


def _form_case(tmp_path: Path, name: str, old: str, new: str) -> Path:
    src = (AUTHORING / name).read_text(encoding="utf-8")
    assert old in src
    path = tmp_path / name
    path.write_text(src.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        (
            "visual-defects.yaml",
            "    phase: Instance maintenance/usage\n    owner: Quality execution management\n",
            "    phase: Type development\n",
        ),
        (
            "visual-defects.csv",
            "Station,Instance maintenance/usage,Quality execution management,",
            "Station,Type development,,",
        ),
    ],
)
def test_fix_apply_round_trips_the_forms(tmp_path: Path, name: str, old: str, new: str) -> None:
    path = _form_case(tmp_path, name, old, new)
    plant = str(AUTHORING / "bottling-plant.ttl")
    before = json.loads(
        run_cli_inprocess("validate", str(path), "--plant", plant, "--format", "json").stdout
    )
    serve = [
        r for g in before["focusNodes"] if g["focusNode"].endswith("#Serve") for r in g["results"]
    ]
    assert {r["sourceShape"].rsplit("#", 1)[1] for r in serve} >= {
        "StagePhaseKind",
        "StageOwnerPresent",
    }
    r = run_cli_inprocess("fix", str(path), "--plant", plant)
    assert r.returncode == 1 and "rami:InstanceMaintenanceUsage" in r.stdout
    r = run_cli_inprocess("fix", str(path), "--plant", plant, "--apply")
    assert r.returncode == 0, r.stderr
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Visual defect detection at labeller 3")  # comments kept
    after = json.loads(
        run_cli_inprocess("validate", str(path), "--plant", plant, "--format", "json").stdout
    )
    serve = [
        r for g in after["focusNodes"] if g["focusNode"].endswith("#Serve") for r in g["results"]
    ]
    assert serve == []


def test_fix_bad_input_is_one_error_and_nothing_written(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(PREFIXES + "vd:X a mlops:ModelTrainig ;\n  map:layer .\n", encoding="utf-8")
    before = bad.read_bytes()
    r = run_cli("fix", str(bad), "--apply")
    assert r.returncode == 2
    assert "bad.ttl:9" in r.stderr and "Traceback" not in r.stderr
    assert bad.read_bytes() == before
    r = run_cli("fix", str(tmp_path / "missing.ttl"))
    assert r.returncode == 2 and "no such file" in r.stderr


def test_misspelt_property_is_renamed_in_turtle_and_n_triples(tmp_path: Path) -> None:
    ttl = tmp_path / "p.ttl"
    ttl.write_text(
        PREFIXES
        + """
vd:UC a mlops:UseCase ; mlops:hasStage vd:Train .
vd:Train a mlops:ModelTraining ;
    map:layer rami:FunctionalLayer ;
    map:hierachyLevel rami:EnterpriseLevel ;   # typo in the property
    map:lifeCyclePhase rami:TypeDevelopment ;
    map:ownedBy isa95:ResearchDevelopmentAndEngineering .
""",
        encoding="utf-8",
    )
    text = run_cli_inprocess("validate", str(ttl)).stdout
    assert "fix (line 12): did you mean map:hierarchyLevel?" in text
    nt = tmp_path / "p.nt"
    from rdflib import Graph

    nt.write_text(Graph().parse(ttl).serialize(format="nt"), encoding="utf-8")
    for path in (ttl, nt):
        r = run_cli_inprocess("fix", str(path), "--apply")
        assert r.returncode == 0, r.stderr
        report = json.loads(run_cli_inprocess("validate", str(path), "--format", "json").stdout)
        shapes = {
            x["sourceShape"].rsplit("#", 1)[1] for g in report["focusNodes"] for x in g["results"]
        }
        assert "VocabularyShape" not in shapes and "StageHierarchyLevel" not in shapes
    assert "map:hierarchyLevel rami:EnterpriseLevel ;   # typo in the property" in ttl.read_text()


def test_fix_json_lists_what_it_cannot_make(tmp_path: Path) -> None:
    nt = tmp_path / "m.nt"
    from rdflib import Graph

    g = Graph().parse(data=FAULTY, format="turtle")
    nt.write_text(g.serialize(format="nt"), encoding="utf-8")
    r = run_cli_inprocess("fix", str(nt), "--plant", str(PLANT), "--format", "json")
    assert r.returncode == 1, r.stderr
    out = json.loads(r.stdout)
    assert out["fixes"] and out["skipped"]
    assert any("N-Triples" in s["reason"] for s in out["skipped"])  # additions are by hand
    assert "not applied:" in r.stderr


def test_host_level_finding_states_the_levels_and_fixes_the_host(tmp_path: Path) -> None:
    mapping = tmp_path / "host.ttl"
    mapping.write_text(
        PREFIXES
        + """
vd:EdgePC a map:EdgeDevice ;
    map:hierarchyLevel rami:EnterpriseLevel ;   # but it stands at a work cell
    map:locatedAt plant:Labeller .
""",
        encoding="utf-8",
    )
    report = _json(mapping)
    level = _shape(_results(report, "#EdgePC"), "HostLevelMatchesLocation")
    assert "ISA-95 level 2" in level["suggestions"][0]["message"]
    r = run_cli_inprocess("fix", str(mapping), "--plant", str(PLANT), "--apply")
    assert r.returncode == 0, r.stderr
    text = mapping.read_text(encoding="utf-8")
    assert "map:hierarchyLevel rami:StationLevel ;   # but it stands at a work cell" in text
