"""How long the plant-model importers take: conversion alone, and conversion plus storing.

Measures (1) NodeSet2 -> RDF conversion of the OPC UA core nodeset (3.6 MB) and of the Machinery
example with its dependencies, (2) the same plus loading into a fresh embedded store as one
graph (the default), and (3) the same with one graph per file (``--graph-per-file``), four loads
instead of one. Prints a table; docs/importers.md quotes it.

    python bench/bench_import.py [--fixtures tests/fixtures] [--repeat 3]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from pathlib import Path

from otmlops.importers.opcua import import_opcua
from otmlops.importers.report import store_result
from otmlops.store import open_store

REPO = Path(__file__).resolve().parents[1]


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", type=Path, default=REPO / "tests" / "fixtures")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ua = args.fixtures / "opcua"
    core = [ua / "Schema" / "Opc.Ua.NodeSet2.xml"]
    machinery = [
        *core,
        ua / "DI" / "Opc.Ua.Di.NodeSet2.xml",
        ua / "Machinery" / "Opc.Ua.Machinery.NodeSet2.xml",
        ua / "Machinery" / "Opc.Ua.Machinery.Examples.NodeSet2.xml",
    ]

    def convert(files):
        result = import_opcua(files)
        for p in result.payloads:
            p.ntriples()

    def store(files, per_file=False):
        with tempfile.TemporaryDirectory() as tmp, open_store(str(Path(tmp) / "s")) as s:
            store_result(s, import_opcua(files, per_file=per_file))

    print(f"python {platform.python_version()}, {platform.machine()}, median of {args.repeat}")
    print(f"{'what':58} {'seconds':>8}")
    rows = [
        ("convert core nodeset", lambda: convert(core)),
        ("convert Machinery example + core, DI, Machinery", lambda: convert(machinery)),
        ("convert + store core (fresh store)", lambda: store(core)),
        ("convert + store Machinery set, one graph (default)", lambda: store(machinery)),
        (
            "convert + store Machinery set, --graph-per-file",
            lambda: store(machinery, per_file=True),
        ),
    ]
    for label, fn in rows:
        print(f"{label:58} {timed(fn, args.repeat):8.2f}", flush=True)


if __name__ == "__main__":
    main()
