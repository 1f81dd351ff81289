"""One machine, one node: queries follow owl:sameAs at query time.

First the example plant, imported from its real OPC UA nodeset and its real AAS file into a
store on disk: questions that start at the OPC UA node of the press reach what the AAS says
about it, and back. Then the rewrite on a small hand-written graph: three IRIs in one identity
class, partOf chains that change identity, variable subjects, the representative of a class,
parameters, updates, and stores without owl:sameAs (where nothing changes).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from otmlops.catalogue import run_named_query
from otmlops.importers import store_result
from otmlops.importers.aas import import_aas
from otmlops.importers.opcua import import_opcua
from otmlops.store import open_store
from otmlops.store.base import Store
from otmlops.store.entailment import Rules, rewrite
from tests.support.cli import run_cli
from tests.support.paths import FIXTURES, REPO

PLANT = REPO / "examples" / "plant"
OPCUA = FIXTURES / "opcua"
DEPS = [
    OPCUA / "Schema" / "Opc.Ua.NodeSet2.xml",
    OPCUA / "DI" / "Opc.Ua.Di.NodeSet2.xml",
    OPCUA / "Machinery" / "Opc.Ua.Machinery.NodeSet2.xml",
    OPCUA / "ISA-95" / "Opc.ISA95.NodeSet2.xml",
]
UA = "http://example.org/otmlops/plant/"
A = "https://example.org/assets/"
PRESS_UA = f"{UA}i=5100"  # OPC UA node of Press01
PRESS_AAS = f"{A}press-01"  # its AAS globalAssetId
PRESS_SERIAL = "urn:otmlops:asset:example%20presses%20ltd:P-2024-0117"
PF = "https://w3id.org/otmlops/examples/press-force#"
PREFIXES = (
    "PREFIX isa95: <https://w3id.org/otmlops/isa95#>\n"
    "PREFIX map: <https://w3id.org/otmlops/map#>\n"
    "PREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
    "PREFIX ex: <http://example.org/>\n"
)


def column(store: Store, sparql: str, **bindings: ox.NamedNode) -> list[str]:
    """The first variable of every answer row, as strings (in answer order)."""
    result = store.query(PREFIXES + sparql, bindings=bindings or None)
    assert isinstance(result, ox.QuerySolutions)
    return [str(row[0].value) if row[0] is not None else "" for row in result]


# -- the example plant: OPC UA and AAS imported separately -------------------------------------


@pytest.fixture(scope="module")
def plant(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = open_store(str(tmp_path_factory.mktemp("identity") / "store"))
    opcua = import_opcua([*DEPS, PLANT / "plant.NodeSet2.xml"])
    for payload in opcua.payloads:
        payload.graph = "urn:plant:opcua"
    store_result(store, opcua)
    aas = import_aas(PLANT / "press01.aas.json", rules=[PLANT / "aas-rules.toml"])
    for payload in aas.payloads:
        payload.graph = "urn:plant:aas"
    store_result(store, aas)
    store.load(PLANT / "press-force-monitoring.ttl")
    return store


PARTS = "SELECT ?x WHERE { ?x isa95:partOf+ ?machine } ORDER BY ?x"


@pytest.mark.parametrize("start", [PRESS_UA, PRESS_AAS, PRESS_SERIAL])
def test_parts_of_the_press_from_either_model(plant: Store, start: str) -> None:
    """The AAS bill of material (servo drive, pump) and the OPC UA components (hydraulic unit
    i=5120, its sensor i=5400) are parts of the press, whichever of its IRIs a query names;
    the hydraulic unit, in both models, is one row."""
    parts = column(plant, PARTS, machine=ox.NamedNode(start))
    assert parts == [f"{UA}i=5120", f"{UA}i=5400", f"{A}pump-12", f"{A}servo-drive-3"]
    # as stated, the AAS parts hang from the AAS asset (and its meeting IRI) only
    asserted = plant.query(
        PREFIXES + f"SELECT ?x WHERE {{ ?x isa95:partOf <{PRESS_UA}> }}", entailment=False
    )
    assert f"{A}servo-drive-3" not in {str(r[0].value) for r in asserted}


def test_ancestors_cross_from_aas_to_opcua(plant: Store) -> None:
    """The AAS pump lies in the AAS hydraulic unit, which is the OPC UA hydraulic unit, which
    lies in the OPC UA press, line, area and site."""
    found = column(plant, f"SELECT ?a WHERE {{ <{A}pump-12> isa95:partOf+ ?a }} ORDER BY ?a")
    assert found == [f"{UA}i=5001", f"{UA}i=5010", f"{UA}i=5020", PRESS_UA, f"{UA}i=5120"]


@pytest.mark.parametrize("start", [PRESS_UA, PRESS_AAS])
def test_data_sources_of_the_press_from_either_model(plant: Store, start: str) -> None:
    """The OPC UA analog value and the AAS time-series segment and interface property."""
    found = column(plant, f"SELECT ?s WHERE {{ ?s map:dataSourceOf <{start}> }} ORDER BY ?s")
    assert f"{UA}i=6100" in found
    assert "https://example.org/aas/press-01/sm/TimeSeries#Segments.ForceHistory" in found
    assert any("AssetInterfacesDescription" in s for s in found)


def test_stages_deployed_on_the_aas_asset_are_on_the_opcua_node(plant: Store) -> None:
    """The mapping deploys the serving stage on the AAS asset; the OPC UA node has it."""
    found = column(plant, f"SELECT ?st WHERE {{ ?st map:deployedOn <{PRESS_UA}> }} ORDER BY ?st")
    assert found == [f"{PF}ModelServing", f"{PF}PressForceAnomalies"]
    back = column(plant, f"SELECT ?st WHERE {{ ?st map:deployedOn <{PRESS_AAS}> }} ORDER BY ?st")
    assert back == found


def test_catalogue_impact_of_the_opcua_press_finds_stages_on_the_aas_asset(plant: Store) -> None:
    rows = {
        (str(r["stage"].value) if r["stage"] else "", str(r["via"].value))
        for r in run_named_query(plant, "impact-of-equipment", [f"equipment={PRESS_UA}"])
    }
    # ``via`` names the IRI the link states
    assert rows == {
        (f"{PF}ModelServing", PRESS_AAS),
        ("", PRESS_AAS),
        (f"{PF}DataCollection", f"{UA}i=5120"),
    }
    from_aas = {
        (str(r["stage"].value) if r["stage"] else "", str(r["via"].value))
        for r in run_named_query(plant, "impact-of-equipment", [f"equipment={PRESS_AAS}"])
    }
    assert from_aas == rows


def test_one_machine_is_one_row(plant: Store) -> None:
    """Both models type the press (and the mill) a work unit, on three IRIs each: one row
    each, named by the representative (here the OPC UA node); equipment-load counts the stages
    on the press and on its parts once, in one row."""
    assert column(plant, "SELECT ?x WHERE { ?x a isa95:WorkUnit } ORDER BY ?x") == [
        PRESS_UA,
        f"{UA}i=5200",
    ]
    load = {
        str(r["equipment"].value): int(r["stages"].value)
        for r in run_named_query(plant, "equipment-load", ["minStages=1"])
    }
    assert load[PRESS_UA] == 2  # serving (on the AAS asset) and collection (on i=5120)
    assert PRESS_AAS not in load and PRESS_SERIAL not in load


def test_same_as_links_read_as_stated(plant: Store) -> None:
    found = column(plant, f"SELECT ?b WHERE {{ <{PRESS_UA}> owl:sameAs ?b }} ORDER BY ?b")
    assert found == [PRESS_AAS, PRESS_SERIAL]


@pytest.mark.slow
def test_cli_query_crosses_identities(tmp_path: Path) -> None:
    """The user path: two imports, the mapping, a catalogue query on the OPC UA node."""
    store = tmp_path / "store"
    for args in (
        ("opcua", *map(str, DEPS), str(PLANT / "plant.NodeSet2.xml"), "--graph", "urn:p:ua"),
        ("aas", str(PLANT / "press01.aas.json"), "--rules", str(PLANT / "aas-rules.toml")),
    ):
        done = run_cli("import", *args, store=store)
        assert done.returncode == 0, done.stderr
    assert run_cli("load", str(PLANT / "press-force-monitoring.ttl"), store=store).returncode == 0
    done = run_cli(
        "query",
        "impact-of-equipment",
        "-p",
        f"equipment={PRESS_UA}",
        "--format",
        "csv",
        store=store,
    )
    assert done.returncode == 0, done.stderr
    assert f"{PF}ModelServing" in done.stdout and PRESS_AAS in done.stdout


# -- the rewrite on a small graph ---------------------------------------------------------------

EX = "http://example.org/"
SMALL = f"""
@prefix ex: <{EX}> .
@prefix isa95: <https://w3id.org/otmlops/isa95#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
# one identity class of three IRIs: a = b (stated), c = b (stated the other way)
ex:a owl:sameAs ex:b .
ex:c owl:sameAs ex:b .
ex:a a ex:Machine ; ex:label "A" .
ex:c a ex:Machine ; ex:label "C" ; isa95:partOf ex:line1 .
ex:drive isa95:partOf ex:b .
ex:line1 isa95:partOf ex:site1 .
# a chain that changes identity between its steps: x -> y1 = y2 -> z
ex:x isa95:partOf ex:y1 .
ex:y1 owl:sameAs ex:y2 .
ex:y2 isa95:partOf ex:z .
# a minted meeting IRI never represents a class that has another IRI
<urn:otmlops:asset:m:1> owl:sameAs <https://example.org/m1> .
<urn:otmlops:asset:m:1> ex:label "M" .
"""


@pytest.fixture
def small(tmp_path: Path) -> Store:
    store = open_store(str(tmp_path / "store"))
    store.load(SMALL.encode(), format=ox.RdfFormat.TURTLE, graph="urn:g:small")
    return store


@pytest.mark.parametrize("start", ["a", "b", "c"])
def test_constant_reaches_every_iri_of_its_class(small: Store, start: str) -> None:
    """Whichever of a, b, c a query names, it sees the facts stated on all three."""
    up = column(small, f"SELECT ?p WHERE {{ ex:{start} isa95:partOf ?p }} ORDER BY ?p")
    assert up == [f"{EX}line1", f"{EX}site1"]
    down = column(small, f"SELECT ?x WHERE {{ ?x isa95:partOf ex:{start} }}")
    assert down == [f"{EX}drive"]
    labels = column(small, f"SELECT ?l WHERE {{ ex:{start} ex:label ?l }} ORDER BY ?l")
    assert labels == ["A", "C"]


def test_partof_chain_changes_identity_between_steps(small: Store) -> None:
    # y1 and y2 are one class, named by y1; x is inside it
    inside_z = column(small, "SELECT ?x WHERE { ?x isa95:partOf ex:z } ORDER BY ?x")
    assert inside_z == [f"{EX}x", f"{EX}y1"]
    assert column(small, "SELECT ?p WHERE { ex:x isa95:partOf ?p } ORDER BY ?p") == [
        f"{EX}y1",
        f"{EX}z",
    ]
    assert bool(small.query(PREFIXES + "ASK { ex:x isa95:partOf ex:z }"))
    # one step of partOf is still needed: an IRI is not part of its own class
    assert not bool(small.query(PREFIXES + "ASK { ex:y1 isa95:partOf+ ex:y2 }"))
    assert bool(small.query(PREFIXES + "ASK { ex:y1 isa95:partOf* ex:y2 }"))
    inside_site = column(small, "SELECT ?x WHERE { ?x isa95:partOf* ex:site1 } ORDER BY ?x")
    assert inside_site == [f"{EX}a", f"{EX}drive", f"{EX}line1", f"{EX}site1"]


def test_variable_subject_joins_across_identities(small: Store) -> None:
    """The label is on a, the partOf edge on c: the join meets, once, on the representative."""
    rows = small.query(
        PREFIXES
        + 'SELECT ?m ?line WHERE { ?m ex:label "A" . ?m isa95:partOf ?line . '
        + "?line isa95:partOf ex:site1 }"
    )
    assert [(str(r["m"].value), str(r["line"].value)) for r in rows] == [(f"{EX}a", f"{EX}line1")]
    machines = column(small, "SELECT ?m WHERE { ?m a ex:Machine }")
    assert machines == [f"{EX}a"]  # typed on a and on c: one class, one row
    count = column(small, "SELECT (COUNT(?m) AS ?n) WHERE { ?m a ex:Machine }")
    assert count == ["1"]


def test_minted_iris_are_never_the_representative(small: Store) -> None:
    assert column(small, 'SELECT ?m WHERE { ?m ex:label "M" }') == ["https://example.org/m1"]


def test_given_values_keep_the_iri_given(small: Store) -> None:
    """A parameter (a VALUES row) or a BIND names one IRI of the class: the row keeps it."""
    rows = column(small, "SELECT ?m WHERE { ?m isa95:partOf ex:line1 }", m=ox.NamedNode(f"{EX}b"))
    assert rows == [f"{EX}b"]
    bound = column(small, "SELECT ?m WHERE { BIND (ex:c AS ?m) ?m ex:label ?l } ORDER BY ?l")
    assert bound == [f"{EX}c", f"{EX}c"]


def test_updates_match_what_is_stated(small: Store) -> None:
    """An update's WHERE binds the IRIs as stated, so its template changes stated triples."""
    small.update(
        PREFIXES
        + "DELETE { GRAPH <urn:g:small> { ?m ex:label ?l } } WHERE { ?m ex:label ?l "
        + 'FILTER (?l = "C") }'
    )
    assert column(small, "SELECT ?l WHERE { ex:a ex:label ?l }") == ["A"]
    small.update(PREFIXES + "INSERT { ?m ex:seen true } WHERE { ?m isa95:partOf ex:line1 }")
    stated = small.query(PREFIXES + "SELECT ?m WHERE { ?m ex:seen true }", entailment=False)
    assert [str(r[0].value) for r in stated] == [f"{EX}c"]


