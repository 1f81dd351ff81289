"""Validation in a worker: the mapping comes in the request, plant graphs come from the store."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from otmlops.errors import NotFound
from otmlops.runner.tasks import ReadTask, Reply, Sink
from otmlops.store.base import Store


def plant_graphs(store: Store, graphs: list[str]) -> dict[str, list[ox.Triple]]:
    """The triples of each named plant graph (NotFound for a graph the store lacks)."""
    found: dict[str, list[ox.Triple]] = {}
    for graph in graphs:
        if not store.has_graph(graph):
            raise NotFound(
                f"no graph <{graph}> in the store; `otmlops graphs` lists the graphs it has"
            )
        found[graph] = list(store.graph_triples(graph))
    return found


def validate(
    store: Store, *, body: bytes, media_type: str, graphs: list[str], report_type: str
) -> Reply:
    """Validate the body against the shapes with the plant graphs as context; the report is
    grouped JSON or the W3C SHACL report in Turtle."""
    from otmlops.validation import validate as run_validation

    report = run_validation(
        [(body, media_type)], plant_graphs=plant_graphs(store, graphs), max_size=None
    )
    if report_type == "text/turtle":
        return Reply("text/turtle", report.to_turtle().encode("utf-8"), "report")
    return Reply("application/json", report.to_json().encode("utf-8"), "report")


#: the media type a fixed file is sent back in, by its form
FIXED_TYPES = {"turtle": "text/turtle", "yaml": "application/yaml", "csv": "text/csv"}


def fix(store: Store, *, body: bytes, media_type: str, graphs: list[str], name: str) -> Reply:
    """The unambiguous fixes of validation made in the body's own format (nothing stored):
    JSON with the fixed text, its media type, and the fixes made and skipped."""
    import json

    from otmlops.validation.patch import fix_bytes

    result = fix_bytes(body, name, media_type, plant_graphs=plant_graphs(store, graphs))
    out = {
        "form": result.form,
        "mediaType": FIXED_TYPES.get(result.form, media_type),
        "changed": result.changed,
        "fixed": result.after.decode("utf-8", errors="replace") if result.changed else None,
        "applied": [s.to_dict() for s in result.applied],
        "skipped": [{**s.to_dict(), "reason": why} for s, why in result.skipped],
    }
    return Reply("application/json", json.dumps(out, ensure_ascii=False).encode("utf-8"), "fixes")


@dataclass(frozen=True)
class Validate(ReadTask[Reply]):
    """Validate a mapping (body) with plant graphs from the store; the report as a Reply."""

    body: bytes
    media_type: str
    graphs: list[str]
    report_type: str = "application/json"

    def run(self, store: Store, sink: Sink | None = None) -> Reply:
        return validate(
            store,
            body=self.body,
            media_type=self.media_type,
            graphs=self.graphs,
            report_type=self.report_type,
        )


@dataclass(frozen=True)
class Fix(ReadTask[Reply]):
    """The unambiguous fixes of a mapping, made in its own format (nothing stored)."""

    body: bytes
    media_type: str
    graphs: list[str]
    name: str

    def run(self, store: Store, sink: Sink | None = None) -> Reply:
        return fix(
            store, body=self.body, media_type=self.media_type, graphs=self.graphs, name=self.name
        )
