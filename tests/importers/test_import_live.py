"""Live sources, each against a real server the test starts on 127.0.0.1:
``otmlops import opcua --endpoint`` against asyncua's OPC UA server loaded with the OPC
Foundation's DI, Machinery and Machinery example nodesets, and ``otmlops import aas --server``
against the Eclipse BaSyx Python SDK's AAS API V3 server holding the example plant's AAS."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import run_cli, run_cli_inprocess
from tests.support.net import free_port
from tests.support.paths import FIXTURES, REPO, TESTS

OPCUA = FIXTURES / "opcua"
NODESETS = [
    OPCUA / "DI" / "Opc.Ua.Di.NodeSet2.xml",
    OPCUA / "Machinery" / "Opc.Ua.Machinery.NodeSet2.xml",
    OPCUA / "Machinery" / "Opc.Ua.Machinery.Examples.NodeSet2.xml",
]
MACHINE = "http://opcfoundation.org/UA/Machinery_Example/i=5003"
COMPONENT = "http://opcfoundation.org/UA/Machinery_Example/i=5015"
ISA95 = "https://w3id.org/otmlops/isa95#"

pytestmark = pytest.mark.slow


def _start(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            str(TESTS / "support" / "opcua_server.py"),
            str(port),
            *map(str, NODESETS),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, **env},
    )
    deadline = time.monotonic() + 120
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.strip() == "ready":
            return proc, f"opc.tcp://127.0.0.1:{port}/otmlops/"
        if proc.poll() is not None:
            break
    proc.kill()
    pytest.fail("the OPC UA test server did not start")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    proc, endpoint = _start({})
    yield endpoint
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def server_with_user() -> Iterator[str]:
    proc, endpoint = _start({"OPCUA_TEST_USER": "operator", "OPCUA_TEST_PASSWORD": "s3cret"})
    yield endpoint
    proc.terminate()
    proc.wait(10)


def test_live_import_applies_the_same_rules(server: str, tmp_path: Path) -> None:
    store = tmp_path / "store"
    done = run_cli(
        "import", "opcua", "--endpoint", server, "--graph", "urn:plant:live", store=store
    )
    assert done.returncode == 0, done.stderr
    assert "equipment (isa95:WorkUnit): 1" in done.stdout
    assert "equipment (isa95:EquipmentModule): 1" in done.stdout
    query = (
        f"SELECT ?c ?p WHERE {{ GRAPH <urn:plant:live> {{ <{MACHINE}> a ?c . "
        f"<{COMPONENT}> <{ISA95}partOf> ?p }} FILTER(STRSTARTS(STR(?c), '{ISA95}')) }}"
    )
    done = run_cli_inprocess("query", "--sparql", query, "--format", "csv", store=store)
    assert done.returncode == 0, done.stderr
    assert f"{ISA95}WorkUnit,{MACHINE}" in done.stdout


def test_unreachable_server_is_one_error(tmp_path: Path) -> None:
    done = run_cli(
        "import", "opcua", "--endpoint", f"opc.tcp://127.0.0.1:{free_port()}/", "--dry-run"
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "cannot read the OPC UA server" in done.stderr


def test_endpoint_and_files_exclude_each_other() -> None:
    done = run_cli(
        "import", "opcua", "--endpoint", "opc.tcp://127.0.0.1:1/", str(NODESETS[0]), "--dry-run"
    )
    assert done.returncode == 2 and "not both" in done.stderr


def test_user_credentials(server_with_user: str) -> None:
    anonymous = run_cli("import", "opcua", "--endpoint", server_with_user, "--dry-run")
    assert anonymous.returncode == 2 and "Traceback" not in anonymous.stderr
    wrong = run_cli(
        "import",
        "opcua",
        "--endpoint",
        server_with_user,
        "--user",
        "operator",
        "--dry-run",
        env={"OTMLOPS_OPCUA_PASSWORD": "wrong"},
    )
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
    # The refusals above are the user's path (exit code 2, one message, a real process); the
    # accepted login only needs its answer, so it runs in this process (no new interpreter).
    right = run_cli_inprocess(
        "import",
        "opcua",
        "--endpoint",
        server_with_user,
        "--user",
        "operator",
        "--dry-run",
        env={"OTMLOPS_OPCUA_PASSWORD": "s3cret"},
    )
    assert right.returncode == 0, right.stderr
    assert "equipment (isa95:WorkUnit): 1" in right.stdout


@pytest.fixture(scope="module")
def aas_server() -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            str(TESTS / "support" / "aas_server.py"),
            str(port),
            str(REPO / "examples" / "plant" / "press01.aas.json"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    if proc.stdout.readline().strip() != "ready":
        proc.kill()
        pytest.fail("the AAS test server did not start")
    yield f"http://127.0.0.1:{port}/api/v3.0"
    proc.terminate()
    proc.wait(10)


@pytest.mark.parametrize("page_size", ["1", "100"])
def test_aas_repository_import(aas_server: str, tmp_path: Path, page_size: str) -> None:
    """Every shell and submodel arrives, across pages, and the bridge rules apply."""
    store = tmp_path / "store"
    done = run_cli(
        "import",
        "aas",
        "--server",
        aas_server,
        "--page-size",
        page_size,
        "--rules",
        str(REPO / "examples" / "plant" / "aas-rules.toml"),
        store=store,
    )
    assert done.returncode == 0, done.stderr
    assert "asset administration shells: 2" in done.stdout and "submodels: 3" in done.stdout
    assert "isa95:partOf edges (Hierarchical Structures): 3" in done.stdout
    done = run_cli_inprocess(
        "query",
        "--sparql",
        f"ASK {{ GRAPH <{aas_server}> {{ "
        f"<https://example.org/assets/pump-12> <{ISA95}partOf> "
        "<https://example.org/assets/hydraulic-unit-07> } }",
        store=store,
    )
    assert done.returncode == 0 and "true" in done.stdout.lower(), done.stdout + done.stderr


def test_aas_repository_errors(aas_server: str) -> None:
    wrong = run_cli("import", "aas", "--server", aas_server + "/nothing-here", "--dry-run")
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
    assert "answered 404" in wrong.stderr
    down = run_cli(
        "import", "aas", "--server", f"http://127.0.0.1:{free_port()}/api/v3.0", "--dry-run"
    )
    assert down.returncode == 2 and "cannot read the AAS repository" in down.stderr
