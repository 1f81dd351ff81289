"""Materialised entailment (docs/entailment.md) on all three backends."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from otmlops.store import INFERRED_GRAPH, META_GRAPH, Store, open_store

EX = "http://example.org/plant#"
ISA = "https://w3id.org/otmlops/isa95#"
PREFIXES = (f"PREFIX ex: <{EX}>\nPREFIX isa95: <{ISA}>\n"
            "PREFIX map: <https://w3id.org/otmlops/map#>\n"
            "PREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")
PLANT = PREFIXES.replace("PREFIX ", "@prefix ").replace(">\n", "> .\n") + """
ex:site1 a isa95:Site .
ex:area1 a isa95:Area ; isa95:partOf ex:site1 .
ex:line1 a isa95:ProductionLine ; isa95:partOf ex:area1 .
ex:cell1 a isa95:WorkCell ; isa95:partOf ex:line1 .
ex:sensor1 a isa95:Sensor ; isa95:partOf ex:cell1 .
ex:uc1 map:deployedOn ex:ghost .
"""


@pytest.fixture
def store(any_store: Store) -> Store:
    return any_store


def load(store: Store, tmp_path: Path, text: str, graph: str = "http://example.org/g/plant"
         ) -> None:
    path = tmp_path / f"{abs(hash(graph))}.ttl"
    path.write_text(text)
    store.load(path, graph=graph)


def values(store: Store, sparql: str) -> list[str]:
    result = store.query(PREFIXES + sparql)
    assert isinstance(result, ox.QuerySolutions)
    return sorted(str(row[0]) for row in result)


def test_subclass_entailment_from_bundled_ontology(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, PLANT)
    types = values(store, "SELECT ?c WHERE { ex:line1 a ?c }")
    assert f"<{ISA}WorkCenter>" in types and f"<{ISA}Equipment>" in types
    # each fact once: the inferred graph never repeats an asserted triple
    assert len(types) == len(set(types))
    assert values(store, "SELECT ?x WHERE { ?x a isa95:WorkCenter }") == [f"<{EX}line1>"]


def test_part_of_chains(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, PLANT)
    assert values(store, "SELECT ?p WHERE { ex:sensor1 isa95:partOf ?p }") == [
        f"<{EX}area1>", f"<{EX}cell1>", f"<{EX}line1>", f"<{EX}site1>"]
    assert values(store, "SELECT ?x WHERE { ?x isa95:partOf ex:area1 }") == [
        f"<{EX}cell1>", f"<{EX}line1>", f"<{EX}sensor1>"]


def test_no_domain_range_entailment(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, PLANT)
    assert values(store, "SELECT ?c WHERE { ex:ghost a ?c }") == []
    assert values(store, "SELECT ?c WHERE { ex:uc1 a ?c }") == []


def test_subproperty_equivalence_and_declared_transitivity(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, PLANT + """
ex:locatedIn rdfs:subPropertyOf isa95:partOf .
ex:pump1 ex:locatedIn ex:cell1 .
ex:Pump owl:equivalentClass ex:Pumpe .
ex:pump1 a ex:Pumpe .
ex:upstreamOf a owl:TransitiveProperty .
ex:a ex:upstreamOf ex:b . ex:b ex:upstreamOf ex:c .
""")
    assert values(store, "SELECT ?p WHERE { ex:pump1 isa95:partOf ?p }") == [
        f"<{EX}area1>", f"<{EX}cell1>", f"<{EX}line1>", f"<{EX}site1>"]
    assert values(store, "SELECT ?c WHERE { ex:pump1 a ?c }") == [f"<{EX}Pump>", f"<{EX}Pumpe>"]
    assert values(store, "SELECT ?x WHERE { ex:a ex:upstreamOf ?x }") == [f"<{EX}b>", f"<{EX}c>"]


def test_inferences_follow_changes(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, PLANT)
    edges = PREFIXES.replace("PREFIX ", "@prefix ").replace(">\n", "> .\n") + \
        "ex:sensor2 isa95:partOf ex:cell1 .\nex:Gauge rdfs:subClassOf isa95:Sensor .\n" \
        "ex:sensor2 a ex:Gauge .\n"
    load(store, tmp_path, edges, graph="http://example.org/g/extra")
    assert f"<{EX}site1>" in values(store, "SELECT ?p WHERE { ex:sensor2 isa95:partOf ?p }")
    assert f"<{ISA}ControlModule>" in values(store, "SELECT ?c WHERE { ex:sensor2 a ?c }")
    # Replacing the plant without the line->area edge cuts the chain above the line.
    load(store, tmp_path, PLANT.replace("ex:line1 a isa95:ProductionLine ; isa95:partOf ex:area1",
                                        "ex:line1 a isa95:ProductionLine"))
    assert values(store, "SELECT ?p WHERE { ex:sensor2 isa95:partOf ?p }") == [
        f"<{EX}cell1>", f"<{EX}line1>"]
    store.drop("http://example.org/g/extra")
    assert values(store, "SELECT ?p WHERE { ex:sensor2 isa95:partOf ?p }") == []
    assert values(store, "SELECT ?c WHERE { ex:sensor2 a ?c }") == []
    # An update is followed by a refresh as well.
    store.update(f"INSERT DATA {{ GRAPH <http://example.org/g/plant> {{ <{EX}line1> "
                 f"<{ISA}partOf> <{EX}area1> }} }}")
    assert f"<{EX}site1>" in values(store, "SELECT ?p WHERE { ex:cell1 isa95:partOf ?p }")


def test_inferred_graph_holds_only_new_facts(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, PLANT)
    overlap = values(store, f"SELECT ?s WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} "
                     f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{INFERRED_GRAPH}>) }}")
    assert overlap == []


def test_dataset_queries_see_asserted_triples_only(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, PLANT)
    assert values(store, "SELECT ?p FROM <http://example.org/g/plant> "
                  "WHERE { ex:sensor1 isa95:partOf ?p }") == [f"<{EX}cell1>"]
    with_inferred = values(store, "SELECT ?p FROM <http://example.org/g/plant> "
                           f"FROM <{INFERRED_GRAPH}> WHERE {{ ex:sensor1 isa95:partOf ?p }}")
    assert len(with_inferred) == 4


def test_backends_agree(tmp_path: Path, oxigraph_server: str) -> None:
    path = tmp_path / "plant.ttl"
    path.write_text(PLANT)
    inferred: list[set[str]] = []
    for location in (str(tmp_path / "disk"), "memory", oxigraph_server):
        with open_store(location) as store:
            store.load(path, graph="http://example.org/g/plant")
            result = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{INFERRED_GRAPH}> "
                                 "{ ?s ?p ?o } FILTER(!isBlank(?s) && !isBlank(?o)) }")
            assert isinstance(result, ox.QuerySolutions)
            inferred.append({f"{r['s']} {r['p']} {r['o']}" for r in result})
    assert inferred[0] == inferred[1] == inferred[2]
    assert len(inferred[0]) > 20


def test_dirty_flag_is_repaired_on_open(tmp_path: Path) -> None:
    location = tmp_path / "store"
    path = tmp_path / "plant.ttl"
    path.write_text(PLANT)
    with open_store(str(location)) as store:
        store.load(path, graph="http://example.org/g/plant")
    # Simulate a crash between a load and its refresh: data changed, flag set, nothing inferred.
    raw = ox.Store(str(location))
    raw.update(f"DROP GRAPH <{INFERRED_GRAPH}> ; INSERT DATA {{ GRAPH <{META_GRAPH}> {{ "
               f"<{META_GRAPH}> <https://w3id.org/otmlops/meta#entailmentDirty> true }} }}")
    del raw
    with open_store(str(location), bootstrap=False) as store:
        assert f"<{EX}site1>" in values(store, "SELECT ?p WHERE { ex:sensor1 isa95:partOf ?p }")
        assert not store.query(f"ASK {{ GRAPH <{META_GRAPH}> {{ ?s "
                               "<https://w3id.org/otmlops/meta#entailmentDirty> ?o } }")


def _inferred(store: Store) -> set[str]:
    result = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} }}")
    assert isinstance(result, ox.QuerySolutions)
    return {f"{r['s']} {r['p']} {r['o']}" for r in result}


@pytest.mark.parametrize("big", [False, True], ids=["edgewise", "whole-closure"])
def test_incremental_additions_equal_full_recompute(tmp_path: Path, big: bool,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A new instance graph takes the additions-only path; its result must be exactly what a
    full recompute derives (both for small loads and for the whole-closure path of big ones)."""
    from otmlops.store import entailment

    if big:
        monkeypatch.setattr(entailment, "EDGEWISE_CLOSURE_LIMIT", 0)
    store = open_store(str(tmp_path / "db"))
    try:
        load(store, tmp_path, PLANT)
        extra = PLANT.split("\n\n")[0] + "\nex:cell2 a isa95:WorkCell ; isa95:partOf ex:line1 .\n" \
            "ex:probe a isa95:Sensor ; isa95:partOf ex:cell2 .\n"
        load(store, tmp_path, extra, graph="http://example.org/g/extra")
        incremental = _inferred(store)
        assert f"<{EX}probe> <{ISA}partOf> <{EX}site1>" in incremental
        store.refresh_entailments()
        assert _inferred(store) == incremental
        # a drop takes the full path and removes what only the dropped graph supported
        store.drop("http://example.org/g/extra")
        assert not any(t.startswith(f"<{EX}probe>") for t in _inferred(store))
    finally:
        store.close()


