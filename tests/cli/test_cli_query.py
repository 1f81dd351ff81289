"""``otmlops queries`` and ``otmlops query`` through real subprocesses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import run_cli, run_cli_inprocess
from tests.support.paths import DATA, REPO

GAPS = DATA / "queries" / "gaps-plant.ttl"
GX = "https://example.org/gaps#"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    location = tmp_path_factory.mktemp("cli") / "store"
    done = run_cli_inprocess("load", str(GAPS), store=location)
    assert done.returncode == 0, done.stderr
    return location


def test_queries_lists_the_catalogue() -> None:
    done = run_cli("queries")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) >= 15
    assert any(
        line.startswith("models-on-equipment ") and "equipment (iri)" in line for line in lines
    )


def test_queries_json_and_detail() -> None:
    listing = json.loads(run_cli_inprocess("queries", "--format", "json").stdout)
    assert {"stages-without-owner", "use-cases-by-area"} <= {q["id"] for q in listing}
    detail = run_cli_inprocess("queries", "impact-of-equipment")
    assert detail.returncode == 0
    assert "--param equipment=<iri>" in detail.stdout and "SELECT DISTINCT" in detail.stdout
    missing = run_cli_inprocess("queries", "no-such-query")
    assert missing.returncode == 2 and "no query with id 'no-such-query'" in missing.stderr


def test_query_by_id_table(store: Path) -> None:
    done = run_cli("query", "stages-without-owner", store=store)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].split() == ["useCase", "stage"]
    # short names with the gx: prefix the loaded file declares, labels beside them
    assert "gx:UC1 (Spindle anomaly detection)  gx:UC1_Serve" in done.stdout
    assert "gx:UC2_Evaluate" in done.stdout
    assert done.stdout.rstrip().endswith("(2 rows)")


def test_query_with_param_json(store: Path) -> None:
    done = run_cli_inprocess(
        "query",
        "models-on-equipment",
        "--param",
        f"equipment={GX}CellA1",
        "--format",
        "json",
        store=store,
    )
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    stages = sorted(b["stage"]["value"] for b in doc["results"]["bindings"])
    assert stages == [f"{GX}UC1_Collect", f"{GX}UC1_Serve"]


def test_query_prefixed_params_csv(store: Path) -> None:
    done = run_cli_inprocess(
        "query",
        "stages-in-rami-cell",
        "-p",
        "layer=rami:IntegrationLayer",
        "-p",
        "level=rami:StationLevel",
        "-p",
        "phase=rami:InstanceMaintenanceUsage",
        "--format",
        "csv",
        store=store,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "layer,level,phase,useCase,stage"
    assert lines[1:] == [
        "https://w3id.org/otmlops/rami#IntegrationLayer,"
        "https://w3id.org/otmlops/rami#StationLevel,"
        "https://w3id.org/otmlops/rami#InstanceMaintenanceUsage,"
        f"{GX}UC2,{GX}UC2_Collect"
    ]


def test_store_from_environment(store: Path) -> None:
    done = run_cli(
        "query", "serving-without-monitoring", "--format", "tsv", env={"OTMLOPS_STORE": str(store)}
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1] == f"<{GX}UC2>\t<{GX}UC2_Serve>"


def test_store_option_after_subcommand(store: Path) -> None:
    done = run_cli_inprocess("query", "dangling-links", "--store", str(store), "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 1 + 3  # header and the three dangling links


def test_injection_attempts_change_nothing(store: Path) -> None:
    hostile_iri = run_cli_inprocess(
        "query",
        "impact-of-equipment",
        "--param",
        "equipment=x> } ; DROP ALL ; SELECT * { <y",
        store=store,
    )
    assert hostile_iri.returncode == 2
    assert "parameter 'equipment'" in hostile_iri.stderr
    assert "not a valid absolute IRI" in hostile_iri.stderr
    assert "Traceback" not in hostile_iri.stderr
    hostile_text = run_cli_inprocess(
        "query",
        "use-cases-by-label",
        "--param",
        'text=") } ; DROP ALL ; SELECT * { ?s ?p ?o FILTER("',
        "--format",
        "csv",
        store=store,
    )
    assert hostile_text.returncode == 0, hostile_text.stderr
    assert hostile_text.stdout.splitlines() == ["useCase,label"]
    # the data is all still there
    after = run_cli_inprocess("query", "use-case-overview", "--format", "csv", store=store)
    assert len(after.stdout.splitlines()) == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("query", "equipment-load", "-p", "minStages=many"),
            "parameter 'minStages' must be integer",
        ),
        (("query", "models-on-equipment"), "needs parameter 'equipment'"),
        (("query", "models-on-equipment", "-p", "machine=urn:x"), "has no parameter 'machine'"),
        (("query", "models-on-equipment", "-p", "equipment"), "must look like NAME=VALUE"),
        (("query", "no-such-query"), "no query with id 'no-such-query'"),
        (("query",), "name a query id"),
        (("query", "missing-file.rq"), "does not exist"),
        (("query", "--sparql", "SELECT * WHERE { ?s ?p }"), "SPARQL syntax error"),
        (("query", "stages-without-owner", "--sparql", "ASK {}"), "not both"),
    ],
)
def test_usage_errors(store: Path, args: tuple[str, ...], message: str) -> None:
    done = run_cli_inprocess(*args, store=store)
    assert done.returncode == 2, done.stdout
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_query_file_and_adhoc_params(store: Path, tmp_path: Path) -> None:
    rq = tmp_path / "areas.rq"
    rq.write_text(
        "# a comment that is not metadata: fine\n"
        "PREFIX isa95: <https://w3id.org/otmlops/isa95#>\n"
        "SELECT ?area ?e WHERE { ?e isa95:partOf ?area }\n"
    )
    done = run_cli_inprocess(
        "query", str(rq), "--param", f"area=<{GX}AreaB>", "--format", "csv", store=store
    )
    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.splitlines()[1:]) == [
        f"{GX}AreaB,{GX}{e}" for e in ("ProcB", "SensB1", "UnitB1")
    ]


def test_sparql_text_ask(store: Path) -> None:
    done = run_cli_inprocess(
        "query", "--sparql", "ASK { ?u a <https://w3id.org/otmlops/mlops#UseCase> }", store=store
    )
    assert (done.returncode, done.stdout) == (0, "true\n")


def test_markdown_catalogue_matches_docs() -> None:
    done = run_cli_inprocess("queries", "--format", "markdown")
    assert done.returncode == 0
    assert done.stdout.strip() in (REPO / "docs" / "queries.md").read_text(encoding="utf-8")
