"""otmlops in other people's pipelines: ``validate --format sarif`` (SARIF 2.1.0 for code-scanning
views), the pre-commit hook definition at the repository root, and the exit-code contract of
docs/validation.md, all through the real CLI."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.cli import run_cli
from tests.support.paths import EXAMPLES, REPO, SHAPES, TESTS

BASE = SHAPES / "base-mapping.ttl"
PLANT = SHAPES / "base-plant.ttl"
DATA = TESTS / "data" / "authoring"


def _sarif(*args: str) -> tuple[int, dict]:
    r = run_cli("validate", *args, "--format", "sarif", cwd=REPO)
    assert r.stderr == ""
    return r.returncode, json.loads(r.stdout)


def test_sarif_has_the_essential_fields_rules_and_locations() -> None:
    invalid = SHAPES / "stage-level-two.invalid.ttl"
    warning = SHAPES / "owner-level.invalid.ttl"
    code, log = _sarif(
        str(BASE.relative_to(REPO)),
        str(invalid.relative_to(REPO)),
        "--plant",
        str(PLANT.relative_to(REPO)),
    )
    assert code == 1  # the exit status is the same as for the other formats
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "otmlops" and driver["version"]
    rules = driver["rules"]
    ids = [rule["id"] for rule in rules]
    assert ids == ["StageHierarchyLevel"]
    assert rules[0]["shortDescription"]["text"] == "RAMI 4.0 hierarchy level"
    assert "exactly one RAMI 4.0 hierarchy level" in rules[0]["help"]["text"]
    [result] = run["results"]
    assert result["ruleId"] == "StageHierarchyLevel" and result["ruleIndex"] == 0
    assert result["level"] == "error"
    assert "exactly one map:hierarchyLevel" in result["message"]["text"]
    [location] = result["locations"]
    physical = location["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "tests/shapes/stage-level-two.invalid.ttl"
    assert physical["region"]["startLine"] == 11
    # warnings are "warning", and each rule is listed once
    code, log = _sarif(str(BASE), str(warning), "--plant", str(PLANT))
    assert code == 0
    [run] = log["runs"]
    assert {r["level"] for r in run["results"]} == {"warning"}
    assert len({r["id"] for r in run["tool"]["driver"]["rules"]}) == len(
        run["tool"]["driver"]["rules"]
    )
    for r in run["results"]:
        assert run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"]


def test_sarif_of_a_conforming_mapping_and_of_a_yaml_mapping() -> None:
    code, log = _sarif(str(EXAMPLES / "pdm-machinery.ttl"))
    assert code == 0
    assert log["runs"][0]["results"] == [] and log["runs"][0]["tool"]["driver"]["rules"] == []
    # a YAML mapping without its plant: the dangling links point at the stage's line
    code, log = _sarif(str((DATA / "visual-defects.yaml").relative_to(REPO)))
    assert code == 1
    lines = {
        r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for r in log["runs"][0]["results"]
    }
    assert lines and all(isinstance(n, int) and n > 1 for n in lines)
    assert {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    } == {"tests/data/authoring/visual-defects.yaml"}


def _hook() -> dict:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    [hook] = [h for h in hooks if h["id"] == "otmlops-validate"]
    return hook


def test_pre_commit_hook_definition() -> None:
    hook = _hook()
    assert hook["language"] == "python" and hook["entry"] == "otmlops validate"
    files = re.compile(hook["files"])
    for path in (
        "mappings/line3.yaml",
        "plant/mapping/serve.ttl",
        "line3.mapping.csv",
        "mappings/quality.xlsx",
    ):
        assert files.search(path), path
    for path in (".github/workflows/ci.yml", "data/measurements.csv", "README.md"):
        assert not files.search(path), path
    # the entry is the console script the package installs
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^otmlops\s*=\s*"otmlops\.cli:main"', pyproject, re.M)


@pytest.mark.parametrize(
    "mapping, code",
    [
        (EXAMPLES / "pdm-machinery.ttl", 0),
        (SHAPES / "stage-level-two.invalid.ttl", 1),
    ],
)
def test_pre_commit_entry_runs_on_a_file(mapping: Path, code: int) -> None:
    """Run the hook's entry as pre-commit does: the entry's words, then the file names."""
    entry = shlex.split(_hook()["entry"])
    script = Path(sys.executable).parent / entry[0]
    assert script.is_file(), f"{script}: the package's console script is not installed"
    files = [str(BASE), str(mapping)] if code else [str(mapping)]
    args = ["--plant", str(PLANT)] if code else []
    r = subprocess.run(
        [str(script), *entry[1:], *args, *files], capture_output=True, text=True, timeout=300
    )
    assert r.returncode == code, r.stdout + r.stderr


# -- the exit-code contract (docs/validation.md, "Exit codes") --------------------------------


def _contract_cases(tmp: Path) -> list[tuple[str, list[str], int]]:
    broken = tmp / "broken.yaml"
    broken.write_text("use_case: ex:A\n  stages: [\n")
    changed = tmp / "changed.ttl"
    changed.write_text(
        (EXAMPLES / "pdm-machinery.ttl")
        .read_text()
        .replace(
            "map:ownedBy isa95:MaintenanceDispatching ;",
            "map:ownedBy isa95:ProductionDispatching ;",
        )
    )
    pdm = str(EXAMPLES / "pdm-machinery.ttl")
    return [
        ("validate: no violation", ["validate", pdm], 0),
        (
            "validate: warnings only",
            [
                "validate",
                str(BASE),
                str(SHAPES / "owner-missing.invalid.ttl"),
                "--plant",
                str(PLANT),
            ],
            0,
        ),
        ("validate: a violation", ["validate", str(SHAPES / "stage-level-two.invalid.ttl")], 1),
        ("validate: malformed YAML", ["validate", str(broken)], 2),
        ("validate: missing file", ["validate", str(tmp / "missing.ttl")], 2),
        ("validate: bad option", ["validate", pdm, "--format", "nope"], 2),
        ("diff: same", ["diff", pdm, pdm, "--no-findings"], 0),
        ("diff: differences", ["diff", pdm, str(changed), "--no-findings"], 1),
        ("diff: malformed YAML", ["diff", pdm, str(broken)], 2),
        ("new: skeleton", ["new", "use-case", "X", "--stages", "Monitoring"], 0),
        ("new: unknown stage kind", ["new", "use-case", "X", "--stages", "Monitorin"], 2),
        ("unknown command", ["frobnicate"], 2),
    ]


def test_exit_code_contract(tmp_path: Path) -> None:
    doc = (REPO / "docs" / "validation.md").read_text(encoding="utf-8")
    section = doc.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    for command in ("validate", "diff", "new", "export", "load"):
        assert f"`{command}" in section, command
    failures = []
    for what, args, code in _contract_cases(tmp_path):
        r = run_cli(*args, cwd=tmp_path)
        if r.returncode != code:
            failures.append(f"{what}: exit {r.returncode}, contract says {code}: {r.stderr}")
        if code == 2 and "Traceback" in r.stderr:
            failures.append(f"{what}: traceback")
    assert not failures, "\n".join(failures)
