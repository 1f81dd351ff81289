"""The fast engine: run a compiled plan as whole-graph SPARQL queries on pyoxigraph.

The data lives in an in-memory pyoxigraph store in named graphs (``BASE``: ontology and plant,
loaded and indexed once; ``DELTA``: the mapping being validated). Queries see their union.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import pyoxigraph as ox
from rdflib import Literal
from rdflib.term import Node

from otmlops.validation.compiler import RESTRICT, Check, Plan
from otmlops.validation.report import ValidationResult, _short
from otmlops.validation.terms import OxTerm, to_rdflib

BASE = ox.NamedNode("urn:otmlops:validation:base")
DELTA = ox.NamedNode("urn:otmlops:validation:delta")

_PLACEHOLDER = re.compile(r"\{[$?]([A-Za-z_][A-Za-z0-9_]*)\}")


def new_store(triples: Iterable[ox.Triple] = (), graph: ox.NamedNode = BASE) -> ox.Store:
    store = ox.Store()
    add_triples(store, triples, graph)
    return store


def add_triples(store: ox.Store, triples: Iterable[ox.Triple], graph: ox.NamedNode) -> None:
    store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)


def run_plan(
    plan: Plan,
    store: ox.Store,
    *,
    restrict_to: ox.NamedNode | Sequence[ox.NamedNode] | None = None,
) -> list[ValidationResult]:
    """All results of the plan's checks.

    ``restrict_to`` limits focus nodes (incremental validation): either a list of IRIs, or a
    named graph whose nodes (subjects and objects) are the candidates; the list is faster, the
    graph also covers blank nodes.
    """
    values = ""
    if isinstance(restrict_to, ox.NamedNode):
        g = f"<{restrict_to.value}>"
        values = (
            f"{{ SELECT DISTINCT ?this WHERE {{ {{ GRAPH {g} {{ ?this ?__rp ?__ro }} }} "
            f"UNION {{ GRAPH {g} {{ ?__rs ?__rq ?this }} }} }} }}"
        )
    elif restrict_to is not None:
        values = "VALUES ?this { " + " ".join(f"<{n.value}>" for n in restrict_to) + " }"
    results: list[ValidationResult] = []
    for check in plan.checks:
        template = check.restricted_query if values and check.restricted_query else check.query
        query = template.replace(RESTRICT, values)
        solutions = store.query(query, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions), "a compiled check is a SELECT query"
        names = [v.value for v in solutions.variables]
        for sol in solutions:
            bound = {n: sol[n] for n in names if sol[n] is not None}
            results.append(_result(check, bound))
    return results


def _result(check: Check, bound: dict[str, OxTerm]) -> ValidationResult:
    focus = to_rdflib(bound["this"])
    value: Node | None = to_rdflib(bound["value"]) if "value" in bound else None
    if value is None and check.node_shape and check.constraint is not None:
        value = focus
    path, path_node = check.path, check.path_node
    if "path" in bound:
        path_node = to_rdflib(bound["path"])
        path = f"<{path_node}>"
    message = None
    if "message" in bound and check.component.endswith("SPARQLConstraintComponent"):
        message = str(to_rdflib(bound["message"]))
    elif check.messages:
        message = _fill(_pick(check.messages), bound)
    else:
        message = _default_message(check, value)
    return ValidationResult(
        focus=focus,
        component=check.component,
        severity=check.severity,
        source_shape=check.shape,
        path=path,
        path_node=path_node,
        value=value,
        message=message,
        source_constraint=check.constraint,
    )


def _pick(messages: tuple[Literal, ...]) -> str:
    for lang in ("en", None, ""):
        for m in messages:
            if (m.language or None) == (lang or None):
                return str(m)
    return str(messages[0])


def _fill(template: str, bound: dict[str, OxTerm]) -> str:
    def sub(m: re.Match[str]) -> str:
        term = bound.get(m.group(1))
        return _short(to_rdflib(term)) if term is not None else m.group(0)

    return _PLACEHOLDER.sub(sub, template)


def _default_message(check: Check, value: Node | None) -> str:
    name = str(check.component).rsplit("#", 1)[-1].replace("ConstraintComponent", "")
    where = f" on {check.path}" if check.path else ""
    return f"{name} constraint{where} not satisfied" + (
        f" by {_short(value)}" if value is not None else ""
    )
