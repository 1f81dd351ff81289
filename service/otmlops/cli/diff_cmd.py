"""``otmlops diff OLD NEW``: what changed between two versions of a mapping (docs/authoring.md,
"Comparing versions"). Exit 0: no differences; 1: differences; 2: bad input or usage."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from otmlops.cli.validate_cmd import add_plant_option
from otmlops.errors import UsageError

if TYPE_CHECKING:
    from otmlops.validation.sources import Source


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "diff",
        parents=[common],
        help="compare two versions of a mapping",
        description="Compare two versions of a mapping: per use case and stage, what moved on "
        "each RAMI 4.0 axis, owner, deployment and data-source changes, stages added or "
        "removed, and the validation findings that appear or disappear. Each side is a file "
        "(any form `validate` reads: Turtle, YAML, CSV, XLSX...) or the IRI of a graph in the "
        "store. Exit status: 0 no differences, 1 differences, 2 bad input or usage.",
    )
    p.add_argument("old", metavar="OLD", help="the earlier version: a file or a graph IRI")
    p.add_argument("new", metavar="NEW", help="the later version: a file or a graph IRI")
    add_plant_option(p, "plant model both versions are validated with (repeatable)")
    p.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="text for people, json, or markdown for a merge-request comment",
    )
    p.add_argument(
        "--no-findings",
        action="store_true",
        help="compare the mappings only; do not validate both versions",
    )
    p.set_defaults(func=run)


def _side(item: str, args: argparse.Namespace) -> Source:
    """A file, or a graph of the store as an N-Triples source named by its IRI."""
    import pyoxigraph as ox

    from otmlops.cli.validate_cmd import plant_kind
    from otmlops.validation.sources import DEFAULT_MAX_SIZE, Source, read_file

    if plant_kind(item) == "file":
        return read_file(item, max_size=DEFAULT_MAX_SIZE)
    try:
        ox.NamedNode(item)
    except ValueError as exc:
        raise UsageError(f"{item}: not a valid IRI ({exc})") from None
    from otmlops.cli import open_cli_store
    from otmlops.runner.validation_adapter import plant_graphs

    with open_cli_store(args) as store:
        triples = plant_graphs(store, [item])[item]
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return Source(name=item, data=data or b"", format=ox.RdfFormat.N_TRIPLES)


def run(args: argparse.Namespace) -> int:
    from otmlops.cli.validate_cmd import _plant_sources
    from otmlops.mapping_diff import compare
    from otmlops.validation.sources import DEFAULT_MAX_SIZE, parse

    old, new = _side(args.old, args), _side(args.new, args)
    old_triples, new_triples = parse(old), parse(new)
    old_findings = new_findings = None
    if not args.no_findings:
        from otmlops.validation.api import validate

        plant_files, graphs = _plant_sources(args, DEFAULT_MAX_SIZE)
        old_findings = validate([old], plant_files, plant_graphs=graphs, locate_lines=False).results
        new_findings = validate([new], plant_files, plant_graphs=graphs, locate_lines=False).results
    diff = compare(
        old_triples,
        new_triples,
        old_name=args.old,
        new_name=args.new,
        old_findings=old_findings,
        new_findings=new_findings,
    )
    if args.format == "json":
        out = diff.to_json()
    elif args.format == "markdown":
        out = diff.to_markdown()
    else:
        out = diff.to_text()
    sys.stdout.write(out)
    return 1 if diff.has_differences else 0
