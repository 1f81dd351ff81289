"""Error answers: every failure gets a status and a body that says why, never a traceback.

The status comes from the one error table (:func:`otmlops.errors.status_of`); this module
only decides the body: plain text for the SPARQL Protocol and Graph Store endpoints (as
SPARQL servers answer), JSON ``{status, error, detail}`` for the rest of the API.
"""

from __future__ import annotations

from http import HTTPStatus

from fastapi import Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from otmlops.errors import ErrorStatus
from otmlops.redact import redact, scrub


def phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def wants_text(path: str) -> bool:
    """SPARQL protocol and Graph Store endpoints answer errors in plain text, as SPARQL
    servers do; the JSON API answers JSON."""
    return path.startswith("/sparql") or path.startswith("/store")


def error_response(request: Request, error: ErrorStatus) -> Response:
    """The error answer; its message never shows credentials or (unless the operator asked)
    the store's folder."""
    status, message = error.http_status, error.message
    state = getattr(request.app.state, "otmlops", None) if "app" in request.scope else None
    if state is not None and not state.settings.show_store_path:
        message = scrub(message, state.settings.store)
    else:
        message = redact(message)
    headers = error.headers or None
    if wants_text(request.url.path):
        return PlainTextResponse(
            f"{status} {phrase(status)}: {message}\n", status_code=status, headers=headers
        )
    return JSONResponse(
        {"status": status, "error": phrase(status), "detail": message},
        status_code=status,
        headers=headers,
    )
