"""Validation results and the report users see (text, JSON, W3C sh:ValidationReport in Turtle).

A result's identity for comparing engines is (focus node, path, constraint component, severity):
the issue's yardstick for "same results as pySHACL".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH, XSD
from rdflib.term import Node

from otmlops.namespaces import PREFIXES

if TYPE_CHECKING:
    from otmlops.validation.fixes import Suggestion

SEVERITY_ORDER = {SH.Violation: 0, SH.Warning: 1, SH.Info: 2}


@dataclass(frozen=True)
class ValidationResult:
    focus: Node
    component: URIRef
    severity: URIRef
    source_shape: Node
    path: str | None = None  # SPARQL property path text, e.g. "<…#layer>" or "(^<…>)"
    path_node: Node | None = None  # the path as written in the shapes graph (for Turtle output)
    value: Node | None = None
    message: str | None = None
    source_constraint: Node | None = None

    @property
    def key(self) -> tuple[str, str | None, str, str]:
        return (_node_key(self.focus), self.path, str(self.component), str(self.severity))

    @property
    def severity_name(self) -> str:
        return str(self.severity).rsplit("#", 1)[-1]


#: A result's identity plus its value (``fixes.result_id``): what suggestions are filed under.
ResultId = tuple[str, str | None, str, str, str]


class Location(NamedTuple):
    """Where a focus node is described: a file (with its line when the syntax has lines) or,
    for a plant taken from the store, the graph's IRI."""

    source: str
    line: int | None = None
    graph: bool = False

    def text(self) -> str:
        if self.graph:
            return f"graph <{self.source}>"
        return f"{self.source}:{self.line}" if self.line is not None else self.source

    def fields(self) -> dict[str, object]:
        if self.graph:
            return {"graph": self.source}
        return {"file": self.source, "line": self.line}


