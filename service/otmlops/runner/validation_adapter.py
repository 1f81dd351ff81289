"""Validation in a worker: the mapping comes in the request, plant graphs come from the store."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from otmlops.errors import NotFound
from otmlops.runner.tasks import Reply


def plant_triples(store: Any, graphs: list[str]) -> list[ox.Triple]:
    """The triples of the named plant graphs (NotFound for a graph the store lacks)."""
    triples: list[ox.Triple] = []
    for graph in graphs:
        if not store.has_graph(graph):
            raise NotFound(f"plant graph <{graph}> does not exist in the store")
        data = store.export_graph(graph, ox.RdfFormat.N_TRIPLES)
        triples.extend(q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    return triples


def validate(store: Any, *, body: bytes, media_type: str, graphs: list[str],
             report_type: str) -> Reply:
    """Validate the body against the shapes with the plant graphs as context; the report is
    grouped JSON or the W3C SHACL report in Turtle."""
    from otmlops.validation import validate as run_validation

    report = run_validation([(body, media_type)], plant_triples=plant_triples(store, graphs),
                            max_size=None)
    if report_type == "text/turtle":
        return Reply("text/turtle", report.to_turtle().encode("utf-8"), "report")
    return Reply("application/json", report.to_json().encode("utf-8"), "report")
