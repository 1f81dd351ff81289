"""Where the shipped data (ontology, shapes, queries, examples) lives.

In a wheel the folders are package data under ``otmlops/_data``; in a source checkout
they are the top-level folders of the repository. Callers never need to know which.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_SOURCE_ROOT = _PACKAGE_DIR.parents[1]


def data_dir(name: str) -> Path:
    """The folder ``name`` (ontology, shapes, queries, examples) of this installation."""
    for candidate in (_PACKAGE_DIR / "_data" / name, _SOURCE_ROOT / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"otmlops data folder {name!r} is missing from this installation")


def ontology_dir() -> Path:
    return data_dir("ontology")


def shapes_dir() -> Path:
    return data_dir("shapes")


def queries_dir() -> Path:
    return data_dir("queries")


def examples_dir() -> Path:
    return data_dir("examples")
