"""Bridging triples from OPC UA address spaces to ISA-95 equipment (rules beyond RDFS).

Which OPC UA objects are equipment depends on where they sit, not only on their type, so these
rules run in the importer and their output goes into the graph of the file that defines the node
(docs/importers.md). Instance declarations (nodes with a HasModellingRule, i.e. members of a
type definition) are never equipment.


- OPC UA for Machinery: an object organised by the ``Machines`` folder (Machinery ``i=1001``) is a
  machine -> ``isa95:WorkUnit``; an object that is a component (HasComponent) of a machine's or
  component's ``Components`` object (Machinery browse name) -> ``isa95:EquipmentModule``,
  ``isa95:partOf`` the machine or component that holds it;
- OPC UA ISA-95 Common Object Model: ``A MadeUpOfEquipment B`` -> both are ``isa95:Equipment`` and
  ``B isa95:partOf A``.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from otmlops.importers.opcua_nodeset import UA_NS, Node, NodeKey
from otmlops.importers.opcua_rdf import is_declaration, node_iri
from otmlops.namespaces import ISA95

MACHINERY_NS = "http://opcfoundation.org/UA/Machinery/"
ISA95_UA_NS = "http://www.OPCFoundation.org/UA/2013/01/ISA95"
MACHINES_FOLDER: NodeKey = (MACHINERY_NS, "i=1001")
ORGANIZES: NodeKey = (UA_NS, "i=35")
HAS_COMPONENT: NodeKey = (UA_NS, "i=47")
HAS_ADD_IN: NodeKey = (UA_NS, "i=17604")
MADE_UP_OF_EQUIPMENT: NodeKey = (ISA95_UA_NS, "i=5115")
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_PART_OF = ox.NamedNode(str(ISA95.partOf))


def bridge_triples(index: dict[NodeKey, Node],
                   counts: dict[str, int]) -> dict[NodeKey, list[ox.Triple]]:
    """Bridging triples grouped by the node they describe (so each lands in that node's
    graph)."""
    children: dict[tuple[NodeKey, NodeKey], set[NodeKey]] = defaultdict(set)
    for node in index.values():
        for ref in node.references:
            src, tgt = (node.key, ref.target) if ref.forward else (ref.target, node.key)
            children[(src, ref.type)].add(tgt)
    out: dict[NodeKey, list[ox.Triple]] = defaultdict(list)
    # instance declarations (members of a type definition) describe types, not plant equipment
    declarations = {n.key for n in index.values() if is_declaration(n)}

    def typed(key: NodeKey, cls: str) -> None:
        out[key].append(ox.Triple(node_iri(key), _RDF_TYPE, ox.NamedNode(str(ISA95) + cls)))

    def components_of(holder: NodeKey) -> None:
        for via in (HAS_COMPONENT, HAS_ADD_IN):
            for folder in sorted(children.get((holder, via), ())):
                f = index.get(folder)
                if f is None or f.browse_name != "Components" or f.browse_namespace != \
                        MACHINERY_NS:
                    continue
                for part in sorted(children.get((folder, HAS_COMPONENT), ())):
                    p = index.get(part)
                    if p is None or p.node_class != "Object" or part in declarations:
                        continue
                    typed(part, "EquipmentModule")
                    out[part].append(ox.Triple(node_iri(part), _PART_OF, node_iri(holder)))
                    counts["machine components (isa95:EquipmentModule)"] += 1
                    components_of(part)

    for machine in sorted(children.get((MACHINES_FOLDER, ORGANIZES), ())):
        m = index.get(machine)
        if m is None or m.node_class != "Object" or machine in declarations:
            continue
        typed(machine, "WorkUnit")
        counts["machines (isa95:WorkUnit)"] += 1
        components_of(machine)
    for (src, ref_type), targets in children.items():
        if ref_type != MADE_UP_OF_EQUIPMENT:
            continue
        for tgt in targets:
            if src in declarations or tgt in declarations:
                continue
            typed(src, "Equipment")
            typed(tgt, "Equipment")
            out[tgt].append(ox.Triple(node_iri(tgt), _PART_OF, node_iri(src)))
            counts["ISA-95 equipment links (isa95:partOf)"] += 1
    return out
