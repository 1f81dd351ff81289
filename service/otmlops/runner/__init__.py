"""Killable execution of store operations for the HTTP service (and anything else that must
not be held hostage by a runaway query). See :mod:`otmlops.runner.pool`.

The pool's names are imported on first use: a worker process (``python -m otmlops.runner``)
imports this package too, and needs none of the pool's asyncio machinery (about 0.1 s of
start-up for every worker the service starts or replaces)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from otmlops.runner.pool import (
        ProcessRunner,
        Runner,
        RunnerStats,
        ThreadRunner,
        make_runner,
    )

__all__ = ["ProcessRunner", "Runner", "RunnerStats", "ThreadRunner", "make_runner"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from otmlops.runner import pool

        return getattr(pool, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
