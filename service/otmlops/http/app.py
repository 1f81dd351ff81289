"""The FastAPI application: thin routes over the runner (which runs the library code)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from otmlops import __version__
from otmlops.errors import ErrorStatus, OtmlopsError, UsageError, status_of
from otmlops.http.docs_pages import add_docs
from otmlops.http.errors import error_response
from otmlops.http.guard import RequestGuard
from otmlops.http.routes import gsp, ops, queries, sparql, validate
from otmlops.http.settings import ServerSettings
from otmlops.http.state import AppState
from otmlops.runner import Runner, make_runner
from otmlops.web.routes import mount as mount_workbench


class Error(BaseModel):
    """The JSON body of every error answer of the JSON API."""

    status: int
    error: str
    detail: str


class _MetricsMiddleware:
    """Counts requests and their latency by route template (pure ASGI: cheap)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            name = getattr(route, "path", None) or "unmatched"
            state: AppState | None = (
                getattr(scope["app"].state, "otmlops", None) if "app" in scope else None
            )
            if state is not None:
                state.metrics.observe(scope["method"], name, status, time.perf_counter() - start)


def create_app(settings: ServerSettings, runner: Runner | None = None) -> FastAPI:
    """Build the app; the runner (worker processes) starts with the app's lifespan."""
    runner = runner or make_runner(
        settings.store,
        workers=settings.workers,
        max_timeout=settings.max_timeout,
        read_only=settings.read_only,
        worker_memory=settings.worker_memory,
    )
    state = AppState(settings=settings, runner=runner)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await state.start_runner()
        state.ready = True
        try:
            yield
        finally:
            state.ready = False
            await runner.close()

    app = FastAPI(
        title="otmlops",
        version=__version__,
        description="SPARQL 1.1 Protocol endpoint, Graph Store Protocol, named competency "
        "questions and mapping validation over the otmlops knowledge graph "
        "(MLOps lifecycle on RAMI 4.0 and ISA-95).",
        lifespan=lifespan,
        docs_url=None,  # add_docs serves /docs and /redoc from the package, not a CDN
        redoc_url=None,
    )
    app.state.otmlops = state
    app.add_middleware(_MetricsMiddleware)
    app.add_middleware(RequestGuard, allowed_hosts=settings.allowed_hosts)
    mount_workbench(app)  # the pages at / and /ui (otmlops.web)
    for module in (sparql, gsp, queries, validate, ops):
        app.include_router(module.router)
    add_docs(app)

    # every error answer takes its status from the one table (otmlops.errors.status_of)
    @app.exception_handler(OtmlopsError)
    async def _otmlops_error(request: Request, exc: OtmlopsError) -> Any:
        return error_response(request, status_of(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _starlette_error(request: Request, exc: StarletteHTTPException) -> Any:
        # the framework's own answers (no such route, method not allowed): the status it
        # chose; the exit code is moot (never a CLI error) but 2 as for any client mistake
        error = ErrorStatus(exc.status_code, 2, str(exc.detail), dict(exc.headers or {}))
        return error_response(request, error)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Any:
        # a parameter FastAPI checks (a missing or ill-typed query parameter or form field)
        # is bad input like any other: UsageError, 400 on every route
        reasons = "; ".join(
            f"{'.'.join(str(p) for p in err.get('loc', ()))}: {err.get('msg')}"
            for err in exc.errors()
        )
        return error_response(request, status_of(UsageError(reasons or "invalid request")))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Any:
        error = status_of(exc)
        if error.unexpected:  # a bug: say what kind, not its text
            error = ErrorStatus(500, 1, f"internal error: {type(exc).__name__}")
        return error_response(request, error)

    _add_error_schema(app)
    return app


def _add_error_schema(app: FastAPI) -> None:
    """Publish the Error model in components/schemas (responses refer to it)."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        comps = schema.setdefault("components", {}).setdefault("schemas", {})
        comps["Error"] = Error.model_json_schema()
        _document_query_ids(schema)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend it


def _document_query_ids(schema: dict[str, Any]) -> None:
    """List the catalogue's ids as the allowed values of /queries/{query_id}."""
    try:
        from otmlops.catalogue import load_catalogue

        ids = sorted(load_catalogue())
    except Exception:  # noqa: BLE001 - the docs must render even if the catalogue is broken
        return
    operation = schema.get("paths", {}).get("/queries/{query_id}", {}).get("get", {})
    for param in operation.get("parameters", []):
        if param.get("name") == "query_id" and ids:
            param["schema"] = {**param.get("schema", {}), "enum": ids}
