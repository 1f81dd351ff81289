"""How often an entailed answer comes back (docs/entailment.md, "Counting"): the exact rule,
pinned on every backend, so that a change of the rewriting or of Oxigraph shows up here."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from otmlops.store import Store

E = "http://e/"
PART_OF = "https://w3id.org/otmlops/isa95#partOf"
SCHEMA_AND_DATA = f"""
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix e: <{E}> .
e:B rdfs:subClassOf e:A . e:A rdfs:subClassOf e:Top .
e:sub rdfs:subPropertyOf e:p . e:sub2 rdfs:subPropertyOf e:sub .
e:x a e:A , e:B .
e:s e:p e:o ; e:sub e:o ; e:sub2 e:o .
e:c1 <{PART_OF}> e:c2 . e:c2 <{PART_OF}> e:c3 . e:c1 <{PART_OF}> e:c3 .
"""
#: the same statements again in a second graph
AGAIN = f"<{E}x> a <{E}A> . <{E}s> <{E}p> <{E}o> . <{E}c1> <{PART_OF}> <{E}c3> ."


@pytest.fixture
def store(any_store: Store) -> Store:
    any_store.load(SCHEMA_AND_DATA.encode(), graph=f"{E}g1", format=ox.RdfFormat.TURTLE)
    any_store.load(AGAIN.encode(), graph=f"{E}g2", format=ox.RdfFormat.TURTLE)
    return any_store


def count(store: Store, sparql: str, *, entailment: bool = True) -> int:
    return len(list(store.query(sparql, entailment=entailment)))  # type: ignore[arg-type]


def test_unwidened_patterns_count_each_graph(store: Store) -> None:
    # e:o is no class with subclasses and ?o no predicate with subproperties: not widened
    assert count(store, f"SELECT * {{ <{E}s> ?p <{E}o> }}") == 4  # p twice, sub, sub2


def test_subproperty_alternatives_answer_each_pair_once(store: Store) -> None:
    # s p o is stated in two graphs and entailed twice more (through sub and sub2)
    assert count(store, f"SELECT * {{ ?s <{E}p> ?o }}", entailment=False) == 2
    assert count(store, f"SELECT * {{ ?s <{E}p> ?o }}") == 1


def test_transitive_closures_answer_each_pair_once(store: Store) -> None:
    # c1 partOf c3: stated in two graphs and reached through c2 as well
    assert count(store, f"SELECT ?y {{ <{E}c1> <{PART_OF}> ?y }}") == 2  # c2, c3
    assert count(store, f"SELECT * {{ <{E}c1> <{PART_OF}> <{E}c3> }}") == 1


def test_type_patterns_count_each_stated_type(store: Store) -> None:
    # x a A: stated in g1 and g2, and entailed from x a B; the class walk counts once
    assert count(store, f"SELECT * {{ ?x a <{E}A> }}") == 3
    assert count(store, f"SELECT * {{ ?x a <{E}Top> }}") == 3
    assert count(store, f"SELECT DISTINCT ?x {{ ?x a <{E}Top> }}") == 1
    # a class without subclasses is not widened: one per graph that states it
    assert count(store, f"SELECT * {{ ?x a <{E}B> }}") == 1
