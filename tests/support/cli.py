"""The CLI as the user runs it (``python -m otmlops ARGS`` in a subprocess, :func:`run_cli`), and
the same call through ``main()`` in this process (:func:`run_cli_inprocess`)."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager


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


class _Captured(io.TextIOWrapper):
    """A text stream over bytes, like a pipe's: commands may write text or ``.buffer`` bytes."""

    def __init__(self, data: bytes = b"") -> None:
        super().__init__(io.BytesIO(data), encoding="utf-8", write_through=True)

    def text(self) -> str:
        """What was written, decoded as ``subprocess.run(text=True)`` decodes a pipe."""
        self.flush()
        raw = self.buffer
        assert isinstance(raw, io.BytesIO)
        return raw.getvalue().decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


@contextmanager
def _environment(env: dict[str, str] | None) -> Iterator[None]:
    """``env`` added to os.environ (and OTMLOPS_STORE removed unless ``env`` sets it), as
    :func:`run_cli` builds the subprocess's environment; the old values come back after."""
    saved = dict(os.environ)
    if env is None or "OTMLOPS_STORE" not in env:
        os.environ.pop("OTMLOPS_STORE", None)
    os.environ.update(env or {})
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run_cli_inprocess(
    *args: str,
    store: str | os.PathLike[str] | None = None,
    input: bytes | None = None,
    env: dict[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``otmlops ARGS`` through the CLI's ``main()`` in this process.

    The same arguments and answer as :func:`run_cli` (exit code, stdout, stderr), without
    starting Python and importing the libraries again for each call. For tests that check what a
    command answers; the user's path (a real process, its exit status and streams) keeps
    :func:`run_cli`. A command that raises prints the traceback to stderr and exits 1, as
    Python does. ``timeout`` is accepted for the same signature; the suite's own time limit
    (pytest-timeout) stops a call that hangs.
    """
    from otmlops.cli import main

    argv = ([] if store is None else ["--store", str(store)]) + list(args)
    stdin, stdout, stderr = _Captured(input or b""), _Captured(), _Captured()
    with (
        _environment(env),
        contextlib.chdir(cwd or os.getcwd()),
        _streams(stdin, stdout, stderr),
    ):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: usage errors, --help, --version
            if exc.code is None or isinstance(exc.code, int):
                code = exc.code or 0
            else:
                print(exc.code, file=sys.stderr)
                code = 1
        except Exception:  # noqa: BLE001 - reported as the interpreter would
            traceback.print_exc()
            code = 1
    return subprocess.CompletedProcess(["otmlops", *argv], code, stdout.text(), stderr.text())


@contextmanager
def _streams(stdin: _Captured, stdout: _Captured, stderr: _Captured) -> Iterator[None]:
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = stdin, stdout, stderr
    try:
        yield
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
