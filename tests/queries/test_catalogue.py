"""The catalogue's metadata, parameter binding and result rendering."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from otmlops import catalogue
from otmlops.catalogue import CatalogueError, parse_query_text
from otmlops.errors import NotFound, UsageError
from otmlops.params import convert, parse_assignments, parse_term, to_iri
from otmlops.results_format import render
from otmlops.store import open_store
from tests.support.paths import DATA, REPO

XSD = "http://www.w3.org/2001/XMLSchema#"
REQUIRED_IDS = {
    "stages-without-owner": {"useCase", "stage"},
    "use-cases-by-area": {"area", "useCases"},
    "stages-by-rami-cell": {"layer", "level", "phase", "stages"},
    "empty-rami-cells": {"layer", "level", "phase"},
    "models-on-equipment": {"useCase", "stage"},
    "impact-of-equipment": {"useCase", "stage"},
    "serving-without-monitoring": {"useCase"},
    "level-mismatches": {"stage", "level", "equipment"},
    "owner-load": {"owner", "stages"},
    "it-ot-boundary-crossings": {"stage", "source"},
}


# --- the shipped catalogue ---------------------------------------------------------------------


def test_catalogue_has_the_required_queries() -> None:
    queries = catalogue.load_catalogue()
    assert len(queries) >= 15
    for qid, variables in REQUIRED_IDS.items():
        assert qid in queries, qid
        projected = set(catalogue.projected_variables(queries[qid].sparql) or [])
        assert variables <= projected, (qid, variables - projected)


def test_every_query_is_documented() -> None:
    for q in catalogue.load_catalogue().values():
        assert q.title and q.title != q.id, q.id
        assert len(q.description) > 40, q.id
        assert q.results, f"{q.id}: no result variables documented"
        assert {r.name for r in q.results} <= set(catalogue.projected_variables(q.sparql) or [])
        for p in q.params:
            assert p.description, (q.id, p.name)
        if any(p.required for p in q.params):
            assert q.examples, f"{q.id}: parameters but no example call"


def test_equipment_parameters_are_iris() -> None:
    queries = catalogue.load_catalogue()
    assert queries["models-on-equipment"].param("equipment").type == "iri"
    assert queries["impact-of-equipment"].param("equipment").type == "iri"


def test_unknown_query_id() -> None:
    with pytest.raises(NotFound, match="no query with id 'nope'"):
        catalogue.get_query("nope")


# --- metadata validation -------------------------------------------------------------------------

GOOD = """# id: demo
# title: Demo
# description: A demo query
#   over two lines.
# param: thing iri The thing
# param: n integer=2 How many
# result: x The x
# example: thing=rami:AssetLayer n=3
PREFIX rami: <https://w3id.org/otmlops/rami#>
SELECT ?x WHERE { ?x ?p ?thing FILTER (?n > 0) } LIMIT 1
"""


def test_metadata_is_parsed() -> None:
    q = parse_query_text(GOOD)
    assert (q.id, q.title, q.description) == ("demo", "Demo", "A demo query over two lines.")
    assert [(p.name, p.type, p.default) for p in q.params] == [
        ("thing", "iri", None),
        ("n", "integer", "2"),
    ]
    assert q.example_assignments(0) == ["thing=rami:AssetLayer", "n=3"]
    assert q.prefixes["rami"] == "https://w3id.org/otmlops/rami#"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("# param: thing iri", "# param: thing colour"), "unknown type 'colour'"),
        (("# param: thing iri The thing", "# param: other iri The other"), "not a variable"),
        (("# result: x The x", "# result: y The y"), "'y' is not projected"),
        (
            ("SELECT ?x", "SELECT ?x ?p"),
            r"results documented \(x\) are not the variables the "
            r"query returns \(x, p\)",
        ),
        (
            ("# param: thing iri The thing", "# param: thing iri?=rami:AssetLayer The thing"),
            "is optional .* and has a default",
        ),
        (
            ("# example: thing=rami:AssetLayer n=3", "# example: thing=rami:AssetLayer n=three"),
            "must be integer",
        ),
        (("# example: thing=rami:AssetLayer n=3", "# example: n=3"), "needs parameter 'thing'"),
        (("# title: Demo", "# colour: blue"), "unknown metadata key 'colour'"),
        (("# id: demo", "# id: Demo Query"), "lower-case words"),
        (("WHERE { ?x", "WHERE { ?x ?x ?x ?x"), "SPARQL syntax error"),
    ],
)
def test_bad_metadata_is_rejected(change: tuple[str, str], message: str) -> None:
    with pytest.raises(CatalogueError, match=message):
        parse_query_text(GOOD.replace(*change))


def test_optional_parameter_is_left_unbound() -> None:
    q = parse_query_text(
        GOOD.replace("# param: thing iri The thing", "# param: thing iri? The thing, if any")
    )
    thing = q.param("thing")
    assert thing is not None and thing.optional and not thing.required
    assert q.to_dict()["params"][0]["required"] is False
    assert set(catalogue.bind_params(q, [])) == {"n"}  # nothing bound for the optional one
    assert catalogue.bind_params(q, ["thing=rami:AssetLayer"])["thing"] == ox.NamedNode(
        "https://w3id.org/otmlops/rami#AssetLayer"
    )


def test_prefixes_given_to_bind_params() -> None:
    q = parse_query_text(GOOD)
    found = catalogue.bind_params(
        q, ["thing=plant:Line1"], prefixes={"plant": "https://example.org/plant#"}
    )
    assert found["thing"] == ox.NamedNode("https://example.org/plant#Line1")


def test_documented_results_match_what_every_query_returns() -> None:
    """The catalogue refuses to load otherwise; this says it for the shipped files."""
    for q in catalogue.load_catalogue().values():
        assert [r.name for r in q.results] == catalogue.projected_variables(q.sparql), q.id


def test_id_must_match_file_name(tmp_path: Path) -> None:
    (tmp_path / "other.rq").write_text(GOOD)
    with pytest.raises(CatalogueError, match="differs from the file name"):
        catalogue.load_catalogue(tmp_path)


def test_catalogue_from_a_folder(tmp_path: Path) -> None:
    (tmp_path / "demo.rq").write_text(GOOD)
    assert list(catalogue.load_catalogue(tmp_path)) == ["demo"]


# --- parameters -------------------------------------------------------------------------------------


def test_iri_forms() -> None:
    assert to_iri("https://example.org/a#b") == ox.NamedNode("https://example.org/a#b")
    assert to_iri("<urn:x:y>") == ox.NamedNode("urn:x:y")
    assert to_iri("isa95:Area") == ox.NamedNode("https://w3id.org/otmlops/isa95#Area")
    assert to_iri("ex:a", {"ex": "https://example.org/"}) == ox.NamedNode("https://example.org/a")


@pytest.mark.parametrize(
    "value",
    [
        "not an iri",
        "relative/path",
        "x> } ; DROP ALL ; SELECT * { <y",
        "http://a b",
        "nope:thing with space",
    ],
)
def test_invalid_iri_is_a_usage_error(value: str) -> None:
    with pytest.raises(UsageError, match="parameter 'equipment'.*not a valid absolute IRI"):
        convert("equipment", value, "iri")


@pytest.mark.parametrize(
    ("type_name", "value", "expected"),
    [
        ("integer", " 42", ox.Literal("42", datatype=ox.NamedNode(XSD + "integer"))),
        ("integer", "-7", ox.Literal("-7", datatype=ox.NamedNode(XSD + "integer"))),
        ("decimal", "0.50", ox.Literal("0.50", datatype=ox.NamedNode(XSD + "decimal"))),
        ("double", "1.5e3", ox.Literal("1.5e3", datatype=ox.NamedNode(XSD + "double"))),
        ("boolean", "TRUE", ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))),
        ("date", "2024-05-31", ox.Literal("2024-05-31", datatype=ox.NamedNode(XSD + "date"))),
        (
            "dateTime",
            "2024-05-31T12:00:00Z",
            ox.Literal("2024-05-31T12:00:00Z", datatype=ox.NamedNode(XSD + "dateTime")),
        ),
        ("string", 'a "quoted" } text', ox.Literal('a "quoted" } text')),
    ],
)
def test_typed_values(type_name: str, value: str, expected: ox.Literal) -> None:
    assert convert("p", value, type_name) == expected


@pytest.mark.parametrize(
    ("type_name", "value"),
    [
        ("integer", "3.5"),
        ("integer", "three"),
        ("integer", "1 } UNION { ?s ?p ?o"),
        ("decimal", "1e5"),
        ("boolean", "maybe"),
        ("date", "2024-02-30"),
        ("dateTime", "2024-05-31"),
        ("double", "fast"),
    ],
)
def test_wrong_type_is_a_usage_error(type_name: str, value: str) -> None:
    with pytest.raises(UsageError, match=f"parameter 'p' must be {type_name}"):
        convert("p", value, type_name)


def test_assignments() -> None:
    assert parse_assignments(["a=1", "b=x=y", "?c=", "$d=z"]) == {
        "a": "1",
        "b": "x=y",
        "c": "",
        "d": "z",
    }
    with pytest.raises(UsageError, match="NAME=VALUE"):
        parse_assignments(["novalue"])
    with pytest.raises(UsageError, match="more than once"):
        parse_assignments(["a=1", "a=2"])


def test_unknown_and_missing_parameters() -> None:
    q = catalogue.get_query("models-on-equipment")
    with pytest.raises(UsageError, match="needs parameter 'equipment'"):
        catalogue.bind_params(q, [])
    with pytest.raises(UsageError, match="has no parameter 'equipmnt'"):
        catalogue.bind_params(q, ["equipmnt=urn:x"])


def test_defaults_apply() -> None:
    q = catalogue.get_query("equipment-load")
    assert catalogue.bind_params(q, [])["minStages"] == ox.Literal(
        "1", datatype=ox.NamedNode(XSD + "integer")
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<urn:a>", ox.NamedNode("urn:a")),
        ("mlops:UseCase", ox.NamedNode("https://w3id.org/otmlops/mlops#UseCase")),
        ('"pump"', ox.Literal("pump")),
        ('"Pumpe"@de', ox.Literal("Pumpe", language="de")),
        ('"5"^^xsd:integer', ox.Literal("5", datatype=ox.NamedNode(XSD + "integer"))),
        ('"a\\"b"', ox.Literal('a"b')),
        ("12", ox.Literal("12", datatype=ox.NamedNode(XSD + "integer"))),
        ("true", ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))),
    ],
)
def test_untyped_parameters_use_term_syntax(text: str, expected: object) -> None:
    assert parse_term(text) == expected


@pytest.mark.parametrize("text", ['"open', '"x" . <a> <b> <c', "some words", '"x"@', "<a b>"])
def test_bad_term_syntax(text: str) -> None:
    with pytest.raises(UsageError):
        parse_term(text)


# --- binding cannot change the query ------------------------------------------------------------


@pytest.fixture(scope="module")
def store():
    s = open_store("memory")
    s.load(DATA / "queries" / "gaps-plant.ttl")
    yield s
    s.close()


def test_sparql_in_an_iri_parameter_is_rejected(store) -> None:
    before = store.triple_count()
    with pytest.raises(UsageError, match="not a valid absolute IRI"):
        catalogue.run_named_query(
            store, "models-on-equipment", ["equipment=x> } ; DROP ALL ; SELECT * { <y"]
        )
    assert store.triple_count() == before


def test_sparql_in_a_string_parameter_matches_nothing(store) -> None:
    before = store.triple_count()
    hostile = '") } } ; DROP ALL ; SELECT * WHERE { ?useCase ?p ?label # '
    assert list(catalogue.run_named_query(store, "use-cases-by-label", [f"text={hostile}"])) == []
    assert store.triple_count() == before
    # ... while an ordinary value finds what it should
    assert len(list(catalogue.run_named_query(store, "use-cases-by-label", ["text=check"]))) == 1


def test_sparql_in_an_integer_parameter_is_rejected(store) -> None:
    with pytest.raises(UsageError, match="must be integer"):
        catalogue.run_named_query(store, "equipment-load", ["minStages=0) } UNION { ?s ?p ?o"])


# --- rendering ---------------------------------------------------------------------------------------


def test_render_formats(store) -> None:
    def run() -> ox.QuerySolutions:
        return catalogue.run_named_query(store, "serving-without-monitoring")

    table = render(run(), "table").decode()
    assert table.splitlines()[0].split() == ["useCase", "servingStage"]
    assert "<https://example.org/gaps#UC2_Serve>" in table and table.endswith("(1 row)\n")
    doc = json.loads(render(run(), "json"))
    assert doc["head"]["vars"] == ["useCase", "servingStage"]
    assert doc["results"]["bindings"] == [
        {
            "useCase": {"type": "uri", "value": "https://example.org/gaps#UC2"},
            "servingStage": {"type": "uri", "value": "https://example.org/gaps#UC2_Serve"},
        }
    ]
    assert render(run(), "csv").decode().splitlines() == [
        "useCase,servingStage",
        "https://example.org/gaps#UC2,https://example.org/gaps#UC2_Serve",
    ]
    assert render(run(), "tsv").decode().splitlines()[1] == (
        "<https://example.org/gaps#UC2>\t<https://example.org/gaps#UC2_Serve>"
    )


def test_render_ask_and_construct(store) -> None:
    assert render(store.query("ASK { ?s ?p ?o }"), "table") == b"true\n"
    assert json.loads(render(store.query("ASK { <urn:no> ?p ?o }"), "json"))["boolean"] is False
    construct = store.query(
        "CONSTRUCT { ?u a <urn:T> } WHERE { ?u a <https://w3id.org/otmlops/mlops#UseCase> }"
    )
    doc = json.loads(render(construct, "json"))
    assert doc["head"]["vars"] == ["s", "p", "o"] and len(doc["results"]["bindings"]) == 3


def test_table_shortens_known_namespaces(store) -> None:
    table = render(catalogue.run_named_query(store, "owner-load"), "table").decode()
    assert "isa95:ProductionDataCollection" in table
    assert "\n2" not in table.splitlines()[0]


# --- docs/queries.md is generated ------------------------------------------------------------------


def test_docs_catalogue_is_up_to_date() -> None:
    from otmlops.cli.query_cmd import DOC_BEGIN, DOC_END, catalogue_markdown

    text = (REPO / "docs" / "queries.md").read_text(encoding="utf-8")
    generated = text[text.index(DOC_BEGIN) + len(DOC_BEGIN) : text.index(DOC_END)]
    assert generated.strip() == catalogue_markdown(catalogue.load_catalogue()).strip(), (
        "docs/queries.md is stale: run `otmlops queries --write-doc docs/queries.md`"
    )
