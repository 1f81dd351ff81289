"""``otmlops diff OLD NEW`` on real files and a real store: per use case and stage, RAMI 4.0 axis,
owner and deployment changes, stages added and removed, findings that appear or disappear, in
text, JSON and Markdown; exit 0 / 1 / 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import run_cli, run_cli_inprocess
from tests.support.paths import EXAMPLES, TESTS

PDM = EXAMPLES / "pdm-machinery.ttl"
NS = "https://w3id.org/otmlops/examples/pdm-machinery#"
DATA = TESTS / "data" / "authoring"


def _edit(tmp_path: Path, name: str, *replacements: tuple[str, str]) -> Path:
    text = PDM.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    out = tmp_path / name
    out.write_text(text, encoding="utf-8")
    return out


# The data preparation stage moves from Work Centers to Enterprise level (a level its equipment
# does not match: a new violation) and the deployment stage gets another owner.
LEVEL = (
    "map:hierarchyLevel rami:WorkCentersLevel ;\n    map:lifeCyclePhase rami:TypeDevelopment ;\n"
    "    map:ownedBy isa95:MaintenanceTracking ;",
    "map:hierarchyLevel rami:EnterpriseLevel ;\n    map:lifeCyclePhase rami:TypeDevelopment ;\n"
    "    map:ownedBy isa95:MaintenanceTracking ;",
)
OWNER = ("map:ownedBy isa95:MaintenanceDispatching ;", "map:ownedBy isa95:ProductionDispatching ;")


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("diff")
    return _edit(tmp, "old.ttl"), _edit(tmp, "new.ttl", LEVEL, OWNER)


def _changes(report: dict) -> dict[tuple[str, str], dict]:
    return {
        (st["stage"].rsplit("#", 1)[1], c["field"]): c
        for uc in report["useCases"]
        for st in uc["stages"]
        for c in st["changes"]
    }


def test_identical_versions_exit_0() -> None:
    r = run_cli("diff", str(PDM), str(PDM))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("No differences")


def test_level_and_owner_changes_with_new_finding_json(edited: tuple[Path, Path]) -> None:
    old, new = edited
    r = run_cli_inprocess("diff", str(old), str(new), "--format", "json")
    assert r.returncode == 1, r.stderr
    report = json.loads(r.stdout)
    assert report["differences"] is True
    [uc] = report["useCases"]
    assert uc["useCase"] == NS + "PredictiveMaintenanceExampleMachine01"
    assert uc["status"] == "changed"
    changes = _changes(report)
    assert set(changes) == {("DataPreparation", "hierarchyLevel"), ("ModelDeployment", "ownedBy")}
    assert changes[("DataPreparation", "hierarchyLevel")]["old"] == ["Work Centers"]
    assert changes[("DataPreparation", "hierarchyLevel")]["new"] == ["Enterprise"]
    assert changes[("ModelDeployment", "ownedBy")]["new"] == ["Production dispatching"]
    [appeared] = report["findings"]["appeared"]
    assert appeared["focusNode"] == NS + "DataPreparation"
    assert appeared["severity"] == "Violation"
    assert appeared["sourceShape"].endswith("#StageLevelMatchesEquipment")
    assert appeared["useCase"] == uc["useCase"]
    assert report["findings"]["disappeared"] == []
    # the other way round, the finding disappears
    back = json.loads(run_cli_inprocess("diff", str(new), str(old), "--format", "json").stdout)
    assert [f["focusNode"] for f in back["findings"]["disappeared"]] == [NS + "DataPreparation"]


def test_text_and_markdown(edited: tuple[Path, Path]) -> None:
    old, new = edited
    text = run_cli_inprocess("diff", str(old), str(new)).stdout
    assert "~ stage DataPreparation (data preparation): changed" in text
    assert "RAMI 4.0 hierarchy level: Work Centers -> Enterprise" in text
    assert "ISA-95 owner: Maintenance dispatching -> Production dispatching" in text
    assert "+ VIOLATION" in text
    md = run_cli_inprocess("diff", str(old), str(new), "--format", "markdown").stdout
    assert md.startswith("### Mapping changes")
    assert (
        "| `DataPreparation` (data preparation) | RAMI 4.0 hierarchy level | Work Centers | "
        "Enterprise |" in md
    )
    assert "- **new** Violation: `" in md


def test_stages_added_removed_and_deployment_moved(tmp_path: Path) -> None:
    old = _edit(tmp_path, "old.ttl")
    new = _edit(
        tmp_path,
        "new.ttl",
        (
            "pdm:ModelDeployment , pdm:ModelServing , pdm:Monitoring , pdm:Retraining .",
            "pdm:ModelDeployment , pdm:ModelServing , pdm:Monitoring , pdm:Relabel .",
        ),
        (
            "pdm:DataPreparation a mlops:DataPreparation ;",
            "pdm:Relabel a mlops:DataLabelling .\n\npdm:DataPreparation a mlops:DataPreparation ;",
        ),
        ("map:deployedOn pdm:PlantLinz ;", "map:deployedOn pdm:ExamplePlasticsGroup ;"),
    )
    r = run_cli_inprocess("diff", str(old), str(new), "--format", "json", "--no-findings")
    assert r.returncode == 1, r.stderr
    report = json.loads(r.stdout)
    status = {st["stage"].rsplit("#", 1)[1]: st["status"] for st in report["useCases"][0]["stages"]}
    assert status == {"Retraining": "removed", "Relabel": "added", "DataPreparation": "changed"}
    assert _changes(report)[("DataPreparation", "deployedOn")]["new"] == [
        NS + "ExamplePlasticsGroup"
    ]
    assert report["findings"]["compared"] is False


def test_yaml_against_csv_and_a_graph_in_the_store(tmp_path: Path) -> None:
    yaml_file, csv_file = DATA / "visual-defects.yaml", DATA / "visual-defects.csv"
    plant = str(DATA / "bottling-plant.ttl")
    r = run_cli_inprocess("diff", str(yaml_file), str(csv_file), "--plant", plant)
    assert r.returncode == 0, r.stdout + r.stderr
    store = tmp_path / "store"
    assert run_cli_inprocess("load", str(DATA / "visual-defects.ttl"), store=store).returncode == 0
    graph = (DATA / "visual-defects.ttl").resolve().as_uri()
    changed = tmp_path / "changed.yaml"
    changed.write_text(yaml_file.read_text().replace("level: Work Centers", "level: Enterprise", 1))
    r = run_cli_inprocess(
        "diff", graph, str(changed), "--plant", plant, "--format", "json", store=store
    )
    assert r.returncode == 1, r.stderr
    assert any(c["field"] == "hierarchyLevel" for c in _changes(json.loads(r.stdout)).values())


@pytest.mark.parametrize(
    "args, message",
    [
        (("missing.ttl", str(PDM)), "missing.ttl: no such file"),
        ((str(PDM), "broken.yaml"), "broken.yaml:2"),
        ((str(PDM), "urn:x:no-such-graph"), "no graph <urn:x:no-such-graph>"),
        (("bad.xlsx", str(PDM)), "bad.xlsx: not an XLSX workbook"),
        (("bad.csv", str(PDM)), "bad.csv:1:4: row 1, column 4: unknown column 'levle'"),
        (("term.yaml", str(PDM)), "term.yaml:5:12: unknown RAMI 4.0 hierarchy level 'Statoin'"),
    ],
)
def test_bad_input_exits_2_with_one_error(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    (tmp_path / "broken.yaml").write_text("use_case: ex:A\n  stages: [\n")
    (tmp_path / "bad.xlsx").write_text("not a zip\n")
    (tmp_path / "bad.csv").write_text(
        "use case,stage,stage kind,levle\nex:A,ex:B,Monitoring,Station\n"
    )
    (tmp_path / "term.yaml").write_text(
        "prefixes: {ex: 'https://example.org/x#'}\nuse_case: ex:A\n"
        "stages:\n  ex:B:\n    level: Statoin\n    kind: Monitoring\n"
    )
    r = run_cli("diff", *args, store=tmp_path / "store", cwd=tmp_path)
    assert r.returncode == 2, r.stdout + r.stderr
    assert message in r.stderr and "Traceback" not in r.stderr
    assert r.stdout == ""
