"""Materialised entailment as plain SPARQL 1.1 Update, so every backend computes it alike.

What is entailed (docs/entailment.md): rdf:type along rdfs:subClassOf* and owl:equivalentClass
(both ways); triples along rdfs:subPropertyOf* and owl:equivalentProperty; the closures of
rdfs:subClassOf and rdfs:subPropertyOf; the transitive closure of isa95:partOf and of every
property declared owl:TransitiveProperty. No rdfs:domain / rdfs:range entailment.

Every rule reads the *asserted* graphs only (all named graphs except the inferred, meta and
staging graphs), and the inferred graph holds only triples that no asserted graph states, so the
union default graph shows each fact once. The embedded store writes only the difference between
what is derivable and what the inferred graph holds (disk-backed Oxigraph pays about 30 µs per
written quad in a transaction, so a drop-and-recompute would cost seconds on a plant-sized
store after every load); a new graph without schema triples only adds what its own triples
entail.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from otmlops.store.graphs import INFERRED_GRAPH, META_GRAPH

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
RDFS_SUBPROPERTY = "http://www.w3.org/2000/01/rdf-schema#subPropertyOf"
OWL_EQ_CLASS = "http://www.w3.org/2002/07/owl#equivalentClass"
OWL_EQ_PROPERTY = "http://www.w3.org/2002/07/owl#equivalentProperty"
OWL_TRANSITIVE = "http://www.w3.org/2002/07/owl#TransitiveProperty"
ISA95_PART_OF = "https://w3id.org/otmlops/isa95#partOf"

#: Transitive whether or not the ontology is loaded (it is declared so in isa95.ttl too).
ALWAYS_TRANSITIVE = (ISA95_PART_OF,)

_CLASS_STEP = f"(<{RDFS_SUBCLASS}>|<{OWL_EQ_CLASS}>|^<{OWL_EQ_CLASS}>)"
_PROP_STEP = f"(<{RDFS_SUBPROPERTY}>|<{OWL_EQ_PROPERTY}>|^<{OWL_EQ_PROPERTY}>)"
CLASS_PATH = _CLASS_STEP + "+"
PROP_PATH = _PROP_STEP + "+"

#: Lists the transitive properties stated in the asserted graphs.
TRANSITIVE_QUERY = f"SELECT DISTINCT ?p WHERE {{ ?p a <{OWL_TRANSITIVE}> FILTER(isIRI(?p)) }}"


OWL_INVERSE = "http://www.w3.org/2002/07/owl#inverseOf"


def path_term(prop: str) -> str:
    """A property as a path step; a leading ``^`` (an inverse, see inverses_query) is kept."""
    return f"^<{prop[1:]}>" if prop.startswith("^") else f"<{prop}>"


def inverses_query(properties: Iterable[str]) -> str:
    """Pairs (?t, ?s): ?s is an inverse of the transitive property ?t (owl:inverseOf either
    way) or a subproperty of such an inverse; its triples read backwards are ?t edges
    (isa95:hasPart, and ESMF's consistsOf* aligned under it, give isa95:partOf)."""
    values = " ".join(f"<{p}>" for p in properties)
    return (f"SELECT DISTINCT ?t ?s WHERE {{ VALUES ?t {{ {values} }} "
            f"{{ ?t <{OWL_INVERSE}> ?i }} UNION {{ ?i <{OWL_INVERSE}> ?t }} "
            f"?s (<{RDFS_SUBPROPERTY}>|<{OWL_EQ_PROPERTY}>|^<{OWL_EQ_PROPERTY}>)* ?i "
            f"FILTER(isIRI(?s)) }}")


def subproperties_query(properties: Iterable[str]) -> str:
    """Pairs (?t, ?s): ?s is a (possibly indirect) subproperty of the transitive property ?t."""
    values = " ".join(f"<{p}>" for p in properties)
    return (f"SELECT DISTINCT ?t ?s WHERE {{ VALUES ?t {{ {values} }} ?s {PROP_PATH} ?t "
            f"FILTER(isIRI(?s) && ?s != ?t) }}")


def refresh_update(asserted: Sequence[str], transitive: Mapping[str, Sequence[str]],
                   dirty_triple: str) -> str:
    """One update request that rebuilds the inferred graph and clears the dirty flag: for
    backends that refresh without the Python-side diff (a remote server). It drops the inferred
    graph, then derives it again from the union, which at that point holds only asserted
    triples (and meta data, which no rule matches); a server that serves the union as default
    graph may refuse USING in updates (Oxigraph server does), so the rules cannot name the
    asserted graphs.

    ``transitive`` maps each transitive property to its subproperties; ``dirty_triple`` is the
    meta-graph triple pattern that marks the entailments as out of date.
    """
    inf = f"<{INFERRED_GRAPH}>"
    ops = [f"DROP SILENT GRAPH {inf}"]
    if asserted:
        ops += [f"INSERT {{ GRAPH {inf} {{ ?s ?q ?o }} }} WHERE {{ {d} "
                f"FILTER NOT EXISTS {{ ?s ?q ?o }} }}" for d in _derivations(transitive)]
    ops.append(f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ {dirty_triple} }} }}")
    return " ;\n".join(ops)


