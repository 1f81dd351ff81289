"""The CLI beside a running ``otmlops serve`` (issue 12, item 2), with real processes: a live
server on 127.0.0.1 over a store folder, and CLI subprocesses that use the same folder, or the
service's URL as ``--store``. Reads work; writes go through the service with its token or stop
with one line that says what to do, and leave the store as it was."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support.cli import run_cli
from tests.support.live_server import TOKEN, LiveServer, live_server
from tests.support.paths import DATA, SHAPES

pytestmark = pytest.mark.slow

AAS = DATA / "importers" / "press7-ai-deployment.json"
NO_TOKEN = {"OTMLOPS_TOKEN": ""}
WITH_TOKEN = {"OTMLOPS_TOKEN": TOKEN}
EX = "https://example.org/fixture#"


@dataclass
class Served:
    server: LiveServer
    store: Path
    plant: Path
    mapping: Path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One server for the module, over a store that holds a plant file loaded beforehand."""
    root = tmp_path_factory.mktemp("beside")
    store = root / "store"
    plant = root / "plant.ttl"
    plant.write_text((SHAPES / "base-plant.ttl").read_text(encoding="utf-8"), encoding="utf-8")
    mapping = root / "mapping.ttl"
    mapping.write_text((SHAPES / "base-mapping.ttl").read_text(encoding="utf-8"), encoding="utf-8")
    loaded = run_cli("load", str(plant), store=store)
    assert loaded.returncode == 0, loaded.stderr
    with live_server(store) as server:
        yield Served(server, store, plant, mapping)


def graphs(store: str | Path, **kw: object) -> dict[str, int]:
    done = run_cli("graphs", store=store, **kw)  # type: ignore[arg-type]
    assert done.returncode == 0, done.stderr
    rows = [line.split() for line in done.stdout.splitlines()[1:]]
    return {r[0]: int(r[1]) for r in rows}


