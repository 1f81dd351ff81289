"""Compiled bytecode for otmlops before the tests start its processes.

The suite starts hundreds of ``otmlops`` processes (CLI commands, servers, their workers). When
PYTHONDONTWRITEBYTECODE is set (some shells and CI images set it) Python never writes the
``__pycache__`` files of an editable install, so every one of those processes compiled the
package's sources again: about 0.1 s per command. An installed package has its bytecode, so
the tests then measured a start-up no user sees. Writing it once per session (compileall skips
modules whose bytecode is up to date, and checks sources' times as imports do) changes nothing
the tests check: an edited source still wins over its stale bytecode.
"""

from __future__ import annotations

import compileall
from pathlib import Path

import otmlops


def compile_otmlops() -> None:
    """Write the bytecode of every otmlops module whose ``__pycache__`` entry is missing or
    stale (nothing happens where the package cannot be written to)."""
    compileall.compile_dir(Path(otmlops.__file__).parent, quiet=2)
