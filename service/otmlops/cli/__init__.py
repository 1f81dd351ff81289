"""The ``otmlops`` command line.

Each command group lives in its own module under ``otmlops.cli`` and exposes
``register(subparsers, common)``; this module only assembles them, maps errors to exit codes
and keeps tracebacks away from users.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from otmlops import __version__
from otmlops.errors import OtmlopsError, UsageError

#: Command modules, in the order their commands appear in ``--help``.
COMMAND_MODULES: tuple[str, ...] = (
    "otmlops.cli.summary_cmd",
    "otmlops.cli.ontology_cmd",
    "otmlops.cli.store_cmd",
    "otmlops.cli.query_cmd",
    "otmlops.cli.validate_cmd",
    "otmlops.cli.import_cmd",
    "otmlops.cli.serve_cmd",
    "otmlops.cli.report_cmd",
)


def _common_options() -> argparse.ArgumentParser:
    """Options accepted both before and after the subcommand (``--store``)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--store",
        default=argparse.SUPPRESS,
        metavar="PATH|URL|memory",
        help="store to use: a folder (embedded Oxigraph), an http(s) SPARQL endpoint, or "
        "'memory'; default: $OTMLOPS_STORE, else ./otmlops-store",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common_options()
    parser = argparse.ArgumentParser(
        prog="otmlops",
        description="MLOps lifecycle on RAMI 4.0 and ISA-95: ontology, store, queries, validation.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"otmlops {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # command group not built yet
            raise
        module.register(sub, common)
    return parser


def store_location(args: argparse.Namespace) -> str:
    """The store named on the command line, else by OTMLOPS_STORE, else the default folder."""
    return getattr(args, "store", None) or os.environ.get("OTMLOPS_STORE") or "otmlops-store"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except UsageError as exc:
        print(f"otmlops: usage error: {exc}", file=sys.stderr)
        return 2
    except OtmlopsError as exc:
        print(f"otmlops: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("otmlops: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
