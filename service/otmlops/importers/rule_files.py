"""Reading users' importer rule files (TOML): one place for their errors, so an OPC UA and an
AAS rule file that is unreadable, not UTF-8, not TOML or has an unknown section say so alike."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from otmlops.errors import InputError


def read_rule_file(path: Path, sections: Sequence[str]) -> dict[str, Any]:
    """The TOML tables of ``path``; InputError naming the file for anything else, including a
    section not in ``sections`` (a typo would otherwise be ignored without a word)."""
    source = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read rule file: {exc.strerror}", source=source) from exc
    except UnicodeDecodeError as exc:
        raise InputError("rule file is not UTF-8 text", source=source) from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML: {exc}", source=source) from exc
    unknown = set(data) - set(sections)
    if unknown:
        raise InputError(
            f"unknown section(s) {', '.join(sorted(unknown))}; expected {', '.join(sections)}",
            source=source,
        )
    return data
