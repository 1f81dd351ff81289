"""Query-time entailment (docs/entailment.md) on all three backends."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from otmlops.store import META_GRAPH, ONTOLOGY_GRAPH, Store, open_store
from otmlops.store.graphs import LEGACY_INFERRED_GRAPH as LEGACY

EX = "http://example.org/plant#"
ISA = "https://w3id.org/otmlops/isa95#"
PREFIXES = (
    f"PREFIX ex: <{EX}>\nPREFIX isa95: <{ISA}>\n"
    "PREFIX map: <https://w3id.org/otmlops/map#>\n"
    "PREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)
PLANT = (
    PREFIXES.replace("PREFIX ", "@prefix ").replace(">\n", "> .\n")
    + """
ex:site1 a isa95:Site .
ex:area1 a isa95:Area ; isa95:partOf ex:site1 .
ex:line1 a isa95:ProductionLine ; isa95:partOf ex:area1 .
ex:cell1 a isa95:WorkCell ; isa95:partOf ex:line1 .
ex:sensor1 a isa95:Sensor ; isa95:partOf ex:cell1 .
ex:uc1 map:deployedOn ex:ghost .
"""
)


@pytest.fixture
def store(any_store: Store) -> Store:
    return any_store


@pytest.fixture(scope="module")
def plant(shared_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """PLANT in one store per backend, for the tests that only query it."""
    load(shared_store, tmp_path_factory.mktemp("plant"), PLANT)
    return shared_store


def load(
    store: Store, tmp_path: Path, text: str, graph: str = "http://example.org/g/plant"
) -> None:
    path = tmp_path / f"{abs(hash(graph))}.ttl"
    path.write_text(text)
    store.load(path, graph=graph)


def values(store: Store, sparql: str) -> list[str]:
    result = store.query(PREFIXES + sparql)
    assert isinstance(result, ox.QuerySolutions)
    return sorted(str(row[0]) for row in result)


def test_subclass_entailment_from_bundled_ontology(plant: Store) -> None:
    types = values(plant, "SELECT ?c WHERE { ex:line1 a ?c }")
    assert f"<{ISA}WorkCenter>" in types and f"<{ISA}Equipment>" in types
    # each class once: the class hierarchy has one path from a ProductionLine to each
    assert len(types) == len(set(types))
    assert values(plant, "SELECT ?x WHERE { ?x a isa95:WorkCenter }") == [f"<{EX}line1>"]


def test_part_of_chains(plant: Store) -> None:
    assert values(plant, "SELECT ?p WHERE { ex:sensor1 isa95:partOf ?p }") == [
        f"<{EX}area1>",
        f"<{EX}cell1>",
        f"<{EX}line1>",
        f"<{EX}site1>",
    ]
    assert values(plant, "SELECT ?x WHERE { ?x isa95:partOf ex:area1 }") == [
        f"<{EX}cell1>",
        f"<{EX}line1>",
        f"<{EX}sensor1>",
    ]


def test_no_domain_range_entailment(plant: Store) -> None:
    assert values(plant, "SELECT ?c WHERE { ex:ghost a ?c }") == []
    assert values(plant, "SELECT ?c WHERE { ex:uc1 a ?c }") == []


def test_subproperty_equivalence_and_declared_transitivity(store: Store, tmp_path: Path) -> None:
    load(
        store,
        tmp_path,
        PLANT
        + """
