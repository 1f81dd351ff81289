"""Benchmark: what readable answers cost on top of the query (issue 12, item 6).

On a generated plant in the embedded store, for every catalogue query (parameters as in
bench_store.py), the median of several runs of:

- query: the query alone, its answer consumed;
- table: the query and the plain table (IRIs shortened with our prefixes, no look-ups);
- readable: what ``otmlops query`` prints: the query, the store's prefixes (ours and the loaded
  files'), one label look-up for the answer's IRIs, and the table fitted to 100 columns;

and, for the coverage questions, the query with and without the optional ``useCase``. The
section "Readable answers" of docs/benchmarks.md is rewritten from the run::

    python bench/bench_answers.py --size 1M
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_store import bench_params
from docsection import replace_section
from otmlops import plantgen

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DOC = REPO / "docs" / "benchmarks.md"
HEADING = "## Readable answers (query table view)"

COVERAGE = ("stages-by-layer", "stages-by-rami-cell", "empty-rami-cells", "stages-in-rami-cell")


def _median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def measure(size: int, runs: int, work: Path) -> tuple[list[tuple[str, ...]], dict[str, object]]:
    from otmlops.answers import readable_text
    from otmlops.catalogue import load_catalogue, run_named_query
    from otmlops.results_format import render
    from otmlops.store import open_store

    plant = work / "plant.nt"
    stats = plantgen.generate(size, 1, plant)
    store = open_store(str(work / "store"))
    store.load(plant)
    params = bench_params(stats.samples)
    rows: list[tuple[str, ...]] = []
    for qid, query in load_catalogue().items():
        args = params.get(qid, query.example_assignments(0) if query.params else [])
        n = len(list(run_named_query(store, qid, args)))
        alone = _median_ms(lambda: list(run_named_query(store, qid, args)), runs)  # noqa: B023
        table = _median_ms(lambda: render(run_named_query(store, qid, args)), runs)  # noqa: B023

        def readable_run(qid: str = qid, args: list[str] = args) -> str:
            return readable_text(store, run_named_query(store, qid, args), width=100)

        readable = _median_ms(readable_run, runs)
        rows.append((qid, str(n), f"{alone:.1f}", f"{table:.1f}", f"{readable:.1f}"))
    coverage: list[tuple[str, ...]] = []
    for qid in COVERAGE:
        args = params.get(qid, [])
        one = [*args, f"useCase={stats.samples['useCase']}"]
        every = _median_ms(lambda: list(run_named_query(store, qid, args)), runs)  # noqa: B023
        single = _median_ms(lambda: list(run_named_query(store, qid, one)), runs)  # noqa: B023
        coverage.append((qid, f"{every:.1f}", f"{single:.1f}"))
    store.close()
    return rows, {"triples": stats.triples, "coverage": coverage}


def section(size_label: str, rows: list[tuple[str, ...]], info: dict[str, object]) -> str:
    lines = [
        HEADING,
        "",
        f"`python bench/bench_answers.py --size {size_label}`: a generated plant of "
        f"{info['triples']} triples in the embedded store; median ms of the query alone, "
        "with the plain table, and with what `otmlops query` prints (the store's prefixes, "
        "one label look-up for the answer's IRIs, the table fitted to 100 columns). "
        "Compare the columns with each other rather than with the tables above: the run "
        "may share the machine with other work.",
        "",
        "| query | rows | query | + table | + labels, prefixes, fit |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [f"| `{r[0]}` | {r[1]} | {r[2]} | {r[3]} | {r[4]} |" for r in rows]
    lines += [
        "",
        "The coverage questions over every use case and over one (`useCase` given):",
        "",
        "| query | every use case | one use case |",
        "|---|---:|---:|",
    ]
    lines += [f"| `{c[0]}` | {c[1]} | {c[2]} |" for c in info["coverage"]]  # type: ignore[attr-defined]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="1M", help="plant size: 10k, 100k, 1M, ...")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement")
    parser.add_argument("--no-doc", action="store_true", help="print only; leave the docs")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-answers-") as tmp:
        rows, info = measure(plantgen.parse_size(args.size), args.runs, Path(tmp))
    text = section(args.size, rows, info)
    print(text)
    if not args.no_doc:
        replace_section(DOC, HEADING, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
