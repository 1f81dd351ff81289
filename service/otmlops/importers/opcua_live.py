"""``import opcua --endpoint``: read the address space of a running OPC UA server.

The server is browsed from the Root folder along every forward reference (batched Browse and
Read service calls through asyncua's client), and its nodes are turned into the same plain data
as a parsed NodeSet2 file (``opcua_nodeset.NodeSet``), so the RDF form, the node IRIs (namespace
URI + NodeId) and the bridge rules are exactly those of a file import. Values are rebuilt as
NodeSet2-style XML elements, so engineering units and ranges decode the same way.

asyncua is imported inside the functions: it is only needed when a server is read.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from pathlib import Path
from typing import Any

from lxml import etree

from otmlops.errors import InputError, UsageError
from otmlops.importers.opcua_nodeset import Node, NodeKey, NodeSet, Reference

_BATCH = 100  # asyncua's server drops the connection on much larger requests
_SCALAR_TYPES = {
    "Boolean",
    "String",
    "DateTime",
    "Double",
    "Float",
    "SByte",
    "Byte",
    "Int16",
    "UInt16",
    "Int32",
    "UInt32",
    "Int64",
    "UInt64",
    "Guid",
    "ByteString",
}


def read_server(
    endpoint: str,
    *,
    user: str | None = None,
    password: str | None = None,
    security: str | None = None,
    timeout: float = 30.0,
) -> NodeSet:
    """The server's address space as a ``NodeSet`` (``path`` is the endpoint)."""
    if not endpoint.startswith("opc.tcp://"):
        raise UsageError(f"not an OPC UA endpoint: {endpoint!r} (expected opc.tcp://HOST:PORT)")
    logging.getLogger("asyncua").setLevel(logging.ERROR)  # its warnings are not the user's
    try:
        return asyncio.run(_read(endpoint, user, password, security, timeout))
    except (InputError, UsageError):
        raise
    except (OSError, TimeoutError) as exc:
        raise InputError(
            f"cannot read the OPC UA server: {exc or type(exc).__name__}", source=endpoint
        ) from exc
    except Exception as exc:  # asyncua reports service faults (bad user, bad security) so
        raise InputError(f"the OPC UA server refused the request: {exc}", source=endpoint) from exc


async def _read(
    endpoint: str, user: str | None, password: str | None, security: str | None, timeout: float
) -> NodeSet:
    from asyncua import Client

    client = Client(endpoint, timeout=timeout)
    if user:
        client.set_user(user)
        client.set_password(password or "")
    if security:
        try:
            await client.set_security_string(security)
        except Exception as exc:
            raise UsageError(
                f"bad --security {security!r}: {exc}. Expected "
                "POLICY,MODE,CERTIFICATE,PRIVATE_KEY, e.g. "
                "Basic256Sha256,SignAndEncrypt,cert.der,key.pem"
            ) from exc
    async with client:
        namespaces = list(await client.get_namespace_array())
        return NodeSet(
            path=Path(endpoint),
            namespaces=namespaces,
            models=[],
            nodes=await _nodes(client, namespaces),
        )


def _key(nid: Any, namespaces: list[str]) -> NodeKey:
    from asyncua import ua

    uri = (
        namespaces[nid.NamespaceIndex]
        if nid.NamespaceIndex < len(namespaces)
        else f"urn:otmlops:opcua:ns{nid.NamespaceIndex}"
    )
    kind = nid.NodeIdType
    if kind in (ua.NodeIdType.TwoByte, ua.NodeIdType.FourByte, ua.NodeIdType.Numeric):
        return uri, f"i={nid.Identifier}"
    if kind == ua.NodeIdType.String:
        return uri, f"s={nid.Identifier}"
    if kind == ua.NodeIdType.Guid:
        return uri, f"g={nid.Identifier}"
    return uri, "b=" + base64.b64encode(nid.Identifier).decode()


