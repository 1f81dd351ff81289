"""/store: the SPARQL 1.1 Graph Store HTTP Protocol (indirect ?graph= / ?default, and direct
identification /store/<path>, whose graph IRI is the request URL)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from otmlops import media_types
from otmlops.errors import UnsupportedMediaType, UsageError
from otmlops.http.auth import require_write
from otmlops.http.bodies import check_charset, endpoint_url, media_type_of, read_body
from otmlops.http.protocol import check_iri
from otmlops.http.schemas import content
from otmlops.http.shared_params import RequestTimeout
from otmlops.http.state import state_of
from otmlops.runner import tasks

router = APIRouter(tags=["Graph Store Protocol"])

_TEXT = {"type": "string"}
_ERR = {"content": {"text/plain": {"schema": _TEXT}}}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The graph", "content": content(list(media_types.GRAPH_FORMATS))},
    201: {"description": "Graph created"},
    204: {"description": "Done"},
    400: {
        "description": "Bad request, RDF syntax error, or a bad parameter (timeout, charset, "
        "graph IRI)",
        **_ERR,
    },
    401: {"description": "Write without a valid bearer token", **_ERR},
    403: {"description": "Writes disabled", **_ERR},
    404: {"description": "No such graph", **_ERR},
    406: {"description": "No acceptable RDF format", **_ERR},
    413: {"description": "Body too large", **_ERR},
    415: {"description": "Unsupported RDF media type", **_ERR},
    503: {"description": "Time limit reached", **_ERR},
}
_BODY = {
    "requestBody": {
        "required": False,
        "content": {m: {"schema": _TEXT} for m in media_types.INPUT_FORMATS},
    }
}
_METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE"]


def _target(request: Request, direct: bool) -> tuple[str | None, bool]:
    """(graph IRI or None for the default graph, whether the request named no graph)."""
    params = request.query_params
    if direct:
        if "graph" in params or "default" in params:
            raise UsageError("a direct graph URL takes no 'graph' or 'default' parameter")
        return endpoint_url(request), False
    graphs = params.getlist("graph")
    if len(graphs) > 1:
        raise UsageError("give one 'graph' parameter")
    if graphs and "default" in params:
        raise UsageError("give either 'graph=IRI' or 'default', not both")
    if graphs:
        return check_iri(graphs[0]), False
    if "default" in params:
        return None, False
    return None, True


async def _handle(request: Request, direct: bool, timeout: float) -> Response:
    app = state_of(request)
    settings = app.settings
    graph, unnamed = _target(request, direct)
    method = request.method
    if method in ("GET", "HEAD"):
        if unnamed:
            raise UsageError("name a graph with ?graph=IRI or ?default")
        export = tasks.ExportGraph(graph, request.headers.get("accept"))
        if method == "GET":
            return await app.answer(request, export, timeout)
        reply = await app.read(export, timeout)
        return Response(
            status_code=200, headers={"content-type": media_types.content_type(reply.media_type)}
        )
    require_write(request, settings)
    write_timeout = settings.max_timeout  # a write may be a big load
    if method == "DELETE":
        if unnamed:
            raise UsageError("name a graph with ?graph=IRI or ?default")
        await app.write(tasks.DeleteGraph(graph), write_timeout)
        return Response(status_code=204)
    body = await read_body(request, settings.body_limit)
    media, params = media_type_of(request)
    if media == "multipart/form-data":
        if method != "POST":
            raise UnsupportedMediaType("multipart/form-data is accepted by POST only")
        parts = await _multipart(request)
    else:
        parts = [(body, _rdf_media(media, params))]
    location = None
    if method == "PUT":
        if unnamed:
            raise UsageError("name a graph with ?graph=IRI or ?default")
        created = await app.write(tasks.PutGraph(graph, *parts[0]), write_timeout)
    else:
        if unnamed:
            graph = tasks.new_graph_iri(endpoint_url(request))
            location = graph
        created = await app.write(tasks.PostGraph(graph, parts), write_timeout)
    headers = {"location": location} if location else None
    return Response(status_code=201 if created or location else 204, headers=headers)


def _rdf_media(media: str, params: dict[str, str]) -> str:
    if not media:
        raise UsageError("the request body needs a Content-Type naming its RDF syntax")
    if media_types.input_format(media) is None:
        raise UnsupportedMediaType(
            f"unsupported RDF media type {media!r}; supported: "
            + ", ".join(media_types.INPUT_FORMATS),
        )
    check_charset(params)
    return media


async def _multipart(request: Request) -> list[tuple[bytes, str]]:
    form = await request.form()
    parts: list[tuple[bytes, str]] = []
    for _, value in form.multi_items():
        if isinstance(value, str):
            raise UsageError("each multipart part must be a file with its Content-Type")
        media, params = media_types.split_media_type(value.content_type or "")
        parts.append((await value.read(), _rdf_media(media, params)))
    if not parts:
        raise UsageError("the multipart body has no parts")
    return parts


async def store_indirect(
    request: Request,
    timeout: RequestTimeout,
    graph: Annotated[str | None, Query(description="graph IRI")] = None,
    default: Annotated[str | None, Query(description="present: the default graph")] = None,
) -> Response:
    return await _handle(request, direct=False, timeout=timeout)


@router.api_route(
    "/store/{path:path}",
    methods=_METHODS,
    responses=_RESPONSES,
    openapi_extra=_BODY,
    include_in_schema=False,
)
async def store_direct(request: Request, path: str, timeout: RequestTimeout) -> Response:
    return await _handle(request, direct=True, timeout=timeout)


# One route per method, so each operation has its own OpenAPI operationId.
for _method in _METHODS:
    router.add_api_route(
        "/store",
        store_indirect,
        methods=[_method],
        responses=_RESPONSES,
        openapi_extra=_BODY,
        summary="Graph Store Protocol with indirect graph identification",
        operation_id=f"store_{_method.lower()}",
    )
