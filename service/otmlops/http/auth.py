"""Who may write: nobody in read-only mode (403); with a token configured, holders of
``Authorization: Bearer <token>`` (else 401); without a token, nobody (403)."""

from __future__ import annotations

import hmac

from fastapi import Request

from otmlops.errors import Forbidden, OtmlopsError, Unauthorized
from otmlops.http.settings import ServerSettings


def require_write(request: Request, settings: ServerSettings) -> None:
    if settings.read_only:
        raise Forbidden("the server runs in read-only mode; writes are refused")
    if settings.token is None:
        raise Forbidden(
            "writes are disabled: start the server with OTMLOPS_TOKEN or "
            "--token-file to enable them",
        )
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        raise Unauthorized("writes need an 'Authorization: Bearer <token>' header")
    if not hmac.compare_digest(credentials.strip().encode(), settings.token.encode()):
        raise Unauthorized(
            "the bearer token is not valid", 'Bearer realm="otmlops", error="invalid_token"'
        )


def may_write(request: Request, settings: ServerSettings) -> bool:
    """True if ``request`` would pass :func:`require_write` (no error raised)."""
    try:
        require_write(request, settings)
    except OtmlopsError:
        return False
    return True


def writes_enabled(settings: ServerSettings) -> bool:
    return not settings.read_only and settings.token is not None
