"""The shipped shapes are documented, have meaningful severities, and are driven by the
ontology's data (changing the data changes the verdict; nothing is copied into the shapes)."""

from __future__ import annotations

from pathlib import Path

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SH

from otmlops.validation import validate
from otmlops.validation.api import load_shapes
from otmlops.validation.compiler import compile_shapes
from tests.support.paths import SHAPES

BASE = [SHAPES / "base-mapping.ttl"]
PLANT = [SHAPES / "base-plant.ttl"]
EX = "https://example.org/fixture#"


_NOT_CONSTRAINTS = {
    SH.name,
    SH.description,
    SH.property,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.path,
    SH.severity,
    SH.message,
}


def _shapes() -> Graph:
    return load_shapes()


def test_every_shape_has_name_description_and_message() -> None:
    g = _shapes()
    shapes = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    assert len(shapes) >= 20
    for s in shapes:
        assert isinstance(s, URIRef), f"shapes are named: {s}"
        assert g.value(s, SH.name) is not None, s
        assert g.value(s, SH.description) is not None, s
        own = {p for p in g.predicates(s, None) if str(p).startswith(str(SH))} - _NOT_CONSTRAINTS
        if not own:
            continue  # a node shape that only groups property shapes under its targets
        assert g.value(s, SH.severity) in (SH.Violation, SH.Warning, SH.Info), s
        for c in g.objects(s, SH.sparql):
            assert g.value(c, SH.message) is not None, c
        if SH.sparql not in own:
            assert g.value(s, SH.message) is not None, s


def test_all_severities_are_used() -> None:
    g = _shapes()
    assert {g.value(s, SH.severity) for s in g.subjects(SH.severity, None)} == {
        SH.Violation,
        SH.Warning,
        SH.Info,
    }


def test_fast_engine_compiles_every_shipped_shape() -> None:
    plan = compile_shapes(_shapes())
    assert plan.unsupported == []
    assert len(plan.checks) >= 24


def _extra(tmp_path: Path, name: str, turtle: str) -> Path:
    p = tmp_path / name
    p.write_text(
        "@prefix isa95: <https://w3id.org/otmlops/isa95#> .\n"
        "@prefix mlops: <https://w3id.org/otmlops/mlops#> .\n"
        "@prefix rami: <https://w3id.org/otmlops/rami#> .\n"
        "@prefix map: <https://w3id.org/otmlops/map#> .\n"
        f"@prefix ex: <{EX}> .\n" + turtle,
        encoding="utf-8",
    )
    return p


def test_containment_follows_maybepartof_data(tmp_path: Path) -> None:
    """A site inside an area is wrong until the data says sites may be part of areas."""
    invalid = SHAPES / "containment-disallowed.invalid.ttl"
    assert validate([*BASE, invalid], PLANT).has_violations
    allow = _extra(tmp_path, "allow.ttl", "isa95:Site isa95:mayBePartOf isa95:Area .\n")
    assert validate([*BASE, invalid], [*PLANT, allow]).results == []


def test_phase_kind_follows_expected_phase_kind_data(tmp_path: Path) -> None:
    """Declaring an expected phase kind for data preparation makes the check apply to it."""
    valid = SHAPES / "stage-layer-missing.valid.ttl"  # a DataPreparation stage in TypeDevelopment
    assert validate([*BASE, valid], PLANT).results == []
    kind = _extra(
        tmp_path, "kind.ttl", "mlops:DataPreparation map:expectedPhaseKind rami:InstancePhase .\n"
    )
    report = validate([*BASE, valid], [*PLANT, kind])
    assert {(str(r.focus), str(r.source_shape).rsplit("#", 1)[1]) for r in report.results} == {
        (EX + "Prep", "StagePhaseKind")
    }


def test_level_consistency_follows_correspondence_data(tmp_path: Path) -> None:
    """Adding production lines to the Station correspondence accepts a station stage on a line."""
    invalid = SHAPES / "level-equipment.invalid.ttl"
    assert validate([*BASE, invalid], PLANT).has_violations
    corr = _extra(
        tmp_path,
        "corr.ttl",
        "map:StationCorrespondence map:equipmentClass isa95:ProductionLine .\n",
    )
    assert validate([*BASE, invalid], [*PLANT, corr]).results == []


def test_results_are_never_reported_on_ontology_nodes(tmp_path: Path) -> None:
    """The ontology's own individuals are not validated as data."""
    report = validate(BASE, PLANT)
    assert all(not str(r.focus).startswith("https://w3id.org/otmlops/") for r in report.results)
