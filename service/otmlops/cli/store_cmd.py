"""``otmlops load``, ``graphs``, ``drop`` and ``bootstrap``: managing the graphs of a store."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO

from otmlops.cli import open_cli_store
from otmlops.errors import UsageError

#: Files at least this big get a progress bar (when stderr is a terminal or --progress).
PROGRESS_MIN_BYTES = 1 << 20


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    load = subparsers.add_parser(
        "load",
        parents=[common],
        help="load RDF files, one named graph per file",
        description="Load RDF files into the store. Each file replaces the whole content of its "
        "graph atomically (default graph name: the file's file:// URI; N-Quads and TriG keep "
        "their own graph names). Formats: Turtle, N-Triples, N-Quads, TriG, RDF/XML, JSON-LD, "
        "N3, by extension or --format.",
    )
    load.add_argument("files", nargs="+", type=Path, metavar="FILE")
    load.add_argument("--graph", metavar="IRI", help="graph to replace (only with one file)")
    load.add_argument(
        "--format",
        metavar="F",
        help="turtle, nt, nquads, trig, rdfxml, jsonld or n3 (default: from the extension)",
    )
    load.add_argument(
        "--base", metavar="IRI", help="base IRI for relative IRIs (default: the file's URI)"
    )
    bar = load.add_mutually_exclusive_group()
    bar.add_argument(
        "--progress",
        dest="progress",
        action="store_true",
        default=None,
        help="always show a progress bar on stderr",
    )
    bar.add_argument(
        "--no-progress", dest="progress", action="store_false", help="never show a progress bar"
    )
    load.set_defaults(func=cmd_load)

    graphs = subparsers.add_parser(
        "graphs",
        parents=[common],
        help="list the named graphs and their sizes",
        description="List the named graphs with their triple counts; system graphs (ontology, "
        "reference mapping, meta) are marked.",
    )
    graphs.set_defaults(func=cmd_graphs)

    drop = subparsers.add_parser(
        "drop",
        parents=[common],
        help="remove a named graph",
        description="Remove a named graph (atomically); what "
        "followed from it is no longer entailed.",
    )
    drop.add_argument("graph", metavar="GRAPH", help="IRI of the graph to remove")
    drop.set_defaults(func=cmd_drop)

    boot = subparsers.add_parser(
        "bootstrap",
        parents=[common],
        help="reload the bundled ontology and reference mapping",
        description="Replace the system graphs (ontology, reference mapping) with the bundled "
        "files of this otmlops version, whatever they hold now. Opening a store does this by "
        "itself only when the bundled version changed.",
    )
    boot.set_defaults(func=cmd_bootstrap)


class ProgressBar:
    """A one-line progress bar on a text stream, redrawn at most ten times a second."""

    def __init__(self, label: str, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.label = label
        self.stream = stream
        self.width = width
        self._last = 0.0
        self._started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last < 0.1 and done < total:
            return
        self._last = now
        frac = done / total if total else 1.0
        filled = int(frac * self.width)
        mib = done / 2 / (1 << 20)  # both passes (check, then write) read the file once each
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{frac:6.1%} {mib:8.1f} MiB {now - self._started:6.1f} s"
        )
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("\r\x1b[K")
        self.stream.flush()


def cmd_load(args: argparse.Namespace) -> int:
    from otmlops.rdfio import format_of_name

    if args.graph and len(args.files) > 1:
        raise UsageError("--graph names one graph; load one file with it at a time")
    fmt = format_of_name(args.format) if args.format else None
    show = args.progress if args.progress is not None else sys.stderr.isatty()
    with open_cli_store(args) as store:
        for path in args.files:
            bar = None
            if show and (args.progress or _size(path) >= PROGRESS_MIN_BYTES):
                bar = ProgressBar(path.name)
            try:
                report = store.load(
                    path, graph=args.graph, format=fmt, base_iri=args.base, progress=bar
                )
            finally:
                if bar is not None:
                    bar.finish()
            for graph, triples in sorted(report.graphs.items()):
                print(f"{graph}\t{triples} triples\t{report.seconds:.2f} s\t{path}")
            for warning in report.warnings:
                print(f"otmlops: warning: {warning}", file=sys.stderr)
    return 0


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def cmd_graphs(args: argparse.Namespace) -> int:
    with open_cli_store(args) as store:
        infos = store.graphs()
    rows = [("GRAPH", "TRIPLES", "KIND")]
    rows += [(g.iri, str(g.triples), "system" if g.system else "data") for g in infos]
    width = max(len(r[0]) for r in rows)
    nwidth = max(len(r[1]) for r in rows)
    for iri, n, kind in rows:
        print(f"{iri:<{width}}  {n:>{nwidth}}  {kind}")
    return 0


def cmd_drop(args: argparse.Namespace) -> int:
    with open_cli_store(args) as store:
        store.drop(args.graph)
    print(f"dropped {args.graph}")
    return 0


def cmd_bootstrap(args: argparse.Namespace) -> int:
    from otmlops.store.service import ServiceStore

    with open_cli_store(args) as store:
        if isinstance(store, ServiceStore):  # the service keeps its own bundled graphs
            raise UsageError(
                "bootstrap restores the bundled graphs of a store folder or SPARQL "
                "endpoint; an otmlops service holds this one: stop it and run "
                "bootstrap on its store folder"
            )
        store.bootstrap(force=True)
        sizes = {g.iri: g.triples for g in store.graphs() if g.system}
    for iri, n in sorted(sizes.items()):
        print(f"{iri}\t{n} triples")
    return 0
