"""Parse an OPC UA NodeSet2 XML file into plain data (nodes, references, models).

Only what the RDF needs is kept; NodeIds stay as (namespace URI, identifier) pairs so nodes from
different files meet on the same IRIs. Errors name the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from otmlops.errors import InputError

UA_NS = "http://opcfoundation.org/UA/"
_XSD_NS = "{http://opcfoundation.org/UA/2011/03/UANodeSet.xsd}"
_NODE_ID = re.compile(r"^(?:ns=(\d+);|nsu=([^;]+);)?([isgb]=.*)$", re.S)
_BROWSE_NAME = re.compile(r"^(?:(\d+):)?(.*)$", re.S)

#: A node is named by (namespace URI, identifier such as "i=5003").
NodeKey = tuple[str, str]


@dataclass(frozen=True)
class ModelInfo:
    uri: str
    version: str | None
    publication_date: str | None


@dataclass(frozen=True)
class Model(ModelInfo):
    required: list[ModelInfo] = field(default_factory=list)


@dataclass
class Reference:
    type: NodeKey
    target: NodeKey
    forward: bool


@dataclass
class Node:
    node_class: str  # "Object", "Variable", "ObjectType", ... (the element name without "UA")
    key: NodeKey
    browse_name: str
    browse_namespace: str
    line: int
    display_names: list[tuple[str, str | None]] = field(default_factory=list)
    descriptions: list[tuple[str, str | None]] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)
    inverse_name: str | None = None
    references: list[Reference] = field(default_factory=list)
    value: etree._Element | None = None


@dataclass
class NodeSet:
    path: Path
    namespaces: list[str]  # index -> URI; index 0 is the core namespace
    models: list[Model]
    nodes: list[Node]


def parse_nodeset(path: Path) -> NodeSet:
    source = str(path)
    try:
        tree = etree.parse(
            str(path), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        )
    except OSError as exc:
        raise InputError(f"cannot read file: {exc}", source=source) from exc
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        message = re.sub(r", line \d+, column \d+$", "", exc.msg)
        raise InputError(
            f"invalid XML: {message}", source=source, line=line, column=column
        ) from exc
    root = tree.getroot()
    if etree.QName(root).localname != "UANodeSet":
        raise InputError(
            f"not an OPC UA NodeSet2 file (root element is "
            f"<{etree.QName(root).localname}>, expected <UANodeSet>)",
            source=source,
            line=root.sourceline,
        )
    namespaces = [UA_NS] + [(u.text or "").strip() for u in _children(root, "NamespaceUris", "Uri")]
    aliases = {
        alias: (a.text or "").strip()
        for a in _children(root, "Aliases", "Alias")
        if (alias := a.get("Alias")) is not None
    }
    models = [_model(m) for m in _children(root, "Models", "Model")]
    ids = _IdResolver(namespaces, aliases, source)
    nodes = [
        _node(el, ids)
        for el in root
        if isinstance(el.tag, str) and el.tag.startswith(_XSD_NS + "UA")
    ]
    return NodeSet(path=path, namespaces=namespaces, models=models, nodes=nodes)


def _children(root: etree._Element, group: str, item: str) -> list[etree._Element]:
    holder = root.find(_XSD_NS + group)
    return [] if holder is None else holder.findall(_XSD_NS + item)


def _model(el: etree._Element) -> Model:
    model = Model(
        uri=el.get("ModelUri", ""),
        version=el.get("Version"),
        publication_date=el.get("PublicationDate"),
    )
    for req in el.findall(_XSD_NS + "RequiredModel"):
        model.required.append(
            ModelInfo(
                uri=req.get("ModelUri", ""),
                version=req.get("Version"),
                publication_date=req.get("PublicationDate"),
            )
        )
    return model


class _IdResolver:
    """NodeId strings and aliases of one file to ``NodeKey``s."""

    def __init__(self, namespaces: list[str], aliases: dict[str, str], source: str) -> None:
        self.namespaces = namespaces
        self.aliases = aliases
        self.source = source

    def key(self, text: str | None, line: int | None) -> NodeKey:
        text = (text or "").strip()
        text = self.aliases.get(text, text)
        m = _NODE_ID.match(text)
        if not m:
            raise InputError(f"malformed NodeId {text!r}", source=self.source, line=line)
        index, uri, identifier = m.groups()
        if uri is not None:
            return uri, identifier
        return self.namespace(int(index or 0), line), identifier

    def namespace(self, index: int, line: int | None) -> str:
        if index >= len(self.namespaces):
            raise InputError(
                f"namespace index {index} is not declared in <NamespaceUris>",
                source=self.source,
                line=line,
            )
        return self.namespaces[index]


def _node(el: etree._Element, ids: _IdResolver) -> Node:
    line = el.sourceline
    bm = _BROWSE_NAME.match(el.get("BrowseName", ""))
    assert bm is not None  # the pattern matches any string
    node = Node(
        node_class=etree.QName(el).localname[2:],
        key=ids.key(el.get("NodeId"), line),
        browse_name=bm.group(2),
        browse_namespace=ids.namespace(int(bm.group(1) or 0), line),
        line=line or 0,
    )
    for name in ("IsAbstract", "Symmetric", "DataType", "ValueRank", "SymbolicName"):
        value = el.get(name)
        if value is not None:
            node.attributes[name] = value
    if "DataType" in node.attributes:
        data_type = ids.key(node.attributes["DataType"], line)
        node.attributes["DataType"] = f"{data_type[0]}\x00{data_type[1]}"
    for child in el:
        if not isinstance(child.tag, str):
            continue
        local = etree.QName(child).localname
        if local == "DisplayName":
            node.display_names.append((child.text or "", child.get("Locale")))
        elif local == "Description":
            node.descriptions.append((child.text or "", child.get("Locale")))
        elif local == "InverseName":
            node.inverse_name = child.text or ""
        elif local == "Value":
            node.value = child
        elif local == "References":
            for ref in child.findall(_XSD_NS + "Reference"):
                node.references.append(
                    Reference(
                        type=ids.key(ref.get("ReferenceType"), ref.sourceline),
                        target=ids.key(ref.text, ref.sourceline),
                        forward=ref.get("IsForward", "true").lower() != "false",
                    )
                )
    return node
