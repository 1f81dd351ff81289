"""What materialised entailment costs: load + inference time on a generated plant.

Generates an ISA-95 equipment hierarchy (sites > areas > lines > work cells > sensors, each
with a type, a label and a partOf edge to its parent), loads it into a fresh store and reports:
load time (including the first inference), the size of the inferred graph, the time of an
incremental refresh after a one-triple change, and of a full recompute. Deterministic.

    .venv/bin/python bench/bench_entailment.py [--triples 100000] [--store disk|memory|URL]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from otmlops.store import INFERRED_GRAPH, open_store

ISA = "https://w3id.org/otmlops/isa95#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
LEVELS = (("Site", 4), ("Area", 5), ("ProductionLine", 6), ("WorkCell", 8), ("Sensor", 10))


def generate(path: Path, triples: int) -> int:
    """Write about ``triples`` triples (as many enterprises as needed); returns the count."""
    written = 0
    with path.open("w") as out:
        e = 0
        while written < triples:
            root = f"http://example.org/ent{e}"
            out.write(f"<{root}> {RDF_TYPE} <{ISA}Enterprise> .\n")
            written += 1
            frontier = [root]
            for kind, fanout in LEVELS:
                nxt = []
                for parent in frontier:
                    for k in range(fanout):
                        node = f"{parent}-{k}"
                        out.write(f"<{node}> {RDF_TYPE} <{ISA}{kind}> .\n"
                                  f"<{node}> <{ISA}partOf> <{parent}> .\n"
                                  f'<{node}> {LABEL} "{kind} {node.rsplit("/", 1)[1]}" .\n')
                        written += 3
                        nxt.append(node)
                frontier = nxt
            e += 1
    return written


@contextmanager
def timed(into: dict[str, tuple[float, float]], name: str) -> Iterator[None]:
    """Wall and CPU time of the block (CPU: this process only; a remote server's is not seen)."""
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    into[name] = (time.perf_counter() - wall, time.process_time() - cpu)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, default=100_000)
    ap.add_argument("--store", default="disk", help="disk (a temporary folder), memory or a URL")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "plant.nt"
        n = generate(data, args.triples)
        location = str(Path(tmp) / "store") if args.store == "disk" else args.store
        with open_store(location) as store:
            timings = {}
            with timed(timings, "load+inference"):
                store.load(data, graph="http://example.org/g/plant")
            inferred = {g.iri: g.triples for g in store.graphs()}.get(INFERRED_GRAPH, 0)
            with timed(timings, "one-triple update+refresh"):
                store.update("INSERT DATA { GRAPH <http://example.org/g/extra> { "
                             f"<http://example.org/new> <{ISA}partOf> <http://example.org/ent0-0> "
                             "} }")
            with timed(timings, "refresh, nothing changed"):
                store.refresh_entailments()
            with timed(timings, "drop inferred graph + rebuild"):
                store.update(f"DROP GRAPH <{INFERRED_GRAPH}>")  # update() refreshes afterwards
        print(f"store={args.store} asserted={n} inferred={inferred}")
        for name, (wall, cpu) in timings.items():
            print(f"  {name:32s} wall {wall:6.2f} s   cpu(this process) {cpu:6.2f} s")


if __name__ == "__main__":
    main()
