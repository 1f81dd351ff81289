"""``otmlops export yaml|csv|schema``: a Turtle mapping in the forms people edit, and the
JSON Schema of the YAML form (for editor completion)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from otmlops.cli.output import check_generated, write_or_print
from otmlops.errors import InputError, UsageError


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "export",
        parents=[common],
        help="write a mapping as YAML or CSV; the YAML JSON Schema",
        description="Write an RDF mapping (Turtle, N-Triples, RDF/XML, JSON-LD) in the YAML or "
        "tabular (CSV) form, which `validate` and `load` read back to the same triples. Triples "
        "the form cannot hold (plant equipment, artefacts, ...) are an error unless --rest "
        "names a Turtle file for them. Nothing is written when there is an error.",
    )
    sub = parser.add_subparsers(dest="export_command", metavar="FORM")
    for form, what in (
        ("yaml", "the YAML form (one use case per file; stages and hosts)"),
        ("csv", "the tabular form (one row per stage; several use cases)"),
    ):
        p = sub.add_parser(
            form, parents=[common], help=f"write {what}", description=f"Write MAPPING in {what}."
        )
        p.add_argument("mapping", type=Path, metavar="MAPPING")
        p.add_argument("--out", type=Path, metavar="FILE", help="write to FILE; default stdout")
        p.add_argument(
            "--rest",
            type=Path,
            metavar="FILE.ttl",
            help="write the triples the form cannot hold to this Turtle file",
        )
        p.set_defaults(func=_cmd_form, form=form)
    schema = sub.add_parser(
        "schema",
        parents=[common],
        help="write the JSON Schema of the YAML form",
        description="Generate the JSON Schema of the YAML form from the ontology (the package "
        "ships it as otmlops/authoring/mapping.schema.json).",
    )
    schema.add_argument("--out", type=Path, metavar="FILE", help="write to FILE; default stdout")
    schema.add_argument(
        "--check",
        type=Path,
        metavar="FILE",
        help="exit 1 if FILE differs from what would be generated",
    )
    schema.set_defaults(func=_cmd_schema)
    parser.set_defaults(func=lambda args: (parser.print_help(), 2)[1])


def _read_graph(path: Path):  # noqa: ANN202 - an rdflib Graph
    """The mapping as an rdflib graph with its prefixes; bad input names file:line:column."""
    from rdflib import Graph

    from otmlops.authoring import compile_file, form_of_path
    from otmlops.rdfio import rdflib_name
    from otmlops.validation.sources import parse, read_file

    if form_of_path(path):
        return compile_file(path).graph
    source = read_file(path)
    parse(source)  # a syntax error with its position, before rdflib's own message
    graph = Graph()
    try:
        graph.parse(str(path), format=rdflib_name(source.format))
    except Exception as exc:  # noqa: BLE001 - rdflib raises many kinds; the file was checked
        raise InputError(f"cannot read the mapping: {exc}", source=str(path)) from None
    return graph


def _cmd_form(args: argparse.Namespace) -> int:
    from otmlops.authoring.export import to_csv, to_yaml

    graph = _read_graph(args.mapping)
    text, rest = (to_yaml if args.form == "yaml" else to_csv)(graph)
    if len(rest) and args.rest is None:
        s, p, o = sorted(rest)[0]
        raise InputError(
            f"{len(rest)} triple(s) have no place in the {args.form.upper()} form "
            f"(for example {s.n3()} {p.n3()} {o.n3()}); write them to a Turtle "
            "file with --rest FILE.ttl and keep it next to the output",
            source=str(args.mapping),
        )
    rest_text = rest.serialize(format="turtle") if args.rest is not None else None
    if args.rest is not None and args.out is not None and args.rest.resolve() == args.out.resolve():
        raise UsageError("--rest and --out name the same file")
    write_or_print(args.out, text)
    if args.rest is not None and rest_text is not None:
        write_or_print(args.rest, rest_text)
    if args.out is not None:
        extra = f" and {args.rest} ({len(rest)} triples)" if args.rest is not None else ""
        print(f"wrote {args.out}{extra}", file=sys.stderr)
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    from otmlops.authoring.schema import schema_text

    text = schema_text()
    if args.check:
        return check_generated(args.check, text, "otmlops export schema")
    write_or_print(args.out, text)
    return 0
