"""What suggestions (docs/validation.md#fixes) cost on top of validation, by hand:

    .venv/bin/python bench/bench_fixes.py [--size 10k,100k]

A generated plant with planted defects (otmlops.plantgen) is validated as one document with
and without suggestions; the difference is the cost of the fixes (building the lookup graph
and one suggestion list per finding). Also times ``fix_bytes`` (validate + patch) on it.
Prints one line per size; figures go into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from otmlops.plantgen import generate, parse_size


def _best(fn: object, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--size", default="10k,100k")
    args = ap.parse_args(argv)
    from otmlops.validation.api import validate
    from otmlops.validation.patch import fix_bytes

    with tempfile.TemporaryDirectory() as tmp:
        for size in args.size.split(","):
            path = Path(tmp) / f"plant-{size}.nt"
            generate(parse_size(size), seed=1, out=path)
            report = validate([path], suggest=True)
            n = sum(len(v) for v in report.suggestions.values())
            plain = _best(lambda p=path: validate([p], suggest=False))
            with_fixes = _best(lambda p=path: validate([p], suggest=True))
            data = path.read_bytes()
            fixing = _best(lambda d=data, p=path: fix_bytes(d, str(p)), runs=1)
            print(
                f"{size}: {len(report.results)} findings, {n} suggestions; validate "
                f"{plain:.2f} s, with suggestions {with_fixes:.2f} s "
                f"(+{with_fixes - plain:.2f} s); fix_bytes {fixing:.2f} s"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
