"""The verb finder behind query-time entailment: where it widens, where it must not, and that it
never turns a valid request into an invalid one."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pyoxigraph as ox
import pytest

from otmlops.store.entailment import ISA95_PART_OF, Rules, rewrite
from otmlops.store.sparql_verbs import Unfollowable, verb_sites
from tests.support.paths import REPO, W3C

ISA = "https://w3id.org/otmlops/isa95#"
P = f"PREFIX isa95: <{ISA}>\nPREFIX ex: <http://example.org/>\n"
PART_OF = f"<{ISA95_PART_OF}>"
RULES = Rules(subclassed=frozenset({f"{ISA}WorkCenter"}))
STEP = f"(<{ISA95_PART_OF}>)"
TYPED = (
    "(<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/"
    "<http://www.w3.org/2000/01/rdf-schema#subClassOf>*)"
)


class WidenEverything(Rules):
    """Widens every IRI it is asked about: the most rewriting any request can get."""

    def path_for(self, iri: str, objects: Sequence[str | None] | None) -> str | None:
        return f"(<{iri}>|<{iri}>)"


def widened(sparql: str) -> list[str]:
    return [s.iri for s in verb_sites(P + sparql)]


@pytest.mark.parametrize(
    ("sparql", "expected"),
    [
        ("SELECT * WHERE { ?a isa95:partOf ?b }", [ISA95_PART_OF]),
        (
            "SELECT * { ?a isa95:partOf ?b. ?b a ?c }",
            [ISA95_PART_OF, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"],
        ),
        ("ASK { ?a ex:p/isa95:partOf* ?b }", ["http://example.org/p", ISA95_PART_OF]),
        ("SELECT * { ?a ^isa95:partOf|ex:q ?b }", [ISA95_PART_OF, "http://example.org/q"]),
        # objects, literals, blank-node property lists and collections are not verbs
        (
            'SELECT * { ?a ex:p "x"@en-GB, "1"^^ex:int, 5, -2.5e3, true, ex:o ; ex:q [ ex:r ex:s ] }',
            ["http://example.org/p", "http://example.org/q", "http://example.org/r"],
        ),
        (
            "SELECT * { ?a ex:p ( ex:x ex:y ) . [ ex:q ?z ] . }",
            ["http://example.org/p", "http://example.org/q"],
        ),
        # not in expressions, VALUES, negated property sets, or SERVICE patterns
        (
            "SELECT * { ?a ?p ?b FILTER(?p = isa95:partOf) BIND(isa95:partOf AS ?q) "
            "VALUES ?r { isa95:partOf } ?a !(isa95:partOf|ex:p) ?c "
            "SERVICE <http://example.org/sparql> { ?a isa95:partOf ?b } }",
            [],
        ),
        # but inside EXISTS groups of expressions
        (
            "SELECT * { ?a ex:p ?b FILTER NOT EXISTS { ?a isa95:partOf ?b } "
            "FILTER(?b != ?a && EXISTS { ?b isa95:partOf ?a }) }",
            ["http://example.org/p", ISA95_PART_OF, ISA95_PART_OF],
        ),
        # sub-selects, OPTIONAL, MINUS, UNION, GRAPH
        (
            "SELECT ?a (COUNT(*) AS ?n) WHERE { { SELECT ?a WHERE { ?a isa95:partOf ?b } LIMIT 1 } "
            "OPTIONAL { ?a ex:p ?c } MINUS { ?a ex:q ?c } { ?a ex:r ?d } UNION { ?a ex:s ?d } "
            "GRAPH ?g { ?a ex:t ?e } } GROUP BY ?a HAVING (COUNT(*) > 1) VALUES ?a { ex:x }",
            [
                ISA95_PART_OF,
                "http://example.org/p",
                "http://example.org/q",
                "http://example.org/r",
                "http://example.org/s",
                "http://example.org/t",
            ],
        ),
        # CONSTRUCT and update templates are not patterns; their WHERE clauses are
        ("CONSTRUCT { ?a isa95:partOf ?b } WHERE { ?a ex:p ?b }", ["http://example.org/p"]),
        ("CONSTRUCT WHERE { ?a isa95:partOf ?b }", []),
        (
            "DELETE { ?a isa95:partOf ?b } INSERT { GRAPH ex:g { ?b ex:q ?a } } "
            "USING ex:g WHERE { ?a ex:p ?b } ; DELETE WHERE { ?a ex:r ?b } ; "
            "INSERT DATA { ex:a ex:s ex:b }",
            ["http://example.org/p"],
        ),
        ("DESCRIBE ?a WHERE { ?a isa95:partOf ex:site }", [ISA95_PART_OF]),
    ],
)
def test_verb_positions(sparql: str, expected: list[str]) -> None:
    assert widened(sparql) == expected


def test_statement_dot_after_a_prefixed_name() -> None:
    """The shared lexer keeps dots in words; ``ex:o.`` is a name and the end of a triple."""
    sites = verb_sites(P + "SELECT * { ?a ex:p ex:o.?b isa95:partOf ex:c.}")
    assert [s.iri for s in sites] == ["http://example.org/p", ISA95_PART_OF]


def test_type_patterns_widen_only_for_classes_with_subclasses() -> None:
    assert (
        rewrite("SELECT * { ?x a <http://example.org/Leaf> }", RULES)
        == "SELECT * { ?x a <http://example.org/Leaf> }"
    )
    out = rewrite(P + "SELECT * { ?x a isa95:WorkCenter }", RULES)
    assert out == P + f"SELECT * {{ ?x {TYPED} isa95:WorkCenter }}"
    # a variable class, or a list with one class that has subclasses, needs the path
    assert TYPED in rewrite(P + "SELECT * { ?x a ?c }", RULES)
    assert TYPED in rewrite(P + "SELECT * { ?x a ex:Leaf, isa95:WorkCenter }", RULES)


def test_closure_modifiers_apply_to_the_widened_step() -> None:
    out = rewrite(
        P + "SELECT * { ?a isa95:partOf+ ?b . ?b ^isa95:partOf* ?c . ?c isa95:partOf? ?d }", RULES
    )
    assert out == P + f"SELECT * {{ ?a {STEP}+ ?b . ?b ^{STEP}* ?c . ?c {STEP}* ?d }}"
    ox.Store().query(out)


def test_unfollowable_text_is_never_run_without_entailment() -> None:
    text = P + "SELECT * { ?a isa95:partOf ?b "  # unterminated group
    with pytest.raises(Unfollowable) as err:
        verb_sites(text)
    assert err.value.offset == len(text)
    with pytest.raises(Unfollowable):
        rewrite(text, RULES)


_CORE_PREFIXES = {
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "xml": "http://www.w3.org/XML/1998/namespace",
}


def _corpus() -> Iterator[tuple[str, str]]:
    for path in sorted((REPO / "queries").glob("*.rq")):
        yield path.name, path.read_text()
    sh = "http://www.w3.org/ns/shacl#"
    for path in sorted([*(REPO / "shapes").glob("*.ttl"), *(W3C / "shacl").rglob("*.ttl")]):
        parser = ox.parse(path=path, format=ox.RdfFormat.TURTLE, base_iri=path.as_uri())
        triples = list(parser)
        # the prefixes the file declares, over the ones every rdflib graph binds
        prefixes = {**_CORE_PREFIXES, **parser.prefixes}
        prologue = "".join(f"PREFIX {p}: <{n}>\n" for p, n in prefixes.items())
        for verb in ("select", "ask", "construct", "update"):
            texts = [t.object.value for t in triples if t.predicate.value == sh + verb]
            for i, text in enumerate(texts):
                yield f"{path.name}:{verb}:{i}", prologue + text
    yield (
        "nested",
        P
        + """SELECT ?a WHERE {
      ?a a isa95:Area ; isa95:partOf [ a isa95:Site ; ex:p ( 1 2 [ ex:q ?z ] ) ] .
      { ?a ex:r ?x } UNION { ?a ^ex:r/ex:s? ?x }
      FILTER EXISTS { GRAPH ?g { ?a ex:t ?x MINUS { ?x ex:u ?a } } }
      OPTIONAL { { SELECT ?x (SAMPLE(?y) AS ?s) WHERE { ?x ex:v ?y } GROUP BY ?x } }
    } ORDER BY DESC(?a) LIMIT 10""",
    )


@pytest.mark.parametrize(("name", "text"), list(_corpus()), ids=lambda v: v[:60])
def test_rewriting_keeps_valid_requests_valid(name: str, text: str) -> None:
    """Every query of the catalogue, the shapes and the W3C SHACL suite still parses after the
    most rewriting any rules could ask for."""
    is_update = name.split(":")[-2:-1] == ["update"]
    run = ox.Store().update if is_update else ox.Store().query
    try:
        run(text)
    except SyntaxError:
        pytest.skip("not valid SPARQL on its own (needs pre-bound variables or prefixes)")
    out = rewrite(text, WidenEverything())
    run(out)
    assert out != text or not verb_sites(text)
