"""Errors users can act on, and the one table that says what each means to a user.

Every error a user can see is an :class:`OtmlopsError` subclass that carries its HTTP status
and its CLI exit code. :func:`status_of` is the single mapping from any exception to
(HTTP status, exit code, message): the HTTP app, the worker processes of the runner and the
CLI all use it, so the same mistake gets the same answer everywhere. Exceptions that are not
ours (a parser's SyntaxError, MemoryError in a worker) are mapped by :data:`FOREIGN`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


class OtmlopsError(Exception):
    """Base class: a failure of ours (HTTP 500, exit 1) unless a subclass says otherwise."""

    #: what the CLI returns for it
    exit_code: int = 1
    #: what the HTTP service answers for it
    http_status: int = 500
    #: extra HTTP response headers (e.g. WWW-Authenticate); read-only here, set per instance
    headers: Mapping[str, str] = MappingProxyType({})


class UsageError(OtmlopsError):
    """The caller asked for something malformed (bad option, unknown query id, bad parameter)."""

    exit_code = 2
    http_status = 400


class InputError(OtmlopsError):
    """A file or request body cannot be used: syntax error, wrong encoding, too large, empty.

    ``location`` is ``file:line:column`` (or as much of it as is known).
    """

    exit_code = 2
    http_status = 400

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.source = source
        self.line = line
        self.column = column
        super().__init__(message)

    @property
    def location(self) -> str:
        parts = [self.source or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        return f"{self.location}: {self.args[0]}"


class ParameterError(UsageError):
    """A named query's own argument is missing, unknown, repeated or has a bad value: the
    request is well formed but does not fit the query's declared parameters (HTTP 422)."""

    http_status = 422


class NotAcceptable(UsageError):
    """No offered media type matches the Accept header (HTTP 406)."""

    http_status = 406

    def __init__(self, offered: list[str]) -> None:
        super().__init__(
            "none of the requested media types can be produced; available: " + ", ".join(offered)
        )
        self.offered = offered


class UnsupportedMediaType(UsageError):
    """A request body in a media type the endpoint does not take (HTTP 415)."""

    http_status = 415


class TooLarge(UsageError):
    """A request body over the size limit (HTTP 413)."""

    http_status = 413


class MethodNotAllowed(UsageError):
    """An HTTP method the endpoint does not serve (HTTP 405)."""

    http_status = 405


class Unauthorized(UsageError):
    """A write without a valid bearer token (HTTP 401, with a WWW-Authenticate challenge)."""

    http_status = 401

    def __init__(self, message: str, challenge: str = 'Bearer realm="otmlops"') -> None:
        super().__init__(message)
        self.headers = {"WWW-Authenticate": challenge}


class Forbidden(UsageError):
    """Writes are refused here (read-only mode, or no token configured) (HTTP 403)."""

    http_status = 403


class NotFound(OtmlopsError):
    """A named thing (graph, query id) does not exist."""

    exit_code = 2
    http_status = 404


class StoreError(OtmlopsError):
    """The store failed (unreachable remote, locked folder, execution error)."""

    exit_code = 1
    http_status = 500


class QueryTimeout(StoreError):
    """A query ran past its time limit and was stopped."""

    http_status = 503


class ResourceLimit(StoreError):
    """A request needed more memory than a worker may use and was stopped (HTTP 503)."""

    http_status = 503


class ClientGone(OtmlopsError):
    """The HTTP client closed its connection; its request was stopped (nginx's 499: nobody
    reads the answer, it only shows in logs and metrics)."""

    http_status = 499


class ReportedError(OtmlopsError):
    """An error raised in another process (a worker), carried over with its status, exit code
    and message, as :func:`status_of` mapped it there."""

    def __init__(self, message: str, *, http_status: int, exit_code: int) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.exit_code = exit_code


#: What the user is told when a request needed more memory than a worker may use.
MEMORY_MESSAGE = (
    "the request needed more memory than a query worker may use (--worker-memory) "
    "and was stopped; narrow the query (LIMIT, fewer results, no ORDER BY over "
    "everything) or ask the operator to raise the limit"
)

#: Exceptions that are not ours, most specific first: (type, HTTP status, exit code, message;
#: ``{exc}`` in it is the exception's text). A parser's SyntaxError or a bad value is the
#: caller's mistake; running out of memory is a resource limit. Anything else is a failure of
#: ours: 500, exit 1.
FOREIGN: tuple[tuple[type[BaseException], int, int, str], ...] = (
    (SyntaxError, 400, 2, "syntax error: {exc}"),
    (ValueError, 400, 2, "{exc}"),  # UnicodeDecodeError too
    (RecursionError, 400, 2, "the request is nested too deeply to be processed"),
    (MemoryError, 503, 1, MEMORY_MESSAGE),
)


@dataclass(frozen=True)
class ErrorStatus:
    """What one failure means to a user: the HTTP status, the CLI exit code, the message."""

    http_status: int
    exit_code: int
    message: str
    headers: dict[str, str] = field(default_factory=dict)
    #: neither ours nor in FOREIGN: a bug, whose traceback belongs in the server's log
    unexpected: bool = False


def status_of(exc: BaseException) -> ErrorStatus:
    """The one mapping from an exception to what the user gets (see the module docstring)."""
    if isinstance(exc, OtmlopsError):
        return ErrorStatus(exc.http_status, exc.exit_code, str(exc), dict(exc.headers))
    for kind, http_status, exit_code, message in FOREIGN:
        if isinstance(exc, kind):
            return ErrorStatus(http_status, exit_code, message.replace("{exc}", str(exc)))
    return ErrorStatus(500, 1, f"{type(exc).__name__}: {exc}", unexpected=True)


#: The table read backwards, for a client of the service (store.service): the error class an
#: HTTP error answer stands for. Only classes whose constructor takes just a message; the first
#: class listed for a status wins.
_BY_STATUS: tuple[type[OtmlopsError], ...] = (
    UsageError,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    TooLarge,
    UnsupportedMediaType,
    ParameterError,
    QueryTimeout,
    StoreError,
)


def error_for_status(http_status: int, message: str) -> OtmlopsError:
    """The error a client raises for a service's error answer, so the CLI run against a
    service exits as it would have on the folder (same table, same exit codes)."""
    for cls in _BY_STATUS:
        if cls.http_status == http_status:
            return cls(message)
    return ReportedError(
        message, http_status=http_status, exit_code=2 if 400 <= http_status < 500 else 1
    )
