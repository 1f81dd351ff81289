"""What the store's update execution costs over a raw pyoxigraph update.

``Store.update`` checks the syntax, splits the request into operations, refuses writes to the
managed graphs and, on the embedded backend, evaluates each WHERE clause as an entailed query
over the union before applying the templates to its solutions (docs/store.md, "Updates"); a
request of several operations also takes a checkpoint. This script loads the generated plant of
bench_entailment.py into a fresh store and reports the median time of a few update shapes
through ``Store.update`` and through ``pyoxigraph.Store.update`` on the same store (which sees
no union and no entailment, so it may change less: it is the floor, not the same answer).
Prints a markdown table. Deterministic.

    .venv/bin/python bench/bench_update.py [--triples 100000] [--store disk|memory]
                                           [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench_entailment import ISA, PLANT_GRAPH, SENSOR, SITE, generate
from otmlops.store import open_store
from otmlops.store.embedded import EmbeddedStore

EX = "http://example.org/"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

#: (name, update, its WHERE clause as a query or None); every shape leaves the store as it
#: found it, so repeats start from the same state.
SHAPES = (
    (
        "INSERT DATA, one triple",
        f"INSERT DATA {{ GRAPH <{EX}g/extra> {{ <{EX}s> <{EX}p> 1 }} }}",
        None,
    ),
    (
        "DELETE/INSERT WHERE on one node",
        f"DELETE {{ GRAPH ?g {{ <{SENSOR}> <{LABEL}> ?l }} }} "
        f"INSERT {{ GRAPH ?g {{ <{SENSOR}> <{LABEL}> ?l }} }} "
        f"WHERE {{ GRAPH ?g {{ <{SENSOR}> <{LABEL}> ?l }} }}",
        f"SELECT * WHERE {{ GRAPH ?g {{ <{SENSOR}> <{LABEL}> ?l }} }}",
    ),
    (
        "INSERT WHERE over the partOf closure of one site (2,676 solutions)",
        f"INSERT {{ GRAPH <{EX}g/out> {{ ?x <{EX}inSite> <{SITE}> }} }} "
        f"WHERE {{ ?x <{ISA}partOf> <{SITE}> }}",
        f"SELECT * WHERE {{ ?x <{ISA}partOf> <{SITE}> }}",
    ),
    (
        "three data operations (one Oxigraph update)",
        f"INSERT DATA {{ GRAPH <{EX}g/a> {{ <{EX}s> <{EX}p> 1 }} }} ; "
        f"DELETE DATA {{ GRAPH <{EX}g/a> {{ <{EX}s> <{EX}p> 1 }} }} ; "
        f"INSERT DATA {{ GRAPH <{EX}g/a> {{ <{EX}s> <{EX}p> 2 }} }}",
        None,
    ),
    (
        "two operations, one with a WHERE (checkpoint)",
        f"INSERT DATA {{ GRAPH <{EX}g/a> {{ <{EX}s> <{EX}p> 3 }} }} ; "
        f"DELETE {{ GRAPH <{EX}g/a> {{ ?s <{EX}p> 3 }} }} WHERE {{ ?s <{EX}p> 3 }}",
        None,
    ),
)


def median_ms(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--store", default="disk", choices=("disk", "memory"))
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "plant.nt"
        n = generate(data, args.triples)
        location = str(Path(tmp) / "store") if args.store == "disk" else "memory"
        with open_store(location) as store:
            assert isinstance(store, EmbeddedStore)
            store.load(data, graph=PLANT_GRAPH)
            raw = store.pyoxigraph_store
            print(f"{n} plant triples, {args.store} store, median of {args.repeat}\n")
            print(
                "| update | Store.update (ms) | its WHERE as Store.query (ms) "
                "| pyoxigraph update, no union or entailment (ms) |"
            )
            print("|---|---:|---:|---:|")
            for name, text, where in SHAPES:
                ours = median_ms(lambda t=text: store.update(t), args.repeat)
                alone = (
                    ""
                    if where is None
                    else f"{median_ms(lambda w=where: list(store.query(w)), args.repeat):.1f}"
                )
                floor = median_ms(lambda t=text: raw.update(t), args.repeat)
                print(f"| {name} | {ours:.1f} | {alone} | {floor:.1f} |")


if __name__ == "__main__":
    main()
