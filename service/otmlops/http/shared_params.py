"""Request parameters every route reads the same way, so the same bad input gets the same
answer everywhere (a 400 naming the parameter: docs/http.md, "Errors").

* ``timeout``: seconds, at least 1, capped at ``--max-timeout``, given at most once
  (:meth:`ServerSettings.request_timeout` is the one parser);
* the ``charset`` of a request body's Content-Type: UTF-8 (any spelling: ``utf-8``, ``UTF8``,
  ``UTF_8``) or US-ASCII, its subset (:func:`otmlops.http.bodies.check_charset`).

Routes take the time limit as a dependency (:data:`RequestTimeout`), which documents the
parameter in the OpenAPI schema as a number and parses it before the handler runs; /sparql,
whose ``timeout`` may also be a form field, calls :func:`timeout_from` with the values of both.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import Depends, Query, Request
from pydantic import WithJsonSchema

from otmlops.errors import UsageError
from otmlops.http.settings import MIN_TIMEOUT_S, ServerSettings
from otmlops.http.state import state_of

#: Documents ``timeout`` as a number; the text is parsed by :func:`timeout_from` (not by
#: FastAPI's validation, whose answer would differ from the other routes').
TimeoutText = Annotated[str, WithJsonSchema({"type": "number", "minimum": MIN_TIMEOUT_S})]
TIMEOUT_DOC = (
    f"time limit in seconds, at least {MIN_TIMEOUT_S:g} (capped by the server's --max-timeout)"
)
TimeoutQuery = Annotated[TimeoutText | None, Query(description=TIMEOUT_DOC)]


def timeout_from(
    settings: ServerSettings, values: Sequence[str], *, default: float | None = None
) -> float:
    """The time limit a request asks for (``values``: every ``timeout`` it gives), or
    ``default`` (the server's ``--timeout`` if None); UsageError (400) if it is not a
    number of seconds of at least 1, or given more than once."""
    if len(values) > 1:
        raise UsageError(f"the request gives 'timeout' {len(values)} times; give it once (seconds)")
    return settings.request_timeout(values[0] if values else None, default=default)


def request_timeout(request: Request, timeout: TimeoutQuery = None) -> float:
    """FastAPI dependency: the read time limit from the query string."""
    return timeout_from(state_of(request).settings, request.query_params.getlist("timeout"))


#: A route's time limit (from ``?timeout=``), parsed before its handler runs.
RequestTimeout = Annotated[float, Depends(request_timeout)]
