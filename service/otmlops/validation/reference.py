"""The reference engine: pySHACL on an rdflib copy of the same data and shapes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
from pyshacl import validate as pyshacl_validate
from rdflib import Graph
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result

from otmlops.validation.report import ValidationResult, results_from_report_graph
from otmlops.validation.terms import triples_to_rdflib

#: Distinct SPARQL texts kept parsed; the shipped shapes have a few dozen.
_PARSED_QUERIES = 512


_PREFIX_LINE = re.compile(r"\s*PREFIX\s+([A-Za-z][\w.-]*)?:\s*<[^>]*>\s*", re.IGNORECASE)


def canonical_prefixes(text: str) -> str:
    """The query with its leading PREFIX lines sorted.

    pySHACL writes a shape's declared prefixes in the order it meets them, which follows the
    shapes graph's blank-node labels, so one constraint arrives in many spellings. Sorting
    distinct prefix lines changes nothing (a name declared twice keeps its order).
    """
    lines = text.split("\n")
    names: list[str | None] = []
    while len(names) < len(lines) and (m := _PREFIX_LINE.fullmatch(lines[len(names)])):
        names.append(m[1])
    if len(set(names)) != len(names):
        return text
    head = len(names)
    return "\n".join(sorted(lines[:head]) + lines[head:])


@lru_cache(maxsize=_PARSED_QUERIES)
def _parsed(text: str, namespaces: tuple[tuple[str, str], ...], base: str | None) -> Query:
    """The query's algebra, which rdflib evaluates again and again without changing it."""
    return translateQuery(parseQuery(text), base, dict(namespaces))


class ReferenceGraph(Graph):
    """An rdflib graph that parses each SPARQL text once per process.

    pySHACL hands every SPARQL constraint to rdflib as text on every run, and rdflib's parser
    (pyparsing) took about four fifths of a run's time on the shipped shapes; the parsed
    algebra is the same each time, so it is kept. Evaluation is rdflib's, unchanged.
    """

    def query(  # type: ignore[override]
        self,
        query_object: str | Query,
        processor: str = "sparql",
        result: str | type[Result] = "sparql",
        initNs: Mapping[str, Any] | None = None,  # noqa: N803 (rdflib's names)
        initBindings: Mapping[str, Any] | None = None,  # noqa: N803
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Result:
        if isinstance(query_object, str) and processor == "sparql":
            ns = initNs if initNs is not None else dict(self.namespaces())
            key = tuple(sorted((str(k), str(v)) for k, v in ns.items()))
            query_object = _parsed(canonical_prefixes(query_object), key, kwargs.get("base"))
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )


def rdflib_graph(*triple_sets: Iterable[ox.Triple], keep_parsed_queries: bool = True) -> Graph:
    """The triples in one rdflib graph; ``keep_parsed_queries=False`` gives a plain ``Graph``,
    pySHACL as its own users run it (the validation benchmark compares against that)."""
    g = ReferenceGraph() if keep_parsed_queries else Graph()
    for triples in triple_sets:
        triples_to_rdflib(triples, g)
    return g


def run_pyshacl(data: Graph, shapes: Graph) -> list[ValidationResult]:
    """Validate with pySHACL (no inference: class hierarchy comes from the data's subClassOf)."""
    _conforms, report_graph, _text = pyshacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=False,
        allow_warnings=False,
        allow_infos=False,
        meta_shacl=False,
    )
    return results_from_report_graph(report_graph)
