"""IDTA 02011 Hierarchical Structures (bill of material) to ``isa95:partOf`` and ``owl:sameAs``.

A Hierarchical Structures submodel describes an asset (its entry node) and its parts as Entities;
RelationshipElements ``HasPart`` (first: whole, second: part), ``IsPartOf`` (first: part,
second: whole) and ``SameAs`` connect them, each end a ModelReference to an Entity. The
archetype (Full, OneDown, OneUp) only says how far the tree reaches, so the relationships alone
decide. An entity counts through its ``globalAssetId`` (co-managed entities have none and are
left out); a part gets the class of its own shell, else a class rule for the entity's semantic
id, else the class below its whole's (``part_class``), and an edge ISA-95 does not allow is
reported, not written.
"""

from __future__ import annotations

from collections.abc import Iterator

import aas_core3_1.types as aas
import pyoxigraph as ox

from otmlops.importers.aas_rdf import RDF_TYPE, identifiable_iri, semantic_id
from otmlops.importers.aas_rules import AasRules
from otmlops.importers.isa95_model import may_be_part_of
from otmlops.namespaces import ISA95

HS = "https://admin-shell.io/idta/HierarchicalStructures/"
HAS_PART = HS + "HasPart/"
IS_PART_OF = HS + "IsPartOf/"
SAME_AS = HS + "SameAs/"
_PART_OF = ox.NamedNode(str(ISA95.partOf))
_SAME_AS = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def _children(obj: object) -> list[aas.SubmodelElement]:
    if isinstance(obj, aas.Submodel):
        return list(obj.submodel_elements or ())
    if isinstance(obj, aas.Entity):
        return list(obj.statements or ())
    if isinstance(obj, aas.SubmodelElementCollection | aas.SubmodelElementList):
        return list(obj.value or ())
    return []


def _walk(obj: object) -> Iterator[aas.SubmodelElement]:
    for child in _children(obj):
        yield child
        yield from _walk(child)


def _resolve(ref: aas.Reference | None, submodels: dict[str, aas.Submodel]) -> object | None:
    """The element a ModelReference ``[Submodel, idShort, idShort, ...]`` points at."""
    if ref is None or not ref.keys or ref.keys[0].value not in submodels:
        return None
    here: object = submodels[ref.keys[0].value]
    for key in ref.keys[1:]:
        kids = _children(here)
        if isinstance(here, aas.SubmodelElementList):
            try:
                here = kids[int(key.value)]
            except (ValueError, IndexError):
                return None
            continue
        here = next((k for k in kids if k.id_short == key.value), None)
        if here is None:
            return None
    return here


def structure_triples(
    env: aas.Environment,
    classes: dict[str, str],
    rules: AasRules,
    counts: dict[str, int],
    unclassified: list[str],
    ids: dict[ox.NamedNode, set[ox.NamedNode]] | None = None,
) -> list[ox.Triple]:
    """``classes`` maps asset IRIs typed from their shells to their class; parts typed here are
    added to ``ids`` with the manufacturer and serial number identity of their entity, if any."""
    from otmlops.importers.aas_bridge import serial_identity  # (aas_bridge imports this module)

    submodels = {sm.id: sm for sm in env.submodels or ()}
    edges: list[tuple[str, str, aas.Entity]] = []  # (part, whole, part entity)
    same: list[tuple[str, str]] = []
    for sm in env.submodels or ():
        if not semantic_id(sm).startswith(HS) or sm.kind == aas.ModellingKind.TEMPLATE:
            continue
        for rel in _walk(sm):
            if not isinstance(rel, aas.RelationshipElement):
                continue
            kind = semantic_id(rel)
            first, second = (_resolve(rel.first, submodels), _resolve(rel.second, submodels))
            if not (isinstance(first, aas.Entity) and isinstance(second, aas.Entity)):
                continue
            a, b = _asset(first, rules), _asset(second, rules)
            if a is None or b is None or a == b:
                continue
            if kind.startswith(HAS_PART):
                edges.append((b, a, second))
            elif kind.startswith(IS_PART_OF):
                edges.append((a, b, first))
            elif kind.startswith(SAME_AS):
                same.append((a, b))
    out: list[ox.Triple] = []
    derived: dict[str, str] = {}
    done: set[tuple[str, str]] = set()
    changed = True
    while changed:  # wholes first: a part's class may come from its whole's
        changed = False
        for part, whole, entity in edges:
            if (part, whole) in done:
                continue
            whole_cls = classes.get(whole) or derived.get(whole)
            if whole_cls is None:
                continue
            part_cls = (
                classes.get(part)
                or derived.get(part)
                or rules.class_for(None, [], semantic_id(entity))
                or rules.part_class.get(whole_cls)
            )
            done.add((part, whole))
            changed = True
            if part_cls is None:
                continue
            if not may_be_part_of(part_cls, whole_cls):
                counts["bill-of-material edges ISA-95 does not allow (not written)"] += 1
                continue
            if part not in classes and part not in derived:
                derived[part] = part_cls
                serial = serial_identity(entity.specific_asset_ids)
                if serial is not None and ids is not None:
                    ids.setdefault(ox.NamedNode(part), set()).add(serial)
                node = ox.NamedNode(part)
                out.append(ox.Triple(node, RDF_TYPE, ox.NamedNode(str(ISA95) + part_cls)))
                out.append(ox.Triple(node, _LABEL, ox.Literal(entity.id_short or part)))
                counts[f"equipment (isa95:{part_cls}, bill-of-material parts)"] += 1
            out.append(ox.Triple(ox.NamedNode(part), _PART_OF, ox.NamedNode(whole)))
            counts["isa95:partOf edges (Hierarchical Structures)"] += 1
    left = [(p, w) for p, w, _ in edges if (p, w) not in done]
    if left:
        counts["bill-of-material edges whose whole has no ISA-95 class (not written)"] += len(left)
        unclassified.extend(sorted({w for _, w in left if w not in derived}))
    for a, b in same:
        out.append(ox.Triple(ox.NamedNode(a), _SAME_AS, ox.NamedNode(b)))
        counts["owl:sameAs links (Hierarchical Structures SameAs)"] += 1
    return out


def _asset(entity: aas.Entity, rules: AasRules) -> str | None:
    iri = entity.global_asset_id
    if not iri or identifiable_iri(iri, "urn:x:").value != iri or rules.is_placeholder(iri):
        return None
    return iri
