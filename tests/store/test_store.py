"""Store layer on all three backends: loading, graph naming, union default graph, bindings,
malformed input, bootstrap."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from otmlops.errors import InputError, NotFound, UsageError
from otmlops.store import (
    META_GRAPH,
    ONTOLOGY_GRAPH,
    REFERENCE_MAPPING_GRAPH,
    Store,
    open_store,
)

EX = "http://example.org/plant#"
PREFIXES = (
    f"PREFIX ex: <{EX}>\nPREFIX isa95: <https://w3id.org/otmlops/isa95#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)
PLANT_TTL = f"""@prefix ex: <{EX}> .
@prefix isa95: <https://w3id.org/otmlops/isa95#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:site1 a isa95:Site ; rdfs:label "Site 1"@en .
ex:area1 a isa95:Area ; isa95:partOf ex:site1 .
ex:line1 a isa95:ProductionLine ; isa95:partOf ex:area1 .
ex:cell1 a isa95:WorkCell ; isa95:partOf ex:line1 .
ex:sensor1 a isa95:Sensor ; isa95:partOf ex:cell1 ; rdfs:label "pressure \\"P1\\" }} #"@en .
"""


@pytest.fixture
def store(any_store: Store) -> Store:
    return any_store


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def select(store: Store, sparql: str, **kw: object) -> list[tuple[str, ...]]:
    result = store.query(PREFIXES + sparql, **kw)  # type: ignore[arg-type]
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return sorted(tuple(str(row[n]) if row[n] is not None else "" for n in names) for row in result)


def snapshot(store: Store) -> set[str]:
    """Every quad outside the meta graph, as N-Quads lines."""
    result = store.query(
        "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", named_graphs=None, default_graphs=None
    )
    assert isinstance(result, ox.QuerySolutions)
    return {
        f"{r['s']} {r['p']} {r['o']} {r['g']}"
        for r in result
        if r["g"].value != META_GRAPH
        and not isinstance(r["s"], ox.BlankNode)
        and not isinstance(r["o"], ox.BlankNode)
    }


def test_load_names_graph_after_file_and_counts(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "plant.ttl", PLANT_TTL)
    report = store.load(path)
    assert report.graph == path.resolve().as_uri()
    assert report.triples == 11
    assert report.graphs == {report.graph: 11}
    assert not report.replaced
    infos = {g.iri: g for g in store.graphs()}
    assert infos[report.graph].triples == 11 and not infos[report.graph].system
    assert infos[ONTOLOGY_GRAPH].system
    assert "https://w3id.org/otmlops/graph/inferred" not in infos  # nothing materialised
    assert store.has_graph(report.graph)


def test_load_replaces_whole_graph(store: Store, tmp_path: Path) -> None:
    g = "http://example.org/graph/plant"
    store.load(write(tmp_path, "a.ttl", PLANT_TTL), graph=g)
    small = f"@prefix ex: <{EX}> .\nex:x ex:y ex:z .\n"
    report = store.load(write(tmp_path, "b.ttl", small), graph=g)
    assert report.replaced and report.triples == 1
    rows = select(store, f"SELECT ?s ?p ?o WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")
    assert rows == [(f"<{EX}x>", f"<{EX}y>", f"<{EX}z>")]


@pytest.mark.parametrize(
    "name,text",
    [
        ("p.nt", f"<{EX}a> <{EX}b> <{EX}c> .\n"),
        (
            "p.rdf",
            f"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="{EX}">
  <rdf:Description rdf:about="{EX}a"><ex:b rdf:resource="{EX}c"/></rdf:Description>
</rdf:RDF>
""",
        ),
        ("p.jsonld", f'{{"@id": "{EX}a", "{EX}b": {{"@id": "{EX}c"}}}}'),
        ("p.ttl", f"<{EX}a> <{EX}b> <{EX}c> .\n"),
    ],
)
def test_triple_formats_by_extension(store: Store, tmp_path: Path, name: str, text: str) -> None:
    report = store.load(write(tmp_path, name, text), graph="http://example.org/g")
    assert report.triples == 1
    assert select(store, "SELECT ?o WHERE { GRAPH <http://example.org/g> { ex:a ex:b ?o } }") == [
        (f"<{EX}c>",)
    ]


