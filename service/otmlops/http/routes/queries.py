"""/queries: the competency-question catalogue, and running one query by id."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from otmlops import media_types as formats
from otmlops.errors import UsageError
from otmlops.http.errors import HttpError
from otmlops.http.schemas import content
from otmlops.http.state import state_of

router = APIRouter(tags=["Named queries"])

_ERR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _catalogue() -> dict[str, Any]:
    from otmlops.catalogue import load_catalogue

    return load_catalogue()


@router.get(
    "/queries",
    summary="The catalogue of named competency questions",
    response_model=list[dict[str, Any]],
)
async def list_queries() -> list[dict[str, Any]]:
    return [q.to_dict() for q in _catalogue().values()]


@router.get(
    "/queries/{query_id}",
    summary="Run a named query; its parameters come from the query string",
    responses={
        200: {
            "description": "Results (SPARQL JSON, XML, CSV, TSV, or RDF for graph queries)",
            "content": content([*formats.RESULT_FORMATS, *formats.GRAPH_FORMATS]),
        },
        404: {"description": "No such query", **_ERR},
        406: {"description": "No acceptable format", **_ERR},
        422: {"description": "A parameter is missing, unknown or has a bad value", **_ERR},
        503: {"description": "Time limit reached", **_ERR},
    },
)
async def run_named(request: Request, query_id: str) -> Response:
    app = state_of(request)
    params = dict(request.query_params)
    timeout_param = params.pop("timeout", None)
    try:
        timeout = app.settings.request_timeout(timeout_param)
    except UsageError as exc:
        raise HttpError(422, str(exc)) from None
    queries = _catalogue()
    if query_id not in queries:
        raise HttpError(404, f"no query with id {query_id!r}; GET /queries lists them")
    if len(params) != len(request.query_params.multi_items()) - (timeout_param is not None):
        raise HttpError(422, "each parameter may be given once")
    # parameters are typed and bound in the worker (ParameterError: 422), so that nothing
    # query-like runs on the event loop
    return await app.answer(
        request,
        "named",
        timeout,
        query_id=query_id,
        params=params,
        accept=request.headers.get("accept"),
    )
