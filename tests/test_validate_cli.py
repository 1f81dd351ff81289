"""``otmlops validate`` end to end, in a real subprocess: exit codes, the three report formats,
line locations, bad input, and a plant taken from a graph in a real on-disk store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SH

from conftest import EXAMPLES, run_cli

HERE = Path(__file__).resolve().parent / "shapes"
BASE = str(HERE / "base-mapping.ttl")
PLANT = str(HERE / "base-plant.ttl")
EX = "https://example.org/fixture#"


def test_conforming_mapping_exits_0() -> None:
    r = run_cli("validate", BASE, "--plant", PLANT)
    assert r.returncode == 0, r.stderr
    assert "Conforms" in r.stdout


@pytest.mark.parametrize("example", ["pdm-machinery.ttl", "quality-esmf.ttl"])
def test_case_studies_conform(example: str) -> None:
    r = run_cli("validate", str(EXAMPLES / example), "--format", "json")
    assert r.returncode == 0, r.stdout + r.stderr
    report = json.loads(r.stdout)
    assert report["conforms"] is True and report["focusNodes"] == []


def test_violation_exits_1_and_json_groups_by_focus_node_with_line() -> None:
    invalid = str(HERE / "stage-level-two.invalid.ttl")
    r = run_cli("validate", BASE, invalid, "--plant", PLANT, "--format", "json")
    assert r.returncode == 1, r.stderr
    report = json.loads(r.stdout)
    assert report["violations"] == 1 and report["warnings"] == 0
    [group] = report["focusNodes"]
    assert group["focusNode"] == EX + "Prep"
    assert group["file"] == invalid and group["line"] == 11  # "ex:Prep a mlops:DataPreparation ;"
    [result] = group["results"]
    assert result["severity"] == "Violation"
    assert result["path"] == "<https://w3id.org/otmlops/map#hierarchyLevel>"
    assert result["constraintComponent"] == "MaxCountConstraintComponent"
    assert result["sourceShape"] == "https://w3id.org/otmlops/shapes#StageHierarchyLevel"
    assert "exactly one map:hierarchyLevel" in result["message"]


def test_warnings_only_exit_0() -> None:
    r = run_cli("validate", BASE, str(HERE / "owner-missing.invalid.ttl"), "--plant", PLANT)
    assert r.returncode == 0, r.stderr
    assert "WARNING" in r.stdout and "map:ownedBy" in r.stdout


def test_turtle_is_a_w3c_validation_report() -> None:
    r = run_cli("validate", BASE, str(HERE / "containment-cycle.invalid.ttl"), "--plant", PLANT,
                "--format", "turtle")
    assert r.returncode == 1, r.stderr
    g = Graph().parse(data=r.stdout, format="turtle")
    [report] = list(g.subjects(None, SH.ValidationReport))
    assert g.value(report, SH.conforms).toPython() is False
    focus = {str(g.value(res, SH.focusNode)) for res in g.objects(report, SH.result)}
    assert focus == {EX + "ModA", EX + "ModB"}


def test_text_names_file_and_line() -> None:
    invalid = HERE / "deployed-dangling.invalid.ttl"
    r = run_cli("validate", BASE, str(invalid), "--plant", PLANT)
    assert r.returncode == 1
    assert f"{invalid}:11" in r.stdout
    assert "VIOLATION" in r.stdout and "map:deployedOn" in r.stdout


@pytest.mark.parametrize("suffix, body", [
    (".nt", "<https://example.org/fixture#Prep> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
            "<https://w3id.org/otmlops/mlops#DataPreparation> .\n"),
    (".jsonld", json.dumps({"@id": EX + "Prep", "@type": "https://w3id.org/otmlops/mlops#DataPreparation"})),
    (".rdf", '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
             f'<rdf:Description rdf:about="{EX}Prep"><rdf:type rdf:resource='
             '"https://w3id.org/otmlops/mlops#DataPreparation"/></rdf:Description></rdf:RDF>\n'),
    ("", "@prefix mlops: <https://w3id.org/otmlops/mlops#> .\n"
         f"<{EX}Prep> a mlops:DataPreparation .\n"),  # no extension: content sniffing
])
def test_reads_every_syntax(tmp_path: Path, suffix: str, body: str) -> None:
    p = tmp_path / f"stage{suffix}"
    p.write_text(body, encoding="utf-8")
    r = run_cli("validate", BASE, str(p), "--plant", PLANT, "--format", "json")
    assert r.returncode == 1, r.stderr  # an incomplete stage: no layer, level, phase
    report = json.loads(r.stdout)
    assert {g["focusNode"] for g in report["focusNodes"]} == {EX + "Prep"}


# -- bad input: exit 2, one clear line, no traceback ---------------------------------------------

def _bad(tmp_path: Path, name: str, data: bytes, *extra: str) -> tuple[str, Path]:
    p = tmp_path / name
    p.write_bytes(data)
    r = run_cli("validate", str(p), *extra)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and r.stdout == ""
    return r.stderr.strip(), p


def test_syntax_error_has_file_line_column(tmp_path: Path) -> None:
    err, p = _bad(tmp_path, "broken.ttl",
                  b"@prefix ex: <http://e/> .\nex:a ex:b ex:c ;\n  ex:d \"unterminated .\n")
    assert err.startswith(f"otmlops: error: {p}:3:8: syntax error:"), err


def test_empty_file(tmp_path: Path) -> None:
    err, p = _bad(tmp_path, "empty.ttl", b"  \n")
    assert f"{p}: file is empty" in err


def test_unknown_prefix(tmp_path: Path) -> None:
    err, p = _bad(tmp_path, "prefix.ttl", b"@prefix ex: <http://e/> .\n\nex:a foo:b ex:c .\n")
    assert f"{p}:3:6: unknown prefix foo:" in err


def test_non_utf8(tmp_path: Path) -> None:
    err, p = _bad(tmp_path, "latin1.ttl", '<http://e/a> <http://e/b> "Müller" .\n'.encode("latin-1"))
    assert f"{p}:1:29: not UTF-8" in err and "0xfc" in err


def test_file_over_size_limit(tmp_path: Path) -> None:
    err, p = _bad(tmp_path, "big.ttl", b"<http://e/a> <http://e/b> <http://e/c> .\n" * 100,
                  "--max-size", "1k")
    assert f"{p}: file is 4100 bytes, over the limit of 1024 bytes" in err


def test_missing_file_and_bad_option(tmp_path: Path) -> None:
    r = run_cli("validate", str(tmp_path / "nope.ttl"))
    assert r.returncode == 2 and "no such file" in r.stderr
    r = run_cli("validate", BASE, "--max-size", "lots")
    assert r.returncode == 2 and "--max-size" in r.stderr and "Traceback" not in r.stderr


def test_plant_from_store_graph(tmp_path: Path) -> None:
    """A --plant that is not a file is a graph IRI in the store."""
    store = tmp_path / "store"
    graph = "https://example.org/graphs/plant"
    r = run_cli("load", PLANT, "--graph", graph, store=store)
    if r.returncode != 0:
        pytest.fail(f"loading the plant into the store failed: {r.stderr}")
    ok = run_cli("validate", BASE, "--plant", graph, store=store)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    missing = run_cli("validate", BASE, "--plant", "https://example.org/graphs/none", store=store)
    assert missing.returncode == 2 and "no graph" in missing.stderr
    # without the plant the deployment links dangle
    alone = run_cli("validate", BASE, "--format", "json")
    assert alone.returncode == 1
