"""Killable execution of store operations for the HTTP service (and anything else that must
not be held hostage by a runaway query). See :mod:`otmlops.runner.pool`."""

from otmlops.runner.pool import (
    ProcessRunner,
    Runner,
    RunnerStats,
    ThreadRunner,
    make_runner,
)

__all__ = ["ProcessRunner", "Runner", "RunnerStats", "ThreadRunner", "make_runner"]
