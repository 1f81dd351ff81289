"""One machine, one node: identities that OPC UA and AAS models give the same asset.

An OPC UA machine names its asset by ``ProductInstanceUri`` and by manufacturer and serial
number (DI/Machinery Identification); its AAS names it by ``globalAssetId`` and by specific asset
ids. The importers run separately, so they cannot look each other up; instead both write their
facts onto *meeting IRIs* that depend only on the identity: the ``ProductInstanceUri`` /
``globalAssetId`` itself, and ``urn:otmlops:asset:<manufacturer>:<serial number>`` minted from
manufacturer and serial number. Each node is ``owl:sameAs`` its meeting IRIs, and its ISA-95
class, ``isa95:partOf`` edges and ``map:dataSourceOf`` links are repeated on them. Queries
follow ``owl:sameAs`` themselves (store/identity.py); the repetition lets validation, which reads
stated triples, see the models meet too.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

import pyoxigraph as ox

from otmlops.namespaces import ISA95, MAP

SAME_AS = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_MIRRORED = {str(ISA95.partOf), str(MAP.dataSourceOf)}


def serial_iri(manufacturer: str, serial: str) -> ox.NamedNode:
    """The meeting IRI for a manufacturer and serial number (case and surrounding space of the
    manufacturer name do not matter)."""
    return ox.NamedNode(
        "urn:otmlops:asset:"
        + quote(" ".join(manufacturer.split()).lower(), safe="")
        + ":"
        + quote(serial.strip(), safe="")
    )


def same_as(node: ox.NamedNode, others: Iterable[ox.NamedNode]) -> list[ox.Triple]:
    """``owl:sameAs`` from ``node`` to each of its meeting IRIs."""
    return [ox.Triple(node, SAME_AS, o) for o in sorted(set(others), key=str) if o != node]


def mirror(
    triples: Iterable[ox.Triple], ids: dict[ox.NamedNode, set[ox.NamedNode]]
) -> list[ox.Triple]:
    """The ISA-95 typing, partOf and dataSourceOf triples among ``triples`` repeated with the
    meeting IRIs of their nodes in their place (either end)."""
    out: list[ox.Triple] = []
    for t in triples:
        subject, obj = t.subject, t.object
        typed = (
            t.predicate.value == _RDF_TYPE
            and isinstance(obj, ox.NamedNode)
            and obj.value.startswith(str(ISA95))
        )
        if not (typed or t.predicate.value in _MIRRORED):
            continue
        subjects: set[ox.NamedNode | ox.BlankNode | ox.Triple] = {subject}
        if isinstance(subject, ox.NamedNode):
            subjects |= ids.get(subject, set())
        objects: set[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {obj}
        if isinstance(obj, ox.NamedNode) and not typed:
            objects |= ids.get(obj, set())
        for s in subjects:
            for o in objects:
                if (s, o) != (t.subject, t.object) and s != o:
                    out.append(ox.Triple(s, t.predicate, o))
    return out
