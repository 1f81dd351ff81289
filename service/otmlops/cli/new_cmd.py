"""``otmlops new use-case``: write a skeleton mapping from the reference mapping
(docs/authoring.md, "Scaffolding")."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from otmlops.cli.validate_cmd import add_plant_option
from otmlops.errors import InputError, UsageError


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "new",
        parents=[common],
        help="write a skeleton mapping from the reference mapping",
        description="Write the skeleton of a new mapping.",
    )
    sub = parser.add_subparsers(dest="new_command", metavar="WHAT")
    p = sub.add_parser(
        "use-case",
        parents=[common],
        help="a use case with its stages, pre-placed",
        description="Write a use case whose stages carry the reference placement and owner of "
        "their kind (ontology/reference-mapping.ttl), with the rationale and the allowed "
        "alternatives as comments. Where each stage runs is left as a marked TODO, which "
        "`otmlops validate` reports as a warning, not a violation.",
    )
    p.add_argument(
        "name",
        metavar="NAME",
        help="the use case's name: its label, and (as a slug) part of its IRI",
    )
    p.add_argument(
        "--stages",
        nargs="+",
        metavar="KIND",
        help="stage kinds (name or label, e.g. ModelServing or 'model serving'); "
        "default: every kind the ontology has",
    )
    add_plant_option(
        p,
        "plant model whose equipment and hosts are offered as candidates "
        "for each stage's TODO (repeatable)",
    )
    p.add_argument(
        "--format",
        choices=("yaml", "ttl", "csv"),
        default="yaml",
        help="form of the skeleton (default: yaml)",
    )
    p.add_argument(
        "--base",
        metavar="IRI",
        help="namespace of the use case and its stages (default "
        "https://example.org/mappings/SLUG#)",
    )
    p.add_argument("--out", type=Path, metavar="FILE", help="write to FILE; default stdout")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.set_defaults(func=run)
    parser.set_defaults(func=lambda args: (parser.print_help(), 2)[1])


def _plant_triples(args: argparse.Namespace) -> list | None:
    if not args.plant:
        return None
    from otmlops.cli.validate_cmd import _plant_sources
    from otmlops.validation.sources import DEFAULT_MAX_SIZE, parse

    files, graphs = _plant_sources(args, DEFAULT_MAX_SIZE)
    triples = [t for src in files for t in parse(src)]
    for graph in graphs.values():
        triples.extend(graph)
    return triples


def run(args: argparse.Namespace) -> int:
    from otmlops.authoring.scaffold import build, render
    from otmlops.cli.output import write_or_print

    if args.out is not None and args.out.exists() and not args.force:
        raise UsageError(f"{args.out} exists; choose another file or pass --force to overwrite it")
    if args.out is not None and args.out.exists() and not args.out.is_file():
        raise InputError("not a regular file", source=str(args.out))
    skeleton = build(args.name, args.stages, base=args.base, plant=_plant_triples(args))
    text = render(skeleton, args.format)
    write_or_print(args.out, text)
    if args.out is not None:
        print(
            f"wrote {args.out}: use case {skeleton.name!r} with {len(skeleton.stages)} "
            "stage(s); fill in the TODOs, then `otmlops validate`",
            file=sys.stderr,
        )
    return 0
