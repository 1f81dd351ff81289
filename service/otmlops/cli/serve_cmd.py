"""``otmlops serve``: run the HTTP service (FastAPI on uvicorn)."""

from __future__ import annotations

import argparse
import socket
from pathlib import Path

from otmlops.cli import serve_limits, store_location
from otmlops.errors import OtmlopsError
from otmlops.http.settings import (
    DEFAULT_BODY_LIMIT,
    DEFAULT_MAX_TIMEOUT_S,
    DEFAULT_TIMEOUT_S,
    ServerSettings,
    read_token,
)


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "serve",
        parents=[common],
        help="run the HTTP service (SPARQL endpoint, graph store, queries, validation)",
        description="Serve the store over HTTP: the workbench at /, /sparql (SPARQL 1.1 "
        "Protocol), /store (Graph Store Protocol), /queries, /validate, /healthz, "
        "/metrics; API docs at /docs and /redoc (they work offline). Prints its URLs "
        "once it listens. Writes need a bearer token (OTMLOPS_TOKEN or "
        "--token-file).",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument(
        "--port",
        type=int,
        default=8000,
        help="port (default: 8000; 0: any free port, printed on start)",
    )
    p.add_argument("--read-only", action="store_true", help="refuse every write with 403")
    p.add_argument(
        "--workers",
        type=int,
        default=2,
        metavar="N",
        help="query worker processes (default: 2); a query past its time limit "
        "is stopped by killing its worker",
    )
    p.add_argument(
        "--token-file",
        metavar="FILE",
        help="file whose first line is the bearer token that enables writes "
        "(default: $OTMLOPS_TOKEN; no token: writes disabled)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        metavar="S",
        help=f"default query time limit in seconds (default: {DEFAULT_TIMEOUT_S:g})",
    )
    p.add_argument(
        "--max-timeout",
        type=float,
        default=DEFAULT_MAX_TIMEOUT_S,
        metavar="S",
        help="largest time limit a request may ask for with its 'timeout' "
        f"parameter (default: {DEFAULT_MAX_TIMEOUT_S:g})",
    )
    p.add_argument(
        "--body-limit",
        type=int,
        default=DEFAULT_BODY_LIMIT,
        metavar="BYTES",
        help="largest accepted request body (default: 50 MB)",
    )
    p.add_argument(
        "--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"]
    )
    serve_limits.add_arguments(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from otmlops.http.listen import open_listener

    token = getattr(args, "token", None) or read_token(args.token_file)
    settings = ServerSettings(
        store=store_location(args),
        read_only=args.read_only,
        token=token,
        timeout=args.timeout,
        max_timeout=args.max_timeout,
        workers=args.workers,
        body_limit=args.body_limit,
        **serve_limits.settings_kwargs(args, args.host),
    )
    sock = open_listener(args.host, args.port)  # a taken port fails here, before any worker
    try:
        return _serve(args, settings, sock)
    finally:
        sock.close()


def _serve(args: argparse.Namespace, settings: ServerSettings, sock: socket.socket) -> int:
    import uvicorn

    from otmlops import __version__
    from otmlops.http.app import create_app
    from otmlops.http.listen import base_url, greeting
    from otmlops.redact import display_store
    from otmlops.store import holder

    app = create_app(settings)
    state = app.state.otmlops
    config = uvicorn.Config(
        app,
        host=args.host,
        port=sock.getsockname()[1],
        log_level=args.log_level,
        lifespan="on",
        access_log=args.log_level in ("info", "debug"),
        **serve_limits.uvicorn_kwargs(args),
    )
    text = greeting(
        base_url(sock, args.host),
        host=args.host,
        store=display_store(settings.store, show_path=True),
        read_only=settings.read_only,
        has_token=settings.token is not None,
        version=__version__,
    )
    folder = _served_folder(settings.store)

    class Server(uvicorn.Server):
        """Starts the store workers first (their errors are one line, not a uvicorn log),
        greets once the socket accepts connections, and leaves a record beside a store folder
        that tells other otmlops commands where the service listens (otmlops.store.holder)."""

        failure: OtmlopsError | None = None

        def withdraw(self) -> None:
            if folder is not None:
                holder.withdraw(folder)

        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            try:
                await state.start_runner()
            except OtmlopsError as exc:
                self.failure, self.should_exit = exc, True
                await state.runner.close()
                return
            await super().startup(sockets=sockets)
            if self.started:
                if folder is not None:
                    holder.announce(folder, holder.client_url(args.host, sock.getsockname()[1]))
                print(text, flush=True)

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            self.withdraw()  # first: uvicorn ends the process by re-raising a stop signal
            await super().shutdown(sockets=sockets)

    server = Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        server.withdraw()  # after a failed start (a stop by signal withdraws in shutdown)
    if server.failure is not None:
        raise server.failure
    return 0 if server.started else 1


def _served_folder(store: str) -> Path | None:
    """The store folder this service holds, or None for memory and remote stores."""
    from otmlops.runner.backend import is_embedded

    return Path(store) if is_embedded(store) else None
