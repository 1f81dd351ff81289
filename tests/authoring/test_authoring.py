"""Mappings without Turtle: the YAML and tabular (CSV, XLSX) forms compile to the same triples as
the equivalent Turtle file (graph isomorphism), are read by validate, load and HTTP /validate,
come back from ``otmlops export`` (round trip), and bad input gets one error with its place."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from rdflib import RDF, Graph, URIRef
from rdflib.compare import graph_diff, isomorphic

from otmlops.authoring import compile_bytes, compile_file
from otmlops.authoring.export import to_csv, to_yaml
from otmlops.authoring.schema import SCHEMA_FILE, schema_text
from otmlops.errors import InputError
from otmlops.namespaces import MAP
from tests.support.cli import run_cli, run_cli_inprocess
from tests.support.paths import EXAMPLES, TESTS

DATA = TESTS / "data" / "authoring"
TTL = DATA / "visual-defects.ttl"
YAML = DATA / "visual-defects.yaml"
CSV = DATA / "visual-defects.csv"
PLANT = DATA / "bottling-plant.ttl"
EX = "https://example.org/bottling#"
HOST_KINDS = {MAP.EdgeDevice, MAP.PlantServer, MAP.CloudTenant}


def _turtle(path: Path = TTL) -> Graph:
    return Graph().parse(path)


def _without_hosts(g: Graph) -> Graph:
    out = Graph()
    hosts = {s for k in HOST_KINDS for s in g.subjects(RDF.type, k)}
    for t in g:
        if t[0] not in hosts:
            out.add(t)
    return out


def _same(a: Graph, b: Graph) -> None:
    if not isomorphic(a, b):
        _, only_a, only_b = graph_diff(a, b)
        pytest.fail(f"only in first: {sorted(only_a)[:5]}\nonly in second: {sorted(only_b)[:5]}")


def _xlsx(path: Path, rows: list[list[str]], prefixes: dict[str, str] | None = None) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "stages"
    for row in rows:
        sheet.append(row)
    if prefixes:
        ps = book.create_sheet("prefixes")
        ps.append(["prefix", "namespace"])
        for k, v in prefixes.items():
            ps.append([k, v])
    book.save(path)
    return path


def _csv_rows(path: Path = CSV) -> list[list[str]]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    return list(csv.reader(io.StringIO("\n".join(lines))))


# --- the forms compile to the Turtle triples ---------------------------------------------------


def test_yaml_compiles_to_the_turtle_mapping() -> None:
    _same(compile_file(YAML).graph, _turtle())


def test_csv_compiles_to_the_turtle_stages() -> None:
    _same(compile_file(CSV).graph, _without_hosts(_turtle()))


def test_xlsx_compiles_to_the_turtle_stages(tmp_path: Path) -> None:
    book = _xlsx(tmp_path / "visual-defects.xlsx", _csv_rows(), {"ex": EX})
    _same(compile_file(book).graph, _without_hosts(_turtle()))


def test_stages_as_a_list_or_a_map_are_the_same() -> None:
    as_map = yaml.safe_load(YAML.read_text(encoding="utf-8"))
    as_list = {**as_map, "stages": [{"id": k, **v} for k, v in as_map["stages"].items()]}
    text = yaml.safe_dump(as_list, sort_keys=False)
    _same(compile_bytes(text.encode(), "yaml", "list.yaml").graph, _turtle())


def test_terms_by_name_label_curie_or_iri() -> None:
    for level in (
        "Station",
        "station",
        "StationLevel",
        "Station level",
        "rami:StationLevel",
        "https://w3id.org/otmlops/rami#StationLevel",
    ):
        text = f"""prefixes: {{ex: "{EX}"}}
