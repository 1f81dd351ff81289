"""The documentation states facts a clone can check: no page, example, test or script points at
files outside the repository, and the ontology's size on docs/ontology.md is the size of the files."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph

from tests.support.paths import REPO

#: Folders whose files we write; a clone must not need anything beside them.
OURS = (
    "README.md",
    "docs",
    "examples",
    "tests",
    "service",
    "bench",
    "ontology",
    "shapes",
    "queries",
    "pyproject.toml",
)
TEXT = {".md", ".py", ".ttl", ".rq", ".toml", ".json", ".txt", ".xml", ".svg", ".cfg", ".yaml"}
#: Built from pieces so that this file does not match itself.
OUTSIDE = [
    re.compile(p)
    for p in (r"\.\./" + "shared", "shared/" + "fixtures", "/" + r"work/", "DESIGN" + r"\.md")
]


def our_text_files() -> list[Path]:
    files: list[Path] = []
    for name in OURS:
        top = REPO / name
        candidates = [top] if top.is_file() else top.rglob("*")
        files += [
            p
            for p in candidates
            if p.is_file()
            and p.suffix in TEXT
            and "fixtures" not in p.relative_to(REPO).parts
            and "__pycache__" not in p.parts
        ]
    return files


def test_nothing_points_outside_the_clone() -> None:
    found = []
    for path in our_text_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if any(p.search(line) for p in OUTSIDE):
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()[:100]}")
    assert not found, "references to files outside the repository:\n" + "\n".join(found)


def _triples(*files: Path) -> int:
    graph = Graph()
    for f in files:
        graph.parse(f, format="turtle")
    return len(graph)


def _stated(pattern: str, text: str) -> int:
    found = re.search(pattern, text, re.S)
    assert found, f"docs/ontology.md no longer states {pattern!r}"
    return int(found.group(1).replace(",", ""))


def test_the_ontology_size_on_the_ontology_page_is_true() -> None:
    page = (REPO / "docs" / "ontology.md").read_text(encoding="utf-8")
    onto = REPO / "ontology"
    modules = [onto / f for f in ("otmlops.ttl", "rami.ttl", "isa95.ttl", "mlops.ttl", "map.ttl")]
    alignments = sorted((onto / "alignments").glob("*.ttl"))
    assert _stated(r"five module files hold ([\d,]+) triples", page) == _triples(*modules)
    assert _stated(r"alignment files, ([\d,]+) triples", page) == _triples(*modules, *alignments)
    assert _stated(r"reference mapping \(([\d,]+) triples\)", page) == _triples(
        onto / "reference-mapping.ttl"
    )
    assert f"the {_number_word(len(alignments))} alignment files" in page


def _number_word(n: int) -> str:
    return {3: "three", 4: "four", 5: "five", 6: "six", 7: "seven"}.get(n, str(n))
