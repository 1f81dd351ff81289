"""Data sources in AAS submodels: IDTA 02008 Time Series Data segments and IDTA 02017 Asset
Interfaces Description property affordances.

Each becomes a ``map:DataSource`` with its own IRI (``<submodel>#<idShort path>``, since the
element itself is a blank node in the AAS RDF form and a mapping needs something to point
``map:usesDataFrom`` at), ``align:describedBy`` the element, ``map:dataSourceOf`` the shell's
asset when that is equipment, and where given ``align:endpoint`` (where the data is read) and
``align:unit``. Templates (kind Template) describe no data and are passed over.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import aas_core3_1.types as aas
import pyoxigraph as ox

from otmlops.importers.aas_rdf import RDF_TYPE, identifiable_iri, semantic_id
from otmlops.namespaces import MAP

ALIGN = "https://w3id.org/otmlops/alignment#"
TIME_SERIES = "https://admin-shell.io/idta/TimeSeries/"
#: LinkedSegment, InternalSegment, ExternalSegment (not the Segments collection itself)
_SEGMENT = re.compile(re.escape(TIME_SERIES) + r"Segments/\w+Segment/")
AID = "https://admin-shell.io/idta/AssetInterfacesDescription/"
_PROPERTY_DEFINITION = "/AssetInterfacesDescription/1/0/PropertyDefinition"
_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def _kids(obj: object) -> list[aas.SubmodelElement]:
    if isinstance(obj, aas.Submodel):
        return list(obj.submodel_elements or ())
    if isinstance(obj, aas.SubmodelElementCollection | aas.SubmodelElementList):
        return list(obj.value or ())
    if isinstance(obj, aas.Entity):
        return list(obj.statements or ())
    return []


def _walk(
    obj: object, path: tuple[str, ...] = ()
) -> Iterator[tuple[aas.SubmodelElement, tuple[str, ...]]]:
    for i, child in enumerate(_kids(obj)):
        here = (*path, child.id_short or str(i))
        yield child, here
        yield from _walk(child, here)


def _value(obj: object, semantic_suffix: str) -> str | None:
    for child in _kids(obj):
        if isinstance(child, aas.Property) and semantic_id(child).endswith(semantic_suffix):
            return child.value
    return None


def source_iri(submodel: ox.NamedNode, path: tuple[str, ...]) -> ox.NamedNode:
    sep = "-" if "#" in submodel.value else "#"
    return ox.NamedNode(submodel.value + sep + ".".join(path))


def source_triples(
    sm: aas.Submodel,
    base: str,
    nodes: dict[int, ox.NamedNode | ox.BlankNode],
    counts: dict[str, int],
    equipment: ox.NamedNode | None,
) -> Iterator[ox.Triple]:
    sid = semantic_id(sm)
    if sm.kind == aas.ModellingKind.TEMPLATE or not sid.startswith((TIME_SERIES, AID)):
        return
    submodel = identifiable_iri(sm.id, base)
    for element, path in _walk(sm):
        esid = semantic_id(element)
        endpoint = unit = None
        if sid.startswith(TIME_SERIES) and _SEGMENT.match(esid):
            kind = "time series segments"
            endpoint = _value(element, "/Endpoint/1/1")
        elif sid.startswith(AID) and esid.endswith(_PROPERTY_DEFINITION):
            kind = "interface properties (Asset Interfaces Description)"
            unit = _value(element, "schema.org/unitCode")
            endpoint = _interface_base(sm, path)
        else:
            continue
        node = source_iri(submodel, path)
        counts[f"data sources (map:DataSource): {kind}"] += 1
        yield ox.Triple(node, RDF_TYPE, ox.NamedNode(str(MAP.DataSource)))
        yield ox.Triple(node, _LABEL, ox.Literal(" / ".join(path)))
        if id(element) in nodes:
            yield ox.Triple(node, ox.NamedNode(ALIGN + "describedBy"), nodes[id(element)])
        if equipment is not None:
            yield ox.Triple(node, ox.NamedNode(str(MAP.dataSourceOf)), equipment)
        if endpoint:
            yield ox.Triple(node, ox.NamedNode(ALIGN + "endpoint"), ox.Literal(endpoint))
        if unit:
            yield ox.Triple(node, ox.NamedNode(ALIGN + "unit"), ox.Literal(unit))


def _interface_base(sm: aas.Submodel, path: tuple[str, ...]) -> str | None:
    """The ``base`` URI of the EndpointMetadata of the interface the property belongs to."""
    interface = next((e for e in _kids(sm) if e.id_short == path[0]), None)
    metadata = next((e for e in _kids(interface) if e.id_short == "EndpointMetadata"), None)
    return _value(metadata, "td#baseURI") if metadata is not None else None