def test_quad_formats_keep_graph_names(store: Store, tmp_path: Path) -> None:
    trig = f"""@prefix ex: <{EX}> .
ex:a ex:b ex:c .
<http://example.org/g1> {{ ex:a ex:b ex:d . }}
<http://example.org/g2> {{ ex:a ex:b ex:e . ex:a ex:b ex:f . }}
"""
    path = write(tmp_path, "d.trig", trig)
    report = store.load(path)
    assert report.graphs == {
        path.resolve().as_uri(): 1,
        "http://example.org/g1": 1,
        "http://example.org/g2": 2,
    }
    nq = write(tmp_path, "d.nq", f"<{EX}a> <{EX}b> <{EX}c> <http://example.org/g1> .\n")
    store.load(nq, format=ox.RdfFormat.N_QUADS)
    assert select(store, "SELECT ?o WHERE { GRAPH <http://example.org/g1> { ex:a ex:b ?o } }") == [
        (f"<{EX}c>",)
    ]
    # With --graph, everything goes into that one graph.
    report = store.load(path, graph="http://example.org/flat")
    assert report.graphs == {"http://example.org/flat": 4}


def test_explicit_format_and_bytes(store: Store) -> None:
    data = f"<{EX}a> <{EX}b> <{EX}c> .".encode()
    report = store.load(data, graph="http://example.org/bytes", format=ox.RdfFormat.TURTLE)
    assert report.triples == 1
    with pytest.raises(UsageError):
        store.load(data, format=ox.RdfFormat.TURTLE)  # no graph for default-graph triples


def test_union_default_graph_and_dataset_clauses(store: Store, tmp_path: Path) -> None:
    store.load(write(tmp_path, "a.ttl", f"<{EX}a> <{EX}p> 1 ."), graph="http://example.org/g1")
    store.load(write(tmp_path, "b.ttl", f"<{EX}b> <{EX}p> 2 ."), graph="http://example.org/g2")
    assert select(store, "SELECT ?s WHERE { ?s ex:p ?o }") == [(f"<{EX}a>",), (f"<{EX}b>",)]
    assert select(store, "SELECT ?s FROM <http://example.org/g1> WHERE { ?s ex:p ?o }") == [
        (f"<{EX}a>",)
    ]
    assert select(
        store, "SELECT ?s WHERE { ?s ex:p ?o }", default_graphs=["http://example.org/g2"]
    ) == [(f"<{EX}b>",)]
    assert select(
        store,
        "SELECT ?g ?s WHERE { GRAPH ?g { ?s ex:p ?o } }",
        named_graphs=["http://example.org/g1"],
    ) == [("<http://example.org/g1>", f"<{EX}a>")]
    assert select(
        store, "SELECT ?s FROM NAMED <http://example.org/g2> WHERE { GRAPH ?g { ?s ex:p ?o } }"
    ) == [(f"<{EX}b>",)]


def test_bound_parameters(store: Store, tmp_path: Path) -> None:
    store.load(write(tmp_path, "plant.ttl", PLANT_TTL))
    rows = select(
        store,
        "SELECT ?x WHERE { ?x isa95:partOf ?parent } ",
        bindings={"parent": ox.NamedNode(EX + "cell1")},
    )
    assert rows == [(f"<{EX}sensor1>",)]
    # A literal parameter with quotes, braces and a comment sign matches the stored value only.
    label = ox.Literal('pressure "P1" } #', language="en")
    assert select(store, "SELECT ?x WHERE { ?x rdfs:label ?label }", bindings={"label": label}) == [
        (f"<{EX}sensor1>",)
    ]


def test_parameter_cannot_change_query(store: Store, tmp_path: Path) -> None:
    store.load(write(tmp_path, "plant.ttl", PLANT_TTL))
    attack = ox.Literal('x" } UNION { ?x ?p ?o } #')
    assert (
        select(store, "SELECT ?x WHERE { ?x rdfs:label ?label }", bindings={"label": attack}) == []
    )
    with pytest.raises(ValueError):
        ox.NamedNode(f"{EX}a> . ?x ?p ?o . <{EX}b")
    with pytest.raises(UsageError):
        store.query("SELECT ?x WHERE { ?x ?p ?o }", bindings={"x": ox.BlankNode()})
    with pytest.raises(UsageError):
        store.query("SELECT ?x WHERE { ?x ?p ?o }", bindings={"x y": ox.NamedNode(EX)})
    with pytest.raises(UsageError):
        store.query("SELECT ?x WHERE { ?x ?p ?o }", bindings={"nope": ox.NamedNode(EX)})


