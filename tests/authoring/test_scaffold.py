"""``otmlops new use-case``: skeletons from the reference mapping, in every form, for every stage
kind, validate with no violation (real CLI); their equipment TODOs give warnings; the YAML and CSV
skeletons compile to the same graph as the Turtle one; a plant's equipment is offered; bad input
gets one error and nothing is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.compare import isomorphic

from otmlops.authoring import compile_file
from otmlops.authoring.vocab import vocabularies
from otmlops.namespaces import MAP, MLOPS
from tests.support.cli import run_cli, run_cli_inprocess
from tests.support.paths import DATA, REPO

PLANT = DATA / "authoring" / "bottling-plant.ttl"
NAME = "Visual defects at Labeller 3"
BASE = "https://example.org/mappings/visual-defects-at-labeller-3#"
WARNING_SHAPE = "https://w3id.org/otmlops/shapes#StageDeployedInInstancePhase"


def _new(tmp_path: Path, form: str, *extra: str) -> Path:
    out = tmp_path / f"skeleton.{form}"
    r = run_cli_inprocess("new", "use-case", NAME, "--format", form, "--out", str(out), *extra)
    assert r.returncode == 0, r.stderr
    assert out.is_file()
    return out


@pytest.fixture(scope="module")
def skeletons(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("skeletons")
    return {form: _new(tmp, form) for form in ("yaml", "ttl", "csv")}


@pytest.mark.parametrize("form", ["yaml", "ttl", "csv"])
def test_skeleton_of_every_kind_has_no_violation_and_todos_warn(
    skeletons: dict[str, Path], form: str
) -> None:
    r = run_cli_inprocess("validate", str(skeletons[form]), "--format", "json")
    assert r.returncode == 0, r.stdout + r.stderr
    report = json.loads(r.stdout)
    assert report["violations"] == 0
    results = [(g["focusNode"], res) for g in report["focusNodes"] for res in g["results"]]
    # only the TODOs warn: the stages in an instance phase that do not say where they run
    assert {res["sourceShape"] for _, res in results} == {WARNING_SHAPE}
    assert {res["severity"] for _, res in results} == {"Warning"}
    assert {focus.rsplit("#", 1)[1] for focus, _ in results} == {
        "DataCollection",
        "ModelDeployment",
        "ModelServing",
        "Monitoring",
    }
    # and they point at the stage's line in the skeleton
    assert all(g.get("line") for g in report["focusNodes"])


def test_skeleton_has_every_stage_kind_with_reference_placement(skeletons: dict[str, Path]) -> None:
    g = Graph().parse(skeletons["ttl"])
    [uc] = list(g.subjects(RDF.type, MLOPS.UseCase))
    assert uc == URIRef(BASE + "VisualDefectsAtLabeller3")
    kinds = {k for st in g.objects(uc, MLOPS.hasStage) for k in g.objects(st, RDF.type)}
    assert kinds == {t.iri for t in vocabularies()["kind"].terms}
    assert len(kinds) >= 11
    reference = Graph().parse(REPO / "ontology" / "reference-mapping.ttl")
    for st in g.objects(uc, MLOPS.hasStage):
        kind = g.value(st, RDF.type)
        placement = reference.value(None, MAP.placesClass, kind)
        assert set(g.objects(st, MAP.layer)) == set(reference.objects(placement, MAP.layer))
        assert g.value(st, MAP.hierarchyLevel) in set(
            reference.objects(placement, MAP.hierarchyLevel)
        )
        assert g.value(st, MAP.lifeCyclePhase) in set(
            reference.objects(placement, MAP.lifeCyclePhase)
        )
        assert g.value(st, MAP.ownedBy) in set(reference.objects(placement, MAP.ownedBy))
        assert (st, MAP.deployedOn, None) not in g
    text = skeletons["ttl"].read_text()
    assert "# map:deployedOn TODO" in text and "Why: " in text
    assert "The reference also allows level: Station." in text  # data collection's alternative


@pytest.mark.parametrize("form", ["yaml", "csv"])
def test_yaml_and_csv_skeletons_compile_to_the_turtle_skeleton(
    skeletons: dict[str, Path], form: str
) -> None:
    compiled = compile_file(skeletons[form]).graph
    assert isomorphic(compiled, Graph().parse(skeletons["ttl"]))


def test_filling_in_the_todo_removes_the_warning(tmp_path: Path) -> None:
    out = _new(
        tmp_path,
        "yaml",
        "--stages",
        "model serving",
        "Monitoring",
        "ModelTraining",
        "--plant",
        str(PLANT),
    )
    text = out.read_text()
    assert (
        "Candidates from the plant at Control Device level: https://example.org/bottling#Camera3"
        in text
    )
    assert (
        "Candidates from the plant at Station level: https://example.org/bottling#EdgePC3" in text
    )
    r = run_cli_inprocess("validate", str(out), "--plant", str(PLANT), "--format", "json")
    assert r.returncode == 0 and json.loads(r.stdout)["warnings"] == 2, r.stdout
    # serving at Control Device level: the plant's controller-level candidate; monitoring at
    # Station level: the edge PC
    first, rest = text.split("# deployed_on: TODO", 1)
    filled = (
        first
        + "deployed_on: https://example.org/bottling#Camera3"
        + rest.replace(
            "# deployed_on: TODO", "deployed_on: https://example.org/bottling#EdgePC3", 1
        )
    )
    out.write_text(filled)
    r = run_cli_inprocess("validate", str(out), "--plant", str(PLANT), "--format", "json")
    report = json.loads(r.stdout)
    assert r.returncode == 0 and report["violations"] == 0 and report["warnings"] == 0, r.stdout


def test_stdout_base_and_selected_stages() -> None:
    r = run_cli_inprocess(
        "new",
        "use-case",
        "Press force",
        "--stages",
        "ModelServing",
        "--format",
        "ttl",
        "--base",
        "https://example.org/press/",
    )
    assert r.returncode == 0, r.stderr
    g = Graph().parse(data=r.stdout, format="turtle")
    assert (
        URIRef("https://example.org/press/PressForce"),
        MLOPS.hasStage,
        URIRef("https://example.org/press/ModelServing"),
    ) in g


def test_existing_file_is_kept_unless_force(tmp_path: Path) -> None:
    out = tmp_path / "m.yaml"
    out.write_text("keep me\n")
    r = run_cli_inprocess("new", "use-case", NAME, "--out", str(out))
    assert r.returncode == 2 and "--force" in r.stderr
    assert out.read_text() == "keep me\n"
    r = run_cli_inprocess("new", "use-case", NAME, "--out", str(out), "--force")
    assert r.returncode == 0, r.stderr
    assert out.read_text().startswith("# Skeleton")


@pytest.mark.parametrize(
    "args, message",
    [
        (("--stages", "model servign"), "unknown stage kind 'model servign'"),
        (("--base", "not an iri"), "--base"),
        (("--plant", "missing-plant.ttl"), "missing-plant.ttl: no such file"),
    ],
)
def test_bad_input_is_one_error_and_nothing_is_written(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    out = tmp_path / "m.yaml"
    r = run_cli("new", "use-case", NAME, "--out", str(out), *args, cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert message in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_name_with_quotes_and_accents_in_every_form(tmp_path: Path) -> None:
    name = '3D "Défauts" prüfen: Linie #2'
    graphs = []
    for form in ("yaml", "ttl", "csv"):
        out = tmp_path / f"u.{form}"
        r = run_cli_inprocess(
            "new", "use-case", name, "--stages", "Monitoring", "--format", form, "--out", str(out)
        )
        assert r.returncode == 0, r.stderr
        graphs.append(compile_file(out).graph if form != "ttl" else Graph().parse(out))
    uc = URIRef("https://example.org/mappings/3d-defauts-prufen-linie-2#3DDefautsPrufenLinie2")
    for g in graphs:
        assert str(g.value(uc, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))) == name
        assert isomorphic(g, graphs[0])


def test_plant_from_a_graph_in_the_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run_cli_inprocess("load", str(PLANT), store=store).returncode == 0
    r = run_cli_inprocess(
        "new",
        "use-case",
        NAME,
        "--stages",
        "Monitoring",
        "--format",
        "ttl",
        "--plant",
        PLANT.resolve().as_uri(),
        store=store,
    )
    assert r.returncode == 0, r.stderr
    assert (
        "Candidates from the plant at Station level: <https://example.org/bottling#EdgePC3>"
        in r.stdout
    )
