"""``otmlops validate`` end to end, in a real subprocess: exit codes, the three report formats,
line locations, bad input, and a plant taken from a graph in a real on-disk store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SH

from tests.support.cli import run_cli, run_cli_inprocess
from tests.support.paths import EXAMPLES, SHAPES

BASE = str(SHAPES / "base-mapping.ttl")
PLANT = str(SHAPES / "base-plant.ttl")
EX = "https://example.org/fixture#"


def test_conforming_mapping_exits_0() -> None:
    r = run_cli("validate", BASE, "--plant", PLANT)
    assert r.returncode == 0, r.stderr
    assert "Conforms" in r.stdout


@pytest.mark.parametrize("example", ["pdm-machinery.ttl", "quality-esmf.ttl"])
def test_case_studies_conform(example: str) -> None:
    r = run_cli_inprocess("validate", str(EXAMPLES / example), "--format", "json")
    assert r.returncode == 0, r.stdout + r.stderr
    report = json.loads(r.stdout)
    assert report["conforms"] is True and report["focusNodes"] == []


def test_violation_exits_1_and_json_groups_by_focus_node_with_line() -> None:
    invalid = str(SHAPES / "stage-level-two.invalid.ttl")
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
    r = run_cli_inprocess(
        "validate", BASE, str(SHAPES / "owner-missing.invalid.ttl"), "--plant", PLANT
    )
    assert r.returncode == 0, r.stderr
    assert "WARNING" in r.stdout and "map:ownedBy" in r.stdout


def test_turtle_is_a_w3c_validation_report() -> None:
    r = run_cli_inprocess(
        "validate",
        BASE,
        str(SHAPES / "containment-cycle.invalid.ttl"),
        "--plant",
        PLANT,
        "--format",
        "turtle",
    )
    assert r.returncode == 1, r.stderr
    g = Graph().parse(data=r.stdout, format="turtle")
    [report] = list(g.subjects(None, SH.ValidationReport))
    assert g.value(report, SH.conforms).toPython() is False
    focus = {str(g.value(res, SH.focusNode)) for res in g.objects(report, SH.result)}
    assert focus == {EX + "ModA", EX + "ModB"}


def test_text_names_file_and_line() -> None:
    invalid = SHAPES / "deployed-dangling.invalid.ttl"
    r = run_cli_inprocess("validate", BASE, str(invalid), "--plant", PLANT)
    assert r.returncode == 1
    assert f"{invalid}:11" in r.stdout
    assert "VIOLATION" in r.stdout and "map:deployedOn" in r.stdout


@pytest.mark.parametrize(
    "suffix, body",
    [
        (
            ".nt",
            "<https://example.org/fixture#Prep> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
            "<https://w3id.org/otmlops/mlops#DataPreparation> .\n",
        ),
        (
            ".jsonld",
            json.dumps(
                {"@id": EX + "Prep", "@type": "https://w3id.org/otmlops/mlops#DataPreparation"}
            ),
        ),
        (
            ".rdf",
            '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            f'<rdf:Description rdf:about="{EX}Prep"><rdf:type rdf:resource='
            '"https://w3id.org/otmlops/mlops#DataPreparation"/></rdf:Description></rdf:RDF>\n',
        ),
        (
            "",
            "@prefix mlops: <https://w3id.org/otmlops/mlops#> .\n"
            f"<{EX}Prep> a mlops:DataPreparation .\n",
        ),  # no extension: content sniffing
    ],
)
def test_reads_every_syntax(tmp_path: Path, suffix: str, body: str) -> None:
    p = tmp_path / f"stage{suffix}"
    p.write_text(body, encoding="utf-8")
    r = run_cli_inprocess("validate", BASE, str(p), "--plant", PLANT, "--format", "json")
    assert r.returncode == 1, r.stderr  # an incomplete stage: no layer, level, phase
    report = json.loads(r.stdout)
    assert {g["focusNode"] for g in report["focusNodes"]} == {EX + "Prep"}


# -- bad input: exit 2, one clear line, no traceback ---------------------------------------------


def _bad(tmp_path: Path, name: str, data: bytes, *extra: str) -> tuple[str, Path]:
    p = tmp_path / name
    p.write_bytes(data)
    r = run_cli_inprocess("validate", str(p), *extra)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and r.stdout == ""
    return r.stderr.strip(), p


def test_syntax_error_has_file_line_column(tmp_path: Path) -> None:
    err, p = _bad(
        tmp_path,
        "broken.ttl",
        b'@prefix ex: <http://e/> .\nex:a ex:b ex:c ;\n  ex:d "unterminated .\n',
    )
    assert err.startswith(f"otmlops: error: {p}:3:8: syntax error:"), err


def test_empty_file(tmp_path: Path) -> None:
    err, p = _bad(tmp_path, "empty.ttl", b"  \n")
    assert f"{p}: file is empty" in err


def test_unknown_prefix(tmp_path: Path) -> None:
    err, p = _bad(tmp_path, "prefix.ttl", b"@prefix ex: <http://e/> .\n\nex:a foo:b ex:c .\n")
    assert f"{p}:3:6: unknown prefix foo:" in err


def test_non_utf8(tmp_path: Path) -> None:
    err, p = _bad(
        tmp_path, "latin1.ttl", '<http://e/a> <http://e/b> "Müller" .\n'.encode("latin-1")
    )
    assert f"{p}:1:29: not UTF-8" in err and "0xfc" in err


def test_file_over_size_limit(tmp_path: Path) -> None:
    err, p = _bad(
        tmp_path, "big.ttl", b"<http://e/a> <http://e/b> <http://e/c> .\n" * 100, "--max-size", "1k"
    )
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
    r = run_cli_inprocess("load", PLANT, "--graph", graph, store=store)
    if r.returncode != 0:
        pytest.fail(f"loading the plant into the store failed: {r.stderr}")
    ok = run_cli_inprocess("validate", BASE, "--plant", graph, store=store)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    missing = run_cli_inprocess(
        "validate", BASE, "--plant", "https://example.org/graphs/none", store=store
    )
    assert missing.returncode == 2 and "no graph" in missing.stderr
    # without the plant the deployment links dangle
    alone = run_cli_inprocess("validate", BASE, "--format", "json")
    assert alone.returncode == 1


# -- plant graphs by every name `otmlops graphs` lists; findings point at the plant ------------

PLANT_CELL2_LINE = 16  # the line "ex:Cell2 a isa95:WorkCell ;" gets in plant.ttl below


def _plant_and_mapping(folder: Path) -> tuple[Path, Path, int]:
    """A plant whose ex:Cell2 sits under an unknown parent (one violation about ex:Cell2),
    described at PLANT_CELL2_LINE, and a mapping that mentions ex:Cell2 on a line of its own."""
    plant = folder / "plant.ttl"
    plant.write_text(
        Path(PLANT).read_text(encoding="utf-8")
        + "ex:Cell2 a isa95:WorkCell ;\n    isa95:partOf ex:Line9 .\n",
        encoding="utf-8",
    )
    assert plant.read_text().splitlines()[PLANT_CELL2_LINE - 1].startswith("ex:Cell2 a ")
    mapping = folder / "mapping.ttl"
    text = Path(BASE).read_text(encoding="utf-8") + "\nex:Serve map:deployedOn ex:Cell2 .\n"
    mapping.write_text(text, encoding="utf-8")
    return plant, mapping, len(text.splitlines())


def _cell2_group(stdout: str) -> dict:
    report = json.loads(stdout)
    [group] = report["focusNodes"]
    assert group["focusNode"] == EX + "Cell2"
    return group


def test_finding_about_plant_node_names_plant_file_and_line(tmp_path: Path) -> None:
    plant, mapping, mention = _plant_and_mapping(tmp_path)
    text = run_cli_inprocess("validate", str(mapping), "--plant", str(plant))
    assert text.returncode == 1, text.stderr
    assert f"({plant}:{PLANT_CELL2_LINE})" in text.stdout, text.stdout
    assert f"{mapping}:{mention}" not in text.stdout
    js = run_cli_inprocess("validate", str(mapping), "--plant", str(plant), "--format", "json")
    group = _cell2_group(js.stdout)
    assert (group["file"], group["line"]) == (str(plant), PLANT_CELL2_LINE)


def test_plant_without_lines_is_named_without_line(tmp_path: Path) -> None:
    plant, mapping, _ = _plant_and_mapping(tmp_path)
    jsonld = tmp_path / "plant.jsonld"
    g = Graph().parse(plant, format="turtle")
    jsonld.write_text(g.serialize(format="json-ld"), encoding="utf-8")
    r = run_cli_inprocess("validate", str(mapping), "--plant", str(jsonld), "--format", "json")
    group = _cell2_group(r.stdout)
    assert (group["file"], group["line"]) == (str(jsonld), None)
    text = run_cli_inprocess("validate", str(mapping), "--plant", str(jsonld))
    assert f"({jsonld})" in text.stdout


def test_plant_accepts_every_graph_name_graphs_lists(tmp_path: Path) -> None:
    """`validate --plant` takes each IRI `otmlops graphs` prints, file: IRIs included; a
    finding about a plant node names the file the file: graph came from, or the graph."""
    plant, mapping, _ = _plant_and_mapping(tmp_path)
    store = tmp_path / "store"
    assert run_cli_inprocess("load", str(plant), store=store).returncode == 0
    assert (
        run_cli_inprocess(
            "load", str(plant), "--graph", "urn:example:plant.ttl", store=store
        ).returncode
        == 0
    )
    listed = run_cli_inprocess("graphs", store=store)
    data = [line.split()[0] for line in listed.stdout.splitlines() if line.endswith(" data")]
    assert sorted(data) == sorted([plant.resolve().as_uri(), "urn:example:plant.ttl"])
    for iri in data:
        r = run_cli_inprocess(
            "validate", str(mapping), "--plant", iri, "--format", "json", store=store
        )
        assert r.returncode == 1, r.stdout + r.stderr
        group = _cell2_group(r.stdout)
        if iri.startswith("file:"):
            assert (group["file"], group["line"]) == (str(plant.resolve()), PLANT_CELL2_LINE)
        else:
            assert group["graph"] == iri and "file" not in group
        text = run_cli_inprocess("validate", str(mapping), "--plant", iri, store=store)
        assert text.returncode == 1 and "Cell2" in text.stdout


def test_plant_that_is_neither_file_nor_graph(tmp_path: Path) -> None:
    store = tmp_path / "store"
    for item, wanted in [
        ("missing.ttl", "missing.ttl: no such file; a graph in the store is named by its IRI"),
        ("file:///nowhere/plant.ttl", "no graph <file:///nowhere/plant.ttl> in the store"),
        ("https://example.org/a b", "not a valid IRI"),
    ]:
        r = run_cli_inprocess("validate", BASE, "--plant", item, store=store)
        assert r.returncode == 2, (item, r.stdout, r.stderr)
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and wanted in lines[0] and r.stdout == "", (item, r.stderr)
