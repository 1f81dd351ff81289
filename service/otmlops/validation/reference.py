"""The reference engine: pySHACL on an rdflib copy of the same data and shapes."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from pyshacl import validate as pyshacl_validate
from rdflib import Graph

from otmlops.validation.report import ValidationResult, results_from_report_graph
from otmlops.validation.terms import triples_to_rdflib


def rdflib_graph(*triple_sets: Iterable[ox.Triple]) -> Graph:
    g = Graph()
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