use_case: ex:U
stages: {{ex:S: {{kind: Model serving, level: "{level}"}}}}
"""
        g = compile_bytes(text.encode(), "yaml", "t.yaml").graph
        assert (
            None,
            MAP.hierarchyLevel,
            URIRef("https://w3id.org/otmlops/rami#StationLevel"),
        ) in g, level


# --- validate, load and HTTP read the forms -------------------------------------------------


def test_validate_cli_reads_yaml_csv_and_xlsx(tmp_path: Path) -> None:
    book = _xlsx(tmp_path / "m.xlsx", _csv_rows(), {"ex": EX})
    for mapping in (YAML, CSV, book):
        r = run_cli_inprocess("validate", str(mapping), "--plant", str(PLANT))
        assert r.returncode == 0, r.stdout + r.stderr
        assert "0 violation(s)" in r.stdout


def test_findings_point_at_the_yaml_line(tmp_path: Path) -> None:
    text = YAML.read_text(encoding="utf-8").replace(
        "    level: Work Centers\n    phase: Instance maintenance/usage",
        "    level: Enterprise\n    phase: Instance maintenance/usage",
    )  # ex:Watch on Line3
    bad = tmp_path / "watch.yaml"
    bad.write_text(text, encoding="utf-8")
    watch_line = text.splitlines().index("  ex:Watch:") + 1
    r = run_cli_inprocess("validate", str(bad), "--plant", str(PLANT), "--format", "json")
    assert r.returncode == 1, r.stderr
    assert f"{bad}:{watch_line}" in r.stdout or f'"line": {watch_line}' in r.stdout, r.stdout


def test_load_reads_the_yaml_form(tmp_path: Path) -> None:
    store = tmp_path / "store"
    r = run_cli_inprocess("load", str(YAML), store=store)
    assert r.returncode == 0, r.stderr
    assert f"{len(_turtle())} triples" in r.stdout
    r = run_cli_inprocess(
        "query",
        "stages-of-use-case",
        "--param",
        f"useCase=<{EX}LabelDefects>",
        "--format",
        "csv",
        store=store,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.count(EX) >= 6


def test_bad_yaml_is_not_loaded(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run_cli_inprocess("load", str(PLANT), store=store).returncode == 0
    before = run_cli_inprocess("graphs", store=store).stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        YAML.read_text(encoding="utf-8").replace("level: Station\n", "level: Statoin\n", 1),
        encoding="utf-8",
    )
    r = run_cli_inprocess("load", str(bad), store=store)
    assert r.returncode == 2
    assert f"{bad}:17:12: unknown RAMI 4.0 hierarchy level 'Statoin'" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    assert run_cli_inprocess("graphs", store=store).stdout == before


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """What ``otmlops serve --workers 1`` serves, in this process (the test checks what the
    /validate route accepts and answers, not processes or sockets)."""
    from otmlops.http.settings import ServerSettings
    from tests.support.app_server import app_server
    from tests.support.live_server import TOKEN

    store = tmp_path_factory.mktemp("authoring-svc") / "store"
    with app_server(ServerSettings(str(store), token=TOKEN, workers=1)) as srv:
        srv.put_graph("http://example.org/plant", PLANT.read_bytes(), "text/turtle")
        yield srv


@pytest.mark.slow
def test_http_validate_accepts_the_forms(server, tmp_path: Path) -> None:
    book = _xlsx(tmp_path / "m.xlsx", _csv_rows(), {"ex": EX}).read_bytes()
    for body, media in (
        (YAML.read_bytes(), "application/yaml"),
        (CSV.read_bytes(), "text/csv"),
        (book, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ):
        r = server.client.post(
            server.url("/validate"),
            params={"graph": "http://example.org/plant"},
            content=body,
            headers={"content-type": media},
        )
        assert r.status_code == 200, r.text
        assert r.json()["violations"] == 0, r.text
    r = server.client.post(
        server.url("/validate"),
        content=b"use_case: [\n",
        headers={"content-type": "application/yaml"},
    )
    assert r.status_code == 400 and "malformed YAML" in r.json()["detail"]
    r = server.client.post(
        server.url("/validate"),
        content=b"not a workbook",
        headers={
            "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        },
    )
    assert r.status_code == 400 and "not an XLSX workbook" in r.json()["detail"]


# --- one clear error with its place ----------------------------------------------------------


def _error(data: bytes, form: str) -> InputError:
    with pytest.raises(InputError) as info:
        compile_bytes(data, form, f"m.{form}")
    return info.value


def test_malformed_yaml_names_line_and_column() -> None:
    err = _error(b"use_case: ex:U\nstages:\n  - id: ex:S\n   kind: x\n", "yaml")
    assert (err.line, str(err).startswith("m.yaml:4")) == (4, True), str(err)
    assert "malformed YAML" in str(err)


def test_wrong_term_and_unknown_key_in_yaml() -> None:
    text = f'prefixes: {{ex: "{EX}"}}\nuse_case: ex:U\nstages:\n  ex:S:\n    kind: serving\n'
    err = _error(text.encode(), "yaml")
    assert (
        err.line == 5 and "unknown stage kind 'serving'" in str(err) and "ModelServing" in str(err)
    )
    err = _error(
        (text.replace("serving", "model serving") + "    levle: Station\n").encode(), "yaml"
    )
    assert err.line == 6 and "unknown key 'levle'" in str(err)
    err = _error(b"use_case: ex:U\n", "yaml")
    assert err.line == 1 and "unknown prefix 'ex'" in str(err)
    err = _error(text.replace("kind: serving", "label: S").encode(), "yaml")
    assert "has no kind" in str(err)


def test_unknown_column_and_wrong_term_in_csv() -> None:
    head = f"# prefix ex: {EX}\n"
    err = _error(
        (head + "use case,stage,stage kind,levle\nex:U,ex:S,Model serving,Station\n").encode(),
        "csv",
    )
    assert (err.line, err.column) == (2, 4) and "unknown column 'levle'" in str(err)
    err = _error(
        (head + "use case,stage,stage kind,level\nex:U,ex:S,Model serving,Statoin\n").encode(),
        "csv",
    )
    assert (err.line, err.column) == (3, 4)
    assert str(err).startswith("m.csv:3:4: row 3, column 4 (level): unknown RAMI 4.0 hierarchy")
    err = _error(b"use case,stage\nex:U,ex:S\n", "csv")
    assert "no column 'stage kind'" in str(err)


def test_xlsx_errors_name_sheet_and_cell(tmp_path: Path) -> None:
    book = _xlsx(
        tmp_path / "m.xlsx",
        [
            ["use case", "stage", "stage kind", "level"],
            ["ex:U", "ex:S", "Model serving", "Statoin"],
        ],
        {"ex": EX},
    )
    with pytest.raises(InputError) as info:
        compile_file(book)
    assert "sheet 'stages', cell D2 (level): unknown RAMI 4.0 hierarchy level" in str(info.value)
    assert (info.value.line, info.value.column) == (2, 4)
    err = _error(b"PK\x03\x04 not really a zip", "xlsx")
    assert "not an XLSX workbook" in str(err)


def test_cli_errors_exit_2_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "m.csv"
    bad.write_text("use case,stage,stage kind,owner\nex:U,ex:S,Model serving,x\n", encoding="utf-8")
    r = run_cli("validate", str(bad))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"{bad}:2:1" in r.stderr and "unknown prefix 'ex'" in r.stderr
    fake = tmp_path / "m.xlsx"
    fake.write_text("hello", encoding="utf-8")
    r = run_cli("validate", str(fake))
    assert r.returncode == 2 and "not an XLSX workbook" in r.stderr


# --- export and round trip ---------------------------------------------------------------------


def test_export_round_trip_of_the_example() -> None:
    g = _turtle()
    text, rest = to_yaml(g)
    assert len(rest) == 0
    _same(compile_bytes(text.encode(), "yaml", "x.yaml").graph, g)
    text, rest = to_csv(g)
    _same(compile_bytes(text.encode(), "csv", "x.csv").graph + rest, g)
    assert {s for s in rest.subjects()} == {s for k in HOST_KINDS for s in g.subjects(RDF.type, k)}


@pytest.mark.parametrize("example", ["pdm-machinery.ttl", "quality-esmf.ttl"])
def test_export_round_trip_of_the_case_studies(example: str, tmp_path: Path) -> None:
    source = EXAMPLES / example
    for form in ("yaml", "csv"):
        out, rest = tmp_path / f"m.{form}", tmp_path / f"rest-{form}.ttl"
        r = run_cli_inprocess("export", form, str(source))
        assert r.returncode == 2 and "--rest" in r.stderr  # the plant is in the same file
        assert not out.exists()
        r = run_cli_inprocess("export", form, str(source), "--out", str(out), "--rest", str(rest))
        assert r.returncode == 0, r.stderr
        back = compile_file(out).graph + Graph().parse(rest)
        _same(back, Graph().parse(source))
        assert len(compile_file(out).graph) > 100  # the stages are in the form, not in the rest


def test_export_yaml_refuses_two_use_cases(tmp_path: Path) -> None:
    both = tmp_path / "both.ttl"
    both.write_text((EXAMPLES / "pdm-machinery.ttl").read_text(encoding="utf-8"), encoding="utf-8")
    g = Graph().parse(both) + Graph().parse(EXAMPLES / "quality-esmf.ttl")
    g.serialize(both, format="turtle")
    r = run_cli_inprocess(
        "export",
        "yaml",
        str(both),
        "--out",
        str(tmp_path / "x.yaml"),
        "--rest",
        str(tmp_path / "r.ttl"),
    )
    assert r.returncode == 2 and "one use case per file" in r.stderr
    assert not (tmp_path / "x.yaml").exists() and not (tmp_path / "r.ttl").exists()


# --- the JSON Schema ---------------------------------------------------------------------------


def test_shipped_schema_is_up_to_date() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "run `otmlops export schema --out service/otmlops/authoring/mapping.schema.json`"
    )
    r = run_cli_inprocess("export", "schema", "--check", str(SCHEMA_FILE))
    assert r.returncode == 0, r.stderr


def test_schema_accepts_the_example_and_lists_terms_with_labels() -> None:
    import jsonschema

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    example = yaml.safe_load(YAML.read_text(encoding="utf-8"))
    assert list(validator.iter_errors(example)) == []
    example["stages"]["ex:Capture"]["level"] = "Statoin"
    assert list(validator.iter_errors(example))
    levels = {c["const"]: c["title"] for c in schema["$defs"]["level"]["anyOf"] if "const" in c}
    assert levels["StationLevel"] == "Station" and "Work Centers" in levels
    kinds = {c["const"] for c in schema["$defs"]["kind"]["anyOf"] if "const" in c}
    assert "DataLabelling" in kinds
    hosts = {c["const"] for c in schema["$defs"]["host_kind"]["anyOf"] if "const" in c}
    assert {"EdgeDevice", "CloudTenant"} <= hosts


def test_export_round_trip_of_plain_labels_and_a_list_of_levels() -> None:
    g = Graph().parse(
        data=f"""
        @prefix ex: <{EX}> . @prefix mlops: <https://w3id.org/otmlops/mlops#> .
        @prefix map: <https://w3id.org/otmlops/map#> . @prefix rami: <https://w3id.org/otmlops/rami#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        ex:U a mlops:UseCase ; rdfs:label "plain" ; mlops:hasStage ex:S .
        ex:S a mlops:ModelServing ; rdfs:label "serve; then watch" ;
            map:hierarchyLevel rami:StationLevel , rami:WorkCentersLevel .
        """,
        format="turtle",
    )
    for form, write in (("yaml", to_yaml), ("csv", to_csv)):
        text, rest = write(g)
        assert len(rest) == 0, form
        _same(compile_bytes(text.encode(), form, f"x.{form}").graph, g)
