"""``otmlops ontology terms``: the vocabulary listed and searched from the bundled ontology,
as the hygiene shapes' message tells users to do when a term is not declared."""

from __future__ import annotations

import csv
import io
import json

from rdflib import OWL, RDF, RDFS, URIRef
from rdflib.namespace import SKOS

from otmlops.namespaces import PREFIXES
from otmlops.ontology import load_ontology
from tests.support.cli import run_cli, run_cli_inprocess
from tests.support.paths import REPO


def _declared() -> set[str]:
    """Prefixed names of everything the ontology types in the four vocabulary namespaces."""
    graph = load_ontology()
    names = set()
    for s in set(graph.subjects(RDF.type, None)):
        if (s, RDF.type, OWL.Ontology) in graph or not isinstance(s, URIRef):
            continue
        for prefix in ("rami", "isa95", "mlops", "map"):
            if str(s).startswith(PREFIXES[prefix]):
                names.add(f"{prefix}:{str(s)[len(PREFIXES[prefix]) :]}")
    return names


def test_lists_every_declared_term_with_label_and_definition() -> None:
    done = run_cli_inprocess("ontology", "terms", "--format", "json")
    assert done.returncode == 0, done.stderr
    terms = json.loads(done.stdout)
    assert {t["name"] for t in terms} == _declared()
    assert len(terms) > 150
    graph = load_ontology()
    stage = next(t for t in terms if t["name"] == "mlops:hasStage")
    iri = URIRef(stage["iri"])
    assert stage["kind"] == "object property"
    assert stage["label"] == str(graph.value(iri, RDFS.label))
    assert stage["definition"] == str(graph.value(iri, SKOS.definition))
    assert all(t["label"] and t["definition"] for t in terms)
    kinds = {t["kind"] for t in terms}
    assert {"class", "object property", "individual"} <= kinds
    # module by module, in the order the modules build on each other
    prefixes = [t["name"].split(":")[0] for t in terms]
    assert prefixes == sorted(prefixes, key=["rami", "isa95", "mlops", "map"].index)


def test_text_filters_over_name_label_and_definition_ignoring_case() -> None:
    done = run_cli_inprocess("ontology", "terms", "MODEL", "registry")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("mlops:ModelRegistry  (class)  model registry\n    A ")
    assert done.stdout.rstrip().endswith("terms")
    assert run_cli_inprocess("ontology", "terms", "model registry").stdout == done.stdout
    # a word of the definition only: every match has it somewhere
    done = run_cli_inprocess("ontology", "terms", "hyperparameters", "--format", "json")
    found = json.loads(done.stdout)
    assert "mlops:ModelTraining" in {t["name"] for t in found}
    assert all(
        "hyperparameters" in (t["name"] + t["label"] + t["definition"]).lower() for t in found
    )


def test_kind_filter_and_csv() -> None:
    done = run_cli_inprocess("ontology", "terms", "--kind", "property", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert rows and all(r["kind"].endswith("property") for r in rows)
    assert {"name", "kind", "label", "definition", "iri"} == set(rows[0])
    assert "map:deployedOn" in {r["name"] for r in rows}


def test_no_match_exits_1_and_suggests_close_names() -> None:
    done = run_cli_inprocess("ontology", "terms", "mlops:ModelRegistri")
    assert done.returncode == 1
    assert done.stdout == ""
    assert len(done.stderr.splitlines()) == 1
    assert "no term matches 'mlops:ModelRegistri'; did you mean mlops:ModelRegistry" in done.stderr


def test_the_cli_offers_the_kinds_the_library_knows() -> None:
    from otmlops.cli import ontology_cmd
    from otmlops.ontology import vocabulary

    assert ontology_cmd.KINDS == vocabulary.KINDS


def test_bad_option_is_exit_2() -> None:
    done = run_cli("ontology", "terms", "--format", "xml")
    assert done.returncode == 2
    assert "invalid choice: 'xml'" in done.stderr


def test_the_hygiene_message_points_at_this_command() -> None:
    shapes = (REPO / "shapes" / "hygiene.ttl").read_text(encoding="utf-8")
    assert "otmlops ontology terms" in shapes
