"""/docs (Swagger UI) and /redoc that work without internet.

FastAPI's own pages load Swagger UI and ReDoc from a CDN. Here their files come from the
``fastapi-offline`` package (MIT; it ships the swagger-ui-dist and redoc bundles) and are
served by this app under :data:`ASSETS_URL`, so the docs render on an isolated plant network.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from otmlops.http.guard import docs_csp

#: Where the Swagger UI and ReDoc files are served.
ASSETS_URL = "/static/docs"


def assets_dir() -> Path:
    """The folder of the installed fastapi-offline package that holds the bundles."""
    return Path(str(files("fastapi_offline") / "static"))


def add_docs(app: FastAPI) -> None:
    """Mount the static files and add /docs and /redoc (left out of the OpenAPI schema)."""
    app.mount(ASSETS_URL, StaticFiles(directory=assets_dir()), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return _with_csp(
            get_swagger_ui_html(
                openapi_url=f"{root}{app.openapi_url}",
                title=f"{app.title} - API docs",
                swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
                swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
                swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
                swagger_ui_parameters={"validatorUrl": None},
            )
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return _with_csp(
            get_redoc_html(
                openapi_url=f"{root}{app.openapi_url}",
                title=f"{app.title} - ReDoc",
                redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
                redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
                with_google_fonts=False,
            )
        )


def _with_csp(page: HTMLResponse) -> HTMLResponse:
    """The page with a Content-Security-Policy that allows exactly its inline script."""
    page.headers["content-security-policy"] = docs_csp(bytes(page.body).decode("utf-8"))
    return page
