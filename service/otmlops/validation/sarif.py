"""A validation report as SARIF 2.1.0, the format code-scanning views read (``validate --format
sarif``).

One run; the tool's rules are the shapes that fired (id = the shape's local name, short
description = its sh:name or label, help = its sh:description); each result has the level from
its severity (Violation -> error, Warning -> warning, Info -> note), the message, and the file
(relative to the working directory when it lies under it) and line where the focus node is
described. Findings about a plant graph from the store have no file: their location is a
logical one naming the graph.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from rdflib import RDFS, Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from otmlops import __version__
from otmlops.validation.report import Location, Report, _node_key

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {str(SH.Violation): "error", str(SH.Warning): "warning", str(SH.Info): "note"}


def _rule_id(shape: Node) -> str:
    text = str(shape)
    return text.rsplit("#", 1)[-1] if isinstance(shape, URIRef) and "#" in text else text


def _rule(shape: Node, shapes: Graph | None) -> dict[str, object]:
    rule: dict[str, object] = {"id": _rule_id(shape)}
    if isinstance(shape, URIRef):
        rule["helpUri"] = str(shape)
    if shapes is None:
        return rule
    name = shapes.value(shape, SH.name) or shapes.value(shape, RDFS.label)
    description = shapes.value(shape, SH.description)
    if name is not None:
        rule["shortDescription"] = {"text": str(name)}
    if description is not None:
        rule["fullDescription"] = {"text": str(description)}
        rule["help"] = {"text": str(description)}
    return rule


def _uri(source: str) -> str:
    """A path relative to the working directory (forward slashes) when the file lies under it."""
    try:
        rel = os.path.relpath(Path(source).resolve(), Path.cwd())
    except ValueError:  # another drive on Windows
        return Path(source).resolve().as_uri()
    if rel.startswith(".."):
        return Path(source).resolve().as_uri()
    return Path(rel).as_posix()


def _location(where: Location | None, focus: str) -> dict[str, object]:
    names = [{"fullyQualifiedName": focus, "kind": "resource"}]
    if where is None or where.graph or where.source.startswith("<"):
        if where is not None and where.graph:
            names.append({"fullyQualifiedName": where.source, "kind": "namespace"})
        return {"logicalLocations": names}
    physical: dict[str, object] = {"artifactLocation": {"uri": _uri(where.source)}}
    if where.line is not None:
        physical["region"] = {"startLine": where.line}
    return {"physicalLocation": physical, "logicalLocations": names}


def to_sarif(report: Report) -> dict[str, object]:
    """The report as a SARIF 2.1.0 log (a JSON-ready dict)."""
    shapes = report.shapes_graph
    rules: dict[str, dict[str, object]] = {}
    order: list[str] = []
    results = []
    for r in report.results:
        rid = _rule_id(r.source_shape)
        if rid not in rules:
            rules[rid] = _rule(r.source_shape, shapes)
            order.append(rid)
        key = _node_key(r.focus)
        where = report.locations.get(key)
        focus = str(r.focus)
        message = r.message or f"{rid} ({str(r.component).rsplit('#', 1)[-1]})"
        results.append(
            {
                "ruleId": rid,
                "ruleIndex": order.index(rid),
                "level": _LEVELS.get(str(r.severity), "warning"),
                "message": {"text": f"{focus}: {message}"},
                "locations": [_location(Location(*where) if where else None, focus)],
                "properties": {
                    "focusNode": focus,
                    "path": r.path,
                    "constraintComponent": str(r.component).rsplit("#", 1)[-1],
                    "severity": r.severity_name,
                },
            }
        )
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "otmlops",
                        "version": __version__,
                        "informationUri": "https://w3id.org/otmlops",
                        "rules": [rules[rid] for rid in order],
                    }
                },
                "results": results,
            }
        ],
    }


def to_sarif_json(report: Report) -> str:
    return json.dumps(to_sarif(report), indent=2, ensure_ascii=False) + "\n"
