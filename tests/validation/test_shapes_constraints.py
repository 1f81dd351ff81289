"""Every shipped constraint: a conforming and a non-conforming fixture (tests/shapes/), with the
expected results asserted exactly (focus node, path, constraint component, severity), on both
the fast engine and pySHACL, and the two engines agreeing on the case studies and every
non-conforming fixture (pySHACL's runs are slow, seconds each; each report is computed once per
session and read by every test that needs it, see conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from otmlops.validation.api import Engine
from tests.support.paths import EXAMPLES, SHAPES
from tests.validation.conftest import ReportOf

BASE = [SHAPES / "base-mapping.ttl"]
PLANT = [SHAPES / "base-plant.ttl"]

NS = {
    "ex": "https://example.org/fixture#",
    "map": "https://w3id.org/otmlops/map#",
    "mlops": "https://w3id.org/otmlops/mlops#",
    "isa95": "https://w3id.org/otmlops/isa95#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
}
SH = "http://www.w3.org/ns/shacl#"
#: Both engines; pySHACL takes seconds per run, so its runs are left out by -m "not slow".
ENGINES = ["fast", pytest.param("pyshacl", marks=pytest.mark.slow)]

#: fixture name -> expected results of the non-conforming fixture:
#: (focus node, path, constraint component, severity), written with the prefixes above.
EXPECTED: dict[str, set[tuple[str, str, str, str]]] = {
    "stage-layer-missing": {("ex:Prep", "map:layer", "MinCount", "Violation")},
    "stage-layer-not-rami": {("ex:Prep", "map:layer", "Class", "Violation")},
    "stage-level-missing": {("ex:Prep", "map:hierarchyLevel", "MinCount", "Violation")},
    "stage-level-two": {("ex:Prep", "map:hierarchyLevel", "MaxCount", "Violation")},
    "stage-level-not-rami": {("ex:Prep", "map:hierarchyLevel", "Class", "Violation")},
    "stage-phase-missing": {("ex:Prep", "map:lifeCyclePhase", "MinCount", "Violation")},
    "stage-phase-two": {("ex:Prep", "map:lifeCyclePhase", "MaxCount", "Violation")},
    "stage-phase-not-rami": {("ex:Prep", "map:lifeCyclePhase", "Class", "Violation")},
    "owner-missing": {("ex:Prep", "map:ownedBy", "MinCount", "Warning")},
    "owner-not-functional": {("ex:Prep", "map:ownedBy", "Class", "Violation")},
    "phase-kind": {("ex:Prep", "map:lifeCyclePhase", "SPARQL", "Violation")},
    "level-equipment": {("ex:Prep", "map:deployedOn", "SPARQL", "Violation")},
    "owner-level": {("ex:Prep", "map:ownedBy", "SPARQL", "Warning")},
    "stage-not-deployed": {("ex:Prep", "map:deployedOn", "SPARQL", "Warning")},
    "stage-orphan": {("ex:Prep", "^mlops:hasStage", "MinCount", "Warning")},
    "deployed-dangling": {("ex:Prep", "map:deployedOn", "Or", "Violation")},
    "data-dangling": {("ex:Prep", "map:usesDataFrom", "Or", "Violation")},
    "containment-disallowed": {("ex:Site2", "isa95:partOf", "SPARQL", "Violation")},
    "containment-skip": {
        ("ex:Zone9", "isa95:partOf", "SPARQL", "Violation"),
        ("ex:Cell9", "isa95:partOf", "SPARQL", "Violation"),
    },
    "host-stage-level": {("ex:Prep", "map:deployedOn", "SPARQL", "Violation")},
    "host-level": {("ex:LinePC", "map:locatedAt", "SPARQL", "Violation")},
    "host-level-missing": {("ex:Server", "map:hierarchyLevel", "MinCount", "Violation")},
    "host-location-unknown": {("ex:EdgePC2", "map:locatedAt", "Class", "Violation")},
    "containment-parent-unknown": {("ex:Cell2", "isa95:partOf", "Class", "Violation")},
    "containment-cycle": {
        ("ex:ModA", "isa95:partOf", "SPARQL", "Violation"),
        ("ex:ModB", "isa95:partOf", "SPARQL", "Violation"),
    },
    "usecase-no-stages": {("ex:UC2", "mlops:hasStage", "MinCount", "Warning")},
    "usecase-stage-untyped": {("ex:UC", "mlops:hasStage", "Class", "Violation")},
    "serving-unmonitored": {("ex:UC2", "mlops:hasStage", "SPARQL", "Warning")},
    "no-retraining": {("ex:UC2", "mlops:hasStage", "SPARQL", "Info")},
    "vocabulary": {
        ("ex:Prep", "map:hierachyLevel", "SPARQL", "Warning"),
        ("ex:Prep", "rdf:type", "SPARQL", "Warning"),
    },
}


def _iri(curie: str) -> str:
    prefix, local = curie.split(":", 1)
    return NS[prefix] + local


def _expand(row: tuple[str, str, str, str]) -> tuple[str, str, str, str]:
    focus, path, component, severity = row
    inverse = path.startswith("^")
    p = f"<{_iri(path.lstrip('^'))}>"
    return (
        f"<{_iri(focus)}>",
        f"(^{p})" if inverse else p,
        f"{SH}{component}ConstraintComponent",
        f"{SH}{severity}",
    )


def test_every_fixture_exists() -> None:
    names = {p.name.split(".")[0] for p in SHAPES.glob("*.valid.ttl")}
    assert names == set(EXPECTED)
    assert {p.name.split(".")[0] for p in SHAPES.glob("*.invalid.ttl")} == names


@pytest.mark.parametrize("engine", ENGINES)
def test_base_conforms(engine: Engine, report_of: ReportOf) -> None:
    report = report_of(BASE, PLANT, engine)
    assert report.results == [], report.to_text()


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_non_conforming_fixture(name: str, engine: Engine, report_of: ReportOf) -> None:
    report = report_of([*BASE, SHAPES / f"{name}.invalid.ttl"], PLANT, engine)
    assert report.keys() == {_expand(row) for row in EXPECTED[name]}, report.to_text()


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_conforming_fixture(name: str, engine: Engine, report_of: ReportOf) -> None:
    report = report_of([*BASE, SHAPES / f"{name}.valid.ttl"], PLANT, engine)
    assert report.results == [], report.to_text()


def test_every_shape_is_exercised(report_of: ReportOf) -> None:
    """Each shipped shape that reports results has a non-conforming fixture."""
    from rdflib import RDF, URIRef
    from rdflib.namespace import SH as SHNS

    from otmlops.validation.api import load_shapes

    g = load_shapes()
    reporting = {
        s
        for s in g.subjects(SHNS.message, None)
        if isinstance(s, URIRef)
        and ((s, RDF.type, SHNS.PropertyShape) in g or (s, RDF.type, SHNS.NodeShape) in g)
    }
    reporting |= {s for s, _ in g.subject_objects(SHNS.sparql)}
    seen = set()
    for name in EXPECTED:
        report = report_of([*BASE, SHAPES / f"{name}.invalid.ttl"], PLANT, "fast")
        seen |= {r.source_shape for r in report.results}
    assert reporting <= seen, sorted(reporting - seen)


#: The case studies alone, and the base mapping with each non-conforming fixture.
AGREE = [[p] for p in sorted(EXAMPLES.glob("*.ttl"))] + [
    [*BASE, f] for f in sorted(SHAPES.glob("*.invalid.ttl"))
]


@pytest.mark.slow
@pytest.mark.parametrize("files", AGREE, ids=lambda files: files[-1].name)
def test_engines_agree_on_case_studies_and_fixtures(files: list[Path], report_of: ReportOf) -> None:
    fast = report_of(files, PLANT, "fast")
    ref = report_of(files, PLANT, "pyshacl")
    assert fast.engine == "fast" and ref.engine == "pyshacl"
    assert fast.keys() == ref.keys(), files