def test_schema_closures_read_as_stated_and_planned_late(small: Store) -> None:
    """``rdfs:subClassOf*`` in a query that crosses identities keeps its answers (classes are
    not merged) and carries the never-matching alternative that keeps it from being planned
    first, over every node of the store."""
    small.load(
        f"<{EX}Press> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <{EX}Machine> .\n".encode(),
        format=ox.RdfFormat.N_TRIPLES,
        graph="urn:g:schema",
    )
    text = (
        "SELECT ?c WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>* ex:Machine }"
        " ORDER BY ?c"
    )
    assert column(small, text) == [f"{EX}Machine", f"{EX}Press"]
    assert "urn:otmlops:never" in small.entailed(PREFIXES + text)
    assert "urn:otmlops:never" not in small.entailed(PREFIXES + text, identities=False)
    joined = column(
        small,
        "SELECT DISTINCT ?m WHERE { ?m a ?k . "
        "?k <http://www.w3.org/2000/01/rdf-schema#subClassOf>* ex:Machine }",
    )
    assert joined == [f"{EX}a"]


def test_without_same_as_nothing_changes(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "store"))
    store.load(
        SMALL.replace("owl:sameAs", "ex:similar").encode(),
        format=ox.RdfFormat.TURTLE,
        graph="urn:g:small",
    )
    assert not store.entailment_rules().identities
    text = PREFIXES + "SELECT ?x WHERE { ?x isa95:partOf ex:site1 . ?x ex:label ?l }"
    assert store.entailed(text) == store.entailed(text, identities=False)
    assert "sameAs" not in store.entailed(text)
    assert column(store, "SELECT ?p WHERE { ex:a isa95:partOf ?p }") == []


