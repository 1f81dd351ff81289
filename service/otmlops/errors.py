"""Errors users can act on. The CLI prints them without a traceback; HTTP maps them to 4xx."""

from __future__ import annotations


class OtmlopsError(Exception):
    """Base class; ``exit_code`` is what the CLI returns for it."""

    exit_code = 1
    http_status = 500


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