def test_malformed_file_reports_position_and_changes_nothing(store: Store, tmp_path: Path) -> None:
    good = write(tmp_path, "plant.ttl", PLANT_TTL)
    store.load(good)
    before = snapshot(store)
    bad = write(tmp_path, "plant.ttl", PLANT_TTL + 'ex:broken ex:p "unterminated .\n')
    with pytest.raises(InputError) as info:
        store.load(bad)
    err = info.value
    assert err.source == str(bad) and err.line == 9 and err.column == 16
    assert str(err).startswith(f"{bad}:9:16: ")
    assert snapshot(store) == before


def test_malformed_rdfxml_has_position(store: Store, tmp_path: Path) -> None:
    bad = write(
        tmp_path,
        "bad.rdf",
        """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="http://example.org/a b">
  </rdf:Description>
</rdf:RDF>
""",
    )
    with pytest.raises(InputError) as info:
        store.load(bad, graph="http://example.org/g")
    assert (info.value.line, info.value.column) == (3, 31)
    unclosed = write(
        tmp_path,
        "unclosed.rdf",
        """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="http://example.org/a">
</rdf:RDF>
""",
    )
    with pytest.raises(InputError) as info:
        store.load(unclosed, graph="http://example.org/g")
    assert info.value.line == 4
    assert not store.has_graph("http://example.org/g")


