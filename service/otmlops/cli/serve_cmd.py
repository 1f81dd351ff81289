"""``otmlops serve``: run the HTTP service (FastAPI on uvicorn)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from otmlops.cli import store_location
from otmlops.errors import UsageError
from otmlops.http.settings import (
    DEFAULT_BODY_LIMIT,
    DEFAULT_MAX_TIMEOUT_S,
    DEFAULT_TIMEOUT_S,
    ServerSettings,
    read_token,
)


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "serve", parents=[common],
        help="run the HTTP service (SPARQL endpoint, graph store, queries, validation)",
        description="Serve the store over HTTP: /sparql (SPARQL 1.1 Protocol), /store (Graph "
                    "Store Protocol), /queries, /validate, /healthz, /metrics; OpenAPI docs at "
                    "/docs. Writes need a bearer token (OTMLOPS_TOKEN or --token-file).")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: "
                   "127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    p.add_argument("--read-only", action="store_true", help="refuse every write with 403")
    p.add_argument("--workers", type=int, default=2, metavar="N",
                   help="query worker processes (default: 2); a query past its time limit "
                        "is stopped by killing its worker")
    p.add_argument("--token-file", metavar="FILE",
                   help="file whose first line is the bearer token that enables writes "
                        "(default: $OTMLOPS_TOKEN; no token: writes disabled)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, metavar="S",
                   help=f"default query time limit in seconds (default: {DEFAULT_TIMEOUT_S:g})")
    p.add_argument("--max-timeout", type=float, default=DEFAULT_MAX_TIMEOUT_S, metavar="S",
                   help="largest time limit a request may ask for with its 'timeout' "
                        f"parameter (default: {DEFAULT_MAX_TIMEOUT_S:g})")
    p.add_argument("--body-limit", type=int, default=DEFAULT_BODY_LIMIT, metavar="BYTES",
                   help="largest accepted request body (default: 50 MB)")
    p.add_argument("--log-level", default="warning",
                   choices=["critical", "error", "warning", "info", "debug"])
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from otmlops.http.app import create_app

    if not 0 < args.port < 65536:
        raise UsageError(f"--port {args.port} is not a valid port")
    token = getattr(args, "token", None) or read_token(args.token_file)
    settings = ServerSettings(
        store=store_location(args), read_only=args.read_only, token=token,
        timeout=args.timeout, max_timeout=args.max_timeout, workers=args.workers,
        body_limit=args.body_limit)
    app = create_app(settings)
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level=args.log_level,
                            access_log=args.log_level in ("info", "debug"), lifespan="on")
    server = _announcing_server(config, settings.store)
    try:
        server.run()
    finally:
        server.withdraw()  # after a failed start (a stop by signal withdraws in shutdown)
    return 0


def _announcing_server(config: Any, store: str) -> Any:
    """uvicorn's server, plus the record beside a store folder that tells other otmlops
    commands where the service listens (written once it accepts connections, removed on
    exit; see otmlops.store.holder)."""
    import uvicorn

    from otmlops.runner.backend import is_embedded
    from otmlops.store import holder

    folder = Path(store) if is_embedded(store) else None

    class Server(uvicorn.Server):
        def withdraw(self) -> None:
            if folder is not None:
                holder.withdraw(folder)

        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets=sockets)
            if self.started and folder is not None:
                port = self.servers[0].sockets[0].getsockname()[1]
                holder.announce(folder, holder.client_url(config.host, port))

        async def shutdown(self, sockets: Any = None) -> None:
            self.withdraw()  # first: uvicorn ends the process by re-raising a stop signal
            await super().shutdown(sockets=sockets)

    return Server(config)
