"""Where things are: the repository, its examples, and the test data folders."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TESTS = REPO / "tests"
#: Third-party data copied into the repository (origins and licences in its SOURCES.md).
FIXTURES = TESTS / "fixtures"
#: Small hand-written data files, one folder per area (authoring, importers, queries).
DATA = TESTS / "data"
#: The conforming and non-conforming fixtures of every shipped constraint.
SHAPES = TESTS / "shapes"
#: The vendored W3C test suites (SPARQL 1.1, SHACL).
W3C = TESTS / "w3c"
EXAMPLES = REPO / "examples"
