"""``import opcua``: NodeSet2 files to RDF in one named graph (or one graph per file).

All files are parsed and their RequiredModel entries checked before anything is converted, so a
missing or too old dependency fails the whole import with nothing stored. By default everything
goes into one graph, named after the model being imported (the first file that no other given
file requires), so the import is one atomic load; ``per_file`` gives each file its own graph.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from otmlops.errors import UsageError
from otmlops.importers.opcua_bridge import bridge_triples
from otmlops.importers.opcua_models import resolve_models
from otmlops.importers.opcua_nodeset import Node, NodeKey, NodeSet, parse_nodeset
from otmlops.importers.opcua_rdf import nodeset_triples
from otmlops.importers.opcua_rules import Rules, load_rules
from otmlops.importers.report import GraphPayload, ImportResult


def import_opcua(
    paths: list[Path],
    *,
    graph: str | None = None,
    per_file: bool = False,
    bridge: bool = True,
    rules: list[Path] | None = None,
) -> ImportResult:
    """Convert ``paths``; nothing is stored here (see ``report.store_result``)."""
    if graph is not None and per_file:
        raise UsageError("give either --graph or --graph-per-file, not both")
    if not paths:
        raise UsageError("give at least one NodeSet2 file")
    loaded = load_rules(rules) if bridge else None
    return import_nodesets(
        [parse_nodeset(p) for p in paths], graph=graph, per_file=per_file, rules=loaded
    )


def import_server(
    endpoint: str,
    *,
    graph: str | None = None,
    bridge: bool = True,
    rules: list[Path] | None = None,
    user: str | None = None,
    password: str | None = None,
    security: str | None = None,
) -> ImportResult:
    """Browse a running OPC UA server and convert its address space like a file; the graph
    defaults to the endpoint URL."""
    from otmlops.importers.opcua_live import read_server

    loaded = load_rules(rules) if bridge else None
    space = read_server(endpoint, user=user, password=password, security=security)
    result = import_nodesets([space], graph=graph or endpoint, rules=loaded, check_models=False)
    for payload in result.payloads:
        payload.source = endpoint
    result.counts["nodes read from the server"] = len(space.nodes)
    return result


def import_nodesets(
    nodesets: list[NodeSet],
    *,
    graph: str | None = None,
    per_file: bool = False,
    rules: Rules | None = None,
    check_models: bool = True,
) -> ImportResult:
    """Convert nodesets parsed already (the field test parses each file once); ``rules`` None
    writes the model only, without bridging triples."""
    result = ImportResult(kind="opcua")
    if check_models:
        result.warnings.extend(resolve_models(nodesets))
    index: dict[NodeKey, Node] = {}
    owner: dict[NodeKey, int] = {}
    for i, ns in enumerate(nodesets):
        for node in ns.nodes:
            if node.key in index:
                result.skip(
                    f"{ns.path.name}:{node.line} {node.key[1]}",
                    "node defined again in a later file (first definition kept)",
                )
                continue
            index[node.key] = node
            owner[node.key] = i
    if graph is None and not per_file:
        graph = top_model_file(nodesets).resolve().as_uri()
    payloads = [
        GraphPayload(
            graph=graph or ns.path.resolve().as_uri(),
            source=str(ns.path),
            triples=nodeset_triples(ns, index, result),
        )
        for ns in nodesets
    ]
    if rules is not None:
        counts: Counter[str] = Counter()
        for key, triples in bridge_triples(index, rules, counts, result.skipped).items():
            if key in owner:
                payloads[owner[key]].triples.extend(triples)
        result.counts.update(counts)
    result.counts["models"] = sum(len(ns.models) for ns in nodesets)
    result.payloads.extend(payloads)
    return result


def top_model_file(nodesets: list[NodeSet]) -> Path:
    """The first file whose models no other given file requires: the model being imported."""
    required = {req.uri for ns in nodesets for m in ns.models for req in m.required}
    for ns in nodesets:
        if not any(m.uri in required for m in ns.models):
            return ns.path
    return nodesets[0].path