# -- the rewrite keeps requests valid ---------------------------------------------------------


class Everything(Rules):
    """Rules under which every IRI is widened and every pattern crosses identities."""

    def __init__(self) -> None:
        super().__init__(
            transitive=frozenset({"https://w3id.org/otmlops/isa95#partOf"}),
            identities=True,
        )

    def path_for(self, iri: str, objects: object) -> str | None:
        return f"(<{iri}>|<urn:x:sub>)"


def _texts() -> list[tuple[str, str]]:
    texts = [(p.name, p.read_text()) for p in sorted((REPO / "queries").glob("*.rq"))]
    w3c = REPO / "tests" / "w3c" / "sparql11"
    texts += [(str(p.relative_to(w3c)), p.read_text()) for p in sorted(w3c.rglob("*.rq"))]
    return [(name, text) for name, text in texts if _runs_alone(text)]


def _runs_alone(text: str) -> bool:
    """Negative syntax tests and queries that need a SERVICE are not rewritten at all."""
    try:
        ox.Store().query(text)
    except (SyntaxError, OSError, ValueError, RuntimeError):
        return False
    return True


def test_w3c_sparql_suites_state_no_same_as() -> None:
    """So the W3C evaluation tests run without the identity rewrite, as before."""
    for path in (REPO / "tests" / "w3c").rglob("*"):
        if path.is_file() and path.suffix in (".ttl", ".rdf", ".nt", ".trig", ".nq", ".srx"):
            assert "sameAs" not in path.read_text(errors="replace"), path