def test_malformed_jsonld_and_ntriples_positions(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        store.load(
            write(tmp_path, "x.jsonld", '{"@id": "http://a",\n "http://p": 1,}'),
            graph="http://example.org/g",
        )
    assert (info.value.line, info.value.column) == (2, 16)
    with pytest.raises(InputError) as info:
        store.load(
            write(tmp_path, "x.nt", f"<{EX}a> <{EX}b> <{EX}c> .\n<a> <b> <c> .\n"),
            graph="http://example.org/g",
        )
    assert (info.value.line, info.value.column) == (2, 1)


def test_bad_arguments(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path, "a.ttl", PLANT_TTL)
    with pytest.raises(UsageError):
        store.load(path, graph="not an iri")
    with pytest.raises(UsageError):
        store.load(path, graph=ONTOLOGY_GRAPH)
    with pytest.raises(UsageError):
        store.load(write(tmp_path, "a.unknown", "x"))
    with pytest.raises(InputError):
        store.load(tmp_path / "missing.ttl")
    with pytest.raises(NotFound):
        store.drop("http://example.org/never-loaded")
    with pytest.raises(UsageError):
        store.query("SELECT WHERE {")


def test_drop_removes_graph_and_its_inferences(store: Store, tmp_path: Path) -> None:
    report = store.load(write(tmp_path, "plant.ttl", PLANT_TTL))
    assert select(store, "SELECT ?x WHERE { ex:sensor1 isa95:partOf ?x }") != []
    store.drop(report.graph)
    assert not store.has_graph(report.graph)
    assert select(store, "SELECT ?x WHERE { ex:sensor1 isa95:partOf ?x }") == []
    assert select(store, "SELECT ?c WHERE { ex:line1 a ?c }") == []


def test_update_and_add_to_graph(store: Store) -> None:
    g = "http://example.org/g"
    store.update(
        f"INSERT DATA {{ GRAPH <{g}> {{ <{EX}line9> a "
        "<https://w3id.org/otmlops/isa95#ProductionLine> } }"
    )
    assert ("<https://w3id.org/otmlops/isa95#WorkCenter>",) in select(
        store, "SELECT ?c WHERE { ex:line9 a ?c }"
    )
    n = store.add_to_graph(
        f"<{EX}a> <{EX}b> <{EX}c> .".encode(), graph=g, format=ox.RdfFormat.N_TRIPLES
    )
    assert n == 1
    assert {g2.iri: g2.triples for g2 in store.graphs()}[g] == 2
    # Updates without a dataset see the union, as queries do.
    store.update(
        f"DELETE {{ GRAPH <{g}> {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o FILTER(?s = <{EX}a>) }}"
    )
    assert {g2.iri: g2.triples for g2 in store.graphs()}[g] == 1


def test_export_graph(store: Store, tmp_path: Path) -> None:
    store.load(write(tmp_path, "a.ttl", f"<{EX}a> <{EX}b> <{EX}c> ."), graph="http://example.org/g")
    data = store.export_graph("http://example.org/g", ox.RdfFormat.N_TRIPLES)
    assert data.decode().strip() == f"<{EX}a> <{EX}b> <{EX}c> ."
    with pytest.raises(NotFound):
        store.export_graph("http://example.org/none", ox.RdfFormat.TURTLE)


def test_bootstrap_loads_bundled_graphs(store: Store) -> None:
    counts = {g.iri: g.triples for g in store.graphs()}
    assert counts.get(ONTOLOGY_GRAPH, 0) > 0
    assert counts.get(REFERENCE_MAPPING_GRAPH, 0) > 0
    rows = select(
        store,
        f"SELECT ?c WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ "
        "isa95:ProductionLine rdfs:subClassOf ?c } }",
    )
    assert ("<https://w3id.org/otmlops/isa95#WorkCenter>",) in rows
    # A second bootstrap with the same bundle changes nothing; force reloads the same content.
    before = snapshot(store)
    store.bootstrap()
    store.bootstrap(force=True)
    assert snapshot(store) == before


def test_bootstrap_reloads_when_bundle_changes(tmp_path: Path) -> None:
    location = str(tmp_path / "store")
    # user updates cannot write system graphs (test_update_protection.py): tamper underneath
    with open_store(location) as store:
        store._raw_update(
            f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ ?s "
            "<https://w3id.org/otmlops/meta#bundleHash> ?h }} ;\n"
            f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> "
            '<https://w3id.org/otmlops/meta#bundleHash> "old" ; '
            '<https://w3id.org/otmlops/meta#bundleVersion> "0.0.1" } } ;\n'
            f"DROP GRAPH <{ONTOLOGY_GRAPH}>"
        )
        assert not store.has_graph(ONTOLOGY_GRAPH)
    with open_store(location) as store:
        assert store.has_graph(ONTOLOGY_GRAPH)
    with open_store(location, bootstrap=False) as store:
        store._raw_update(f"DROP GRAPH <{REFERENCE_MAPPING_GRAPH}>")
    with open_store(location) as store:  # same hash recorded: left alone
        assert not store.has_graph(REFERENCE_MAPPING_GRAPH)


def test_big_load_is_compacted_and_keeps_its_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # loads from COMPACT_AFTER_TRIPLES on are compacted after they commit (docs/store.md);
    # the threshold is lowered so that a small file takes that path
    from otmlops.store import embedded

    calls: list[int] = []
    real = embedded.EmbeddedStore._compact

    def counting(self: embedded.EmbeddedStore) -> None:
        calls.append(1)
        real(self)

    monkeypatch.setattr(embedded, "COMPACT_AFTER_TRIPLES", 2_000)
    monkeypatch.setattr(embedded.EmbeddedStore, "_compact", counting)
    lines = [f'<{EX}m{i}> <{EX}p> "{i}" .\n' for i in range(3_000)]
    path = write(tmp_path, "many.nt", "".join(lines))
    location = tmp_path / "store"
    store = open_store(str(location))
    store.load(path)
    store.load(write(tmp_path, "few.nt", "".join(lines[:1_500])))
    assert calls == [1]  # the 3,000-triple load only
    store.close()
    reopened = open_store(str(location))
    counts = {g.iri: g.triples for g in reopened.graphs()}
    assert counts[path.resolve().as_uri()] == 3_000
    reopened.close()


def test_reopening_keeps_only_the_newest_rocksdb_info_logs(tmp_path: Path) -> None:
    # RocksDB rotates its LOG on every open and would keep 1,000 of them (docs/store.md)
    from otmlops.store.embedded import KEEP_OLD_INFO_LOGS

    location = tmp_path / "store"
    store = open_store(str(location))
    path = write(tmp_path, "one.nt", f"<{EX}a> <{EX}p> <{EX}b> .\n")
    store.load(path)
    store.close()
    seen: list[set[str]] = []
    for _ in range(KEEP_OLD_INFO_LOGS + 3):
        reopened = open_store(str(location))
        seen.append({p.name for p in location.glob("LOG.old.*")})
        assert reopened.has_graph(path.resolve().as_uri())
        reopened.close()
    assert len(seen[-1]) == KEEP_OLD_INFO_LOGS
    # the ones kept are the newest: each open drops the oldest and adds the one it rotated
    newest_before = sorted(seen[-2], key=lambda n: int(n.rsplit(".", 1)[-1]))[1:]
    assert set(newest_before) <= seen[-1]
