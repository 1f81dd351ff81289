"""/sparql: the SPARQL 1.1 Protocol (query, update, service description)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from otmlops import media_types
from otmlops.http import protocol
from otmlops.http.auth import may_write, require_write, writes_enabled
from otmlops.http.bodies import endpoint_url, media_type_of, read_body
from otmlops.http.schemas import content
from otmlops.http.service_description import description
from otmlops.http.settings import ServerSettings
from otmlops.http.shared_params import TimeoutQuery, timeout_from
from otmlops.http.state import state_of
from otmlops.runner import sparql_guard, tasks

router = APIRouter(tags=["SPARQL 1.1 Protocol"])

_TEXT = {"type": "string"}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Query results (SELECT/ASK: SPARQL JSON, XML, CSV, TSV; "
        "CONSTRUCT/DESCRIBE: Turtle, N-Triples, RDF/XML, JSON-LD, TriG, N-Quads)"
        ", or the service description when no query is given.",
        "content": content([*media_types.RESULT_FORMATS, *media_types.GRAPH_FORMATS]),
    },
    204: {"description": "The update was applied."},
    400: {
        "description": "Syntax error, protocol misuse, or a bad parameter (timeout, "
        "charset, graph IRI).",
        "content": {"text/plain": {"schema": _TEXT}},
    },
    401: {
        "description": "Update without a valid bearer token.",
        "content": {"text/plain": {"schema": _TEXT}},
    },
    403: {
        "description": "Updates are disabled (read-only mode or no token configured).",
        "content": {"text/plain": {"schema": _TEXT}},
    },
    406: {
        "description": "No acceptable result format.",
        "content": {"text/plain": {"schema": _TEXT}},
    },
    413: {"description": "Request body too large.", "content": {"text/plain": {"schema": _TEXT}}},
    415: {"description": "Unsupported Content-Type.", "content": {"text/plain": {"schema": _TEXT}}},
    500: {
        "description": "The query failed while running.",
        "content": {"text/plain": {"schema": _TEXT}},
    },
    503: {
        "description": "The query ran past its time limit and was stopped.",
        "content": {"text/plain": {"schema": _TEXT}},
    },
}
_POST_BODY = {
    "requestBody": {
        "required": False,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "query": _TEXT,
                        "update": _TEXT,
                        "timeout": {"type": "number"},
                        "default-graph-uri": {"type": "array", "items": _TEXT},
                        "named-graph-uri": {"type": "array", "items": _TEXT},
                        "using-graph-uri": {"type": "array", "items": _TEXT},
                        "using-named-graph-uri": {"type": "array", "items": _TEXT},
                    },
                }
            },
            "application/sparql-query": {"schema": _TEXT},
            "application/sparql-update": {"schema": _TEXT},
        },
    }
}


async def _handle(request: Request) -> Response:
    app = state_of(request)
    settings = app.settings
    media, media_params = media_type_of(request)
    body = b""
    if request.method == "POST":
        # the token is checked before an update body is read; without a valid token only a
        # query-sized body is read at all
        if media == protocol.UPDATE:
            require_write(request, settings)
        if may_write(request, settings):
            body = await read_body(request, settings.body_limit)
        else:
            body = await read_body(
                request,
                min(settings.query_body_limit, settings.body_limit),
                " for a request without a valid write token (--query-body-limit)",
            )
    req = protocol.parse_request(
        request.method, list(request.query_params.multi_items()), media, media_params, body
    )
    # a write may be a big load: its default limit is the maximum, and a request may ask
    # for less; the time limit is parsed for every kind, so a bad one is always a 400
    writes = req.kind == "update"
    timeout = timeout_from(settings, req.timeouts, default=settings.max_timeout if writes else None)
    accept = request.headers.get("accept")
    endpoint = endpoint_url(request)
    if req.kind == "describe":
        mtype, text = description(endpoint, accept, updates=writes_enabled(settings))
        return Response(text, media_type=media_types.content_type(mtype))
    check_request(req.text, settings, endpoint)
    if writes:
        require_write(request, settings)
        update = tasks.Update(req.text, req.using_graphs, req.using_named_graphs, base_iri=endpoint)
        await app.write(update, timeout)
        return Response(status_code=204)
    query = tasks.Query(req.text, accept, req.default_graphs, req.named_graphs, base_iri=endpoint)
    return await app.answer(request, query, timeout)


def check_request(text: str, settings: ServerSettings, base_iri: str) -> None:
    """UsageError (400) for nesting past the limit, and for SERVICE/LOAD targets the server
    may not call."""
    sparql_guard.check_nesting(text, settings.max_nesting)
    sparql_guard.check_outbound(text, settings.allow_remote, base_iri)


@router.get(
    "/sparql",
    responses=_RESPONSES,
    summary="SPARQL query by GET, or the service description when no query is given",
)
async def sparql_get(
    request: Request,
    query: Annotated[str | None, Query(description="SPARQL query")] = None,
    default_graph_uri: Annotated[list[str] | None, Query(alias="default-graph-uri")] = None,
    named_graph_uri: Annotated[list[str] | None, Query(alias="named-graph-uri")] = None,
    timeout: TimeoutQuery = None,
) -> Response:
    return await _handle(request)


@router.post(
    "/sparql",
    responses=_RESPONSES,
    openapi_extra=_POST_BODY,
    summary="SPARQL query or update by POST (form or direct)",
)
async def sparql_post(
    request: Request,
    default_graph_uri: Annotated[list[str] | None, Query(alias="default-graph-uri")] = None,
    named_graph_uri: Annotated[list[str] | None, Query(alias="named-graph-uri")] = None,
    using_graph_uri: Annotated[list[str] | None, Query(alias="using-graph-uri")] = None,
    using_named_graph_uri: Annotated[list[str] | None, Query(alias="using-named-graph-uri")] = None,
    timeout: TimeoutQuery = None,
) -> Response:
    return await _handle(request)