def test_has_part_read_backwards_gives_part_of(store: Store, tmp_path: Path) -> None:
    """Plant models that nest top-down (isa95:hasPart, or a property aligned under it such as
    ESMF's consistsOfStation) still answer partOf questions."""
    text = PREFIXES.replace("PREFIX ", "@prefix ").replace(">\n", "> .\n") + """
ex:plantA a isa95:Site ; isa95:hasPart ex:areaA .
ex:areaA a isa95:Area ; ex:nests ex:lineA .
ex:nests rdfs:subPropertyOf isa95:hasPart .
ex:lineA a isa95:ProductionLine .
ex:cellA a isa95:WorkCell ; isa95:partOf ex:lineA .
"""
    load(store, tmp_path, text, graph="http://example.org/g/topdown")
    assert values(store, "SELECT ?p WHERE { ex:cellA isa95:partOf ?p }") == [
        f"<{EX}areaA>", f"<{EX}lineA>", f"<{EX}plantA>"]
    # a new graph without schema triples takes the additions-only path, with the same rule
    more = PREFIXES.replace("PREFIX ", "@prefix ").replace(">\n", "> .\n") + """
ex:areaA isa95:hasPart ex:line2 .
ex:cell2 isa95:partOf ex:line2 .
"""
    load(store, tmp_path, more, graph="http://example.org/g/topdown-more")
    assert values(store, "SELECT ?p WHERE { ex:cell2 isa95:partOf ?p }") == [
        f"<{EX}areaA>", f"<{EX}line2>", f"<{EX}plantA>"]
