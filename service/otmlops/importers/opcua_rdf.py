"""NodeSet2 content to RDF (vocabulary: ontology/alignments/opcua.ttl, prefix ``ua:``).

- every node gets the IRI of the contract's OPC UA scheme (namespace URI + NodeId), a node class
  (``ua:Object``, ``ua:Variable``, ...), ``ua:nodeId``, ``ua:browseName``, ``ua:namespace``,
  ``rdfs:label`` from DisplayName and ``rdfs:comment`` from Description;
- a reference is a triple whose predicate is the ReferenceType node itself, written forward
  (inverse entries are turned round; duplicates collapse);
- HasTypeDefinition also gives ``rdf:type`` (not for instance declarations, the members of type
  definitions, which would otherwise count as instances: a placeholder ``<Component>`` is no
  equipment); HasSubtype gives ``rdfs:subClassOf`` between object,
  variable and data types and ``rdfs:subPropertyOf`` between reference types, so the store's RDFS
  closure makes "HasComponent is a HierarchicalReference" and "a machine is a BaseObjectType"
  queryable;
- scalar variable values become literals; arrays and structures are skipped and reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pyoxigraph as ox
from lxml import etree

from otmlops.importers.opcua_nodeset import UA_NS, Node, NodeKey, NodeSet
from otmlops.importers.report import ImportResult

UA = "https://w3id.org/otmlops/opcua#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
_TYPE = ox.NamedNode(RDF + "type")
_LABEL = ox.NamedNode(RDFS + "label")
_COMMENT = ox.NamedNode(RDFS + "comment")
_SUBCLASS = ox.NamedNode(RDFS + "subClassOf")
_SUBPROPERTY = ox.NamedNode(RDFS + "subPropertyOf")
HAS_TYPE_DEFINITION: NodeKey = (UA_NS, "i=40")
HAS_SUBTYPE: NodeKey = (UA_NS, "i=45")
HAS_MODELLING_RULE: NodeKey = (UA_NS, "i=37")
_TYPE_CLASSES = {"ObjectType", "VariableType", "DataType"}
#: scalar value element -> XSD datatype of the literal
_SCALARS = {
    "Boolean": "boolean",
    "String": "string",
    "DateTime": "dateTime",
    "Double": "double",
    "Float": "float",
    "SByte": "byte",
    "Byte": "unsignedByte",
    "Int16": "short",
    "UInt16": "unsignedShort",
    "Int32": "int",
    "UInt32": "unsignedInt",
    "Int64": "long",
    "UInt64": "unsignedLong",
    "Guid": "string",
    "ByteString": "base64Binary",
}


def namespace_base(uri: str) -> str:
    return uri if uri.endswith(("/", "#")) else uri + "/"


def node_iri(key: NodeKey) -> ox.NamedNode:
    """``ns=1;i=5003`` in ``http://opcfoundation.org/UA/Machinery_Example/`` ->
    ``http://opcfoundation.org/UA/Machinery_Example/i=5003`` (docs/vocabulary-contract.md)."""
    uri, identifier = key
    return ox.NamedNode(namespace_base(uri) + quote(identifier, safe="=;:@!$&'()*+,-._~"))


def _ua(name: str) -> ox.NamedNode:
    return ox.NamedNode(UA + name)


def language_tag(locale: str | None) -> str | None:
    """The BCP 47 tag for an OPC UA ``Locale`` ('en_US' -> 'en-US'), or None when there is none
    or it is not a valid tag (real files carry ``Locale="3"``)."""
    tag = (locale or "").strip().replace("_", "-")
    if not tag:
        return None
    try:
        ox.Literal("", language=tag)
    except ValueError:
        return None
    return tag


def _text(value: str, locale: str | None, bad: list[str] | None = None) -> ox.Literal:
    """A text with its locale as language tag; an invalid locale is dropped (and noted in
    ``bad``) rather than failing the import."""
    tag = language_tag(locale)
    if tag is None and locale and locale.strip() and bad is not None:
        bad.append(locale)
    return ox.Literal(value, language=tag) if tag else ox.Literal(value)


