"""Error answers: every failure gets a status and a body that says why, never a traceback."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from otmlops.errors import OtmlopsError, UsageError
from otmlops.redact import redact, scrub


class HttpError(Exception):
    """Raised by request handling code; turned into a response by the app."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _wants_text(request: Request) -> bool:
    """SPARQL protocol and Graph Store endpoints answer errors in plain text, as SPARQL
    servers do; the JSON API answers JSON."""
    path = request.url.path
    return path.startswith("/sparql") or path.startswith("/store")


def error_response(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    """The error answer; its message never shows credentials or (unless the operator asked)
    the store's folder."""
    state = getattr(request.app.state, "otmlops", None) if "app" in request.scope else None
    if state is not None and not state.settings.show_store_path:
        message = scrub(message, state.settings.store)
    else:
        message = redact(message)
    if _wants_text(request):
        return PlainTextResponse(
            f"{status} {phrase(status)}: {message}\n", status_code=status, headers=headers
        )
    return JSONResponse(
        {"status": status, "error": phrase(status), "detail": message},
        status_code=status,
        headers=headers,
    )


def from_otmlops(exc: OtmlopsError) -> HttpError:
    status = exc.http_status
    if isinstance(exc, UsageError) and status == 400:
        status = 400
    return HttpError(status, str(exc))
