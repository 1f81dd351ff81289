"""Helpers for the ontology, reference mapping and case study tests: read the bridge data
(correspondence table, expected phase kinds, allowed containment) from the ontology itself."""

from __future__ import annotations

from rdflib import RDF, RDFS, Graph, URIRef

from otmlops.namespaces import ISA95, MAP


def superclasses(graph: Graph, cls: URIRef) -> set[URIRef]:
    """``cls`` and all its asserted superclasses."""
    seen: set[URIRef] = set()
    todo = [cls]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(o for o in graph.objects(current, RDFS.subClassOf) if isinstance(o, URIRef))
    return seen


def types_closure(graph: Graph, node) -> set[URIRef]:
    out: set[URIRef] = set()
    for t in graph.objects(node, RDF.type):
        if isinstance(t, URIRef):
            out |= superclasses(graph, t)
    return out


def isa_numbers(graph: Graph, rami_level) -> set[int]:
    """ISA-95 level numbers that correspond to a RAMI hierarchy level."""
    return {
        int(graph.value(isa, ISA95.levelNumber))
        for corr in graph.subjects(MAP.ramiLevel, rami_level)
        for isa in graph.objects(corr, MAP.isa95Level)
    }


def equipment_classes(graph: Graph, rami_level) -> set[URIRef]:
    return {
        c
        for corr in graph.subjects(MAP.ramiLevel, rami_level)
        for c in graph.objects(corr, MAP.equipmentClass)
    }


def owner_distance(graph: Graph, owner, rami_level) -> int | None:
    """Smallest distance between the owner's ISA-95 levels and the stage level's; None when the
    RAMI level lies outside ISA-95."""
    stage = isa_numbers(graph, rami_level)
    owner_levels = {
        int(graph.value(lv, ISA95.levelNumber)) for lv in graph.objects(owner, ISA95.atLevel)
    }
    if not stage:
        return None
    assert owner_levels, f"owner {owner} has no isa95:atLevel"
    return min(abs(a - b) for a in stage for b in owner_levels)


def expected_phase_kind(graph: Graph, stage_class) -> URIRef | None:
    return graph.value(stage_class, MAP.expectedPhaseKind)


def may_be_part_of(graph: Graph, child_types: set[URIRef], parent_types: set[URIRef]) -> bool:
    return any((c, ISA95.mayBePartOf, p) in graph for c in child_types for p in parent_types)