@pytest.mark.parametrize(("name", "text"), _texts(), ids=lambda v: v[:60])
def test_identity_rewrite_keeps_queries_valid(name: str, text: str) -> None:
    try:
        out = rewrite(text, Everything())
    except Exception as exc:  # the walker refuses what it cannot follow, before and after
        pytest.skip(f"not followed by the walker: {exc}")
    ox.Store().query(out)


def test_many_links_choose_representatives_by_walking(tmp_path: Path) -> None:
    """Above 100 links the stand-ins are not listed in the text; a filter walks the links of
    each row instead, with the same answers."""
    extra = "".join(
        f"<urn:otmlops:asset:x:{n}> <http://www.w3.org/2002/07/owl#sameAs> <{EX}x{n}> .\n"
        for n in range(120)
    )
    store = open_store(str(tmp_path / "store"))
    store.load(SMALL.encode(), format=ox.RdfFormat.TURTLE, graph="urn:g:small")
    store.load(extra.encode(), format=ox.RdfFormat.N_TRIPLES, graph="urn:g:links")
    assert store.entailment_rules().stand_ins is None
    text = PREFIXES + "SELECT ?m WHERE { ?m a ex:Machine }"
    assert "NOT EXISTS" in store.entailed(text) and "NOT IN" not in store.entailed(text)
    assert column(store, "SELECT ?m WHERE { ?m a ex:Machine }") == [f"{EX}a"]
    assert column(store, 'SELECT ?m WHERE { ?m ex:label "M" }') == ["https://example.org/m1"]
    rows = store.query(
        PREFIXES + 'SELECT ?m ?line WHERE { ?m ex:label "A" . ?m isa95:partOf ?line }'
    )
    assert sorted(str(r["line"].value) for r in rows) == [f"{EX}line1", f"{EX}site1"]
