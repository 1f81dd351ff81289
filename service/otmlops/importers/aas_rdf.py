"""AAS V3.1 objects (aas-core3.1) to RDF in the official AAS RDF form.

The form follows the IDTA RDF schema and its generated examples: an Identifiable is a named
node whose IRI is its ``id`` (kept relative, resolved against ``base``, when the id is not an
absolute IRI); every nested object is a blank node typed with its class; a property is
``aas:{DeclaringClass}/{camelCaseName}``; strings are ``xs:string`` literals, booleans
``xs:boolean``, bytes ``xs:base64Binary``; enum values are IRIs ``aas:{Enum}/{Literal}``.
The property and class names are derived from the SDK's own classes, so the converter stays
generic and follows the SDK when the metamodel changes.
"""

from __future__ import annotations

import base64
import enum
import inspect
import re
from collections.abc import Callable, Iterator
from functools import cache
from urllib.parse import quote

import aas_core3_1.types as aas
import pyoxigraph as ox

AAS_NS = "https://admin-shell.io/aas/3/1/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_XS_STRING = ox.NamedNode(XSD + "string")
_XS_BOOLEAN = ox.NamedNode(XSD + "boolean")
_XS_BASE64 = ox.NamedNode(XSD + "base64Binary")
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")


def rdf_class_name(python_name: str) -> str:
    """SDK class name to the RDF local name: acronyms become capitalised words
    (``DataSpecificationIEC61360`` -> ``DataSpecificationIec61360``, ``SpecificAssetID`` ->
    ``SpecificAssetId``, ``AASSubmodelElements`` -> ``AasSubmodelElements``)."""
    return re.sub(
        r"[A-Z]{2,}(?=[A-Z][a-z]|\d|$)",
        lambda m: m.group(0)[0] + m.group(0)[1:].lower(),
        python_name,
    )


def enum_iri(value: enum.Enum) -> ox.NamedNode:
    literal = "".join(part.capitalize() for part in value.name.split("_"))
    return ox.NamedNode(f"{AAS_NS}{rdf_class_name(type(value).__name__)}/{literal}")


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(p.capitalize() for p in rest)


@cache
def _properties(cls: type) -> tuple[tuple[str, ox.NamedNode], ...]:
    """(python attribute, RDF property) for every constructor argument of ``cls``, with the
    property named after the class that declares the attribute."""
    result = []
    for name in inspect.signature(cls).parameters:  # (the constructor's, without self)
        declaring = next(
            c for c in reversed(cls.__mro__) if name in c.__dict__.get("__annotations__", {})
        )
        iri = f"{AAS_NS}{rdf_class_name(declaring.__name__)}/{_camel(name)}"
        result.append((name, ox.NamedNode(iri)))
    return tuple(result)


def identifiable_iri(identifier: str, base: str) -> ox.NamedNode:
    """The node of an Identifiable: its id if that is an absolute IRI, else ``base`` + id."""
    if _ABSOLUTE_IRI.match(identifier):
        return ox.NamedNode(identifier)
    return ox.NamedNode(base + quote(identifier, safe="-._~!$&'()*+,;=:@/"))


class AasRdfWriter:
    """Collects triples for Identifiables; ``on_node`` sees each (node, SDK object) pair so
    callers (the bridge rules, the counters) can attach to blank nodes as they are made."""

    def __init__(
        self,
        base: str,
        on_node: Callable[[ox.NamedNode | ox.BlankNode, aas.Class], None] | None = None,
    ):
        self.base = base
        self.triples: list[ox.Triple] = []
        self._on_node = on_node

    def add_identifiable(self, obj: aas.Identifiable) -> ox.NamedNode:
        node = identifiable_iri(obj.id, self.base)
        self._describe(node, obj)
        return node

    def _describe(self, node: ox.NamedNode | ox.BlankNode, obj: aas.Class) -> None:
        add = self.triples.append
        add(ox.Triple(node, RDF_TYPE, ox.NamedNode(AAS_NS + rdf_class_name(type(obj).__name__))))
        if self._on_node is not None:
            self._on_node(node, obj)
        for attr, prop in _properties(type(obj)):
            for value in _values(getattr(obj, attr)):
                add(ox.Triple(node, prop, self._term(value)))

    def _term(self, value: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        if isinstance(value, aas.Class):
            child = ox.BlankNode()
            self._describe(child, value)
            return child
        if isinstance(value, enum.Enum):
            return enum_iri(value)
        if isinstance(value, bool):
            return ox.Literal("true" if value else "false", datatype=_XS_BOOLEAN)
        if isinstance(value, bytes | bytearray):
            return ox.Literal(base64.b64encode(value).decode("ascii"), datatype=_XS_BASE64)
        return ox.Literal(str(value), datatype=_XS_STRING)


def _values(value: object) -> Iterator[object]:
    if value is None:
        return
    if isinstance(value, list):
        yield from value
    else:
        yield value


def environment_triples(
    env: aas.Environment,
    base: str,
    on_node: Callable[[ox.NamedNode | ox.BlankNode, aas.Class], None] | None = None,
) -> list[ox.Triple]:
    """All shells, submodels and concept descriptions of ``env`` (the Environment itself has
    no node in the official form)."""
    writer = AasRdfWriter(base, on_node)
    for group in (env.asset_administration_shells, env.submodels, env.concept_descriptions):
        for identifiable in group or ():
            writer.add_identifiable(identifiable)
    return writer.triples


def semantic_id(obj: aas.HasSemantics) -> str:
    """The value of the first key of ``semanticId`` ('' if none): what importer rules match."""
    ref = obj.semantic_id
    return ref.keys[0].value if ref is not None and ref.keys else ""
