"""docs/getting-started.md is true: its commands run as written and exit as the page says.

The page marks what a test may run with HTML comments before a fenced block:

- ``<!-- guide-test: run -->`` before ```sh: each line is a shell command, run in order in one
  bash session (so ``cd`` carries over) from a folder laid out like a clone (``examples/`` beside
  it). A trailing ``# exit N`` states the exit status; without one it is 0.
- ``<!-- guide-test: output -->`` before ```text: every line appears in what the last command of
  the preceding run block printed.
- ``<!-- guide-test: file NAME -->`` before ```turtle: the listing is examples/getting-started/NAME.
- ``<!-- guide-test: server -->``: the command is started as a live process (on a free port
  instead of the page's 8000) and ``<!-- guide-test: run with the server -->`` blocks run against
  it; the process is stopped afterwards.

The install block is not run: the test runs in the environment pytest runs in, with its ``bin``
folder (where ``pip install`` put ``otmlops``) first on PATH.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.net import free_port
from tests.support.paths import EXAMPLES, REPO

GUIDE = REPO / "docs" / "getting-started.md"
FILES = EXAMPLES / "getting-started"
BIN = Path(sys.executable).parent
BLOCK = re.compile(r"<!-- guide-test: ([^>]+?) -->\n```(\w+)\n(.*?)```", re.S)
EXIT = re.compile(r"\s+#\s*exit (\d+)\b.*$")
PAGE_PORT = "8000"


@dataclass
class Command:
    line: str
    exit: int
    output: list[str] = field(default_factory=list)  # lines the page shows it printing


@dataclass
class Guide:
    run: list[Command] = field(default_factory=list)
    server: str = ""
    with_server: list[Command] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)


def read_guide() -> Guide:
    guide = Guide()
    for mark, lang, body in BLOCK.findall(GUIDE.read_text(encoding="utf-8")):
        if mark in ("run", "run with the server"):
            assert lang == "sh", f"a '{mark}' block must be ```sh"
            target = guide.run if mark == "run" else guide.with_server
            for raw in body.splitlines():
                if raw.strip() and not raw.lstrip().startswith("#"):
                    found = EXIT.search(raw)
                    target.append(
                        Command(EXIT.sub("", raw).strip(), int(found.group(1)) if found else 0)
                    )
        elif mark == "output":
            assert guide.run, "an output block must follow a run block"
            guide.run[-1].output += [ln for ln in body.splitlines() if ln.strip()]
        elif mark == "server":
            guide.server = body.strip()
        elif mark.startswith("file "):
            guide.files[mark.removeprefix("file ").strip()] = body
        else:
            raise AssertionError(f"unknown guide-test mark {mark!r}")
    return guide


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTMLOPS_")}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def run_session(commands: list[Command], cwd: Path) -> tuple[list[tuple[int, str]], Path]:
    """Run the commands in one bash session; each one's exit status and output, and the
    folder the session ended in."""
    marker = "@@guide-test@@"
    script = ["exec 2>&1"]
    for c in commands:
        # a newline first: the command's output need not end with one
        script += [c.line, f'printf "\\n{marker} %s\\n" "$?"']
    script.append(f'printf "\\n{marker} pwd %s\\n" "$PWD"')
    done = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=cwd,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    results, current = [], []
    end = cwd
    for line in done.stdout.splitlines():
        if line.startswith(f"{marker} pwd "):
            end = Path(line.removeprefix(f"{marker} pwd "))
        elif line.startswith(marker):
            results.append((int(line.split()[1]), "\n".join(current).rstrip("\n")))
            current = []
        else:
            current.append(line)
    assert len(results) == len(commands), f"the session stopped early:\n{done.stdout}"
    return results, end


def check(commands: list[Command], results: list[tuple[int, str]]) -> None:
    for command, (status, output) in zip(commands, results, strict=True):
        assert status == command.exit, (
            f"`{command.line}` exited {status}, the guide says {command.exit}:\n{output}"
        )
        for shown in command.output:
            assert shown.strip() in output, (
                f"`{command.line}` did not print the line the guide shows:\n{shown}\n"
                f"--- it printed:\n{output}"
            )


def test_the_guide_has_the_steps_it_promises() -> None:
    guide = read_guide()
    lines = [c.line for c in guide.run]
    assert any(
        c.line.startswith("otmlops validate mapping-first-try.ttl") and c.exit == 1
        for c in guide.run
    ), lines
    assert any(
        c.line.startswith("otmlops validate mapping.ttl") and c.exit == 0 for c in guide.run
    ), lines
    assert any(c.startswith("otmlops load") for c in lines)
    assert sum(c.startswith("otmlops query ") for c in lines) >= 2
    assert guide.server.startswith("otmlops serve") and guide.with_server
    assert set(guide.files) == {"plant.ttl", "mapping-first-try.ttl"}


def test_the_listings_are_the_shipped_files() -> None:
    for name, listing in read_guide().files.items():
        assert listing == (FILES / name).read_text(encoding="utf-8"), (
            f"the listing of {name} in {GUIDE.name} differs from {FILES / name}"
        )


@pytest.mark.slow
def test_the_guide_runs_as_written(tmp_path: Path) -> None:
    guide = read_guide()
    if not (BIN / "otmlops").exists():
        pytest.fail(f"otmlops is not installed beside {sys.executable}: pip install -e .")
    clone = tmp_path / "clone"
    shutil.copytree(FILES, clone / "examples" / "getting-started")

    results, folder = run_session(guide.run, clone)
    check(guide.run, results)

    port = str(free_port())
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            ["bash", "-c", "exec " + guide.server.replace(PAGE_PORT, port)],
            cwd=folder,
            env=environment(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_healthy(server, port, log)
        if shutil.which("curl") is None:
            pytest.skip("curl is not installed: the guide's HTTP commands use it")
        commands = [
            Command(c.line.replace(PAGE_PORT, port), c.exit, c.output) for c in guide.with_server
        ]
        results, _ = run_session(commands, folder)
        check(commands, results)
        assert "StageLevelMatchesEquipment" in results[-1][1]
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_healthy(
    server: subprocess.Popen[bytes], port: str, log: Path, limit: float = 60
) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"`{server.args}` exited {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"the server did not become healthy within {limit} s")