# -- the rules as group patterns ---------------------------------------------------------------
#
# Oxigraph evaluates the WHERE clause of an update inside a write transaction, which on disk is
# an order of magnitude slower than a read-only query over a snapshot (measured: 71 s for a
# no-op refresh of a 128k-triple plant inside an update, ~3 s as queries). The embedded backend
# therefore derives with read-only queries (derivable_queries, addition_queries) and writes only
# the difference; the remote backend puts the same patterns into one update (refresh_update).


def _derivations(transitive: Mapping[str, Sequence[str]]) -> list[str]:
    """Group patterns binding ?s ?q ?o to every derivable triple (asserted ones included)."""
    found = [
        f"{{ SELECT DISTINCT ?p ?q WHERE {{ ?p {PROP_PATH} ?q "
        f"FILTER(isIRI(?p) && isIRI(?q) && ?p != ?q) }} }} ?s ?p ?o",
        f"VALUES ?q {{ <{RDF_TYPE}> }} {{ SELECT DISTINCT ?c ?o WHERE {{ ?c {CLASS_PATH} ?o "
        f"FILTER(isIRI(?o) && ?c != ?o) }} }} ?s <{RDF_TYPE}> ?c",
        f"VALUES ?q {{ <{RDFS_SUBCLASS}> }} ?s {CLASS_PATH} ?o "
        f"FILTER(isIRI(?s) && isIRI(?o) && ?s != ?o)",
        f"VALUES ?q {{ <{RDFS_SUBPROPERTY}> }} ?s {PROP_PATH} ?o "
        f"FILTER(isIRI(?s) && isIRI(?o) && ?s != ?o)",
    ]
    for prop, subs in transitive.items():
        path = "(" + "|".join(path_term(p) for p in (prop, *subs)) + ")+"
        found.append(f"VALUES ?q {{ <{prop}> }} ?s {path} ?o")
    return found


# -- additions only (a new graph with no schema triples) ----------------------------------------
#
# Loading a new instance graph (a mapping, a plant) into a big store is the common case. It can
# only add entailments, and only ones that use at least one of its triples, so these queries
# start from the new graphs' triples and look up the schema and the existing closure in the
# union. Anything else (replace, drop, update, schema change) takes the full refresh above.

SCHEMA_PREDICATES = (RDFS_SUBCLASS, RDFS_SUBPROPERTY, OWL_EQ_CLASS, OWL_EQ_PROPERTY,
                     OWL_INVERSE)


def _graph_values(graphs: Sequence[str]) -> str:
    return "VALUES ?g { " + " ".join(f"<{g}>" for g in graphs) + " }"


def schema_change_query(graphs: Sequence[str]) -> str:
    """ASK: do these graphs state anything the rules read as schema?"""
    preds = " ".join(f"<{p}>" for p in SCHEMA_PREDICATES)
    return (f"ASK {{ {_graph_values(graphs)} GRAPH ?g {{ "
            f"{{ VALUES ?sp {{ {preds} }} ?s ?sp ?o }} UNION {{ ?s a <{OWL_TRANSITIVE}> }} }} }}")


