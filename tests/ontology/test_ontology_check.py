"""`otmlops ontology check`: HermiT through owlready2, run as a real subprocess. The ontology
must be consistent; contradictions added with --with must be found and named."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.support.cli import run_cli, run_cli_inprocess
from tests.support.paths import EXAMPLES, REPO

pytestmark = [
    pytest.mark.slow,
    pytest.mark.java,
    pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java"),
]

PREFIXES = """\
@prefix rami:  <https://w3id.org/otmlops/rami#> .
@prefix isa95: <https://w3id.org/otmlops/isa95#> .
@prefix mlops: <https://w3id.org/otmlops/mlops#> .
@prefix owl:   <http://www.w3.org/2002/07/owl#> .
@prefix rdfs:  <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex:    <https://example.org/contradiction#> .
"""


def test_bundled_ontology_is_consistent_with_no_unsatisfiable_class() -> None:
    result = run_cli("ontology", "check")
    assert result.returncode == 0, result.stderr
    assert "ontology is consistent" in result.stdout
    assert "none unsatisfiable" in result.stdout


def test_individual_that_is_both_a_layer_and_a_hierarchy_level_is_reported(tmp_path) -> None:
    extra = tmp_path / "contradiction.ttl"
    extra.write_text(PREFIXES + "ex:Confused a rami:Layer , rami:HierarchyLevel .\n")
    result = run_cli_inprocess("ontology", "check", "--with", str(extra))
    assert result.returncode == 1
    assert "INCONSISTENT" in result.stderr
    assert "ex:Confused" in result.stderr
    assert "rami:HierarchyLevel" in result.stderr and "rami:Layer" in result.stderr


def test_class_below_two_disjoint_classes_is_named_as_unsatisfiable(tmp_path) -> None:
    extra = tmp_path / "unsatisfiable.ttl"
    extra.write_text(
        PREFIXES + "ex:TrainingServing a owl:Class ;\n"
        "    rdfs:subClassOf mlops:ModelTraining , mlops:ModelServing .\n"
    )
    result = run_cli_inprocess("ontology", "check", "--with", str(extra))
    assert result.returncode == 1
    assert "unsatisfiable" in result.stderr
    assert "ex:TrainingServing" in result.stderr
    assert "mlops:ModelServing" in result.stderr and "mlops:ModelTraining" in result.stderr


def test_an_existing_individual_given_a_second_disjoint_type_is_found(tmp_path) -> None:
    extra = tmp_path / "phase.ttl"
    extra.write_text(PREFIXES + "rami:TypeDevelopment a rami:InstancePhase .\n")
    result = run_cli_inprocess("ontology", "check", "--with", str(extra))
    assert result.returncode == 1
    assert "rami:TypeDevelopment" in result.stderr
    assert "rami:InstancePhase" in result.stderr and "rami:TypePhase" in result.stderr


def test_equipment_in_two_roles_is_inconsistent(tmp_path) -> None:
    extra = tmp_path / "roles.ttl"
    extra.write_text(PREFIXES + "ex:Thing a isa95:Site , isa95:WorkCell .\n")
    result = run_cli_inprocess("ontology", "check", "--with", str(extra))
    assert result.returncode == 1
    assert "ex:Thing" in result.stderr
    assert "isa95:Site" in result.stderr and "isa95:WorkUnit" in result.stderr


def test_case_studies_and_reference_mapping_are_consistent_with_the_ontology() -> None:
    # one HermiT run over all three, as a store holds them together: OWL is monotonic, so if
    # the union is consistent with no unsatisfiable class, so is each file with the ontology
    files = [
        EXAMPLES / "pdm-machinery.ttl",
        EXAMPLES / "quality-esmf.ttl",
        REPO / "ontology" / "reference-mapping.ttl",
    ]
    args = [arg for path in files for arg in ("--with", str(path))]
    result = run_cli_inprocess("ontology", "check", *args)
    assert result.returncode == 0, result.stderr
    assert "ontology is consistent" in result.stdout and "none unsatisfiable" in result.stdout


def test_users_java_options_reach_hermit_and_are_left_as_they_were(monkeypatch) -> None:
    # the check adds its own JVM option in front of the user's; a bad one of the user's makes
    # the JVM refuse to start, which shows that it was passed on
    monkeypatch.setenv("JDK_JAVA_OPTIONS", "-Xno-such-option")
    result = run_cli_inprocess("ontology", "check")
    assert result.returncode == 1
    assert "HermiT failed" in result.stderr and "-Xno-such-option" in result.stderr
    assert "Picked up" not in result.stderr  # the launcher's note is not the user's problem
    assert os.environ["JDK_JAVA_OPTIONS"] == "-Xno-such-option"


def test_missing_extra_file_is_a_usage_error(tmp_path) -> None:
    result = run_cli_inprocess("ontology", "check", "--with", str(tmp_path / "nope.ttl"))
    assert result.returncode == 2
    assert "no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_unparsable_extra_file_names_the_file(tmp_path) -> None:
    bad = tmp_path / "broken.ttl"
    bad.write_text(PREFIXES + "ex:a ex:b .\n")
    result = run_cli_inprocess("ontology", "check", "--with", str(bad))
    assert result.returncode == 2
    assert "broken.ttl" in result.stderr
    assert "Traceback" not in result.stderr


def test_syntax_error_in_extra_file_reports_file_and_line(tmp_path) -> None:
    bad = tmp_path / "line3.ttl"
    bad.write_text("@prefix ex: <https://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b .\n")
    result = run_cli("ontology", "check", "--with", str(bad))
    assert result.returncode == 2
    assert f"{bad}:3:" in result.stderr
