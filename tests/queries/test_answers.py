"""Readable answers: labels, the user's own prefixes, fitting the terminal, the RAMI 4.0 grid and
the optional use-case parameter of the coverage questions (issue 12, item 6).

Library tests run on every backend (embedded on disk, in memory, a real ``oxigraph serve``);
the user's path runs through real CLI subprocesses. Expected answers are read off the case
studies by hand (examples/*.ttl: the stages' map:layer / map:hierarchyLevel / map:lifeCyclePhase).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from otmlops.answers import readable_text
from otmlops.catalogue import load_catalogue, run_named_query
from otmlops.labels import best_label, fetch_labels
from otmlops.rami_grid import grid_text, read_axes
from otmlops.results_format import clip, fit_widths, shorten, solution_rows, table_text
from otmlops.store import open_store
from tests.support.cli import run_cli, run_cli_inprocess
from tests.support.paths import EXAMPLES

PDM = EXAMPLES / "pdm-machinery.ttl"
QUALITY = EXAMPLES / "quality-esmf.ttl"
PDM_NS = "https://w3id.org/otmlops/examples/pdm-machinery#"
PDM_UC = PDM_NS + "PredictiveMaintenanceExampleMachine01"
QP_UC = "https://w3id.org/otmlops/examples/quality-esmf#HoleDiameterPrediction"

PLANT = """@prefix plant: <https://example.org/plant#> .
@prefix rami:  <http://not-our-rami.example/> .
@prefix rdfs:  <http://www.w3.org/2000/01/rdf-schema#> .
@prefix mlops: <https://w3id.org/otmlops/mlops#> .

plant:Forecast a mlops:UseCase ;
    rdfs:label "Energy forecast"@en , "Energieprognose"@de , "Prognose" ;
    mlops:hasStage plant:Train .
