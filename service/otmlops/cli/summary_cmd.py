"""``otmlops summary``: what the ontology, the reference mapping and the case studies (or the
files given, read together) contain. It is the first thing a new user runs, so it needs no store
and no network; the work is in ``otmlops.summary``."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "summary",
        parents=[common],
        help="summarise the ontology, reference mapping and case studies (or your files)",
        description="Summarise the bundled ontology and reference mapping, then the use cases "
        "of the files given, read together as one dataset (a plant model and the mappings that "
        "point into it: equipment is typed by the plant file). Without files, each bundled "
        "case study is summarised on its own.",
    )
    parser.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="FILE",
        help="RDF files (plant model, mappings) read together; default: the "
        "bundled case studies, one at a time",
    )
    parser.set_defaults(func=_cmd_summary)


def _cmd_summary(args: argparse.Namespace) -> int:
    from otmlops.resources import examples_dir
    from otmlops.summary import summary_lines

    examples = [] if args.files else sorted(examples_dir().glob("*.ttl"))
    print("\n".join(summary_lines(args.files, examples)))
    return 0
