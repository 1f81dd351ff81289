"""The hardening options of ``otmlops serve``: limits, allowed hosts, proxies, federation.

Kept apart from the command itself so its parser stays readable; docs/security.md lists every
option with its default and why it exists.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from otmlops.errors import UsageError
from otmlops.http.settings import (
    DEFAULT_HEADER_TIMEOUT_S,
    DEFAULT_MAX_NESTING,
    DEFAULT_QUERY_BODY_LIMIT,
)
from otmlops.xml_guard import DEFAULT_EXPANSION_FACTOR


def add_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("limits and exposure (see docs/security.md)")
    g.add_argument(
        "--allowed-hosts",
        nargs="+",
        metavar="HOST[:PORT]",
        help="host header values to answer ('*': any; '*.example.org': its "
        "subdomains). Default: loopback names when bound to loopback, else any",
    )
    g.add_argument(
        "--trusted-proxies",
        nargs="+",
        metavar="IP",
        help="addresses whose X-Forwarded-For/-Proto headers are believed (default: none)",
    )
    g.add_argument(
        "--allow-remote",
        nargs="+",
        metavar="HOST[:PORT]",
        default=[],
        help="hosts SERVICE (federated queries) and LOAD may reach (default: none; "
        "file: IRIs are always refused)",
    )
    g.add_argument(
        "--per-client",
        type=int,
        metavar="N",
        help="queries one client address may run at once; more wait their turn "
        "(default: workers - 1, at least 1)",
    )
    g.add_argument(
        "--worker-memory",
        metavar="SIZE",
        help="memory one query worker may use, e.g. 2G or 800M (default: the "
        "machine's memory divided among the workers; 0: no limit)",
    )
    g.add_argument(
        "--max-nesting",
        type=int,
        default=DEFAULT_MAX_NESTING,
        metavar="N",
        help=f"deepest bracket nesting in a SPARQL request (default: {DEFAULT_MAX_NESTING})",
    )
    g.add_argument(
        "--query-body-limit",
        type=int,
        default=DEFAULT_QUERY_BODY_LIMIT,
        metavar="BYTES",
        help="largest /sparql body read without a valid write token (default: 1 MiB)",
    )
    g.add_argument(
        "--header-timeout",
        type=float,
        default=DEFAULT_HEADER_TIMEOUT_S,
        metavar="S",
        help="seconds a client may take to send its request headers "
        f"(default: {DEFAULT_HEADER_TIMEOUT_S:g})",
    )
    g.add_argument(
        "--xml-expansion",
        type=int,
        default=DEFAULT_EXPANSION_FACTOR,
        metavar="N",
        help="RDF/XML entity declarations may grow a document to at most N times "
        f"its size (default: {DEFAULT_EXPANSION_FACTOR})",
    )
    g.add_argument(
        "--show-store-path",
        action="store_true",
        help="show the store folder in /healthz and error messages (default: only its kind)",
    )


def parse_size(text: str) -> int:
    """Bytes from ``800M``, ``2G``, ``1.5G``, ``512k`` or a plain number."""
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
    raw = text.strip().lower().removesuffix("b").removesuffix("i")
    factor = units.get(raw[-1:], 1)
    number = raw[:-1] if raw[-1:] in units else raw
    try:
        value = float(number)
    except ValueError:
        raise UsageError(f"--worker-memory {text!r} is not a size; write e.g. 800M or 2G") from None
    if value < 0:
        raise UsageError("--worker-memory must not be negative")
    return int(value * factor)


def settings_kwargs(args: argparse.Namespace, bind_host: str) -> dict[str, Any]:
    """The ServerSettings fields these options set."""
    from otmlops.http.guard import default_allowed_hosts

    if args.header_timeout <= 0:
        raise UsageError("--header-timeout must be a positive number of seconds")
    if args.xml_expansion < 1:
        raise UsageError("--xml-expansion must be at least 1")
    if args.query_body_limit < 1:
        raise UsageError("--query-body-limit must be at least 1 byte")
    # worker processes and the server read the factor from the environment
    os.environ["OTMLOPS_XML_EXPANSION"] = str(args.xml_expansion)
    memory = None if args.worker_memory is None else parse_size(args.worker_memory)
    return {
        "allowed_hosts": tuple(args.allowed_hosts or default_allowed_hosts(bind_host)),
        "allow_remote": tuple(args.allow_remote or ()),
        "per_client": args.per_client,
        "max_nesting": args.max_nesting,
        "query_body_limit": args.query_body_limit,
        "show_store_path": args.show_store_path,
        "worker_memory": memory,
    }


def uvicorn_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """uvicorn.Config options: proxy headers only from trusted proxies; header timeout."""
    from otmlops.http.header_timeout import protocol_class

    proxies = list(args.trusted_proxies or ())
    return {
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": proxies or [],
        "http": protocol_class(args.header_timeout),
        "server_header": False,
    }
