"""Bridging triples from OPC UA address spaces to ISA-95 equipment and data sources.

Which OPC UA objects are equipment depends on their type and on where they sit, so the rules
(``rules/opcua.toml``, extendable by users, loaded by ``opcua_rules``) run in the importer and
their output goes into the graph of the file that defines the node (docs/importers.md).
Instance declarations (nodes with a HasModellingRule, i.e. members of a type definition) are
never equipment nor data sources.

- an object's ISA-95 class: an overriding placement rule, else the ISA-95 level property, else
  the most specific type rule of its type definition, else a placement rule;
- ``isa95:partOf`` the nearest equipment above it along the containment references, through
  nodes that are not equipment, when ISA-95 allows the pair (``isa95:mayBePartOf``);
- objects and variables of data-source types become ``map:DataSource``, ``map:dataSourceOf``
  the nearest equipment above them, with engineering unit and range decoded from their
  ``EngineeringUnits`` and ``EURange`` properties.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from collections.abc import Iterable

import pyoxigraph as ox
from lxml import etree

from otmlops.importers.identity import mirror, same_as, serial_iri
from otmlops.importers.isa95_model import may_be_part_of
from otmlops.importers.opcua_nodeset import UA_NS, Node, NodeKey
from otmlops.importers.opcua_rdf import UA, XSD, is_declaration, node_iri
from otmlops.importers.opcua_rules import NONE, Name, Rules
from otmlops.namespaces import ISA95, MAP

HAS_TYPE_DEFINITION: NodeKey = (UA_NS, "i=40")
HAS_SUBTYPE: NodeKey = (UA_NS, "i=45")
HAS_PROPERTY: NodeKey = (UA_NS, "i=46")
HAS_COMPONENT: NodeKey = (UA_NS, "i=47")
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_PART_OF = ox.NamedNode(str(ISA95.partOf))
_DATA_SOURCE = ox.NamedNode(str(MAP.DataSource))
_DATA_SOURCE_OF = ox.NamedNode(str(MAP.dataSourceOf))
_DOUBLE = ox.NamedNode(XSD + "double")
_INT = ox.NamedNode(XSD + "int")
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")


class AddressSpace:
    """The nodes of one import with the lookups the rules need."""

    def __init__(self, index: dict[NodeKey, Node]) -> None:
        self.index = index
        self.by_browse: dict[tuple[str, str], list[NodeKey]] = defaultdict(list)
        self.supertype: dict[NodeKey, NodeKey] = {}
        self.type_of: dict[NodeKey, NodeKey] = {}
        #: target -> [(source, reference type)] for every reference, forward as written
        self.parents: dict[NodeKey, list[tuple[NodeKey, NodeKey]]] = defaultdict(list)
        self.children: dict[NodeKey, list[tuple[NodeKey, NodeKey]]] = defaultdict(list)
        seen: set[tuple[NodeKey, NodeKey, NodeKey]] = set()
        for node in index.values():
            self.by_browse[(node.browse_namespace, node.browse_name)].append(node.key)
            for ref in node.references:
                src, tgt = (node.key, ref.target) if ref.forward else (ref.target, node.key)
                if (src, ref.type, tgt) in seen:
                    continue
                seen.add((src, ref.type, tgt))
                if ref.type == HAS_SUBTYPE:
                    self.supertype[tgt] = src
                elif ref.type == HAS_TYPE_DEFINITION:
                    self.type_of.setdefault(src, tgt)
                self.parents[tgt].append((src, ref.type))
                self.children[src].append((tgt, ref.type))
        self.declarations = {n.key for n in index.values() if is_declaration(n)}

    def resolve(self, name: Name) -> set[NodeKey]:
        if name.is_node_id:
            return {(name.namespace, name.text)}
        return set(self.by_browse.get((name.namespace, name.text), ()))

    def chain(self, key: NodeKey | None) -> Iterable[NodeKey]:
        """``key`` and its supertypes, most specific first."""
        seen: set[NodeKey] = set()
        while key is not None and key not in seen:
            seen.add(key)
            yield key
            key = self.supertype.get(key)

    def is_instance(self, key: NodeKey, node_class: str) -> bool:
        node = self.index.get(key)
        return node is not None and node.node_class == node_class and key not in self.declarations


def bridge_triples(
    index: dict[NodeKey, Node], rules: Rules, counts: dict[str, int], skipped: list[tuple[str, str]]
) -> dict[NodeKey, list[ox.Triple]]:
    """Bridging triples grouped by the node they describe (so each lands in that node's
    graph); ``skipped`` receives (what, why) for containment ISA-95 does not allow."""
    space = AddressSpace(index)
    out: dict[NodeKey, list[ox.Triple]] = defaultdict(list)
    sources = _data_sources(space, rules)
    classes = _classify(space, rules, exclude=set(sources))
    for key, cls in classes.items():
        out[key].append(ox.Triple(node_iri(key), _RDF_TYPE, ox.NamedNode(str(ISA95) + cls)))
        counts[f"equipment (isa95:{cls})"] += 1
    containment = _subtypes(space, rules.containment)
    for key, cls in classes.items():
        for parent in _nearest(space, key, containment, classes, rules.max_depth):
            if parent not in classes:
                continue
            if may_be_part_of(cls, classes[parent]):
                out[key].append(ox.Triple(node_iri(key), _PART_OF, node_iri(parent)))
                counts["isa95:partOf edges"] += 1
            else:
                skipped.append(
                    (
                        f"{index[key].browse_name} ({cls}) in "
                        f"{index[parent].browse_name} ({classes[parent]})",
                        "containment that ISA-95 does not allow (isa95:mayBePartOf); "
                        "no isa95:partOf written",
                    )
                )
    holders = containment | {HAS_PROPERTY}
    for key in sources:
        found = _nearest(space, key, holders, classes.keys() | sources, rules.max_depth)
        if any(f in sources for f in found):
            continue  # a part of another data source (its limits, its setpoint)
        node = node_iri(key)
        out[key].append(ox.Triple(node, _RDF_TYPE, _DATA_SOURCE))
        counts["data sources (map:DataSource)"] += 1
        for parent in found:
            out[key].append(ox.Triple(node, _DATA_SOURCE_OF, node_iri(parent)))
        unit = list(_unit_triples(space, key, node))
        if unit:
            counts["data sources with engineering unit or range"] += 1
            out[key].extend(unit)
    ids = {node_iri(k): same for k in classes if (same := _identities(space, k))}
    if ids:
        counts["equipment with an asset identity (owl:sameAs)"] += len(ids)
        for key in list(out):
            node = node_iri(key)
            extra = same_as(node, ids.get(node, ())) + mirror(out[key], ids)
            out[key].extend(extra)
    return out


def _identities(space: AddressSpace, key: NodeKey) -> set[ox.NamedNode]:
    """Meeting IRIs from the node's Identification: ProductInstanceUri (an absolute IRI), and
    manufacturer with serial number (``identity.serial_iri``)."""
    found: set[ox.NamedNode] = set()
    for child, _ in space.children.get(key, ()):
        ident = space.index.get(child)
        if ident is None or ident.browse_name != "Identification" or ident.node_class != "Object":
            continue
        props = {
            space.index[c].browse_name: _text(space.index[c].value)
            for c, ref in space.children.get(child, ())
            if c in space.index
        }
        uri = props.get("ProductInstanceUri")
        if uri and _ABSOLUTE.match(uri):
            found.add(ox.NamedNode(uri))
        manufacturer, serial = props.get("Manufacturer"), props.get("SerialNumber")
        if manufacturer and serial:
            found.add(serial_iri(manufacturer, serial))
    return found


def _text(value: etree._Element | None) -> str | None:
    """A scalar or LocalizedText value as text."""
    if value is None:
        return None
    texts = [el.text for el in value.iter() if _local(el) == "Text"]
    if texts:
        return (texts[0] or "").strip() or None
    return _scalar(value) or None


def _subtypes(space: AddressSpace, names: list[Name]) -> set[NodeKey]:
    wanted = {k for n in names for k in space.resolve(n)}
    return {k for k in space.index if any(t in wanted for t in space.chain(k))} | wanted


def _type_rules(space: AddressSpace, rules: Rules) -> dict[NodeKey, str]:
    return {k: cls for name, cls in rules.equipment.items() for k in space.resolve(name)}


def _classify(space: AddressSpace, rules: Rules, exclude: set[NodeKey]) -> dict[NodeKey, str]:
    by_type = _type_rules(space, rules)
    placements = [
        (
            p,
            {k for n in (p.parent, p.parent_type) if n for k in space.resolve(n)},
            _subtypes(space, [p.reference]),
        )
        for p in rules.placements
    ]
    levels = [(rule, {k for k in space.resolve(rule.type)}) for rule in rules.levels]
    result: dict[NodeKey, str] = {}
    for key in space.index:
        if key in exclude or not space.is_instance(key, "Object"):
            continue
        types = list(space.chain(space.type_of.get(key)))
        from_type = next((by_type[t] for t in types if t in by_type), None)
        placed, override = None, False
        for rule, holders, refs in placements:
            for parent, ref in space.parents.get(key, ()):
                if ref not in refs:
                    continue
                if (
                    parent in holders
                    if rule.parent
                    else any(t in holders for t in space.chain(space.type_of.get(parent)))
                ):
                    if placed is None or (rule.override and not override):
                        placed, override = rule.cls, rule.override
        level = None
        for level_rule, rule_types in levels:
            if any(t in rule_types for t in types):
                level = _level(space, key, level_rule)
                break
        cls = (placed if override else None) or level or from_type or placed
        if cls and cls != NONE:
            result[key] = cls
    return result


def _level(space: AddressSpace, key: NodeKey, rule) -> str:
    wanted = space.resolve(rule.property)
    names = {
        (space.index[k].browse_namespace, space.index[k].browse_name)
        for k in wanted
        if k in space.index
    } | {(rule.property.namespace, rule.property.text)}
    for child, _ in space.children.get(key, ()):
        node = space.index.get(child)
        if node is None or (node.browse_namespace, node.browse_name) not in names:
            continue
        text = _scalar(node.value)
        if text is not None and text.lstrip("-").isdigit():
            return rule.values.get(int(text), rule.default)
    return rule.default


def _nearest(
    space: AddressSpace, start: NodeKey, refs: set[NodeKey], targets, max_depth: int
) -> list[NodeKey]:
    """The nodes of ``targets`` closest above ``start`` along ``refs`` (breadth first)."""
    frontier, seen, depth = deque([start]), {start}, 0
    while frontier and depth < max_depth:
        depth += 1
        found: list[NodeKey] = []
        nxt: deque[NodeKey] = deque()
        for key in frontier:
            for parent, ref in space.parents.get(key, ()):
                if ref not in refs or parent in seen:
                    continue
                seen.add(parent)
                (found if parent in targets else nxt).append(parent)
        if found:
            return sorted(found)
        frontier = nxt
    return []


def _data_sources(space: AddressSpace, rules: Rules) -> set[NodeKey]:
    types = _subtypes(space, rules.data_sources)
    return {
        k
        for k in space.index
        if (space.is_instance(k, "Variable") or space.is_instance(k, "Object"))
        and space.type_of.get(k) in types
    }


def _unit_triples(space: AddressSpace, key: NodeKey, node: ox.NamedNode):
    """ua:engineeringUnit, ua:unitId and ua:euRangeLow/High from the EngineeringUnits and EURange
    properties of the variable, or of the first variable of an object that has them."""
    candidates = [key] + [
        c
        for c, ref in space.children.get(key, ())
        if ref == HAS_COMPONENT and space.is_instance(c, "Variable")
    ]
    for candidate in candidates:
        props = {
            space.index[c].browse_name: space.index[c]
            for c, ref in space.children.get(candidate, ())
            if ref == HAS_PROPERTY and c in space.index
        }
        unit = props.get("EngineeringUnits")
        rng = props.get("EURange")
        if unit is None and rng is None:
            continue
        info = _body(unit.value, "EUInformation") if unit is not None else None
        if info is not None:
            text = _path_text(info, "DisplayName", "Text")
            if text:
                yield ox.Triple(node, ox.NamedNode(UA + "engineeringUnit"), ox.Literal(text))
            unit_id = _path_text(info, "UnitId")
            if unit_id and unit_id.lstrip("-").isdigit():
                yield ox.Triple(
                    node, ox.NamedNode(UA + "unitId"), ox.Literal(unit_id, datatype=_INT)
                )
        body = _body(rng.value, "Range") if rng is not None else None
        if body is not None:
            for tag, prop in (("Low", "euRangeLow"), ("High", "euRangeHigh")):
                value = _path_text(body, tag)
                if value is None:
                    continue
                try:
                    float(value)
                except ValueError:
                    continue
                yield ox.Triple(node, ox.NamedNode(UA + prop), ox.Literal(value, datatype=_DOUBLE))
        return


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _body(value: etree._Element | None, local: str) -> etree._Element | None:
    if value is None:
        return None
    return next((el for el in value.iter() if _local(el) == local), None)


def _path_text(el: etree._Element, *path: str) -> str | None:
    for step in path:
        child = next((c for c in el if _local(c) == step), None)
        if child is None:
            return None
        el = child
    return (el.text or "").strip()


def _scalar(value: etree._Element | None) -> str | None:
    if value is None:
        return None
    items = [c for c in value if isinstance(c.tag, str)]
    return (items[0].text or "").strip() if len(items) == 1 else None
