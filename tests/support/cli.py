"""The real CLI as the user runs it: ``python -m otmlops ARGS`` in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys


def run_cli(
    *args: str,
    store: str | os.PathLike[str] | None = None,
    input: bytes | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 300,
    cwd: str | os.PathLike[str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``otmlops ARGS`` in a real subprocess (``python -m otmlops``)."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("OTMLOPS_STORE", None) if env is None or "OTMLOPS_STORE" not in env else None
    cmd = [sys.executable, "-m", "otmlops"]
    if store is not None:
        cmd += ["--store", str(store)]
    cmd += list(args)
    return subprocess.run(
        cmd,
        input=input.decode() if input else None,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=cwd,
    )