def one_line_error(done: subprocess.CompletedProcess[str], code: int = 2) -> str:
    assert done.returncode == code, (done.returncode, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


def test_service_announces_itself_beside_the_folder(served: Served) -> None:
    record = json.loads((served.store.parent / ".store.service.json").read_text())
    assert record["url"] == served.server.base
    assert record["pid"] == served.server.proc.pid
    assert record["store"] == str(served.store.resolve())


def test_read_commands_work_on_the_held_folder(served: Served) -> None:
    store = served.store
    before = graphs(store)
    assert before[served.plant.resolve().as_uri()] == 14  # base-plant.ttl
    assert run_cli("queries", store=store).returncode == 0
    assert run_cli("summary", store=store).returncode == 0
    named = run_cli("query", "use-cases-by-area", "--format", "json", store=store)
    assert named.returncode == 0, named.stderr
    assert {b["area"]["value"] for b in json.loads(named.stdout)["results"]["bindings"]} == {
        EX + "Area1"
    }
    adhoc = run_cli(
        "query",
        "--sparql",
        "SELECT (COUNT(*) AS ?n) WHERE { ?e a <https://w3id.org/otmlops/isa95#Equipment> }",
        "--format",
        "csv",
        store=store,
    )
    assert adhoc.returncode == 0 and adhoc.stdout.split() == ["n", "7"], adhoc.stdout
    checked = run_cli(
        "validate", str(served.mapping), "--plant", served.plant.resolve().as_uri(), store=store
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Conforms" in checked.stdout


def test_writes_without_token_stop_with_one_line(served: Served, tmp_path: Path) -> None:
    store = served.store
    before = graphs(store)
    extra = tmp_path / "extra.ttl"
    extra.write_text("<urn:x:a> <urn:x:p> <urn:x:b> .\n", encoding="utf-8")
    for args in (
        ("load", str(extra)),
        ("drop", served.plant.resolve().as_uri()),
        ("import", "aas", str(AAS)),
    ):
        line = one_line_error(run_cli(*args, store=store, env=NO_TOKEN))
        assert served.server.base in line and "--token" in line and "OTMLOPS_TOKEN" in line
        assert "stop the service" in line
    wrong = one_line_error(run_cli("--token", "nope", "load", str(extra), store=store))
    assert "did not accept the token" in wrong
    assert graphs(store) == before


def test_writes_with_token_go_through_the_service(served: Served, tmp_path: Path) -> None:
    store = served.store
    extra = tmp_path / "extra.ttl"
    extra.write_text("<urn:x:a> <urn:x:p> <urn:x:b> , <urn:x:c> .\n", encoding="utf-8")
    graph = extra.resolve().as_uri()
    done = run_cli("--token", TOKEN, "load", str(extra), store=store, env=NO_TOKEN)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{graph}\t2 triples")
    assert graphs(store)[graph] == 2
    # the service itself answers with the new graph
    asked = httpx.get(
        served.server.url("/sparql"),
        params={"query": f"ASK {{ GRAPH <{graph}> {{ <urn:x:a> <urn:x:p> <urn:x:c> }} }}"},
        headers={"accept": "application/sparql-results+json"},
    )
    assert asked.json()["boolean"] is True
    dropped = run_cli("drop", graph, store=store, env=WITH_TOKEN)
    assert dropped.returncode == 0, dropped.stderr
    assert graph not in graphs(store)
    imported = run_cli("import", "aas", str(AAS), store=store, env=WITH_TOKEN)
    assert imported.returncode == 0, imported.stderr
    assert graphs(store)[AAS.resolve().as_uri()] > 0


def test_bad_input_through_the_service_changes_nothing(served: Served, tmp_path: Path) -> None:
    store = served.store
    before = graphs(store)
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        '@prefix ex: <urn:x:> .\nex:a ex:b ex:c ;\n  ex:d "open .\n', encoding="utf-8"
    )
    line = one_line_error(run_cli("load", str(broken), store=store, env=WITH_TOKEN))
    assert line.startswith(f"otmlops: error: {broken}:3:"), line
    line = one_line_error(run_cli("drop", "urn:x:none", store=store, env=WITH_TOKEN))
    assert "no graph urn:x:none" in line
    line = one_line_error(
        run_cli("drop", "https://w3id.org/otmlops/graph/ontology", store=store, env=WITH_TOKEN)
    )
    assert "managed by otmlops" in line
    assert graphs(store) == before


def test_several_graphs_in_one_load_through_the_service(served: Served, tmp_path: Path) -> None:
    trig = tmp_path / "two.trig"
    trig.write_text(
        "<urn:g:one> { <urn:x:a> <urn:x:p> 1 . }\n"
        "<urn:g:two> { <urn:x:a> <urn:x:p> 2 . <urn:x:b> <urn:x:p> 3 . }\n",
        encoding="utf-8",
    )
    done = run_cli("load", str(trig), store=served.store, env=WITH_TOKEN)
    assert done.returncode == 0, done.stderr
    found = graphs(served.store)
    assert (found["urn:g:one"], found["urn:g:two"]) == (1, 2)


def test_service_url_as_store(served: Served, tmp_path: Path) -> None:
    url = served.server.base
    assert graphs(url) == graphs(served.store)
    named = run_cli("query", "use-cases-by-area", "--format", "csv", store=url)
    assert named.returncode == 0 and "Area1" in named.stdout, named.stderr
    extra = tmp_path / "remote.ttl"
    extra.write_text("<urn:x:r> <urn:x:p> <urn:x:s> .\n", encoding="utf-8")
    line = one_line_error(run_cli("load", str(extra), store=url, env=NO_TOKEN))
    assert f"the otmlops service at {url}" in line and "--token" in line
    assert "stop the service" not in line  # nothing to stop: the user chose the URL
    done = run_cli(
        "--token", TOKEN, "load", str(extra), "--graph", "urn:g:remote", store=url, env=NO_TOKEN
    )
    assert done.returncode == 0, done.stderr
    assert graphs(served.store)["urn:g:remote"] == 1
    # with the slash the service's greeting may print
    assert graphs(url + "/")["urn:g:remote"] == 1
    checked = run_cli(
        "validate", str(served.mapping), "--plant", served.plant.resolve().as_uri(), store=url
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_record_goes_when_the_server_stops(tmp_path: Path) -> None:
    """After a stop the record is gone and the CLI opens the folder itself; a record left by a
    killed server is ignored."""
    store = tmp_path / "store"
    record = tmp_path / ".store.service.json"
    with live_server(store) as server:
        assert record.is_file()
        graph_count = len(graphs(store))
        pid = server.proc.pid
    assert not record.exists()
    assert len(graphs(store)) == graph_count
    record.write_text(
        json.dumps({"url": "http://127.0.0.1:9", "pid": pid, "store": str(store.resolve())}),
        encoding="utf-8",
    )
    extra = tmp_path / "extra.ttl"
    extra.write_text("<urn:x:a> <urn:x:p> <urn:x:b> .\n", encoding="utf-8")
    done = run_cli("load", str(extra), store=store, env=NO_TOKEN)
    assert done.returncode == 0, done.stderr


def test_folder_held_by_another_process(tmp_path: Path) -> None:
    """Held by a process that is not a service (here: a bare Oxigraph store): one line, exit 1,
    and the folder is not touched (no crash recovery under the holder's feet)."""
    store = tmp_path / "store"
    assert run_cli("graphs", store=store).returncode == 0
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, pyoxigraph as ox\n"
            f"s = ox.Store({str(store)!r}); print('open', flush=True)\n"
            "sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        marker = tmp_path / "store.otmlops-rollback.ready"
        marker.write_bytes(b"")  # recovery would act on this; it must be left alone
        line = one_line_error(run_cli("graphs", store=store), code=1)
        assert "in use by another process" in line and str(store) in line
        assert marker.exists()
        marker.unlink()
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    assert run_cli("graphs", store=store).returncode == 0


def test_service_without_writes_says_so(tmp_path: Path) -> None:
    """A service started without a token takes no writes; the command says that (a token would
    not help) and what to do instead."""
    store = tmp_path / "store"
    extra = tmp_path / "extra.ttl"
    extra.write_text("<urn:x:a> <urn:x:p> <urn:x:b> .\n", encoding="utf-8")
    with live_server(store, token=None) as server:
        before = graphs(store)
        line = one_line_error(run_cli("load", str(extra), store=store, env=WITH_TOKEN))
        assert "takes no writes" in line and server.base in line and "stop the service" in line
        line = one_line_error(run_cli("load", str(extra), store=server.base, env=WITH_TOKEN))
        assert "takes no writes" in line
        assert graphs(store) == before