def now_asserted_query(graphs: Sequence[str]) -> str:
    """Inferred triples that the new graphs now state themselves."""
    return (f"SELECT ?s ?q ?o WHERE {{ {_graph_values(graphs)} GRAPH ?g {{ ?s ?q ?o }} "
            f"GRAPH <{INFERRED_GRAPH}> {{ ?s ?q ?o }} }}")


#: Above this many new triples, closing a transitive property from each new edge costs more
#: than recomputing its closure over the whole union once (measured: 31 s vs 2 s for 30k new
#: isa95:partOf edges in a 100k-triple plant).
EDGEWISE_CLOSURE_LIMIT = 5000


def addition_queries(graphs: Sequence[str], transitive: Mapping[str, Sequence[str]],
                     new_triples: int = 0) -> list[str]:
    """Entailments that use a triple of ``graphs``; run over the union with the new graphs in."""
    vals = _graph_values(graphs)
    found = [
        f"{{ SELECT DISTINCT ?p ?q WHERE {{ ?p {PROP_PATH} ?q "
        f"FILTER(isIRI(?p) && isIRI(?q) && ?p != ?q) }} }} {vals} GRAPH ?g {{ ?s ?p ?o }}",
        f"VALUES ?q {{ <{RDF_TYPE}> }} {{ SELECT DISTINCT ?c ?o WHERE {{ ?c {CLASS_PATH} ?o "
        f"FILTER(isIRI(?o) && ?c != ?o) }} }} {vals} GRAPH ?g {{ ?s <{RDF_TYPE}> ?c }}",
    ]
    for prop, subs in transitive.items():
        step = "(" + "|".join(path_term(p) for p in (prop, *subs)) + ")"
        if new_triples <= EDGEWISE_CLOSURE_LIMIT:  # else: closure_edges_query + transitive_pairs
            found.append(f"VALUES ?q {{ <{prop}> }} {vals} GRAPH ?g {{ ?a {step} ?b }} "
                         f"?s {step}* ?a . ?b {step}* ?o")
    inf = f"<{INFERRED_GRAPH}>"
    return [f"SELECT DISTINCT ?s ?q ?o WHERE {{ {d} FILTER NOT EXISTS {{ ?s ?q ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH {inf} {{ ?s ?q ?o }} }} }}" for d in found]


def closure_edges_query(prop: str, subs: Sequence[str]) -> str:
    """Every (?s, ?o) linked by the property or a subproperty, in the union."""
    step = "(" + "|".join(path_term(p) for p in (prop, *subs)) + ")"
    return f"SELECT DISTINCT ?s ?o WHERE {{ ?s {step} ?o }}"


def transitive_pairs(edges: Iterable[tuple]) -> set[tuple]:
    """All (a, c) with a path a → … → c, by depth-first search with memoised descendants
    (plant containment is a forest a few levels deep, so this is linear in practice)."""
    succ: dict = {}
    for a, b in edges:
        succ.setdefault(a, set()).add(b)
    reach: dict = {}

    def descend(node, on_path: set) -> set:
        if node in reach:
            return reach[node]
        out: set = set()
        on_path.add(node)
        for nxt in succ.get(node, ()):
            out.add(nxt)
            if nxt not in on_path:
                out |= descend(nxt, on_path)
        on_path.discard(node)
        reach[node] = out
        return out

    pairs: set[tuple] = set()
    for start in list(succ):
        pairs.update((start, end) for end in descend(start, set()))
    return pairs


def derivable_queries(transitive: Mapping[str, Sequence[str]]) -> list[str]:
    """Every entailment not stated in the default graph, one query per rule; run with the
    asserted graphs as default graph (so no inferred triple supports itself). Transitive
    properties are closed in Python from closure_edges_query (see transitive_pairs)."""
    rules = _derivations({})
    return [f"SELECT DISTINCT ?s ?q ?o WHERE {{ {d} FILTER NOT EXISTS {{ ?s ?q ?o }} }}"
            for d in rules]
