"""``otmlops validate``: check mapping files (and the plant model they point at) against the
shipped SHACL shapes. Exit 0: no violation; 1: at least one violation; 2: bad input or usage."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from otmlops.errors import InputError, UsageError

if TYPE_CHECKING:
    import pyoxigraph as ox

    from otmlops.validation.sources import Source

#: --max-size when none is given; the same as validation.sources.DEFAULT_MAX_SIZE (a test
#: checks), spelled out so that building the parser does not import the validator.
DEFAULT_MAX_SIZE_TEXT = "50MB"

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*$", re.I)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "validate",
        parents=[common],
        help="check mapping files against the SHACL shapes",
        description="Validate mapping files (with the plant model they link to) against the "
        "shipped SHACL shapes. Exit status: 0 no violation (warnings and advice allowed), "
        "1 at least one violation, 2 bad input or usage.",
    )
    p.add_argument(
        "mappings",
        nargs="+",
        metavar="MAPPING",
        help="mapping file (Turtle, N-Triples, RDF/XML, JSON-LD; '-' reads stdin)",
    )
    add_plant_option(p)
    p.add_argument(
        "--format",
        choices=("text", "json", "turtle", "sarif"),
        default="text",
        help="report format: text for people, json grouped by focus node, turtle "
        "for a W3C sh:ValidationReport, sarif (2.1.0) for code-scanning views "
        "(default: text)",
    )
    p.add_argument(
        "--max-size",
        default=DEFAULT_MAX_SIZE_TEXT,
        metavar="SIZE",
        help="refuse input files larger than this (e.g. 50MB, 500k; default 50MB)",
    )
    p.add_argument(
        "--engine",
        choices=("fast", "pyshacl"),
        default="fast",
        help="fast: compiled SPARQL on pyoxigraph (falls back to pySHACL for shapes "
        "it does not compile); pyshacl: the reference engine",
    )
    p.add_argument(
        "--shapes",
        action="append",
        metavar="FILE",
        help="validate against these shapes files instead of the shipped ones",
    )
    p.set_defaults(func=run)


def add_plant_option(
    p: argparse.ArgumentParser,
    help: str = "plant model: a file, or the IRI of a graph in the store (repeatable)",
) -> None:
    """``--plant FILE|GRAPH-IRI``, read by :func:`_plant_sources` the same way in every
    command that validates against a plant."""
    p.add_argument("--plant", action="append", default=[], metavar="FILE|GRAPH-IRI", help=help)


def parse_size(text: str) -> int:
    m = _SIZE.match(text)
    if not m:
        raise UsageError(f"--max-size: cannot read {text!r}; use a number of bytes or e.g. 50MB")
    number, unit = float(m.group(1)), (m.group(2) or "b").lower()
    factor = {"b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit[0]]
    return int(number * factor)


def plant_kind(item: str) -> str:
    """``file`` or ``graph``: an existing path is a file; anything else that starts with a
    scheme (``https:``, ``urn:``, ``file:`` ...) is the IRI of a graph in the store."""
    if Path(item).exists():
        return "file"
    scheme = _SCHEME.match(item)
    if scheme and len(scheme.group(1)) > 1:  # "C:" is a Windows drive, not a scheme
        return "graph"
    raise InputError(
        "no such file; a graph in the store is named by its IRI, as `otmlops graphs` lists it",
        source=item,
    )


def _plant_sources(
    args: argparse.Namespace, max_size: int
) -> tuple[list[Source], dict[str, list[ox.Triple]]]:
    import pyoxigraph as ox

    from otmlops.validation.sources import read_file

    files: list[Source] = []
    graph_iris: list[str] = []
    for item in args.plant:
        if plant_kind(item) == "file":
            files.append(read_file(item, max_size=max_size))
        else:
            try:
                ox.NamedNode(item)
            except ValueError as exc:
                raise UsageError(f"--plant {item}: not a valid IRI ({exc})") from None
            graph_iris.append(item)
    if not graph_iris:
        return files, {}
    from otmlops.cli import open_cli_store
    from otmlops.runner.validation_adapter import plant_graphs

    with open_cli_store(args) as store:
        return files, plant_graphs(store, graph_iris)


def run(args: argparse.Namespace) -> int:
    from otmlops.validation.api import validate
    from otmlops.validation.sources import from_bytes, read_file

    max_size = parse_size(args.max_size)
    mappings: list[Source] = []
    for item in args.mappings:
        if item == "-":
            mappings.append(from_bytes(sys.stdin.buffer.read(), name="<stdin>", max_size=max_size))
        else:
            mappings.append(read_file(item, max_size=max_size))
    plant_files, plant_graphs = _plant_sources(args, max_size)
    shapes = None
    if args.shapes:
        from otmlops.validation.api import load_shapes

        for s in args.shapes:
            if not Path(s).is_file():
                raise InputError("no such shapes file", source=s)
        try:
            shapes = load_shapes(args.shapes)
        except Exception as exc:  # rdflib raises several parser-specific types
            raise InputError(f"cannot read shapes: {exc}", source=",".join(args.shapes)) from None
    report = validate(
        mappings,
        plant_files,
        plant_graphs=plant_graphs,
        shapes=shapes,
        engine=args.engine,
        max_size=max_size,
    )
    if args.format == "json":
        out = report.to_json() + "\n"
    elif args.format == "turtle":
        out = report.to_turtle()
    elif args.format == "sarif":
        from otmlops.validation.sarif import to_sarif_json

        out = to_sarif_json(report)
    else:
        out = report.to_text()
    sys.stdout.write(out)
    return 1 if report.has_violations else 0
