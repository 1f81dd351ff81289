"""Library API used by the CLI and the HTTP layer: bytes with a media type, incremental
validation on a pre-loaded plant, the fallback to pySHACL, and the line locator (the fast engine
is compared with pySHACL in test_shapes_constraints.py, where the reports are shared)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph

from otmlops.errors import InputError
from otmlops.validation import Validator, from_bytes, validate
from otmlops.validation.compiler import compile_shapes
from otmlops.validation.locator import locate
from otmlops.validation.sources import parse, read_file
from tests.support.paths import SHAPES

BASE = SHAPES / "base-mapping.ttl"
PLANT = SHAPES / "base-plant.ttl"
EX = "https://example.org/fixture#"


def test_bytes_with_media_type() -> None:
    body = (SHAPES / "stage-layer-missing.invalid.ttl").read_bytes()
    report = validate([BASE, (body, "text/turtle")], [PLANT])
    assert report.has_violations
    assert {str(r.focus) for r in report.results} == {EX + "Prep"}
    payload = json.loads(report.to_json())
    assert payload["focusNodes"][0]["file"] == "<request>"


def test_bad_bytes_raise_input_error() -> None:
    with pytest.raises(InputError, match="unsupported media type"):
        from_bytes(b"x", media_type="image/png")
    with pytest.raises(InputError) as info:
        validate([(b"@prefix ex: <http://e/> .\nex:a ex:b .\n", "text/turtle")])
    assert info.value.line == 2


def test_incremental_equals_full_on_every_fixture() -> None:
    plant = parse(read_file(PLANT))
    validator = Validator(plant=plant)
    base = parse(read_file(BASE))
    for fixture in sorted(SHAPES.glob("*.*valid.ttl")):
        data = base + parse(read_file(fixture))
        full = validator.validate(data, incremental=False)
        inc = validator.validate(data, incremental=True)
        assert inc.keys() == full.keys(), fixture.name


def test_incremental_is_refused_when_the_mapping_describes_plant_nodes() -> None:
    """A mapping that adds containment edges to plant equipment is validated in full."""
    validator = Validator(plant=parse(read_file(PLANT)))
    data = parse(read_file(BASE)) + parse(
        from_bytes(
            b"@prefix isa95: <https://w3id.org/otmlops/isa95#> .\n"
            b"<https://example.org/fixture#Site1> isa95:partOf <https://example.org/fixture#Area1> .\n",
            media_type="text/turtle",
        )
    )
    assert not validator._incremental_is_sound(data)
    report = validator.validate(data, incremental=True)
    assert {str(r.focus).rsplit("#", 1)[1] for r in report.results} >= {"Site1", "Area1"}


def test_unsupported_shapes_fall_back_to_pyshacl(tmp_path: Path) -> None:
    shapes = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetNode ex:a ;
            sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:C ] ;
                          sh:qualifiedMinCount 1 ] .
        """,
        format="turtle",
    )
    assert compile_shapes(shapes).unsupported
    report = Validator(shapes, ontology=()).validate(
        parse(
            from_bytes(
                b"<http://example.org/a> <http://example.org/p> 1 .", media_type="text/turtle"
            )
        )
    )
    assert report.engine.startswith("pyshacl (fallback")
    assert len(report.results) == 1


def test_locator_follows_prefixes_base_and_subjects() -> None:
    text = (
        "@base <http://e/> .\n"
        "@prefix ex: <http://e/> .\n"
        "# ex:a in a comment\n"
        '<b> ex:p "ex:a ; ." ;\n'
        "   ex:q ex:a .\n"
        "PREFIX y: <http://y/>\n"
        "ex:a ex:r [ ex:s y:z ] , 1.5 .\n"
        "y:z a ex:C .\n"
    )
    assert locate(text, None, ["http://e/a", "http://e/b", "http://y/z", "http://e/none"]) == {
        "http://e/a": 7,
        "http://e/b": 4,
        "http://y/z": 8,
    }


def test_ntriples_lines() -> None:
    text = '<http://e/a> <http://e/p> <http://e/b> .\n<http://e/b> <http://e/p> "x" .\n'
    assert locate(text, None, ["http://e/b"]) == {"http://e/b": 2}
