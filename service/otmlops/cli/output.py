"""Writing what a command produces: atomically (a crash never leaves half a file, an existing
file keeps its permissions), to stdout when no file is named, and checking a generated file
against a fresh generation (`--check`, for CI)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from otmlops.errors import UsageError


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write beside the file and rename over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        try:
            os.chmod(tmp, path.stat().st_mode & 0o777)
        except OSError:  # a new file keeps mkstemp's private mode only if umask says so
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_or_print(path: Path | None, text: str) -> None:
    """``text`` into ``path`` (atomically), or on stdout when no file is named."""
    if path is None:
        sys.stdout.write(text)
    else:
        write_atomic(path, text)


def check_generated(path: Path, text: str, regenerate: str) -> int:
    """0 if ``path`` holds ``text``, else 1 with the command that brings it up to date."""
    try:
        current = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--check {path}: {exc.strerror}") from None
    if current != text:
        print(f"{path} is out of date; run `{regenerate} --out {path}`", file=sys.stderr)
        return 1
    print(f"{path} is up to date")
    return 0


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