async def _nodes(client: Any, namespaces: list[str]) -> list[Node]:
    from asyncua import ua

    root = ua.NodeId(ua.Int32(ua.ObjectIds.RootFolder), ua.Int16(0))
    seen = {root}
    queue = [root]
    refs: dict[Any, list[Any]] = {}
    classes: dict[Any, Any] = {}  # node -> its NodeClass, as the browse results name it
    while queue:
        batch, queue = queue[:_BATCH], queue[_BATCH:]
        params = ua.BrowseParameters()
        params.RequestedMaxReferencesPerNode = 0
        params.NodesToBrowse = [
            ua.BrowseDescription(
                NodeId=n,
                BrowseDirection=ua.BrowseDirection.Forward,
                # No reference type means every reference (OPC UA Part 4, Browse); naming
                # References with its subtypes asks the same, but servers such as asyncua's then
                # walk the reference type tree again for each reference they return.
                ReferenceTypeId=ua.NodeId(),
                IncludeSubtypes=True,
                NodeClassMask=0,
                ResultMask=ua.BrowseResultMask.All,
            )
            for n in batch
        ]
        for nid, result in zip(batch, await client.uaclient.browse(params), strict=True):
            found = list(result.References or ())
            point = result.ContinuationPoint
            while point:
                more = ua.BrowseNextParameters()
                more.ContinuationPoints = [point]
                nxt = (await client.uaclient.browse_next(more))[0]
                found.extend(nxt.References or ())
                point = nxt.ContinuationPoint
            refs[nid] = found
            for ref in found:
                target = ref.NodeId
                if not getattr(target, "ServerIndex", 0) and not getattr(
                    target, "NamespaceUri", None
                ):
                    plain = ua.NodeId(target.Identifier, target.NamespaceIndex, target.NodeIdType)
                    classes.setdefault(plain, ref.NodeClass)
                    if plain not in seen:
                        seen.add(plain)
                        queue.append(plain)
    ids = list(refs)
    wanted = [_attributes(classes.get(n)) for n in ids]
    pairs = [(n, a) for n, attrs in zip(ids, wanted, strict=True) for a in attrs]
    values: list[Any] = []
    for start in range(0, len(pairs), _BATCH):
        read = ua.ReadParameters()
        read.NodesToRead = [
            ua.ReadValueId(NodeId=n, AttributeId=a) for n, a in pairs[start : start + _BATCH]
        ]
        values.extend(await client.uaclient.read(read))
    nodes = []
    start = 0
    for nid, attrs in zip(ids, wanted, strict=True):
        got = dict(zip(attrs, values[start : start + len(attrs)], strict=True))
        start += len(attrs)
        node = _node(nid, got, refs[nid], namespaces)
        if node is not None:
            nodes.append(node)
    return nodes


def _attributes(node_class: Any) -> list[Any]:
    """The attributes to read of a node of this class, as the browse result named it: those the
    class has (OPC UA Part 3) among those the import uses. A read of any other would only come
    back Bad; skipping them makes an import about a third faster. A class not named (None, or
    0 from a server that leaves it Unspecified) or not known reads them all."""
    from asyncua import ua

    attrs = [
        ua.AttributeIds.NodeClass,
        ua.AttributeIds.BrowseName,
        ua.AttributeIds.DisplayName,
        ua.AttributeIds.Description,
    ]
    variable = [ua.AttributeIds.Value, ua.AttributeIds.DataType, ua.AttributeIds.ValueRank]
    type_ = [ua.AttributeIds.IsAbstract]
    reference = [ua.AttributeIds.Symmetric, ua.AttributeIds.InverseName]
    everything = attrs + variable + type_ + reference
    try:
        kind = ua.NodeClass(node_class)
    except ValueError:
        return everything
    if kind == ua.NodeClass.Unspecified:
        return everything
    if kind == ua.NodeClass.Variable:
        return attrs + variable
    if kind == ua.NodeClass.VariableType:
        return attrs + variable + type_
    if kind in (ua.NodeClass.ObjectType, ua.NodeClass.DataType):
        return attrs + type_
    if kind == ua.NodeClass.ReferenceType:
        return attrs + type_ + reference
    return attrs  # Object, Method, View


def _ok(dv: Any) -> Any:
    """The value read, or None (not read, or read Bad)."""
    if dv is None or not dv.StatusCode.is_good() or dv.Value is None:
        return None
    return dv.Value.Value


