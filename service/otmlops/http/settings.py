"""Server settings: one object the app factory and the ``serve`` command share."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from otmlops.errors import UsageError

DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MAX_TIMEOUT_S = 120.0
DEFAULT_BODY_LIMIT = 50 * 1024 * 1024
#: Largest body a request without a valid write token may send to /sparql (a query; an
#: update body is only read once the token is checked).
DEFAULT_QUERY_BODY_LIMIT = 1024 * 1024
#: Seconds a client may take to send its request line and headers.
DEFAULT_HEADER_TIMEOUT_S = 10.0
#: Deepest nesting of brackets and braces accepted in a SPARQL request.
DEFAULT_MAX_NESTING = 100  # the store's own limit (otmlops.store.sparql_text.MAX_NESTING)
#: The smallest time limit a request may ask for: each overrun costs a worker restart, so a
#: client must not be able to ask for thousands of them per second.
MIN_TIMEOUT_S = 1.0


@dataclass(frozen=True)
class ServerSettings:
    store: str
    read_only: bool = False
    #: Bearer token that enables writes; None disables writes.
    token: str | None = None
    timeout: float = DEFAULT_TIMEOUT_S
    max_timeout: float = DEFAULT_MAX_TIMEOUT_S
    workers: int = 2
    body_limit: int = DEFAULT_BODY_LIMIT
    query_body_limit: int = DEFAULT_QUERY_BODY_LIMIT
    #: Host header values served ("*": any); None: any (an app built without ``serve``).
    allowed_hosts: tuple[str, ...] | None = None
    #: host or host:port that SERVICE and LOAD may reach; empty: no outbound call at all.
    allow_remote: tuple[str, ...] = ()
    #: Reads one client address may run at once (None: workers - 1, at least 1).
    per_client: int | None = None
    max_nesting: int = DEFAULT_MAX_NESTING
    #: Show the store folder in /healthz and on the workbench pages (else only its kind).
    show_store_path: bool = False
    #: Bytes of memory one query worker may use (None: from the machine's memory; 0: none).
    worker_memory: int | None = None

    def __post_init__(self) -> None:
        if self.timeout <= 0 or self.max_timeout <= 0:
            raise UsageError("timeouts must be positive numbers of seconds")
        if self.max_timeout < self.timeout:
            object.__setattr__(self, "max_timeout", self.timeout)
        if self.workers < 1:
            raise UsageError("--workers must be at least 1")
        if self.token is not None and not self.token.strip():
            raise UsageError("the write token is empty")
        if self.per_client is not None and self.per_client < 1:
            raise UsageError("--per-client must be at least 1")
        if self.max_nesting < 1:
            raise UsageError("--max-nesting must be at least 1")

    @property
    def client_limit(self) -> int:
        """Reads one client address may run at once: by default all readers but one, so a
        single client never holds every reader."""
        if self.per_client is not None:
            return self.per_client
        return max(1, self.workers - 1)

    @property
    def store_shown(self) -> str:
        """The store location as /healthz, the workbench pages and errors show it: no user info
        or query of a remote URL; a folder only if the operator asked (--show-store-path)."""
        from otmlops.redact import display_store

        return display_store(self.store, show_path=self.show_store_path)

    def request_timeout(self, requested: str | None, default: float | None = None) -> float:
        """The time limit for one request: the ``timeout`` parameter if given (seconds,
        capped at the configured maximum), else ``default`` (None: ``--timeout``). The one
        parser of ``timeout`` (every route reaches it through otmlops.http.shared_params)."""
        if requested is None or requested == "":
            return self.timeout if default is None else default
        try:
            value = float(requested)
        except ValueError:
            raise UsageError(f"timeout must be a number of seconds, not {requested!r}") from None
        if value != value or value < MIN_TIMEOUT_S:
            raise UsageError(
                f"timeout must be at least {MIN_TIMEOUT_S:g} second(s), not {requested}"
            )
        return min(value, self.max_timeout)


def read_token(token_file: str | None) -> str | None:
    """The write token from ``--token-file`` (first line) or $OTMLOPS_TOKEN, else None."""
    if token_file:
        try:
            text = Path(token_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read token file {token_file}: {exc}") from None
        token = text.strip().splitlines()[0].strip() if text.strip() else ""
        if not token:
            raise UsageError(f"token file {token_file} is empty")
        return token
    env = os.environ.get("OTMLOPS_TOKEN", "").strip()
    return env or None
