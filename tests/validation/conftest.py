"""Validation reports computed once per session: several tests read the same report (the
fixture conformance tests and the engine comparison), and a pySHACL run takes seconds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from otmlops.validation import validate
from otmlops.validation.api import Engine
from otmlops.validation.report import Report

#: validate(data files, plant files, engine) -> its report, computed on first use.
ReportOf = Callable[[Sequence[Path], Sequence[Path], Engine], Report]


@pytest.fixture(scope="session")
def report_of() -> ReportOf:
    """``report_of(files, plant, engine)``: ``validate(files, plant, engine=engine)`` run once
    per session for each distinct argument list. Reports are read, never changed, by tests."""
    done: dict[tuple[tuple[str, ...], tuple[str, ...], Engine], Report] = {}

    def run(files: Sequence[Path], plant: Sequence[Path], engine: Engine) -> Report:
        key = (tuple(map(str, files)), tuple(map(str, plant)), engine)
        if key not in done:
            done[key] = validate(list(files), list(plant), engine=engine)
        return done[key]

    return run
