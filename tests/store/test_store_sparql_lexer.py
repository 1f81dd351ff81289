"""The one SPARQL lexer and pattern walker: legal texts are read as the grammar says (local-name
escapes, percent-encodings, \\u escapes, BASE-relative IRIs) and keep their entailment
everywhere a group pattern can be (EXISTS in HAVING, ORDER BY, projections, BIND); a text the
walker cannot follow is refused, never run without entailment. On every backend."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from otmlops.errors import UsageError
from otmlops.store import Store
from otmlops.store.sparql_text import Prologue, decode_codepoints, tokens

ISA = "https://w3id.org/otmlops/isa95#"
DATA = f"""
<http://e/a'b> <{ISA}partOf> <http://e/line> .
<http://e/line> <{ISA}partOf> <http://e/site#1> .
<http://e/line> a <{ISA}ProductionLine> .
"""


@pytest.fixture
def plant(any_store: Store) -> Store:
    any_store.load(DATA.encode(), graph="http://e/plant", format=ox.RdfFormat.TURTLE)
    return any_store


@pytest.fixture(scope="module")
def read_plant(shared_store: Store) -> Store:
    """The plant in one store per backend, for the tests that only query it."""
    shared_store.load(DATA.encode(), graph="http://e/plant", format=ox.RdfFormat.TURTLE)
    return shared_store


def answers(store: Store, sparql: str) -> list[str]:
    result = store.query(sparql)
    if isinstance(result, ox.QueryBoolean):
        return [str(bool(result))]
    return sorted(" ".join(str(v) for v in row) for row in result)


@pytest.mark.parametrize(
    "sparql",
    [
        # PN_LOCAL escapes in subject and object position, the predicate widened
        "PREFIX e: <http://e/> PREFIX i: <https://w3id.org/otmlops/isa95#> "
        "SELECT ?s WHERE { e:a\\'b i:partOf e:site\\#1 BIND(e:a\\'b AS ?s) }",
        # an escaped '#' inside the predicate's local name
        "PREFIX o: <https://w3id.org/otmlops/> PREFIX e: <http://e/> "
        "SELECT ?s WHERE { ?s o:isa95\\#partOf e:site\\#1 FILTER(?s = e:a\\'b) }",
        # a percent-encoded character stays encoded (as the grammar says): here in the object
        "PREFIX i: <https://w3id.org/otmlops/isa95#> "
        "SELECT ?s WHERE { ?s i:partOf <http://e/site#1> FILTER(?s = <http://e/a'b>) }",
        # \\u escapes inside an IRI
        "SELECT ?s WHERE { ?s <https://w3id.org/otmlops/isa95\\u0023partOf> <http://e/site\\u00231> "
        "FILTER(?s = <http://e/a'b>) }",
        # a predicate relative to BASE
        "BASE <https://w3id.org/otmlops/> SELECT ?s WHERE { ?s <isa95#partOf> <http://e/site#1> "
        "FILTER(?s = <http://e/a'b>) }",
    ],
)
def test_escaped_and_relative_names_keep_entailment(read_plant: Store, sparql: str) -> None:
    assert answers(read_plant, sparql) == ["<http://e/a'b>"]


@pytest.mark.parametrize(
    "sparql",
    [
        # EXISTS in HAVING, without brackets
        f"SELECT ?x WHERE {{ ?x <{ISA}partOf> ?y }} GROUP BY ?x "
        f"HAVING EXISTS {{ ?x <{ISA}partOf> <http://e/site#1> }}",
        # in ORDER BY, in a projection expression and in BIND
        f"SELECT ?x ?e WHERE {{ ?x <{ISA}partOf> ?y BIND(EXISTS {{ ?x <{ISA}partOf> "
        f"<http://e/site#1> }} AS ?e) FILTER(?e) }} ORDER BY EXISTS {{ ?x a <{ISA}WorkCenter> }}",
        f"SELECT ?x WHERE {{ {{ SELECT ?x (EXISTS {{ ?x <{ISA}partOf> <http://e/site#1> }} AS ?e) "
        f"WHERE {{ ?x <{ISA}partOf> ?y }} }} FILTER(?e) }}",
        # in a sub-select's HAVING
        f"SELECT ?x WHERE {{ {{ SELECT ?x WHERE {{ ?x <{ISA}partOf> ?y }} GROUP BY ?x "
        f"HAVING EXISTS {{ ?x <{ISA}partOf> <http://e/site#1> }} }} }}",
    ],
)
def test_exists_anywhere_sees_entailment(read_plant: Store, sparql: str) -> None:
    # both nodes reach the site only through the partOf closure for a'b
    found = {row.split()[0] for row in answers(read_plant, sparql)}
    assert found == {"<http://e/a'b>", "<http://e/line>"}


def test_updates_read_escaped_names_with_entailment(plant: Store) -> None:
    plant.update(
        "PREFIX e: <http://e/> PREFIX o: <https://w3id.org/otmlops/> "
        "INSERT { GRAPH e:out { ?s e:inSite e:site\\#1 } } "
        "WHERE { ?s o:isa95\\#partOf e:site\\#1 }"
    )
    assert answers(plant, "SELECT ?s WHERE { GRAPH <http://e/out> { ?s ?p ?o } }") == [
        "<http://e/a'b>",
        "<http://e/line>",
    ]


def test_text_the_walker_cannot_follow_is_refused(plant: Store) -> None:
    # valid SPARQL (a triple term) that the entailment walker does not follow
    with pytest.raises(UsageError, match="cannot apply entailment"):
        plant.query("SELECT * WHERE { <<( ?a ?b ?c )>> ?p ?o }")
    # invalid SPARQL: the parser's message, with its position
    with pytest.raises(UsageError, match="error at 1:25"):
        plant.query("SELECT * WHERE { ?a ?b }")
    with pytest.raises(UsageError, match="invalid SPARQL update: error at 1:36"):
        plant.update("INSERT { ?a ?b ?c } WHERE { ?a ?b }")
    assert plant.query("SELECT * WHERE { <<( ?a ?b ?c )>> ?p ?o }", entailment=False) is not None


def test_lexer_terminals() -> None:
    toks = list(tokens("SELECT * { ex:a\\'b ex:c\\#d%20 \"x#y\" '''z\n'''} # comment"))
    assert [t.text for t in toks] == [
        "SELECT",
        "*",
        "{",
        "ex:a\\'b",
        "ex:c\\#d%20",
        '"x#y"',
        "'''z\n'''",
        "}",
    ]
    prologue = Prologue({})
    iri_toks = list(tokens("BASE <http://x/a/> PREFIX p: <b/> p:c\\~d <../e>"))
    i = prologue.declare(iri_toks, 0)
    assert i is not None
    i = prologue.declare(iri_toks, i)
    assert i is not None
    assert prologue.resolve(iri_toks[i]) == "http://x/a/b/c~d"
    assert prologue.resolve(iri_toks[i + 1]) == "http://x/e"
    assert decode_codepoints("<a\\u0023b>") == "<a#b>"


def test_other_readers_skip_strings_iris_and_comments() -> None:
    from otmlops.catalogue import mentions_variable
    from otmlops.runner.tasks import update_names_dataset
    from otmlops.store.sparql_text import declared_prefixes, replace_variables

    text = 'SELECT ?x WHERE { ?x <http://e/p> "$PATH ?y" ; $PATH ?z } # $PATH ?w'
    assert (
        replace_variables(text, {"$PATH": "<http://e/q>"})
        == 'SELECT ?x WHERE { ?x <http://e/p> "$PATH ?y" ; <http://e/q> ?z } # $PATH ?w'
    )
    assert not mentions_variable(text, "w") and mentions_variable(text, "z")
    assert not update_names_dataset('INSERT DATA { <x:a> <x:b> "USING WITH" } # WITH')
    assert update_names_dataset("WITH <x:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert declared_prefixes("# PREFIX no: <x:no>\nPREFIX ex: <http://e/> SELECT * {}") == {
        "ex": "http://e/"
    }


def test_parameter_values_use_the_same_lexer() -> None:
    from otmlops.params import parse_term

    assert parse_term("ex:a\\'b", {"ex": "http://e/"}) == ox.NamedNode("http://e/a'b")
    assert parse_term("ex:site\\#1", {"ex": "http://e/"}) == ox.NamedNode("http://e/site#1")
    assert parse_term("<http://e/\\u0023x>") == ox.NamedNode("http://e/#x")
    assert parse_term("http://e/x") == ox.NamedNode("http://e/x")
    with pytest.raises(UsageError):
        parse_term("ex:a b", {"ex": "http://e/"})
