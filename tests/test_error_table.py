"""The one error table (otmlops.errors): what docs/http.md says is what the classes carry, a
worker's error arrives at the server with the same status, and the CLI exits with the code the
table gives (a real subprocess)."""

from __future__ import annotations

import inspect
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

from otmlops import errors
from otmlops.errors import (
    MEMORY_MESSAGE,
    InputError,
    NotAcceptable,
    NotFound,
    OtmlopsError,
    ReportedError,
    ResourceLimit,
    status_of,
)
from otmlops.runner import tasks, validation_adapter
from otmlops.runner.pool import raised
from otmlops.runner.worker import error_reply

DOC = Path(__file__).resolve().parents[1] / "docs" / "http.md"
#: Classes that never reach a user as such: the base, the carrier of a worker's error, and a
#: client that left (no one reads that answer).
NOT_DOCUMENTED = {"OtmlopsError", "ReportedError", "ClientGone"}


def _documented() -> dict[str, tuple[int, int]]:
    """Class name -> (HTTP status, exit code) from the table in docs/http.md."""
    section = DOC.read_text(encoding="utf-8").split("## Errors", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, tuple[int, int]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[1].isdigit():
            for name in re.findall(r"`(\w+)`", cells[0]):
                rows[name] = (int(cells[1]), int(cells[2]))
    return rows


def test_the_documented_table_is_what_the_classes_carry() -> None:
    documented = _documented()
    ours = {
        name: cls
        for name, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, OtmlopsError) and cls.__module__ == errors.__name__
    }
    assert set(ours) - NOT_DOCUMENTED == set(documented)
    for name, (http_status, exit_code) in documented.items():
        assert (ours[name].http_status, ours[name].exit_code) == (http_status, exit_code), name


@pytest.mark.parametrize(
    "exc, http_status, exit_code",
    [
        (SyntaxError("bad"), 400, 2),
        (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), 400, 2),
        (ValueError("bad value"), 400, 2),
        (RecursionError(), 400, 2),
        (MemoryError(), 503, 1),
        (KeyError("bug"), 500, 1),
        (NotAcceptable(["text/turtle"]), 406, 2),
        (InputError("broken", source="a.ttl", line=3, column=4), 400, 2),
    ],
)
def test_foreign_and_own_errors_map_once(
    exc: BaseException, http_status: int, exit_code: int
) -> None:
    status = status_of(exc)
    assert (status.http_status, status.exit_code) == (http_status, exit_code)
    assert status.unexpected == isinstance(exc, KeyError)


def test_a_workers_error_arrives_with_its_status_and_message() -> None:
    """What a worker sends over its pipe is raised again in the server with the same status,
    exit code and message (file:line:column included)."""
    err = raised(pickle.loads(pickle.dumps(error_reply(InputError("x", source="f.ttl", line=2)))))
    assert isinstance(err, ReportedError)
    assert (status_of(err).http_status, status_of(err).exit_code) == (400, 2)
    assert str(err) == "f.ttl:2: x"
    memory = raised(error_reply(MemoryError()))
    assert isinstance(memory, ResourceLimit) and str(memory) == MEMORY_MESSAGE
    assert status_of(memory).http_status == 503


def test_tasks_cross_a_pipe_by_reference() -> None:
    """A task is a module-level frozen dataclass: it pickles as its class name and fields,
    so a worker receives the task itself, with nothing to look up by a string."""
    sent = [
        tasks.Query("ASK {}", "text/csv", ["http://g"], [], "http://x/sparql"),
        tasks.NamedQuery("use-case-overview", {"a": "b"}),
        tasks.ExportGraph(None),
        tasks.ListGraphs(),
        tasks.TripleCount(),
        tasks.BuildView("gaps", {}),
        tasks.Update("CLEAR ALL"),
        tasks.PutGraph("http://g", b"", "text/turtle"),
        tasks.PostGraph(None, [(b"", "text/turtle")]),
        tasks.DeleteGraph("http://g"),
        validation_adapter.Validate(b"", "text/turtle", []),
        validation_adapter.Fix(b"", "text/turtle", [], "m.ttl"),
    ]
    for task in sent:
        data = pickle.dumps(task)
        assert type(task).__name__.encode() in data
        assert pickle.loads(data) == task


def test_the_cli_exits_with_the_code_of_the_table(tmp_path: Path) -> None:
    """An unknown query id is NotFound: 404 over HTTP, exit NotFound.exit_code (2) here."""
    done = subprocess.run(
        [sys.executable, "-m", "otmlops", "--store", "memory", "query", "no-such-query"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == NotFound.exit_code == 2, done.stderr
    assert "no query with id 'no-such-query'" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "cls",
    [
        c
        for _, c in inspect.getmembers(errors, inspect.isclass)
        if issubclass(c, OtmlopsError) and c.__name__ not in NOT_DOCUMENTED
    ],
)
def test_a_service_answer_maps_back_to_the_same_status_and_exit_code(
    cls: type[OtmlopsError],
) -> None:
    """The CLI run against a service (store.service) reads the table backwards: the error it
    raises for an HTTP answer exits as the error behind that answer would have."""
    back = errors.error_for_status(cls.http_status, "the detail")
    assert status_of(back).http_status == cls.http_status
    assert status_of(back).exit_code == cls.exit_code
    assert "the detail" in str(back)