plant:Train a mlops:ModelTraining .
"""


@pytest.fixture
def plant_file(tmp_path: Path) -> Path:
    path = tmp_path / "plant.ttl"
    path.write_text(PLANT, encoding="utf-8")
    return path


# --- the store remembers the prefixes of loaded files (every backend) --------------------------


def test_load_remembers_a_files_prefixes(any_store, plant_file: Path, tmp_path: Path) -> None:
    report = any_store.load(plant_file)
    prefixes = any_store.prefixes()
    assert prefixes["plant"] == "https://example.org/plant#"
    assert prefixes["rami"] == "https://w3id.org/otmlops/rami#"  # ours are not overridden
    # a reload without the declaration forgets it; so does dropping the graph
    plain = tmp_path / "plain.nt"
    plain.write_text('<https://example.org/plant#a> <https://example.org/plant#b> "c" .\n')
    any_store.load(plain, graph=report.graph)
    assert "plant" not in any_store.prefixes()
    any_store.load(plant_file)
    assert "plant" in any_store.prefixes()
    any_store.drop(report.graph)
    assert "plant" not in any_store.prefixes()


def test_labels_follow_the_language_preference(any_store, plant_file: Path) -> None:
    any_store.load(plant_file)
    iri = "https://example.org/plant#Forecast"
    assert fetch_labels(any_store, [iri]) == {iri: "Energy forecast"}
    assert fetch_labels(any_store, [iri], "de") == {iri: "Energieprognose"}
    assert fetch_labels(any_store, [iri], "fr") == {iri: "Prognose"}  # no language beats en
    assert fetch_labels(any_store, ["https://example.org/plant#Train"]) == {}


def test_readable_table_on_every_backend(any_store, plant_file: Path) -> None:
    any_store.load(plant_file)
    outcome = any_store.query(
        "SELECT ?uc ?l WHERE { ?uc a <https://w3id.org/otmlops/mlops#"
        "UseCase> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l "
        "FILTER (LANG(?l) = 'en') }"
    )
    text = readable_text(any_store, outcome)
    assert "plant:Forecast (Energy forecast)  Energy forecast" in text
    assert "@en" not in text


def test_best_label_ranking() -> None:
    labels = [
        ox.Literal("Pumpe", language="de-AT"),
        ox.Literal("Pump"),
        ox.Literal("Pump one", language="en"),
    ]
    assert best_label(labels, "de") == "Pumpe"
    assert best_label(labels, "en") == "Pump one"
    assert best_label(labels, "fr") == "Pump"
    assert best_label([], "en") is None


# --- the table ------------------------------------------------------------------------------------


def test_shorten_uses_the_longest_namespace() -> None:
    prefixes = {"ex": "https://example.org/", "plant": "https://example.org/plant/"}
    assert shorten("https://example.org/plant/Line1", prefixes) == "plant:Line1"
    assert (
        shorten(
            "http://opcfoundation.org/UA/Machinery_Example/i=5003",
            {"opc": "http://opcfoundation.org/UA/Machinery_Example/"},
        )
        == "opc:i=5003"
    )
    assert shorten("https://example.org/a#b", prefixes) == "<https://example.org/a#b>"


def test_fit_widths_gives_way_from_the_widest() -> None:
    assert fit_widths([10, 50, 5], None) == [10, 50, 5]
    assert fit_widths([10, 50, 5], 80) == [10, 50, 5]
    fitted = fit_widths([10, 50, 30], 50)
    assert sum(fitted) + 4 <= 50 and fitted[0] == 10 and fitted[1] == fitted[2]
    assert fit_widths([20, 20], 5) == [8, 8]  # never below the minimum
    assert clip("abcdef", 4) == "abc\u2026" and clip("abc", 4) == "abc"


def test_table_respects_the_width() -> None:
    a, b = ox.NamedNode("https://example.org/" + "a" * 60), ox.Literal("x" * 70)
    rows = [
        (a, b, ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
    ]
    narrow = table_text(["first", "second", "n"], rows, {}, {}, 60)
    assert all(len(line) <= 60 for line in narrow.splitlines()[:-1])
    assert "\u2026" in narrow and "--wide shows them in full" in narrow
    wide = table_text(["first", "second", "n"], rows, {}, {}, None)
    assert "x" * 70 in wide and wide.rstrip().endswith("(1 row)")


# --- the RAMI 4.0 grid on the case study ----------------------------------------------------------


@pytest.fixture(scope="module")
def both_cases() -> object:
    store = open_store("memory")
    store.load(PDM)
    store.load(QUALITY)
    yield store
    store.close()


def _grids(text: str) -> dict[str, dict[str, dict[str, list[str]]]]:
    """{phase title: {layer: {level: [cell lines]}}} from grid_text's output. Each grid is a
    title line (after a blank line), header lines, a rule of dashes and rows; a row with an
    empty layer column continues the layer above it (the stage lists)."""
    lines = text.splitlines()
    rules = [i for i, line in enumerate(lines) if line.startswith("---")]
    titles = [max(t for t in range(r) if t == 0 or not lines[t - 1]) for r in rules]
    out: dict[str, dict[str, dict[str, list[str]]]] = {}
    for k, (title, rule) in enumerate(zip(titles, rules, strict=True)):
        spans, pos = [], 0
        for dashes in lines[rule].split("  "):
            spans.append((pos, pos + len(dashes)))
            pos += len(dashes) + 2
        heads = [
            " ".join(h[s:e].strip() for h in lines[title + 1 : rule]).strip() for s, e in spans
        ]
        grid: dict[str, dict[str, list[str]]] = {}
        layer = ""
        end = titles[k + 1] if k + 1 < len(titles) else len(lines)
        for row in lines[rule + 1 : end]:
            if not row.strip():
                continue
            if row[spans[0][0] : spans[0][1]].strip():
                layer = row[spans[0][0] : spans[0][1]].strip()
                grid[layer] = {h: [] for h in heads[1:]}
            for (s, e), head in zip(spans[1:], heads[1:], strict=True):
                if row[s:e].strip():
                    grid[layer][head].append(row[s:e].strip())
        out[lines[title]] = grid
    return out


def test_grid_of_the_predictive_maintenance_case(both_cases) -> None:
    outcome = run_named_query(both_cases, "stages-by-rami-cell", [f"useCase={PDM_UC}"])
    header, rows = solution_rows(outcome)
    axes = read_axes(both_cases)
    labels = fetch_labels(both_cases, {*axes.layers, *axes.levels, *axes.phases})
    grids = _grids(grid_text(header, rows, axes, both_cases.prefixes(), labels, None))
    assert list(grids) == [
        "Type development (rami:TypeDevelopment)",
        "Type maintenance/usage (rami:TypeMaintenanceUsage)",
        "Instance production (rami:InstanceProduction)",
        "Instance maintenance/usage (rami:InstanceMaintenanceUsage)",
    ]
    first = grids["Type development (rami:TypeDevelopment)"]
    assert list(first) == [
        "Business layer",
        "Functional layer",
        "Information layer",
        "Communication layer",
        "Integration layer",
        "Asset layer",
    ]
    assert list(first["Asset layer"]) == [
        "Product",
        "Field Device",
        "Control Device",
        "Station",
        "Work Centers",
        "Enterprise",
        "Connected World",
    ]
    occupied = {
        (phase.split(" (")[0], layer, level): n
        for phase, grid in grids.items()
        for layer, cells in grid.items()
        for level, (n,) in cells.items()
        if n != "."
    }
    # from examples/pdm-machinery.ttl: feature engineering, training, evaluation and retraining
    # share the functional/enterprise cell; collection, deployment, monitoring and feature
    # engineering span two layers each
    assert occupied == {
        ("Type development", "Functional layer", "Enterprise"): "4",
        ("Type development", "Information layer", "Enterprise"): "1",
        ("Type development", "Information layer", "Work Centers"): "1",
        ("Type maintenance/usage", "Information layer", "Enterprise"): "1",
        ("Instance production", "Functional layer", "Station"): "1",
        ("Instance production", "Communication layer", "Station"): "1",
        ("Instance maintenance/usage", "Functional layer", "Station"): "1",
        ("Instance maintenance/usage", "Functional layer", "Work Centers"): "1",
        ("Instance maintenance/usage", "Information layer", "Work Centers"): "1",
        ("Instance maintenance/usage", "Communication layer", "Control Device"): "1",
        ("Instance maintenance/usage", "Integration layer", "Control Device"): "1",
    }


def test_grid_of_the_quality_case_with_the_stages(both_cases) -> None:
    outcome = run_named_query(both_cases, "stages-in-rami-cell", [f"useCase={QP_UC}"])
    header, rows = solution_rows(outcome)
    axes = read_axes(both_cases)
    labels = fetch_labels(both_cases, {*axes.layers, *axes.levels, *axes.phases})
    grids = _grids(grid_text(header, rows, axes, both_cases.prefixes(), labels, None))
    occupied = {
        (phase.split(" (")[0], layer, level): names
        for phase, grid in grids.items()
        for layer, cells in grid.items()
        for level, names in cells.items()
        if names != ["."]
    }
    # from examples/quality-esmf.ttl (one namespace: names without their prefix)
    assert occupied == {
        ("Type development", "Functional layer", "Enterprise"): ["ModelTraining", "Retraining"],
        ("Type development", "Functional layer", "Work Centers"): ["ModelEvaluation"],
        ("Type development", "Information layer", "Enterprise"): ["FeatureEngineering"],
        ("Type development", "Information layer", "Work Centers"): ["DataPreparation"],
        ("Type maintenance/usage", "Information layer", "Enterprise"): ["ModelRegistration"],
        ("Instance production", "Functional layer", "Station"): ["ModelDeployment"],
        ("Instance production", "Communication layer", "Station"): ["ModelDeployment"],
        ("Instance maintenance/usage", "Functional layer", "Station"): ["ModelServing"],
        ("Instance maintenance/usage", "Functional layer", "Work Centers"): ["Monitoring"],
        ("Instance maintenance/usage", "Information layer", "Work Centers"): ["Monitoring"],
        ("Instance maintenance/usage", "Communication layer", "Station"): ["DataCollection"],
        ("Instance maintenance/usage", "Integration layer", "Station"): ["DataCollection"],
    }


# --- the use-case parameter of the coverage questions ----------------------------------------------


def _counts(store, qid: str, *params: str) -> dict[tuple[str, ...], int]:
    header, rows = solution_rows(run_named_query(store, qid, list(params)))
    return {tuple(t.value for t in r[:-1]): int(r[-1].value) for r in rows}


def test_coverage_questions_take_a_use_case(both_cases) -> None:
    coverage = sorted(q.id for q in load_catalogue().values() if "coverage" in q.tags)
    assert coverage == [
        "empty-rami-cells",
        "stages-by-layer",
        "stages-by-rami-cell",
        "stages-in-rami-cell",
    ]
    for qid in coverage:
        param = load_catalogue()[qid].param("useCase")
        assert param is not None and param.optional and param.type == "iri", qid

    pdm = _counts(both_cases, "stages-by-layer", f"useCase={PDM_UC}")
    qp = _counts(both_cases, "stages-by-layer", f"useCase={QP_UC}")
    everyone = _counts(both_cases, "stages-by-layer")
    rami = "https://w3id.org/otmlops/rami#"
    assert pdm == {
        (rami + "AssetLayer",): 0,
        (rami + "IntegrationLayer",): 1,
        (rami + "CommunicationLayer",): 2,
        (rami + "InformationLayer",): 4,
        (rami + "FunctionalLayer",): 7,
        (rami + "BusinessLayer",): 0,
    }
    assert everyone == {k: pdm[k] + qp[k] for k in pdm}  # no stage is shared

    cells = _counts(both_cases, "stages-by-rami-cell", f"useCase={PDM_UC}")
    assert len(cells) == 168 and sum(cells.values()) == 14
    assert sum(1 for n in cells.values() if n) == 11
    assert sum(_counts(both_cases, "stages-by-rami-cell").values()) == 14 + sum(
        _counts(both_cases, "stages-by-rami-cell", f"useCase={QP_UC}").values()
    )

    empty = list(run_named_query(both_cases, "empty-rami-cells", [f"useCase={PDM_UC}"]))
    assert len(empty) == 168 - 11
    assert len(list(run_named_query(both_cases, "empty-rami-cells"))) < 168 - 11

    cell = [
        "layer=rami:FunctionalLayer",
        "level=rami:EnterpriseLevel",
        "phase=rami:TypeDevelopment",
    ]
    stages = {
        r["stage"].value
        for r in run_named_query(both_cases, "stages-in-rami-cell", [*cell, f"useCase={PDM_UC}"])
    }
    assert stages == {
        PDM_NS + s for s in ("FeatureEngineering", "ModelTraining", "ModelEvaluation", "Retraining")
    }
    every = {r["useCase"].value for r in run_named_query(both_cases, "stages-in-rami-cell", cell)}
    assert every == {PDM_UC, QP_UC}


# --- the user's path: real CLI subprocesses ------------------------------------------------------


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    location = tmp_path_factory.mktemp("answers") / "store"
    plant = location.parent / "plant.ttl"
    plant.write_text(PLANT, encoding="utf-8")
    done = run_cli_inprocess("load", str(PDM), str(plant), store=location)
    assert done.returncode == 0, done.stderr
    return location


def test_cli_table_has_labels_and_the_users_prefixes(cli_store: Path) -> None:
    done = run_cli_inprocess("query", "use-case-overview", "--wide", store=cli_store)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert (
        "pdm:PredictiveMaintenanceExampleMachine01 (Predictive maintenance of "
        "ExampleMachine01)" in out
    )
    assert "plant:Forecast (Energy forecast)" in out  # plant: comes from the user's file
    assert "@en" not in out and "<https://example.org/plant#" not in out
    german = run_cli_inprocess(
        "query", "use-case-overview", "--wide", "--lang", "de", store=cli_store
    )
    assert "plant:Forecast (Energieprognose)" in german.stdout
    bare = run_cli_inprocess("query", "use-case-overview", "--wide", "--no-labels", store=cli_store)
    assert "plant:Forecast  " in bare.stdout and "(Energy forecast)" not in bare.stdout
    # csv keeps the standard format: full IRIs, no labels
    csv = run_cli_inprocess("query", "use-case-overview", "--format", "csv", store=cli_store)
    row = next(r for r in csv.stdout.splitlines() if r.startswith("https://example.org/plant#"))
    assert row.startswith("https://example.org/plant#Forecast,") and row.endswith(",1,0,0")


def test_cli_table_fits_columns_unless_wide(cli_store: Path) -> None:
    args = (
        "query",
        "stages-of-use-case",
        "-p",
        "useCase=pdm:PredictiveMaintenanceExampleMachine01",
    )
    narrow = run_cli(*args, store=cli_store, env={"COLUMNS": "70"})
    assert narrow.returncode == 0, narrow.stderr
    lines = narrow.stdout.splitlines()
    assert max(len(line) for line in lines[:-1]) <= 70
    assert "\u2026" in narrow.stdout and "--wide" in lines[-1]
    wide = run_cli(*args, "--wide", store=cli_store, env={"COLUMNS": "70"})
    assert max(len(line) for line in wide.stdout.splitlines()) > 70
    assert "pdm:ModelServing (Predict remaining useful life at the machine)" in wide.stdout
    assert wide.stdout.rstrip().endswith("(14 rows)")
    # piped, with no COLUMNS: nothing is cut
    piped = run_cli(*args, store=cli_store, env={"COLUMNS": ""})
    assert piped.stdout == wide.stdout


def test_cli_grid_and_use_case_with_a_users_prefix(cli_store: Path) -> None:
    done = run_cli_inprocess(
        "query",
        "stages-by-rami-cell",
        "--grid",
        "-p",
        "useCase=pdm:PredictiveMaintenanceExampleMachine01",
        store=cli_store,
        env={"COLUMNS": "100"},
    )
    assert done.returncode == 0, done.stderr
    grids = _grids(done.stdout)
    assert grids["Type development (rami:TypeDevelopment)"]["Functional layer"]["Enterprise"] == [
        "4"
    ]
    assert all(len(line) <= 100 for line in done.stdout.splitlines())
    wrong = run_cli_inprocess("query", "stages-by-layer", "--grid", store=cli_store)
    assert (
        wrong.returncode == 2
        and "--grid needs an answer with layer, level and phase" in wrong.stderr
        and "this one has layer, stages" in wrong.stderr
    )
    csv = run_cli_inprocess(
        "query", "stages-by-rami-cell", "--grid", "--format", "csv", store=cli_store
    )
    assert csv.returncode == 2 and "--grid is a table view" in csv.stderr


def test_documented_results_are_what_each_query_returns(both_cases) -> None:
    """Every catalogue query, run on the two case studies with its example, returns exactly
    the columns its metadata (and so docs/queries.md) lists, in that order."""
    for query in load_catalogue().values():
        outcome = run_named_query(both_cases, query.id, query.example_assignments(0))
        assert isinstance(outcome, ox.QuerySolutions), query.id
        assert [v.value for v in outcome.variables] == [r.name for r in query.results], query.id
        list(outcome)


def test_cli_grid_with_the_stages_in_the_cells(cli_store: Path) -> None:
    done = run_cli_inprocess(
        "query",
        "stages-in-rami-cell",
        "--grid",
        "-p",
        "useCase=pdm:PredictiveMaintenanceExampleMachine01",
        store=cli_store,
        env={"COLUMNS": ""},
    )
    assert done.returncode == 0, done.stderr
    grids = _grids(done.stdout)
    assert len(grids) == 4  # the case study has stages in every phase
    development = grids["Type development (rami:TypeDevelopment)"]
    # one namespace among the stages: their names are shown without the prefix
    assert development["Functional layer"]["Enterprise"] == [
        "FeatureEngineering",
        "ModelEvaluation",
        "ModelTraining",
        "Retraining",
    ]
    assert development["Information layer"] == {
        "Product": ["."],
        "Field Device": ["."],
        "Control Device": ["."],
        "Station": ["."],
        "Work Centers": ["DataPreparation"],
        "Enterprise": ["FeatureEngineering"],
        "Connected World": ["."],
    }
    usage = grids["Instance maintenance/usage (rami:InstanceMaintenanceUsage)"]
    assert usage["Integration layer"]["Control Device"] == ["DataCollection"]
    # one phase asked for: only its grid
    one = run_cli_inprocess(
        "query",
        "stages-in-rami-cell",
        "--grid",
        "-p",
        "phase=rami:InstanceProduction",
        store=cli_store,
        env={"COLUMNS": ""},
    )
    assert list(_grids(one.stdout)) == ["Instance production (rami:InstanceProduction)"]
    assert _grids(one.stdout)["Instance production (rami:InstanceProduction)"][
        "Communication layer"
    ]["Station"] == ["ModelDeployment"]
