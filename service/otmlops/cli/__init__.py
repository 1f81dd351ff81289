"""The ``otmlops`` command line.

Each command group lives in its own module under ``otmlops.cli`` and exposes
``register(subparsers, common)``; this module only assembles them, maps errors to exit codes
and keeps tracebacks away from users. When the command line names a command, only the module
that registers it is imported (``--version`` imports none): start-up time is what a user waits
for on every call, and docs/benchmarks.md ("Start-up") measures it.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from otmlops import __version__
from otmlops.errors import OtmlopsError, UsageError, status_of

if "httpx" not in sys.modules:
    # httpx/__init__ imports httpx's own command line (click, rich, pygments: about 70 ms) when
    # those are installed, and uvicorn brings click. otmlops never runs it, yet every command
    # that reaches a service would pay for it. A None entry makes that import raise
    # ImportError, which httpx handles by defining a stub ``httpx.main``; nothing else changes.
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

#: Command modules, in the order their commands appear in ``--help``.
COMMAND_MODULES: tuple[str, ...] = (
    "otmlops.cli.summary_cmd",
    "otmlops.cli.ontology_cmd",
    "otmlops.cli.store_cmd",
    "otmlops.cli.query_cmd",
    "otmlops.cli.validate_cmd",
    "otmlops.cli.fix_cmd",
    "otmlops.cli.export_cmd",
    "otmlops.cli.new_cmd",
    "otmlops.cli.diff_cmd",
    "otmlops.cli.import_cmd",
    "otmlops.cli.serve_cmd",
    "otmlops.cli.report_cmd",
)

#: Command word -> the module that registers it. A word missing here still works: the parser
#: is then built from every module (tests/cli/test_startup_imports.py checks this table).
COMMAND_WORDS: dict[str, str] = {
    "summary": "otmlops.cli.summary_cmd",
    "ontology": "otmlops.cli.ontology_cmd",
    "load": "otmlops.cli.store_cmd",
    "graphs": "otmlops.cli.store_cmd",
    "drop": "otmlops.cli.store_cmd",
    "bootstrap": "otmlops.cli.store_cmd",
    "queries": "otmlops.cli.query_cmd",
    "query": "otmlops.cli.query_cmd",
    "validate": "otmlops.cli.validate_cmd",
    "fix": "otmlops.cli.fix_cmd",
    "export": "otmlops.cli.export_cmd",
    "new": "otmlops.cli.new_cmd",
    "diff": "otmlops.cli.diff_cmd",
    "import": "otmlops.cli.import_cmd",
    "report": "otmlops.cli.report_cmd",
    "serve": "otmlops.cli.serve_cmd",
}

#: Options before the command word that take a separate value (``--store=X`` is one token).
_VALUE_OPTIONS = ("--store", "--token")


class _PrintVersion(argparse.Action):
    """``--version``: argparse's own action builds a help formatter (and imports shutil to
    measure the terminal) to print one short line."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        print(f"otmlops {__version__}")
        parser.exit()


def _common_options() -> argparse.ArgumentParser:
    """Options accepted both before and after the subcommand (``--store``)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--store",
        default=argparse.SUPPRESS,
        metavar="PATH|URL|memory",
        help="store to use: a folder (embedded Oxigraph; while `otmlops serve` holds it, "
        "commands go through the service), the URL of an otmlops service or another SPARQL "
        "endpoint, or 'memory'; default: $OTMLOPS_STORE, else ./otmlops-store",
    )
    common.add_argument(
        "--token",
        default=argparse.SUPPRESS,
        metavar="TOKEN",
        help="bearer token for writes through an otmlops service; default: $OTMLOPS_TOKEN",
    )
    return common


def modules_for(argv: Sequence[str] | None) -> tuple[str, ...]:
    """The command modules the parser needs for ``argv``: the one registering the command
    word, none for a bare ``--version``, all of them otherwise (help, errors, unknown words)."""
    if argv is None:
        return COMMAND_MODULES
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            break
        if any(len(arg) > 3 and option.startswith(arg) for option in _VALUE_OPTIONS):
            i += 2  # the option (argparse accepts abbreviations) and its value
            continue
        if arg == "-h" or (len(arg) > 3 and "--help".startswith(arg)):
            return COMMAND_MODULES  # the top-level help lists every command
        if arg.startswith("-"):
            i += 1
            continue
        module = COMMAND_WORDS.get(arg)
        return (module,) if module in COMMAND_MODULES else COMMAND_MODULES
    return () if "--version" in args else COMMAND_MODULES


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for ``argv`` (None: with every command, as ``--help`` shows them)."""
    common = _common_options()
    parser = argparse.ArgumentParser(
        prog="otmlops",
        description="MLOps lifecycle on RAMI 4.0 and ISA-95: ontology, store, queries, validation.",
        parents=[common],
    )
    parser.add_argument(
        "--version", action=_PrintVersion, nargs=0, help="show the version and exit"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in modules_for(argv):
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


def open_cli_store(args: argparse.Namespace):  # noqa: ANN201 - Store, imported lazily
    """The store the command line names, with the write token it gives (if any)."""
    from otmlops.store import open_store

    return open_store(store_location(args), token=getattr(args, "token", None))


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return UsageError.exit_code  # a command without its subcommand
    try:
        return int(args.func(args) or 0)
    except OtmlopsError as exc:
        # the exit code comes from the one error table the HTTP service uses too
        error = status_of(exc)
        kind = "usage error" if isinstance(exc, UsageError) else "error"
        print(f"otmlops: {kind}: {error.message}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("otmlops: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