def _node(nid: Any, got: dict[Any, Any], refs: list[Any], namespaces: list[str]) -> Node | None:
    from asyncua import ua

    node_class = _ok(got.get(ua.AttributeIds.NodeClass))
    browse = _ok(got.get(ua.AttributeIds.BrowseName))
    if node_class is None or browse is None:
        return None
    node = Node(
        node_class=ua.NodeClass(node_class).name,
        key=_key(nid, namespaces),
        browse_name=browse.Name or "",
        browse_namespace=namespaces[browse.NamespaceIndex]
        if browse.NamespaceIndex < len(namespaces)
        else "",
        line=0,
    )
    for attr, target in (
        (ua.AttributeIds.DisplayName, node.display_names),
        (ua.AttributeIds.Description, node.descriptions),
    ):
        text = _ok(got.get(attr))
        if text is not None and text.Text is not None:
            target.append((text.Text, text.Locale or None))
    data_type = _ok(got.get(ua.AttributeIds.DataType))
    if data_type is not None:
        uri, ident = _key(data_type, namespaces)
        node.attributes["DataType"] = f"{uri}\x00{ident}"
    for attr, name in (
        (ua.AttributeIds.ValueRank, "ValueRank"),
        (ua.AttributeIds.IsAbstract, "IsAbstract"),
        (ua.AttributeIds.Symmetric, "Symmetric"),
    ):
        value = _ok(got.get(attr))
        if value is not None:
            node.attributes[name] = str(value).lower() if isinstance(value, bool) else str(value)
    inverse = _ok(got.get(ua.AttributeIds.InverseName))
    if inverse is not None and inverse.Text:
        node.inverse_name = inverse.Text
    if node.node_class in ("Variable", "VariableType"):
        node.value = _value_element(got.get(ua.AttributeIds.Value))
    for ref in refs:
        target = ref.NodeId
        plain = ua.NodeId(target.Identifier, target.NamespaceIndex, target.NodeIdType)
        node.references.append(
            Reference(
                type=_key(ref.ReferenceTypeId, namespaces),
                target=_key(plain, namespaces),
                forward=bool(ref.IsForward),
            )
        )
    return node


def _value_element(dv: Any) -> etree._Element | None:
    """The value as a NodeSet2 ``<Value>`` element (scalars, localized text, EUInformation and
    Range); None for anything else."""
    from asyncua import ua

    if dv is None or not dv.StatusCode.is_good() or dv.Value is None or dv.Value.Value is None:
        return None
    value, kind = dv.Value.Value, dv.Value.VariantType.name
    root = etree.Element("Value")
    if isinstance(value, list):
        return None
    if kind in _SCALAR_TYPES:
        el = etree.SubElement(root, kind)
        if isinstance(value, bool):
            el.text = "true" if value else "false"
        elif isinstance(value, bytes):
            el.text = base64.b64encode(value).decode()
        elif hasattr(value, "isoformat"):
            el.text = value.isoformat()
        else:
            el.text = str(value)
        return root
    if isinstance(value, ua.LocalizedText):
        el = etree.SubElement(root, "LocalizedText")
        etree.SubElement(el, "Locale").text = value.Locale or ""
        etree.SubElement(el, "Text").text = value.Text or ""
        return root
    body = etree.SubElement(etree.SubElement(root, "ExtensionObject"), "Body")
    if isinstance(value, ua.EUInformation):
        info = etree.SubElement(body, "EUInformation")
        etree.SubElement(info, "NamespaceUri").text = value.NamespaceUri or ""
        etree.SubElement(info, "UnitId").text = str(value.UnitId)
        name = etree.SubElement(info, "DisplayName")
        etree.SubElement(name, "Text").text = value.DisplayName.Text or ""
        return root
    if isinstance(value, ua.Range):
        rng = etree.SubElement(body, "Range")
        etree.SubElement(rng, "Low").text = repr(float(value.Low))
        etree.SubElement(rng, "High").text = repr(float(value.High))
        return root
    return None