@dataclass
class Report:
    """The outcome of one validation run."""

    results: list[ValidationResult]
    engine: str = "fast"
    #: focus node (N-Triples form) -> where it is described (see ``api.locations``)
    locations: dict[str, Location] = field(default_factory=dict)
    shapes_graph: Graph | None = None
    #: result identity (``fixes.result_id``) -> its suggested fixes (see validation/fixes.py)
    suggestions: dict[ResultId, list[Suggestion]] = field(default_factory=dict)

    def fixes_for(self, r: ValidationResult) -> list[Suggestion]:
        return self.suggestions.get((*r.key, _node_key(r.value)), [])

    def __post_init__(self) -> None:
        self.results = sorted(self.results, key=_sort_key)

    @property
    def conforms(self) -> bool:
        """W3C meaning: no result of any severity."""
        return not self.results

    @property
    def has_violations(self) -> bool:
        return any(r.severity == SH.Violation for r in self.results)

    def count(self, severity: URIRef) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    def keys(self) -> set[tuple[str, str | None, str, str]]:
        return {r.key for r in self.results}

    # -- outputs ---------------------------------------------------------------------------

    def to_graph(self) -> Graph:
        g = Graph()
        for prefix, ns in PREFIXES.items():
            g.bind(prefix, ns)
        g.bind("shp", "https://w3id.org/otmlops/shapes#")
        report = BNode()
        g.add((report, RDF.type, SH.ValidationReport))
        g.add((report, SH.conforms, Literal(self.conforms)))
        for r in self.results:
            node = BNode()
            g.add((report, SH.result, node))
            g.add((node, RDF.type, SH.ValidationResult))
            g.add((node, SH.focusNode, r.focus))
            g.add((node, SH.resultSeverity, r.severity))
            g.add((node, SH.sourceConstraintComponent, r.component))
            g.add((node, SH.sourceShape, r.source_shape))
            if r.path_node is not None:
                g.add((node, SH.resultPath, r.path_node))
                if self.shapes_graph is not None and isinstance(r.path_node, BNode):
                    _copy_path(self.shapes_graph, r.path_node, g)
            if r.value is not None:
                g.add((node, SH.value, r.value))
            if r.message:
                g.add((node, SH.resultMessage, Literal(r.message)))
            if r.source_constraint is not None:
                g.add((node, SH.sourceConstraint, r.source_constraint))
        return g

    def to_turtle(self) -> str:
        return self.to_graph().serialize(format="turtle")

    def to_dict(self) -> dict[str, object]:
        groups: dict[str, dict[str, object]] = {}
        entries: dict[str, list[dict[str, object]]] = {}
        for r in self.results:
            key = _node_key(r.focus)
            if key not in groups:
                group = groups[key] = {"focusNode": _plain(r.focus)}
                where = self.locations.get(key)
                if where:
                    group.update(where.fields())
                group["results"] = entries[key] = []
            entries[key].append(
                {
                    "severity": r.severity_name,
                    "path": r.path,
                    "value": _plain(r.value) if r.value is not None else None,
                    "message": r.message,
                    "sourceShape": _plain(r.source_shape),
                    "constraintComponent": str(r.component).rsplit("#", 1)[-1],
                    "suggestions": [f.to_dict() for f in self.fixes_for(r)],
                }
            )
        return {
            "conforms": self.conforms,
            "violations": self.count(SH.Violation),
            "warnings": self.count(SH.Warning),
            "infos": self.count(SH.Info),
            "engine": self.engine,
            "focusNodes": list(groups.values()),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_text(self) -> str:
        if not self.results:
            return "Conforms: no violations, warnings or advice.\n"
        lines: list[str] = []
        current = None
        for r in sorted(self.results, key=lambda r: (_node_key(r.focus), _sort_key(r))):
            key = _node_key(r.focus)
            if key != current:
                current = key
                where = self.locations.get(key)
                loc = f"  ({Location(*where).text()})" if where else ""
                lines.append(f"{_short(r.focus)}{loc}")
            path = f" {_short_path(r.path)}" if r.path else ""
            value = f" = {_short(r.value)}" if r.value is not None else ""
            lines.append(f"  {r.severity_name.upper()}{path}{value}: {r.message or ''}".rstrip())
            lines.append(f"    [{_short(r.source_shape)}, {str(r.component).rsplit('#', 1)[-1]}]")
            for f in self.fixes_for(r):
                at = f" (line {f.line})" if f.line is not None else ""
                sure = "  [otmlops fix]" if f.unambiguous else ""
                word = "fix" if f.remove or f.add else "note"
                lines.append(f"    {word}{at}: {f.message}{sure}")
        v, w, i = self.count(SH.Violation), self.count(SH.Warning), self.count(SH.Info)
        verdict = "Does not conform" if v else "Conforms (no violations)"
        lines.append(f"\n{verdict}: {v} violation(s), {w} warning(s), {i} info(s).")
        return "\n".join(lines) + "\n"


def results_from_report_graph(graph: Graph) -> list[ValidationResult]:
    """Read the results of a W3C validation report graph (e.g. pySHACL's)."""
    from otmlops.validation.paths import UnsupportedPath, path_to_sparql

    out: list[ValidationResult] = []
    # Only top-level results: nested ones (sh:detail) explain a parent result.
    nodes = set(graph.objects(None, SH.result)) or set(
        graph.subjects(RDF.type, SH.ValidationResult)
    )
    for node in nodes:
        path_node = graph.value(node, SH.resultPath)
        path = None
        if path_node is not None:
            try:
                path = path_to_sparql(graph, path_node)
            except UnsupportedPath:
                path = str(path_node)
        message = graph.value(node, SH.resultMessage)
        out.append(
            ValidationResult(
                focus=_required(graph, node, SH.focusNode),
                component=_required_iri(graph, node, SH.sourceConstraintComponent),
                severity=_required_iri(graph, node, SH.resultSeverity),
                source_shape=_required(graph, node, SH.sourceShape),
                path=path,
                path_node=path_node,
                value=graph.value(node, SH.value),
                message=str(message) if message is not None else None,
                source_constraint=graph.value(node, SH.sourceConstraint),
            )
        )
    return out


def _required(graph: Graph, result: Node, prop: URIRef) -> Node:
    """A value every sh:ValidationResult has (SHACL 3.6.1); a report without it is broken."""
    value = graph.value(result, prop)
    if value is None:
        raise ValueError(f"validation result {result.n3()} has no {prop.n3()}")
    return value


def _required_iri(graph: Graph, result: Node, prop: URIRef) -> URIRef:
    value = _required(graph, result, prop)
    if not isinstance(value, URIRef):
        raise ValueError(f"validation result {result.n3()}: {prop.n3()} is not an IRI")
    return value


def _copy_path(source: Graph, node: Node, target: Graph, seen: set[Node] | None = None) -> None:
    seen = seen if seen is not None else set()
    if node in seen or not isinstance(node, BNode):
        return
    seen.add(node)
    for p, o in source.predicate_objects(node):
        target.add((node, p, o))
        _copy_path(source, o, target, seen)


def _node_key(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, BNode):
        return f"_:{node}"
    return node.n3()


def _plain(node: Node) -> str | dict[str, str]:
    if isinstance(node, URIRef):
        return str(node)
    if isinstance(node, BNode):
        return f"_:{node}"
    assert isinstance(node, Literal)
    out = {"literal": str(node)}
    if node.language:
        out["language"] = node.language
    elif node.datatype is not None and node.datatype != XSD.string:
        out["datatype"] = str(node.datatype)
    return out


_SHORT = {ns: p for p, ns in PREFIXES.items()}
_SHORT["https://w3id.org/otmlops/shapes#"] = "shp"


def _short(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        text = str(node)
        for ns, p in _SHORT.items():
            if text.startswith(ns) and len(text) > len(ns):
                return f"{p}:{text[len(ns) :]}"
        return f"<{text}>"
    if isinstance(node, BNode):
        return f"_:{node}"
    return node.n3()


def _short_path(path: str) -> str:
    return re.sub(r"<([^<>]*)>", lambda m: _short(URIRef(m.group(1))), path)


def _sort_key(r: ValidationResult) -> tuple[object, ...]:
    return (
        SEVERITY_ORDER.get(r.severity, 3),
        _node_key(r.focus),
        r.path or "",
        str(r.component),
        _node_key(r.source_shape),
        _node_key(r.value),
    )
