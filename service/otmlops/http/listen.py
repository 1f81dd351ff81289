"""The listening socket of ``otmlops serve`` and the lines that tell people where it is.

The socket is bound before anything else starts, so a taken port or an unknown host is one
clear line and exit 2 instead of a worker pool started for nothing and a uvicorn log.
"""

from __future__ import annotations

import errno
import socket

from otmlops.errors import OtmlopsError, UsageError

#: Paths the greeting lists, with what a person finds there.
SERVICE_PATHS: tuple[tuple[str, str], ...] = (
    ("/", "workbench (RAMI 4.0, ISA-95, gaps, validate, query)"),
    ("/docs", "API docs (Swagger UI; ReDoc at /redoc)"),
    ("/sparql", "SPARQL endpoint"),
    ("/queries", "named competency queries"),
)
_WILDCARDS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


class PortInUse(OtmlopsError):
    """Another process listens on the port: bad input (choose another port), so exit 2."""

    exit_code = 2
    http_status = 500


def open_listener(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` and listening; uvicorn serves on it.

    Raises :class:`PortInUse` or :class:`UsageError` with a message that says what to do.
    """
    if not 0 <= port < 65536:
        raise UsageError(f"--port {port} is not a port number; use 1-65535 (0: any free port)")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (socket.gaierror, UnicodeError) as exc:
        why = getattr(exc, "strerror", None) or str(exc)
        raise UsageError(
            f"--host {host}: cannot resolve this address ({why}); give an "
            "address of this machine such as 127.0.0.1"
        ) from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise _bind_error(exc, host, port) from None
    return sock


def _bind_error(exc: OSError, host: str, port: int) -> OtmlopsError:
    if exc.errno == errno.EADDRINUSE:
        return PortInUse(f"port {port} on {host} is in use; choose another with --port N")
    if exc.errno == errno.EACCES:
        return UsageError(
            f"port {port} on {host} needs privileges this user lacks; choose "
            "one above 1023 with --port N"
        )
    if exc.errno == errno.EADDRNOTAVAIL:
        return UsageError(
            f"--host {host} is not an address of this machine; use 127.0.0.1 "
            "or one of its own addresses"
        )
    return UsageError(
        f"cannot listen on {host} port {port}: {exc.strerror or exc}; choose "
        "another --host or --port"
    )


def base_url(sock: socket.socket, host: str) -> str:
    """The URL a browser on this machine opens (wildcard addresses become loopback)."""
    port = sock.getsockname()[1]
    shown = _WILDCARDS.get(host, host)
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def greeting(
    base: str, *, host: str, store: str, read_only: bool, has_token: bool, version: str
) -> str:
    """What ``otmlops serve`` prints once it listens: where to go and what writes need."""
    lines = [f"otmlops {version} serves the store {store} at {base}/"]
    if host in _WILDCARDS:
        lines[0] += " (listening on every interface)"
    width = max(len(base + path) for path, _ in SERVICE_PATHS)
    lines += [f"  {base + path:<{width}}  {what}" for path, what in SERVICE_PATHS]
    if read_only:
        lines.append("Writes are refused (--read-only).")
    elif has_token:
        lines.append("Writes need the bearer token (Authorization: Bearer ...).")
    else:
        lines.append("Writes are disabled: no token (set OTMLOPS_TOKEN or --token-file).")
    lines.append("Stop with Ctrl+C.")
    return "\n".join(lines)