def nodeset_triples(
    ns: NodeSet, index: dict[NodeKey, Node], result: ImportResult
) -> list[ox.Triple]:
    """Triples for the nodes and models of one nodeset; ``index`` holds the nodes of all the
    nodesets of the import (to tell a reference type from an object type across files)."""
    out: set[ox.Triple] = set()
    add = out.add
    refs: set[tuple[NodeKey, NodeKey, NodeKey]] = set()
    bad_locales: list[str] = []
    for model in ns.models:
        m = ox.NamedNode(model.uri)
        add(ox.Triple(m, _TYPE, _ua("InformationModel")))
        if model.version:
            add(ox.Triple(m, _ua("version"), ox.Literal(model.version)))
        if model.publication_date:
            add(
                ox.Triple(
                    m,
                    _ua("publicationDate"),
                    ox.Literal(model.publication_date, datatype=ox.NamedNode(XSD + "dateTime")),
                )
            )
        for req in model.required:
            add(ox.Triple(m, _ua("requiresModel"), ox.NamedNode(req.uri)))
    for node in ns.nodes:
        s = node_iri(node.key)
        result.counts[f"{node.node_class} nodes"] += 1
        add(ox.Triple(s, _TYPE, _ua(node.node_class)))
        add(ox.Triple(s, _ua("nodeId"), ox.Literal(f"nsu={node.key[0]};{node.key[1]}")))
        add(ox.Triple(s, _ua("namespace"), ox.NamedNode(node.key[0])))
        add(ox.Triple(s, _ua("browseName"), ox.Literal(node.browse_name)))
        before = len(bad_locales)
        for text, locale in node.display_names:
            add(ox.Triple(s, _LABEL, _text(text, locale, bad_locales)))
        for text, locale in node.descriptions:
            add(ox.Triple(s, _COMMENT, _text(text, locale, bad_locales)))
        if node.node_class in _TYPE_CLASSES:
            add(ox.Triple(s, _TYPE, ox.NamedNode(RDFS + "Class")))
        elif node.node_class == "ReferenceType":
            add(ox.Triple(s, _TYPE, ox.NamedNode(RDF + "Property")))
        for triple in _attributes(s, node):
            add(triple)
        if node.value is not None:
            literal = _value(node.value, bad_locales)
            if literal is None:
                result.skip(
                    f"{where(ns, node)} value of {node.browse_name}",
                    "array or structured variable value (not converted)",
                )
            else:
                add(ox.Triple(s, _ua("value"), literal))
        for locale in bad_locales[before:]:
            result.skip(
                f"{where(ns, node)} Locale {locale!r} of {node.browse_name}",
                "locale that is not a BCP 47 language tag (text kept without it)",
            )
        for ref in node.references:
            src, tgt = (node.key, ref.target) if ref.forward else (ref.target, node.key)
            add(ox.Triple(node_iri(src), node_iri(ref.type), node_iri(tgt)))
            refs.add((src, ref.type, tgt))
            if ref.type == HAS_TYPE_DEFINITION and not is_declaration(index.get(src)):
                add(ox.Triple(node_iri(src), _TYPE, node_iri(tgt)))
            elif ref.type == HAS_SUBTYPE:
                sub = index.get(tgt)
                if sub is not None and sub.node_class in _TYPE_CLASSES:
                    add(ox.Triple(node_iri(tgt), _SUBCLASS, node_iri(src)))
                elif sub is not None and sub.node_class == "ReferenceType":
                    add(ox.Triple(node_iri(tgt), _SUBPROPERTY, node_iri(src)))
    result.counts["references"] += len(refs)
    return list(out)


def where(ns: NodeSet, node: Node) -> str:
    """``file:line`` for a node read from a file; the node's IRI for one read from a server."""
    return f"{ns.path.name}:{node.line}" if node.line else f"<{node_iri(node.key).value}>"


def is_declaration(node: Node | None) -> bool:
    """An instance declaration (a member of a type definition, with a modelling rule) describes
    what instances of the type have; it is not itself an instance of its type definition."""
    return node is not None and any(
        r.type == HAS_MODELLING_RULE and r.forward for r in node.references
    )


def _attributes(s: ox.NamedNode, node: Node) -> Iterator[ox.Triple]:
    attrs = node.attributes
    for name, prop in (("IsAbstract", "isAbstract"), ("Symmetric", "symmetric")):
        if name in attrs:
            yield ox.Triple(s, _ua(prop), ox.Literal(attrs[name].lower() == "true"))
    if "DataType" in attrs:
        uri, identifier = attrs["DataType"].split("\x00")
        yield ox.Triple(s, _ua("dataType"), node_iri((uri, identifier)))
    if "ValueRank" in attrs:
        yield ox.Triple(s, _ua("valueRank"), ox.Literal(int(attrs["ValueRank"])))
    if "SymbolicName" in attrs:
        yield ox.Triple(s, _ua("symbolicName"), ox.Literal(attrs["SymbolicName"]))
    if node.inverse_name is not None:
        yield ox.Triple(s, _ua("inverseName"), ox.Literal(node.inverse_name))


def _value(value: etree._Element, bad: list[str] | None = None) -> ox.Literal | None:
    items = [c for c in value if isinstance(c.tag, str)]
    if len(items) != 1:
        return None
    item = items[0]
    local = etree.QName(item).localname
    if local == "LocalizedText":
        text = locale = None
        for c in item:
            if isinstance(c.tag, str):
                if etree.QName(c).localname == "Text":
                    text = c.text or ""
                elif etree.QName(c).localname == "Locale":
                    locale = (c.text or "").strip() or None
        return None if text is None else _text(text, locale, bad)
    if local in _SCALARS:
        return ox.Literal((item.text or "").strip(), datatype=ox.NamedNode(XSD + _SCALARS[local]))
    return None
