"""Live sources: ``otmlops import opcua --endpoint`` against a real OPC UA server (asyncua's,
loaded with the OPC Foundation's DI, Machinery and Machinery example nodesets) that the test
starts on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, free_port, run_cli

OPCUA = FIXTURES / "opcua"
NODESETS = [OPCUA / "DI" / "Opc.Ua.Di.NodeSet2.xml",
            OPCUA / "Machinery" / "Opc.Ua.Machinery.NodeSet2.xml",
            OPCUA / "Machinery" / "Opc.Ua.Machinery.Examples.NodeSet2.xml"]
MACHINE = "http://opcfoundation.org/UA/Machinery_Example/i=5003"
COMPONENT = "http://opcfoundation.org/UA/Machinery_Example/i=5015"
ISA95 = "https://w3id.org/otmlops/isa95#"

pytestmark = pytest.mark.slow


def _start(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(REPO / "tests" / "opcua_server.py"), str(port),
                             *map(str, NODESETS)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env={**os.environ, **env})
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
    done = run_cli("import", "opcua", "--endpoint", server, "--graph", "urn:plant:live",
                   store=store)
    assert done.returncode == 0, done.stderr
    assert "equipment (isa95:WorkUnit): 1" in done.stdout
    assert "equipment (isa95:EquipmentModule): 1" in done.stdout
    query = (f"SELECT ?c ?p WHERE {{ GRAPH <urn:plant:live> {{ <{MACHINE}> a ?c . "
             f"<{COMPONENT}> <{ISA95}partOf> ?p }} FILTER(STRSTARTS(STR(?c), '{ISA95}')) }}")
    done = run_cli("query", "--sparql", query, "--format", "csv", store=store)
    assert done.returncode == 0, done.stderr
    assert f"{ISA95}WorkUnit,{MACHINE}" in done.stdout


def test_unreachable_server_is_one_error(tmp_path: Path) -> None:
    done = run_cli("import", "opcua", "--endpoint", f"opc.tcp://127.0.0.1:{free_port()}/",
                   "--dry-run")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "cannot read the OPC UA server" in done.stderr


def test_endpoint_and_files_exclude_each_other() -> None:
    done = run_cli("import", "opcua", "--endpoint", "opc.tcp://127.0.0.1:1/",
                   str(NODESETS[0]), "--dry-run")
    assert done.returncode == 2 and "not both" in done.stderr


def test_user_credentials(server_with_user: str) -> None:
    anonymous = run_cli("import", "opcua", "--endpoint", server_with_user, "--dry-run")
    assert anonymous.returncode == 2 and "Traceback" not in anonymous.stderr
    wrong = run_cli("import", "opcua", "--endpoint", server_with_user, "--user", "operator",
                    "--dry-run", env={"OTMLOPS_OPCUA_PASSWORD": "wrong"})
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
    right = run_cli("import", "opcua", "--endpoint", server_with_user, "--user", "operator",
                    "--dry-run", env={"OTMLOPS_OPCUA_PASSWORD": "s3cret"})
    assert right.returncode == 0, right.stderr
    assert "equipment (isa95:WorkUnit): 1" in right.stdout
