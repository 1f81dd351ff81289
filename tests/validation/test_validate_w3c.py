"""W3C SHACL Core and SHACL-SPARQL test suite (vendored under tests/w3c/shacl), both engines.

Each sht:Validate test is run with pySHACL and with the fast engine (which falls back to
pySHACL for shapes graphs it does not compile). The fast engine must pass every test pySHACL
passes. Run this file as a script to print the results table used in docs/validation.md.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import RDF, BNode, Graph, Literal, Namespace
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from otmlops.validation.api import Validator
from otmlops.validation.report import results_from_report_graph
from otmlops.validation.sources import parse, read_file
from tests.support.paths import W3C

SUITE = W3C / "shacl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")


@dataclass(frozen=True)
class Case:
    id: str
    data: Path
    shapes: Path
    expect_failure: bool
    expected: frozenset[tuple[str, ...]] | None
    conforms: bool | None


def _file(iri: Node) -> Path:
    return Path(str(iri).removeprefix("file://").split("#")[0])


def _key(
    focus: Node, path: str | None, value: Node | None, component: Node, severity: Node, shape: Node
) -> tuple[str, ...]:
    def n(x: Node | None) -> str:
        if x is None:
            return "-"
        if isinstance(x, BNode):
            return "_:"
        if isinstance(x, Literal):
            return x.n3()
        return str(x)

    return (n(focus), path or "-", n(value), n(component), n(severity), n(shape))


def load_cases(
    manifest: Path = SUITE / "manifest.ttl", visited: set[Path] | None = None
) -> list[Case]:
    visited = visited if visited is not None else set()
    visited.add(manifest)
    g = Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
    cases: list[Case] = []
    for inc in g.objects(None, MF.include):
        cases.extend(load_cases(_file(inc), visited))
    for lst in g.objects(None, MF.entries):
        for entry in Collection(g, lst):
            if (entry, RDF.type, SHT.Validate) not in g:
                continue
            action = g.value(entry, MF.action)
            result = g.value(entry, MF.result)
            expected = conforms = None
            failure = result == SHT.Failure
            if not failure:
                conforms = bool(g.value(result, SH.conforms).toPython())
                keys = set()
                for r in results_from_report_graph(_subgraph(g, result)):
                    keys.add(
                        _key(r.focus, r.path, r.value, r.component, r.severity, r.source_shape)
                    )
                expected = frozenset(keys)
            rel = str(entry).split("/tests/", 1)[-1] if "/tests/" in str(entry) else str(entry)
            cases.append(
                Case(
                    id=str(_file(entry).relative_to(SUITE)) + "#" + rel.rsplit("#", 1)[-1]
                    if "#" in rel
                    else str(_file(entry).relative_to(SUITE)),
                    data=_file(g.value(action, SHT.dataGraph)),
                    shapes=_file(g.value(action, SHT.shapesGraph)),
                    expect_failure=failure,
                    expected=expected,
                    conforms=conforms,
                )
            )
    return cases


def _subgraph(g: Graph, root: Node) -> Graph:
    out = Graph()
    todo, seen = [root], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in g.predicate_objects(node):
            out.add((node, p, o))
            if isinstance(o, BNode) or p == SH.result:
                todo.append(o)
        # results hang off the report as blank nodes; paths too
    return out


def run_case(case: Case, engine: str) -> tuple[bool, str]:
    """(passed, detail) for one engine on one test."""
    try:
        shapes = Graph().parse(case.shapes, format="turtle", publicID=case.shapes.as_uri())
        data = parse(read_file(case.data, max_size=None))
        validator = Validator(shapes, ontology=())
        report = validator.validate(data, engine=engine, incremental=False)  # type: ignore[arg-type]
    except Exception as exc:  # noqa: BLE001 - a failure is an expected outcome for some tests
        return case.expect_failure, f"error: {type(exc).__name__}: {exc}"[:200]
    if case.expect_failure:
        return False, "expected a failure, got a report"
    got = {
        _key(r.focus, r.path, r.value, r.component, r.severity, r.source_shape)
        for r in report.results
    }
    ok = got == case.expected and report.conforms == case.conforms
    detail = (
        ""
        if ok
        else f"missing {sorted(case.expected - got)[:3]} extra {sorted(got - case.expected)[:3]}"
    )
    return ok, f"[{report.engine}] {detail}"


def all_cases() -> list[Case]:
    """Cases reached from the root manifest, plus test files no manifest includes
    (sparql/component/nodeValidator-001.ttl upstream): 121 in all."""
    visited: set[Path] = set()
    cases = load_cases(visited=visited)
    for path in sorted(SUITE.rglob("*.ttl")):
        if path not in visited and "sht:Validate" in path.read_text():
            cases.extend(load_cases(path, visited))
    return cases


CASES = all_cases() if SUITE.is_dir() else []


@pytest.fixture(scope="module")
def pyshacl_outcomes() -> dict[str, bool]:
    return {c.id: run_case(c, "pyshacl")[0] for c in CASES}


def test_suite_is_complete() -> None:
    assert len(CASES) == 121


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fast_engine_passes_what_pyshacl_passes(
    case: Case, pyshacl_outcomes: dict[str, bool]
) -> None:
    ok, detail = run_case(case, "fast")
    if pyshacl_outcomes[case.id]:
        assert ok, detail


def test_pyshacl_baseline(pyshacl_outcomes: dict[str, bool]) -> None:
    """pySHACL's score with this harness (118 of 121, docs/validation.md): a drop means the
    harness or pySHACL changed."""
    assert sum(pyshacl_outcomes.values()) >= 118


def main() -> None:
    rows = []
    totals = {"pyshacl": 0, "fast": 0, "native": 0}
    for case in CASES:
        ref_ok, ref_detail = run_case(case, "pyshacl")
        fast_ok, fast_detail = run_case(case, "fast")
        native = "fallback" not in fast_detail and "pyshacl" not in fast_detail.split("]")[0]
        totals["pyshacl"] += ref_ok
        totals["fast"] += fast_ok
        totals["native"] += fast_ok and native
        rows.append((case.id, ref_ok, fast_ok, native, fast_detail if not fast_ok else ""))
    for r in rows:
        print(" | ".join(str(x) for x in r))
    print(totals, "of", len(CASES), file=sys.stderr)


if __name__ == "__main__":
    main()
