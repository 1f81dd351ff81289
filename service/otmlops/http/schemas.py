"""OpenAPI descriptions of the bodies the service returns (used in route ``responses``)."""

from __future__ import annotations

from typing import Any

#: SPARQL 1.1 Query Results JSON: a head, and results (SELECT) or boolean (ASK).
SPARQL_JSON: dict[str, Any] = {
    "type": "object",
    "required": ["head"],
    "properties": {
        "head": {
            "type": "object",
            "properties": {
                "vars": {"type": "array", "items": {"type": "string"}},
                "link": {"type": "array", "items": {"type": "string"}},
            },
        },
        "results": {
            "type": "object",
            "required": ["bindings"],
            "properties": {"bindings": {"type": "array", "items": {"type": "object"}}},
        },
        "boolean": {"type": "boolean"},
    },
}
#: JSON-LD documents are objects or arrays.
JSON_LD: dict[str, Any] = {"anyOf": [{"type": "object"}, {"type": "array"}]}
TEXT: dict[str, Any] = {"type": "string"}


def content(media_types: list[str]) -> dict[str, Any]:
    """An OpenAPI ``content`` map for the given media types."""
    out: dict[str, Any] = {}
    for media in media_types:
        if media == "application/sparql-results+json":
            out[media] = {"schema": SPARQL_JSON}
        elif media == "application/ld+json":
            out[media] = {"schema": JSON_LD}
        else:
            out[media] = {"schema": TEXT}
    return out
