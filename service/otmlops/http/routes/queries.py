"""/queries: the competency-question catalogue, and running one query by id."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from otmlops import media_types
from otmlops.errors import NotFound, ParameterError
from otmlops.http.schemas import content
from otmlops.http.shared_params import RequestTimeout
from otmlops.http.state import state_of
from otmlops.runner import tasks

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
            "content": content([*media_types.RESULT_FORMATS, *media_types.GRAPH_FORMATS]),
        },
        400: {"description": "A bad shared parameter (timeout)", **_ERR},
        404: {"description": "No such query", **_ERR},
        406: {"description": "No acceptable format", **_ERR},
        422: {"description": "A parameter is missing, unknown or has a bad value", **_ERR},
        503: {"description": "Time limit reached", **_ERR},
    },
)
async def run_named(request: Request, query_id: str, timeout: RequestTimeout) -> Response:
    app = state_of(request)
    # ``timeout`` is the shared time limit (parsed with every route's, 400 if bad); every
    # other parameter is one of the query's own arguments (422 if bad)
    arguments = [(k, v) for k, v in request.query_params.multi_items() if k != "timeout"]
    params = dict(arguments)
    queries = _catalogue()
    if query_id not in queries:
        raise NotFound(f"no query with id {query_id!r}; GET /queries lists them")
    if len(params) != len(arguments):
        raise ParameterError("each parameter may be given once")
    # parameters are typed and bound in the worker (ParameterError: 422), so that nothing
    # query-like runs on the event loop
    task = tasks.NamedQuery(query_id, params, request.headers.get("accept"))
    return await app.answer(request, task, timeout)
