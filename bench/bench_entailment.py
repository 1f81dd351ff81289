"""What query-time entailment costs: load, update and entailed questions on a generated plant.

Generates an ISA-95 equipment hierarchy (sites > areas > lines > work cells > sensors, each
with a type, a label and a partOf edge to its parent), loads it into a fresh store and reports:
load time, the time of a one-triple update, the time to re-read the entailment rules after a
write, and for a handful of questions that need entailment the median time with entailment
against ``entailment=False`` (asserted triples only), with the time ``store.entailed()`` takes to
rewrite the text when it is not cached. Prints a markdown table. Deterministic.

With ``--twins N`` the first N work cells get an identity twin before the questions are asked,
as an AAS import gives an OPC UA machine: ``owl:sameAs`` to ``urn:twin:<cell>``, which carries a
part of its own (``urn:twin:<cell>/part isa95:partOf urn:twin:<cell>``), so the questions run
with query-time ``owl:sameAs`` on (docs/entailment.md, "One machine, one node").

    .venv/bin/python bench/bench_entailment.py [--triples 100000] [--store disk|memory|URL]
                                               [--repeat 5] [--twins 0]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from otmlops.store import open_store
from otmlops.store.base import Store

ISA = "https://w3id.org/otmlops/isa95#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
LEVELS = (("Site", 4), ("Area", 5), ("ProductionLine", 6), ("WorkCell", 8), ("Sensor", 10))
PLANT_GRAPH = "http://example.org/g/plant"
SITE = "http://example.org/ent0-0"
SENSOR = "http://example.org/ent0-0-0-0-0-0"
PREFIX = f"PREFIX isa95: <{ISA}>\n"

#: (question, SPARQL); the generator asserts direct partOf edges and most specific classes only.
QUESTIONS = (
    (
        "ancestors of one sensor (`<s> isa95:partOf ?a`)",
        f"SELECT ?a WHERE {{ <{SENSOR}> isa95:partOf ?a }}",
    ),
    (
        "everything inside one site (`?x isa95:partOf <site>`)",
        f"SELECT ?x WHERE {{ ?x isa95:partOf <{SITE}> }}",
    ),
    ("`?x a isa95:WorkCenter`, count", "SELECT (COUNT(?x) AS ?n) WHERE { ?x a isa95:WorkCenter }"),
    ("`?x a isa95:Equipment`, count", "SELECT (COUNT(?x) AS ?n) WHERE { ?x a isa95:Equipment }"),
    ("types of one sensor (`<s> a ?c`)", f"SELECT ?c WHERE {{ <{SENSOR}> a ?c }}"),
)


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
                        out.write(
                            f"<{node}> {RDF_TYPE} <{ISA}{kind}> .\n"
                            f"<{node}> <{ISA}partOf> <{parent}> .\n"
                            f'<{node}> {LABEL} "{kind} {node.rsplit("/", 1)[1]}" .\n'
                        )
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


def twins(count: int) -> bytes:
    """N-Triples giving the first ``count`` work cells of enterprise 0 a twin with one part."""
    same_as = "<http://www.w3.org/2002/07/owl#sameAs>"
    lines = []
    fanouts = [f for _, f in LEVELS[:4]]
    for k in range(count):
        digits = []
        for f in reversed(fanouts):
            digits.append(k % f)
            k //= f
        cell = "http://example.org/ent0-" + "-".join(str(d) for d in reversed(digits))
        twin = f"urn:twin:{cell}"
        lines.append(f"<{cell}> {same_as} <{twin}> .\n")
        lines.append(f"<{twin}/part> <{ISA}partOf> <{twin}> .\n")
        lines.append(f"<{twin}/part> {RDF_TYPE} <{ISA}EquipmentModule> .\n")
    return "".join(lines).encode()


def answer(store: Store, sparql: str, entailment: bool) -> int:
    """Run the query to the end; the COUNT it asks for, else the number of rows."""
    result = store.query(sparql, entailment=entailment)
    assert isinstance(result, ox.QuerySolutions)
    rows = list(result)
    if "n" in [v.value for v in result.variables]:
        return int(rows[0]["n"].value)
    return len(rows)


def median_ms(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return 1000 * statistics.median(runs)


def measure(store: Store, sparql: str, repeat: int) -> tuple[int, int, float, float, float]:
    """Answers with and without entailment, median ms of each, median ms of an uncached
    rewrite (the rules are cached; a distinct trailing comment makes each text new)."""
    entailed = answer(store, sparql, True)  # warms the rule and rewrite caches
    asserted = answer(store, sparql, False)
    with_ms = median_ms(lambda: answer(store, sparql, True), repeat)
    without_ms = median_ms(lambda: answer(store, sparql, False), repeat)
    count = iter(range(10**9))
    rewrite_ms = median_ms(lambda: store.entailed(f"{sparql}\n# {next(count)}"), repeat)
    return entailed, asserted, with_ms, without_ms, rewrite_ms


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, default=100_000)
    ap.add_argument("--store", default="disk", help="disk (a temporary folder), memory or a URL")
    ap.add_argument("--repeat", type=int, default=5, help="runs per median")
    ap.add_argument("--twins", type=int, default=0, help="work cells given an identity twin")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "plant.nt"
        n = generate(data, args.triples)
        location = str(Path(tmp) / "store") if args.store == "disk" else args.store
        with open_store(location) as store:
            timings: dict[str, tuple[float, float]] = {}
            with timed(timings, "load"):
                store.load(data, graph=PLANT_GRAPH)
            with timed(timings, "one-triple update (reads the rules the load made stale)"):
                store.update(
                    "INSERT DATA { GRAPH <http://example.org/g/extra> { "
                    f"<http://example.org/new> <{ISA}partOf> <{SITE}> }} }}"
                )
            if args.twins:
                with timed(timings, f"load {args.twins} identity twins"):
                    store.load(
                        twins(args.twins),
                        graph="http://example.org/g/twins",
                        format=ox.RdfFormat.N_TRIPLES,
                    )
            with timed(timings, "re-read entailment rules (first query after a write)"):
                store.entailment_rules()
            rows = [(q, *measure(store, PREFIX + text, args.repeat)) for q, text in QUESTIONS]
    print(
        f"store={args.store}, {n} asserted triples in the plant graph, "
        f"{args.twins} identity twins, median of {args.repeat} runs\n"
    )
    print("| step | wall (ms) | CPU, this process (ms) |")
    print("|---|---:|---:|")
    for name, (wall, cpu) in timings.items():
        print(f"| {name} | {1000 * wall:.1f} | {1000 * cpu:.1f} |")
    print(
        "\n| question | answers (entailed / asserted) | entailed (ms) | asserted only (ms) "
        "| rewrite, uncached (ms) |"
    )
    print("|---|---:|---:|---:|---:|")
    for q, entailed, asserted, with_ms, without_ms, rewrite_ms in rows:
        print(
            f"| {q} | {entailed} / {asserted} | {with_ms:.2f} | {without_ms:.2f} "
            f"| {rewrite_ms:.2f} |"
        )


if __name__ == "__main__":
    main()
