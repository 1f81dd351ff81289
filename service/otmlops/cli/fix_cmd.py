"""``otmlops fix``: make the unambiguous fixes that validation suggests, in the file's own format.

Without --apply it prints a unified diff (exit 1 when there is something to fix, 0 when there
is nothing); with --apply it writes the file atomically (a temporary file renamed over it).
Exit 2: bad input or usage, and nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from otmlops.cli.output import write_atomic
from otmlops.cli.validate_cmd import add_plant_option
from otmlops.errors import InputError


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    from otmlops.cli.validate_cmd import DEFAULT_MAX_SIZE_TEXT

    p = subparsers.add_parser(
        "fix",
        parents=[common],
        help="print (or apply) the unambiguous fixes for a mapping file",
        description="Validate a mapping and make the fixes that the ontology, the reference "
        "mapping and the plant determine unambiguously (a misspelt term with one close "
        "match, the reference owner of a stage kind, the level of the equipment a stage is "
        "deployed on ...). Prints a unified diff of the file in its own format (Turtle, YAML, "
        "CSV); --apply writes it. Exit status: 0 nothing to fix or applied, 1 fixes printed (or only fixes it cannot make), "
        "2 bad input or usage.",
    )
    p.add_argument("mapping", metavar="MAPPING", help="the mapping file (Turtle, YAML or CSV)")
    add_plant_option(p)
    p.add_argument("--apply", action="store_true", help="write the fixes into the file")
    p.add_argument(
        "--format",
        choices=("diff", "json"),
        default="diff",
        help="diff: a unified diff (default); json: the fixes made and skipped",
    )
    p.add_argument(
        "--max-size",
        default=DEFAULT_MAX_SIZE_TEXT,
        metavar="SIZE",
        help="refuse input files larger than this (default 50MB)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json

    from otmlops.cli.validate_cmd import _plant_sources, parse_size
    from otmlops.validation.patch import fix_bytes

    max_size = parse_size(args.max_size)
    path = Path(args.mapping)
    if not path.is_file():
        raise InputError("no such file", source=args.mapping)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", source=args.mapping) from None
    plant_files, plant_graphs = _plant_sources(args, max_size)
    result = fix_bytes(
        data,
        args.mapping,
        plant=plant_files,
        plant_graphs=plant_graphs,
        max_size=max_size,
        base_iri=path.resolve().as_uri(),
    )
    if args.format == "json":
        sys.stdout.write(
            json.dumps(
                {
                    "file": args.mapping,
                    "form": result.form,
                    "applied": args.apply and result.changed,
                    "fixes": [s.to_dict() for s in result.applied],
                    "skipped": [{**s.to_dict(), "reason": why} for s, why in result.skipped],
                    "diff": result.diff(),
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )
    else:
        sys.stdout.write(result.diff())
    for s, why in result.skipped:
        sys.stderr.write(f"not applied: {s.message}: {why}\n")
    if not result.changed:
        if result.skipped:
            return 1  # there are fixes, but they are the user's to make (named on stderr)
        if args.format != "json":
            sys.stderr.write("nothing to fix unambiguously\n")
        return 0
    if not args.apply:
        return 1
    write_atomic(path, result.after)
    sys.stderr.write(f"applied {len(result.applied)} fix(es) to {args.mapping}\n")
    return 0
