"""The ISA-95 equipment classes and their allowed containment, read from the shipped ontology.

The bridge rules of both importers name classes by local name and must not write an
``isa95:partOf`` edge that the containment shapes would reject; both facts live in
``ontology/isa95.ttl`` (``rdfs:subClassOf``, ``isa95:mayBePartOf``), so they are read from
there, not repeated.
"""

from __future__ import annotations

from functools import cache

import pyoxigraph as ox

from otmlops.resources import ontology_dir

ISA95_NS = "https://w3id.org/otmlops/isa95#"
_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"


@cache
def _model() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(class -> its superclasses including itself, class -> classes it may be part of)."""
    supers: dict[str, set[str]] = {}
    may: dict[str, set[str]] = {}
    with open(ontology_dir() / "isa95.ttl", "rb") as f:
        for t in ox.parse(f, format=ox.RdfFormat.TURTLE):
            s, o = t.subject.value, t.object.value
            if not (s.startswith(ISA95_NS) and o.startswith(ISA95_NS)):
                continue
            if t.predicate.value == _SUBCLASS:
                supers.setdefault(s[len(ISA95_NS) :], set()).add(o[len(ISA95_NS) :])
            elif t.predicate.value == ISA95_NS + "mayBePartOf":
                may.setdefault(s[len(ISA95_NS) :], set()).add(o[len(ISA95_NS) :])
    closure: dict[str, set[str]] = {}

    def up(c: str) -> set[str]:
        if c not in closure:
            closure[c] = {c}
            for s in supers.get(c, ()):
                closure[c] |= up(s)
        return closure[c]

    for c in list(supers):
        up(c)
    equipment = {c for c, ups in closure.items() if "Equipment" in ups} | {"Equipment"}
    return {c: up(c) for c in equipment}, may


def equipment_classes() -> set[str]:
    """Local names of isa95:Equipment and its subclasses."""
    return set(_model()[0])


def may_be_part_of(child: str, parent: str) -> bool:
    """Whether ISA-95 allows a ``child`` directly inside a ``parent`` (inherited both ways), as
    the containment shape judges it: generic ``Equipment`` fits nowhere."""
    supers, may = _model()
    allowed = {p for c in supers.get(child, {child}) for p in may.get(c, ())}
    return bool(allowed & supers.get(parent, {parent}))
