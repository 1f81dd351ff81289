"""The reference engine's rdflib graph keeps parsed SPARQL: the same answers as a plain rdflib
graph, each text parsed once whatever order its PREFIX lines come in."""

from __future__ import annotations

from rdflib import Graph, Literal, Namespace, URIRef

from otmlops.validation.reference import ReferenceGraph, _parsed, canonical_prefixes

EX = Namespace("https://example.org/ref#")

QUERY = """PREFIX ex: <https://example.org/ref#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?s ?n WHERE { ?s ex:amount ?n FILTER(?n > "1"^^xsd:integer) } ORDER BY ?s"""


def _prefixes_swapped(text: str) -> str:
    """The same query with its two PREFIX lines in the other order."""
    first, second, rest = text.split("\n", 2)
    return "\n".join([second, first, rest])


SWAPPED = _prefixes_swapped(QUERY)


def _fill(g: Graph) -> Graph:
    for i in range(4):
        g.add((EX[f"n{i}"], EX.amount, Literal(i)))
    return g


def test_answers_equal_a_plain_rdflib_graph() -> None:
    ref, plain = _fill(ReferenceGraph()), _fill(Graph())
    for text in (QUERY, SWAPPED):
        got = [tuple(r) for r in ref.query(text)]
        assert got == [tuple(r) for r in plain.query(text)]
        assert got == [(EX.n2, Literal(2)), (EX.n3, Literal(3))]


def test_initial_bindings_still_apply() -> None:
    ref = _fill(ReferenceGraph())
    rows = ref.query(QUERY, initBindings={"s": URIRef(EX.n3)})
    assert [tuple(r) for r in rows] == [(EX.n3, Literal(3))]


def test_a_text_is_parsed_once_whatever_its_prefix_order() -> None:
    ref = _fill(ReferenceGraph())
    text = QUERY.replace("?n > ", "?n >= ")  # a text no other test uses
    ref.query(text)
    misses = _parsed.cache_info().misses
    assert [tuple(r) for r in ref.query(_prefixes_swapped(text))] == [
        tuple(r) for r in ref.query(text)
    ]
    assert _parsed.cache_info().misses == misses


def test_prefix_lines_are_sorted_only_when_names_are_distinct() -> None:
    assert canonical_prefixes(SWAPPED) == QUERY
    twice = "PREFIX a: <urn:x#>\nPREFIX a: <urn:y#>\nSELECT * { ?s a:p ?o }"
    assert canonical_prefixes(twice) == twice
    assert canonical_prefixes("SELECT * { ?s ?p ?o }") == "SELECT * { ?s ?p ?o }"