ex:locatedIn rdfs:subPropertyOf isa95:partOf .
ex:pump1 ex:locatedIn ex:cell1 .
ex:Pump owl:equivalentClass ex:Pumpe .
ex:pump1 a ex:Pumpe .
ex:upstreamOf a owl:TransitiveProperty .
ex:a ex:upstreamOf ex:b . ex:b ex:upstreamOf ex:c .
""",
    )
    assert values(store, "SELECT ?p WHERE { ex:pump1 isa95:partOf ?p }") == [
        f"<{EX}area1>",
        f"<{EX}cell1>",
        f"<{EX}line1>",
        f"<{EX}site1>",
    ]
    assert values(store, "SELECT ?c WHERE { ex:pump1 a ?c }") == [f"<{EX}Pump>", f"<{EX}Pumpe>"]
    assert values(store, "SELECT ?x WHERE { ex:a ex:upstreamOf ?x }") == [f"<{EX}b>", f"<{EX}c>"]


def test_inferences_follow_changes(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, PLANT)
    edges = (
        PREFIXES.replace("PREFIX ", "@prefix ").replace(">\n", "> .\n")
        + "ex:sensor2 isa95:partOf ex:cell1 .\nex:Gauge rdfs:subClassOf isa95:Sensor .\n"
        "ex:sensor2 a ex:Gauge .\n"
    )
    load(store, tmp_path, edges, graph="http://example.org/g/extra")
    assert f"<{EX}site1>" in values(store, "SELECT ?p WHERE { ex:sensor2 isa95:partOf ?p }")
    assert f"<{ISA}ControlModule>" in values(store, "SELECT ?c WHERE { ex:sensor2 a ?c }")
    # Replacing the plant without the line->area edge cuts the chain above the line.
    load(
        store,
        tmp_path,
        PLANT.replace(
            "ex:line1 a isa95:ProductionLine ; isa95:partOf ex:area1",
            "ex:line1 a isa95:ProductionLine",
        ),
    )
    assert values(store, "SELECT ?p WHERE { ex:sensor2 isa95:partOf ?p }") == [
        f"<{EX}cell1>",
        f"<{EX}line1>",
    ]
    store.drop("http://example.org/g/extra")
    assert values(store, "SELECT ?p WHERE { ex:sensor2 isa95:partOf ?p }") == []
    assert values(store, "SELECT ?c WHERE { ex:sensor2 a ?c }") == []
    # An update is seen by the next query as well.
    store.update(
        f"INSERT DATA {{ GRAPH <http://example.org/g/plant> {{ <{EX}line1> "
        f"<{ISA}partOf> <{EX}area1> }} }}"
    )
    assert f"<{EX}site1>" in values(store, "SELECT ?p WHERE { ex:cell1 isa95:partOf ?p }")


def test_dataset_queries_see_what_they_name(plant: Store) -> None:
    """A query that names its dataset gets entailment from that dataset only: the plant's own
    partOf chains, but no class hierarchy unless the ontology graph is named too."""
    assert values(
        plant, "SELECT ?p FROM <http://example.org/g/plant> WHERE { ex:sensor1 isa95:partOf ?p }"
    ) == [f"<{EX}area1>", f"<{EX}cell1>", f"<{EX}line1>", f"<{EX}site1>"]
    assert (
        values(plant, "SELECT ?x FROM <http://example.org/g/plant> WHERE { ?x a isa95:WorkCenter }")
        == []
    )
    assert values(
        plant,
        "SELECT ?x FROM <http://example.org/g/plant> "
        f"FROM <{ONTOLOGY_GRAPH}> WHERE {{ ?x a isa95:WorkCenter }}",
    ) == [f"<{EX}line1>"]


def test_entailment_can_be_switched_off(plant: Store) -> None:
    result = plant.query(
        PREFIXES + "SELECT ?p WHERE { ex:sensor1 isa95:partOf ?p }", entailment=False
    )
    assert isinstance(result, ox.QuerySolutions)
    assert [str(r[0]) for r in result] == [f"<{EX}cell1>"]


def test_containment_read_downwards_through_has_part(plant: Store) -> None:
    """isa95:hasPart is the inverse of isa95:partOf, so it is answered from the same closure."""
    assert values(plant, "SELECT ?x WHERE { ex:area1 isa95:hasPart ?x }") == [
        f"<{EX}cell1>",
        f"<{EX}line1>",
        f"<{EX}sensor1>",
    ]


def test_templates_and_values_are_not_widened(plant: Store) -> None:
    """CONSTRUCT templates keep the predicate they name; the pattern is widened."""
    result = plant.query(
        PREFIXES + "CONSTRUCT { ex:sensor1 isa95:partOf ?p } WHERE { ex:sensor1 isa95:partOf ?p }"
    )
    assert isinstance(result, ox.QueryTriples)
    triples = list(result)
    assert len(triples) == 4 and {str(t.predicate) for t in triples} == {f"<{ISA}partOf>"}
    assert values(plant, "SELECT ?p WHERE { VALUES ?q { isa95:partOf } ex:sensor1 ?q ?p }") == [
        f"<{EX}cell1>"
    ]


def test_update_where_clauses_see_entailment(store: Store, tmp_path: Path) -> None:
    load(store, tmp_path, PLANT)
    store.update(
        PREFIXES + "INSERT { GRAPH <http://example.org/g/marks> { ?x ex:inSite ex:site1 } }"
        " WHERE { ?x isa95:partOf ex:site1 }"
    )
    assert values(store, "SELECT ?x WHERE { ?x ex:inSite ex:site1 }") == [
        f"<{EX}area1>",
        f"<{EX}cell1>",
        f"<{EX}line1>",
        f"<{EX}sensor1>",
    ]


ENTAILMENT_QUESTIONS = [
    "SELECT ?p WHERE { ex:sensor1 isa95:partOf ?p }",
    "SELECT ?x WHERE { ?x isa95:partOf ex:site1 }",
    "SELECT ?x WHERE { ex:site1 isa95:hasPart ?x }",
    "SELECT ?c WHERE { ex:sensor1 a ?c }",
    "SELECT ?x WHERE { ?x a isa95:Equipment }",
    "SELECT ?c WHERE { isa95:Sensor rdfs:subClassOf ?c }",
]


def test_backends_agree(tmp_path: Path, oxigraph_server: str) -> None:
    path = tmp_path / "plant.ttl"
    path.write_text(PLANT)
    answers: list[list[list[str]]] = []
    for location in (str(tmp_path / "disk"), "memory", oxigraph_server):
        with open_store(location) as store:
            store.load(path, graph="http://example.org/g/plant")
            answers.append([values(store, q) for q in ENTAILMENT_QUESTIONS])
    assert answers[0] == answers[1] == answers[2]
    assert all(answers[0]) and len(answers[0][4]) == 5


def test_materialised_graph_of_older_versions_is_dropped_on_open(tmp_path: Path) -> None:
    location = tmp_path / "store"
    path = tmp_path / "plant.ttl"
    path.write_text(PLANT)
    with open_store(str(location)) as store:
        store.load(path, graph="http://example.org/g/plant")
    # What a store written by an older version holds: a materialised graph and a dirty flag.
    raw = ox.Store(str(location))
    raw.update(
        f"INSERT DATA {{ GRAPH <{LEGACY}> {{ <{EX}sensor1> <{ISA}partOf> <{EX}site1> }} "
        f"GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> "
        "<https://w3id.org/otmlops/meta#entailmentDirty> true } }"
    )
    del raw
    with open_store(str(location), bootstrap=False) as store:
        assert not store.has_graph(LEGACY)
        assert not store.query(
            f"ASK {{ GRAPH <{META_GRAPH}> {{ ?s "
            "<https://w3id.org/otmlops/meta#entailmentDirty> ?o } }"
        )
        # each answer once: nothing duplicated by the old graph
        assert values(store, "SELECT ?p WHERE { ex:sensor1 isa95:partOf ?p }") == [
            f"<{EX}area1>",
            f"<{EX}cell1>",
            f"<{EX}line1>",
            f"<{EX}site1>",
        ]


def test_has_part_read_backwards_gives_part_of(store: Store, tmp_path: Path) -> None:
    """Plant models that nest top-down (isa95:hasPart, or a property aligned under it such as
    ESMF's consistsOfStation) still answer partOf questions."""
    text = (
        PREFIXES.replace("PREFIX ", "@prefix ").replace(">\n", "> .\n")
        + """
ex:plantA a isa95:Site ; isa95:hasPart ex:areaA .
ex:areaA a isa95:Area ; ex:nests ex:lineA .
ex:nests rdfs:subPropertyOf isa95:hasPart .
ex:lineA a isa95:ProductionLine .
ex:cellA a isa95:WorkCell ; isa95:partOf ex:lineA .
"""
    )
    load(store, tmp_path, text, graph="http://example.org/g/topdown")
    assert values(store, "SELECT ?p WHERE { ex:cellA isa95:partOf ?p }") == [
        f"<{EX}areaA>",
        f"<{EX}lineA>",
        f"<{EX}plantA>",
    ]
    # the schema statement is in another graph than the edges it classifies
    more = (
        PREFIXES.replace("PREFIX ", "@prefix ").replace(">\n", "> .\n")
        + """
ex:areaA isa95:hasPart ex:line2 .
ex:cell2 isa95:partOf ex:line2 .
"""
    )
    load(store, tmp_path, more, graph="http://example.org/g/topdown-more")
    assert values(store, "SELECT ?p WHERE { ex:cell2 isa95:partOf ?p }") == [
        f"<{EX}areaA>",
        f"<{EX}line2>",
        f"<{EX}plantA>",
    ]
