"""/sparql: the SPARQL 1.1 Protocol (query, update, service description)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from otmlops import media_types as formats
from otmlops.errors import UsageError
from otmlops.http import protocol
from otmlops.http.auth import may_write, require_write, writes_enabled
from otmlops.http.bodies import endpoint_url, media_type_of, read_body
from otmlops.http.errors import HttpError
from otmlops.http.schemas import content
from otmlops.http.service_description import description
from otmlops.http.settings import ServerSettings
from otmlops.http.state import state_of
from otmlops.media_types import NotAcceptable
from otmlops.runner import sparql_guard

router = APIRouter(tags=["SPARQL 1.1 Protocol"])

_TEXT = {"type": "string"}
_RESPONSES = {
    200: {
        "description": "Query results (SELECT/ASK: SPARQL JSON, XML, CSV, TSV; "
        "CONSTRUCT/DESCRIBE: Turtle, N-Triples, RDF/XML, JSON-LD, TriG, N-Quads)"
        ", or the service description when no query is given.",
        "content": content([*formats.RESULT_FORMATS, *formats.GRAPH_FORMATS]),
    },
    204: {"description": "The update was applied."},
    400: {
        "description": "Syntax error or protocol misuse.",
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
    accept = request.headers.get("accept")
    endpoint = endpoint_url(request)
    if req.kind == "describe":
        try:
            mtype, text = description(endpoint, accept, updates=writes_enabled(settings))
        except NotAcceptable as exc:
            raise HttpError(406, str(exc)) from None
        return Response(text, media_type=formats.content_type(mtype))
    check_request(req.text, settings, endpoint)
    if req.kind == "update":
        require_write(request, settings)
        # a write may be a big load: its default limit is the maximum, and a request may
        # ask for less
        timeout = _timeout(settings, req.timeout) if req.timeout else settings.max_timeout
        await app.write(
            "update",
            timeout,
            sparql=req.text,
            using_graphs=req.using_graphs,
            using_named_graphs=req.using_named_graphs,
            base_iri=endpoint,
        )
        return Response(status_code=204)
    timeout = _timeout(settings, req.timeout)
    return await app.answer(
        request,
        "query",
        timeout,
        sparql=req.text,
        accept=accept,
        default_graphs=req.default_graphs,
        named_graphs=req.named_graphs,
        base_iri=endpoint,
    )


def check_request(text: str, settings: ServerSettings, base_iri: str) -> None:
    """400 for nesting past the limit, and for SERVICE/LOAD targets the server may not call."""
    try:
        sparql_guard.check_nesting(text, settings.max_nesting)
        sparql_guard.check_outbound(text, settings.allow_remote, base_iri)
    except UsageError as exc:
        raise HttpError(400, str(exc)) from None


def _timeout(settings, requested: str | None) -> float:  # type: ignore[no-untyped-def]
    from otmlops.errors import UsageError

    try:
        return settings.request_timeout(requested)
    except UsageError as exc:
        raise HttpError(400, str(exc)) from None


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
    timeout: Annotated[
        float | None,
        Query(
            ge=1, description="time limit in seconds, at least 1 (capped by the server's maximum)"
        ),
    ] = None,
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
    timeout: Annotated[
        float | None, Query(ge=1, description="time limit in seconds, at least 1")
    ] = None,
) -> Response:
    return await _handle(request)
