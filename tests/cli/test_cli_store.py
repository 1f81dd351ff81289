"""``otmlops load / graphs / drop`` as real subprocesses."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import run_cli, run_cli_inprocess

PLANT = """@prefix isa95: <https://w3id.org/otmlops/isa95#> .
<http://example.org/cell1> a isa95:WorkCell ; isa95:partOf <http://example.org/line1> .
<http://example.org/line1> a isa95:ProductionLine .
"""


@pytest.fixture
def plant(tmp_path: Path) -> Path:
    path = tmp_path / "plant.ttl"
    path.write_text(PLANT)
    return path


def test_load_graphs_drop(tmp_path: Path, plant: Path) -> None:
    store = tmp_path / "store"
    res = run_cli("load", str(plant), store=store)
    assert res.returncode == 0, res.stderr
    graph = plant.resolve().as_uri()
    line = res.stdout.strip().splitlines()[0].split("\t")
    assert line[0] == graph and line[1] == "3 triples" and line[2].endswith(" s")
    assert line[3] == str(plant)
    res = run_cli("graphs", store=store)
    assert res.returncode == 0, res.stderr
    rows = {r.split()[0]: r.split()[1:] for r in res.stdout.splitlines()[1:]}
    assert rows[graph] == ["3", "data"]
    assert rows["https://w3id.org/otmlops/graph/ontology"][1] == "system"
    res = run_cli("drop", graph, store=store)
    assert res.returncode == 0 and "dropped" in res.stdout
    res = run_cli("graphs", store=store)
    assert graph not in res.stdout


def test_store_option_after_subcommand_and_environment(tmp_path: Path, plant: Path) -> None:
    after = tmp_path / "after"
    res = run_cli_inprocess(
        "load", str(plant), "--graph", "http://example.org/g", "--store", str(after)
    )
    assert res.returncode == 0, res.stderr
    assert after.is_dir()
    env_store = tmp_path / "env"
    res = run_cli_inprocess(
        "load", str(plant), "--graph", "http://example.org/g", env={"OTMLOPS_STORE": str(env_store)}
    )
    assert res.returncode == 0, res.stderr
    for args in (("graphs",), ("drop", "http://example.org/g")):
        res = run_cli_inprocess(*args, env={"OTMLOPS_STORE": str(env_store)})
        assert res.returncode == 0, res.stderr
    res = run_cli_inprocess("graphs", "--store", str(after))
    assert "http://example.org/g " in res.stdout
    res = run_cli_inprocess("graphs", env={"OTMLOPS_STORE": str(env_store)})
    assert "http://example.org/g " not in res.stdout


def test_malformed_file_exit_2_with_position(tmp_path: Path, plant: Path) -> None:
    store = tmp_path / "store"
    assert (
        run_cli_inprocess(
            "load", str(plant), "--graph", "http://example.org/g", store=store
        ).returncode
        == 0
    )
    bad = tmp_path / "bad.ttl"
    bad.write_text(PLANT + "<http://example.org/x> <http://example.org/p> .\n")
    res = run_cli_inprocess("load", str(bad), "--graph", "http://example.org/g", store=store)
    assert res.returncode == 2
    assert f"{bad}:4:47: " in res.stderr and "Traceback" not in res.stderr
    res = run_cli_inprocess("graphs", store=store)
    assert "http://example.org/g " in res.stdout
    row = next(r for r in res.stdout.splitlines() if r.startswith("http://example.org/g "))
    assert row.split()[1] == "3"


def test_usage_errors(tmp_path: Path, plant: Path) -> None:
    store = tmp_path / "store"
    for args in (
        ("load", str(plant), "--graph", "relative"),
        ("load", str(plant), str(plant), "--graph", "http://example.org/g"),
        ("load", str(plant), "--format", "nonsense"),
        ("load", str(tmp_path / "missing.ttl")),
        ("drop", "http://example.org/not-there"),
    ):
        res = run_cli_inprocess(*args, store=store)
        assert res.returncode == 2, (args, res.stderr)
        assert res.stderr.startswith("otmlops:") and "Traceback" not in res.stderr


def test_explicit_format_and_progress(tmp_path: Path) -> None:
    data = tmp_path / "data.txt"
    data.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    res = run_cli("load", str(data), "--format", "nt", "--progress", store=tmp_path / "s")
    assert res.returncode == 0, res.stderr
    assert "1 triples" in res.stdout
    assert "100.0%" in res.stderr  # the bar was drawn (stderr is not a terminal here)
    res = run_cli("load", str(data), "--format", "nt", store=tmp_path / "s")
    assert res.stderr == ""  # no bar unless asked when stderr is not a terminal


def test_remote_store_from_cli(tmp_path: Path, plant: Path, oxigraph_server: str) -> None:
    res = run_cli("load", str(plant), "--graph", "http://example.org/g", store=oxigraph_server)
    assert res.returncode == 0, res.stderr
    res = run_cli("graphs", env={"OTMLOPS_STORE": oxigraph_server})
    assert "http://example.org/g " in res.stdout
    res = run_cli("graphs", store="http://127.0.0.1:9")  # nothing listens there
    assert res.returncode == 1 and "cannot reach" in res.stderr
