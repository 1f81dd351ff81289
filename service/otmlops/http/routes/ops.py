"""/healthz and /metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from otmlops import __version__
from otmlops.http.auth import writes_enabled
from otmlops.http.metrics import RunnerReading
from otmlops.http.state import state_of
from otmlops.redact import store_id

router = APIRouter(tags=["Operations"])


@router.get("/healthz", summary="Liveness and readiness")
async def healthz(request: Request) -> JSONResponse:
    app = state_of(request)
    body = {
        "status": "ok" if app.ready else "starting",
        "version": __version__,
        "store": app.settings.store_shown,
        "store_id": store_id(app.settings.store),
        "read_only": app.settings.read_only,
        "writes": writes_enabled(app.settings),
        "generation": app.runner.stats.generation,
    }
    return JSONResponse(body, status_code=200 if app.ready else 503)


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=PlainTextResponse,
    responses={
        200: {
            "content": {
                "text/plain": {"schema": {"type": "string"}},
                "application/openmetrics-text": {"schema": {"type": "string"}},
            }
        }
    },
)
async def metrics(request: Request) -> Response:
    app = state_of(request)
    stats = app.runner.stats
    reading = RunnerReading(
        timeouts=stats.timeouts,
        restarts=stats.worker_restarts,
        generation=stats.generation,
        triples=await app.triple_count(),
        memory_stops=stats.memory_stops,
        cancelled=stats.cancelled,
    )
    body, content_type = app.metrics.render(reading, request.headers.get("accept"))
    return Response(body, media_type=content_type)
