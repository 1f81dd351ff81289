"""Browser-facing defaults, checked before any route runs (pure ASGI, so cheap).

* Host: a server bound to loopback answers only loopback Host values (DNS rebinding would
  otherwise let any web page a local user opens read and write the service);
  ``--allowed-hosts`` names others.
* The URL's parameters and path must be valid UTF-8 once percent-decoded (400 instead of
  silently replacing bytes, which could change what a query means).
* Every response says ``nosniff``, may not be framed and sends no referrer; HTML pages get a
  Content-Security-Policy (pages that need an inline script set their own with its hash).
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
from collections.abc import Iterable
from urllib.parse import unquote_to_bytes

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)
#: The default policy of HTML pages that set none of their own (the workbench sets its own,
#: and the API docs theirs): own styles and images only, nothing else.
HTML_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def is_loopback(host: str) -> bool:
    """True for a loopback bind address or name."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def default_allowed_hosts(bind_host: str) -> tuple[str, ...]:
    """Loopback names for a loopback bind, any Host otherwise (the operator narrows it)."""
    return LOOPBACK_HOSTS if is_loopback(bind_host) else ("*",)


def docs_csp(html: str) -> str:
    """A policy for the API docs pages: their own scripts plus the inline initialisation
    script by hash; ReDoc injects its styles and runs its search in a blob worker."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(m.group(1).encode()).digest()).decode() + "'"
        for m in _INLINE_SCRIPT.finditer(html)
    )
    return (
        f"default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
        "font-src 'self' data:; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    )


def host_allowed(host_header: str, allowed: Iterable[str]) -> bool:
    """Does a Host header value match one of the allowed names (``*``: any; ``name:port``
    must match the port too; ``*.example.org``: its subdomains)?"""
    value = host_header.strip().lower().rstrip(".")
    if value.startswith("["):
        name, _, rest = value[1:].partition("]")
        port = rest.lstrip(":")
    elif value.count(":") == 1:
        name, _, port = value.partition(":")
    else:
        name, port = value, ""
    for entry in allowed:
        entry = entry.strip().lower()
        if entry == "*":
            return True
        want, want_port = entry, ""
        if entry.startswith("["):
            want, _, rest = entry[1:].partition("]")
            want_port = rest.lstrip(":")
        elif entry.count(":") == 1:
            want, _, want_port = entry.partition(":")
        if want_port and want_port != port:
            continue
        if want == name or (want.startswith("*.") and name.endswith(want[1:])):
            return True
    return False


def _utf8_problem(scope: Scope) -> str | None:
    """Why the request's path or query string is not UTF-8 once decoded, or None."""
    raw_path = scope.get("raw_path") or scope.get("path", "").encode("utf-8", "surrogateescape")
    try:
        unquote_to_bytes(raw_path).decode("utf-8")
    except UnicodeDecodeError:
        return "the URL path is not valid UTF-8 once percent-decoded"
    query: bytes = scope.get("query_string", b"")
    for pair in query.split(b"&"):
        name, _, value = pair.partition(b"=")
        for part, what in ((name, "a parameter name"), (value, "the value of a parameter")):
            try:
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                shown = unquote_to_bytes(name).decode("utf-8", "replace")
                return (
                    f"{what} ({shown!r}) is not valid UTF-8 once percent-decoded; "
                    "encode text as UTF-8"
                )
    return None


class RequestGuard:
    """Host check, UTF-8 URL check and security headers around the whole app."""

    def __init__(self, app: ASGIApp, allowed_hosts: tuple[str, ...] | None) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if ctype.startswith(b"text/html") and b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", HTML_CSP.encode()))
                message = {**message, "headers": headers}
            await send(message)

        problem = self._problem(scope)
        if problem is not None:
            from otmlops.errors import UsageError, status_of
            from otmlops.http.errors import error_response

            response = error_response(Request(scope), status_of(UsageError(problem)))
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)

    def _problem(self, scope: Scope) -> str | None:
        """Why the request is refused (a 400, as any bad input), or None."""
        if self.allowed_hosts is not None:
            host = next(
                (v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"host"), None
            )
            if host is not None and not host_allowed(host, self.allowed_hosts):
                return (
                    f"this server does not answer for the host name {host!r} (it "
                    "protects a local service from DNS rebinding); the operator can "
                    "allow it with --allowed-hosts"
                )
        why = _utf8_problem(scope)
        return why
