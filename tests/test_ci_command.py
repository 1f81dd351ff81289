"""CI runs what the README tells a contributor to run (issue 15, item 4): the README's test
command is the last line of .ci/run, and it checks formatting, lint and types before pytest."""

from __future__ import annotations

import re

from tests.support.paths import REPO


def _readme_test_command() -> str:
    blocks = re.findall(r"```sh\n(.*?)\n```", (REPO / "README.md").read_text(), re.S)
    return blocks[1].strip()  # the second command at the top of the README


def test_ci_runs_exactly_the_readme_test_command() -> None:
    command = _readme_test_command()
    assert "\n" not in command, "the README's test command must stay one line to paste"
    lines = [line for line in (REPO / ".ci" / "run").read_text().splitlines() if line.strip()]
    assert lines[-1] == command


def test_the_test_command_checks_before_it_tests() -> None:
    steps = [step.strip() for step in _readme_test_command().split("&&")]
    checks = [
        ".venv/bin/ruff format --check service tests bench",
        ".venv/bin/ruff check service tests bench",
        ".venv/bin/mypy",
    ]
    assert steps[-4:] == [*checks, ".venv/bin/pytest"]
