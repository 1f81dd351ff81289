"""Time two versions of catalogue queries on the same generated plant (run by hand).

Used when a query's text changes: the committed version in queries/ against the version at a
git revision, on the embedded store, median of several runs, answers compared::

    python bench/bench_query_versions.py --rev HEAD~1 --size 100k level-mismatches it-ot-boundary-crossings

Queries with parameters are not supported (their text has no VALUES row here).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from otmlops import plantgen
from otmlops.catalogue import load_catalogue
from otmlops.store import open_store

HERE = Path(__file__).resolve().parent


def _old_text(rev: str, qid: str) -> str:
    return subprocess.run(
        ["git", "show", f"{rev}:queries/{qid}.rq"],
        cwd=HERE.parent,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("queries", nargs="+")
    parser.add_argument("--rev", default="HEAD~1")
    parser.add_argument("--size", type=plantgen.parse_size, default=plantgen.SIZES["medium"])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    catalogue = load_catalogue()
    with tempfile.TemporaryDirectory() as tmp:
        plant = Path(tmp) / "plant.nt"
        plantgen.generate(args.size, out=plant)
        store = open_store(str(Path(tmp) / "store"))
        store.load(plant)
        for qid in args.queries:
            texts = {"new": catalogue[qid].sparql, args.rev: _old_text(args.rev, qid)}
            answers: dict[str, int] = {}
            times: dict[str, list[float]] = {name: [] for name in texts}
            for _ in range(args.runs):  # interleaved, so that load on the machine hits both
                for name, text in texts.items():
                    started = time.perf_counter()
                    rows = list(store.query(text))
                    times[name].append((time.perf_counter() - started) * 1000)
                    answers[name] = len(rows)
            for name in texts:
                print(
                    f"{qid:28} {name:8} median {statistics.median(times[name]):8.1f} ms  "
                    f"({answers[name]} answers)"
                )
            if len(set(answers.values())) != 1:
                print(f"{qid}: answer counts differ: {answers}")
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
