"""``otmlops ontology check|terms|reference-doc|html``: reason over, look up and document the
ontology."""

from __future__ import annotations

import argparse
import csv
import json
import sys
import textwrap
from pathlib import Path

from otmlops.errors import UsageError

#: otmlops.ontology.vocabulary.KINDS, spelt out so that building the parser imports no rdflib.
KINDS = ("class", "property", "individual")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "ontology",
        parents=[common],
        help="check the ontology with HermiT; list its terms; generate its docs",
        description="Work with the bundled OWL ontology (ontology/*.ttl).",
    )
    sub = parser.add_subparsers(dest="ontology_command", metavar="SUBCOMMAND")

    check = sub.add_parser(
        "check",
        parents=[common],
        help="OWL 2 DL consistency check with HermiT (needs Java)",
        description="Load the ontology through owlready2 and run HermiT. Exit 0 when it is "
        "consistent and no named class is unsatisfiable, 1 otherwise (the offending classes or "
        "individuals are named).",
    )
    check.add_argument(
        "--with",
        dest="extra",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="add the axioms of FILE (Turtle, N-Triples, RDF/XML, "
        "JSON-LD) before reasoning; repeatable",
    )
    check.set_defaults(func=_cmd_check)

    terms = sub.add_parser(
        "terms",
        parents=[common],
        help="list and search the vocabulary (labels, definitions)",
        description="List the classes, properties and individuals of the rami, isa95, mlops "
        "and map namespaces with their labels and definitions, read from the bundled ontology "
        "(no store needed). TEXT keeps the terms whose name, IRI, label or definition contains "
        "all of its words, ignoring case; those with the words in their name or label come "
        "first. Exit 1 when nothing matches (close names are suggested).",
    )
    terms.add_argument(
        "text",
        nargs="*",
        metavar="TEXT",
        help="words to look for, e.g. training, model registry, mlops:hasStage",
    )
    terms.add_argument("--kind", choices=KINDS, help="only classes, properties or individuals")
    terms.add_argument(
        "--format",
        choices=("text", "json", "csv"),
        default="text",
        help="output format (default: text)",
    )
    terms.set_defaults(func=_cmd_terms)

    doc = sub.add_parser(
        "reference-doc",
        parents=[common],
        help="generate docs/reference-mapping.md",
        description="Render the reference mapping (ontology/reference-mapping.ttl) as Markdown.",
    )
    doc.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="write to FILE (e.g. docs/reference-mapping.md); default: stdout",
    )
    doc.add_argument(
        "--check",
        type=Path,
        metavar="FILE",
        help="exit 1 if FILE differs from what would be generated",
    )
    doc.set_defaults(func=_cmd_reference_doc)

    html = sub.add_parser(
        "html",
        parents=[common],
        help="generate HTML documentation with pyLODE (offline)",
        description="Write one HTML page per module, one for the whole ontology and an index.",
    )
    html.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    html.set_defaults(func=_cmd_html)

    parser.set_defaults(func=lambda args: _missing(parser))


def _missing(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return UsageError.exit_code  # a command without its subcommand


def _cmd_check(args: argparse.Namespace) -> int:
    from otmlops.ontology.check import format_result, run_check

    for path in args.extra:
        if not path.is_file():
            raise UsageError(f"--with {path}: no such file")
    result = run_check(args.extra)
    print(format_result(result), file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1


def _cmd_terms(args: argparse.Namespace) -> int:
    from otmlops.ontology.vocabulary import search, suggestions, vocabulary

    text = " ".join(args.text)
    everything = vocabulary()
    found = search(everything, text, args.kind)
    if args.format == "json":
        json.dump([t.to_dict() for t in found], sys.stdout, indent=2, ensure_ascii=False)
        print()
    elif args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["name", "kind", "label", "definition", "iri"])
        writer.writerows([t.name, t.kind, t.label, t.definition, t.iri] for t in found)
    else:
        for term in found:
            print(f"{term.name}  ({term.kind})  {term.label}")
            if term.definition:
                print(
                    textwrap.fill(
                        term.definition, width=96, initial_indent="    ", subsequent_indent="    "
                    )
                )
        if found:
            print(
                f"{len(found)} terms"
                if len(found) == len(everything)
                else f"{len(found)} of {len(everything)} terms"
            )
    if not found:
        what = f"no {args.kind or 'term'} matches {text!r}"
        close = suggestions(everything, text) if text.strip() else []
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        print(f"otmlops: {what}{hint} (`otmlops ontology terms` lists them all)", file=sys.stderr)
        return 1
    return 0


def _cmd_reference_doc(args: argparse.Namespace) -> int:
    from otmlops.cli.output import check_generated, write_or_print
    from otmlops.ontology.refmap_doc import render

    text = render()
    if args.check:
        return check_generated(args.check, text, "otmlops ontology reference-doc")
    write_or_print(args.out, text)
    if args.out:
        print(f"wrote {args.out}")
    return 0


def _cmd_html(args: argparse.Namespace) -> int:
    from otmlops.ontology.html import write_html

    for path in write_html(args.out):
        print(f"wrote {path}")
    return 0
