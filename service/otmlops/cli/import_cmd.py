"""``otmlops import aas|opcua``: bring plant semantic models into the store as RDF.

OWL plant models (for example the ESMF I4.0 Core model) need no importer: ``otmlops load FILE``
stores them as they are, and the bundled alignment modules (ontology/alignments/) make their
classes and properties count as ours (docs/importers.md).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from otmlops.errors import UsageError

if TYPE_CHECKING:
    from otmlops.importers.report import ImportResult

#: The AAS importer's default --base (importers.aas.DEFAULT_BASE; a test checks they agree),
#: spelled out so that building the parser does not import the AAS SDKs.
AAS_DEFAULT_BASE = "urn:otmlops:aas:"


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "import",
        parents=[common],
        help="import an AAS or OPC UA plant model as RDF",
        description="Convert a plant semantic model to RDF and store it in a named graph. "
        "Nothing is stored when the input is bad.",
    )
    kinds = parser.add_subparsers(dest="kind", metavar="KIND")

    aas = kinds.add_parser(
        "aas",
        parents=[common],
        help="Asset Administration Shell: .json, .xml or .aasx",
        description="Read an AAS V3 environment (JSON, XML or AASX package) with aas-core3.1 and "
        "store it in the official AAS V3.1 RDF form, plus the bridging triples that link assets "
        "to ISA-95 equipment and IDTA AI submodels to MLOps terms.",
    )
    aas.add_argument(
        "file", type=Path, nargs="?", metavar="FILE", help="FILE.json, FILE.xml or FILE.aasx"
    )
    aas.add_argument(
        "--server",
        metavar="URL",
        help="read every shell and submodel of this AAS "
        "repository (AAS API V3, e.g. http://HOST:8081/api/v3.0) instead of a file; "
        "a bearer token is read from $OTMLOPS_AAS_TOKEN; default graph: the URL",
    )
    aas.add_argument(
        "--page-size",
        type=int,
        default=100,
        metavar="N",
        help="items per page when reading --server (default 100)",
    )
    aas.add_argument(
        "--rules",
        type=Path,
        action="append",
        metavar="RULES.toml",
        help="more AAS -> ISA-95 rules (same form as the shipped "
        "otmlops/importers/rules/aas.toml); may be given more than once",
    )
    aas.add_argument(
        "--base",
        default=AAS_DEFAULT_BASE,
        metavar="IRI",
        help=f"IRI prefix for ids that are not absolute IRIs (default {AAS_DEFAULT_BASE})",
    )
    _common(aas)
    aas.set_defaults(func=_cmd_aas)

    opcua = kinds.add_parser(
        "opcua",
        parents=[common],
        help="OPC UA NodeSet2 XML files with their dependencies",
        description="Convert OPC UA NodeSet2 files to RDF. Give the model and every model it "
        "requires (core, DI, ...). All of them go into one graph, by default the file:// URI of "
        "the model being imported (the first file no other given file requires).",
    )
    opcua.add_argument("files", type=Path, nargs="*", metavar="NODESET.xml")
    opcua.add_argument(
        "--endpoint",
        metavar="opc.tcp://HOST:PORT",
        help="browse this running OPC UA server instead of reading files (its "
        "whole address space; default graph: the endpoint URL)",
    )
    opcua.add_argument(
        "--user",
        help="user name for --endpoint (the password is read from $OTMLOPS_OPCUA_PASSWORD)",
    )
    opcua.add_argument(
        "--security",
        metavar="POLICY,MODE,CERT,KEY",
        help="security for --endpoint, e.g. "
        "Basic256Sha256,SignAndEncrypt,client-cert.der,client-key.pem "
        "(default: none)",
    )
    _common(opcua)
    opcua.add_argument(
        "--rules",
        type=Path,
        action="append",
        metavar="RULES.toml",
        help="more OPC UA -> ISA-95 rules (same form as the shipped "
        "otmlops/importers/rules/opcua.toml); may be given more than once",
    )
    opcua.add_argument(
        "--graph-per-file",
        action="store_true",
        help="store each file in its own graph (its file:// URI), each graph "
        "loaded atomically on its own",
    )
    opcua.set_defaults(func=_cmd_opcua)
    parser.set_defaults(func=lambda args: _no_kind(parser))


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--graph",
        metavar="IRI",
        help="target named graph (default: the "
        "file's file:// URI); its previous content is replaced",
    )
    parser.add_argument(
        "--no-bridge",
        action="store_true",
        help="write the model only, without the bridging triples to ISA-95 and MLOps terms",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="convert and report, but store nothing"
    )


def _no_kind(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return UsageError.exit_code  # a command without its subcommand


def _cmd_aas(args: argparse.Namespace) -> int:
    from otmlops.importers.aas import import_aas, import_aas_server

    if args.server:
        if args.file:
            raise UsageError("give either FILE or --server, not both")
        if args.page_size < 1:
            raise UsageError("--page-size must be at least 1")
        result = import_aas_server(
            args.server,
            graph=args.graph,
            base=args.base,
            bridge=not args.no_bridge,
            rules=args.rules,
            token=os.environ.get("OTMLOPS_AAS_TOKEN"),
            page_size=args.page_size,
        )
        return _finish(args, result)
    if args.file is None:
        raise UsageError("give an AAS FILE or --server URL")
    result = import_aas(
        args.file, graph=args.graph, base=args.base, bridge=not args.no_bridge, rules=args.rules
    )
    return _finish(args, result)


def _cmd_opcua(args: argparse.Namespace) -> int:
    from otmlops.importers.opcua import import_opcua, import_server

    if args.endpoint:
        if args.files or args.graph_per_file:
            raise UsageError("give either NODESET files or --endpoint, not both")
        result = import_server(
            args.endpoint,
            graph=args.graph,
            bridge=not args.no_bridge,
            rules=args.rules,
            user=args.user,
            password=os.environ.get("OTMLOPS_OPCUA_PASSWORD"),
            security=args.security,
        )
        return _finish(args, result)
    if args.user or args.security:
        raise UsageError("--user and --security go with --endpoint")
    result = import_opcua(
        list(args.files),
        graph=args.graph,
        per_file=args.graph_per_file,
        bridge=not args.no_bridge,
        rules=args.rules,
    )
    return _finish(args, result)


def _finish(args: argparse.Namespace, result: ImportResult) -> int:
    if not args.dry_run:
        from otmlops.cli import open_cli_store
        from otmlops.importers.report import store_result

        with open_cli_store(args) as store:
            store_result(store, result)
    for line in result.summary_lines():
        print(line)
    if args.dry_run:
        print("  (dry run: nothing stored)")
    return 0
