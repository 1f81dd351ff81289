"""How long the ``otmlops`` command takes to start, and to answer a small query.

A newcomer's first commands are ``otmlops --version``, ``--help`` and a named query on the
case studies; on a small store their time is almost all Python start-up, imports and opening the
store, so this measures whole processes, not library calls. The reference is
``python -c "import pyoxigraph"``, the least any store-backed command can cost.

Each command runs in a fresh subprocess (the ``otmlops`` console script beside this
interpreter), ``--repeat`` times after one untimed warm-up (which also writes the .pyc files an
installed package has); min and median of wall time and of CPU time (user + system, which a
busy machine disturbs less) are reported. With ``--compare LABEL=DIR`` the same commands also run on another source tree (for
example ``git archive <commit>`` unpacked in DIR, imported through PYTHONPATH), interleaved run by
run with this one, so that both see the same load on a shared machine.

    python bench/bench_startup.py [--label after] [--compare before=/tmp/old] [--repeat 20]
                                  [--doc docs/benchmarks.md]

Each label's figures are saved as bench/results/startup/LABEL.json; ``--doc`` rewrites the
"Start-up" section of the page from the labels of this run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

from docsection import replace_section

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results" / "startup"
HEADING = "## Start-up"
QUERY = "stages-without-owner"


@dataclass
class Tree:
    """A source tree to time: this checkout, or another one imported through PYTHONPATH."""

    label: str
    root: Path
    env: dict[str, str]
    runs: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)


def _otmlops() -> list[str]:
    """The console script beside this interpreter (what a user runs), else ``-m otmlops``."""
    script = Path(sys.executable).with_name("otmlops")
    return [str(script)] if script.exists() else [sys.executable, "-m", "otmlops"]


def commands(store: Path) -> list[tuple[str, list[str]]]:
    cli = _otmlops()
    return [
        ('python -c "import pyoxigraph"', [sys.executable, "-c", "import pyoxigraph"]),
        ("otmlops --version", [*cli, "--version"]),
        ("otmlops --help", [*cli, "--help"]),
        ("otmlops queries", [*cli, "queries"]),
        (f"otmlops query {QUERY}", [*cli, "--store", str(store), "query", QUERY]),
        ("otmlops summary", [*cli, "summary"]),
    ]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_once(argv: list[str], tree: Tree) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of ``argv``."""
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tree.root, env=tree.env
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(
            f"[{tree.label}] {' '.join(argv)} failed ({done.returncode}): "
            f"{done.stderr.decode(errors='replace')}"
        )
    return elapsed, _children_cpu() - cpu


def measure(trees: list[Tree], repeat: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="otmlops-startup-"))
    try:
        stores = {}
        for tree in trees:
            stores[tree.label] = tmp / tree.label
            examples = sorted(str(p) for p in (tree.root / "examples").glob("*.ttl"))
            subprocess.run(
                [*_otmlops(), "--store", str(stores[tree.label]), "load", *examples],
                check=True,
                stdout=subprocess.DEVNULL,
                cwd=tree.root,
                env=tree.env,
            )
        for tree in trees:
            for name, argv in commands(stores[tree.label]):
                run_once(argv, tree)  # warm-up: page cache, .pyc files, the store's first open
                tree.runs[name], tree.cpu[name] = [], []
        names = [name for name, _ in commands(tmp)]
        for _ in range(repeat):
            for tree in trees:
                for name, argv in commands(stores[tree.label]):
                    wall, cpu = run_once(argv, tree)
                    tree.runs[name].append(wall)
                    tree.cpu[name].append(cpu)
        for name in names:
            print(name)
            for tree in trees:
                runs, cpu = tree.runs[name], tree.cpu[name]
                print(
                    f"  {tree.label:10} wall min {1000 * min(runs):7.1f} ms, "
                    f"median {1000 * statistics.median(runs):7.1f} ms;  "
                    f"cpu min {1000 * min(cpu):7.1f} ms, "
                    f"median {1000 * statistics.median(cpu):7.1f} ms",
                    flush=True,
                )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _commit(root: Path) -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=root
    )
    return done.stdout.strip() if done.returncode == 0 else root.name


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def result(tree: Tree, repeat: int, commit: str, load_before: float) -> dict:
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu_model": cpu_model(),
        "cpus": os.cpu_count(),
        "repeat": repeat,
        "load_avg": f"{load_before:.1f} -> {os.getloadavg()[0]:.1f}",
        "commit": commit,
        "rows": [
            {
                "command": name,
                "min_ms": 1000 * min(runs),
                "median_ms": 1000 * statistics.median(runs),
                "cpu_min_ms": 1000 * min(tree.cpu[name]),
                "cpu_median_ms": 1000 * statistics.median(tree.cpu[name]),
            }
            for name, runs in tree.runs.items()
        ],
    }


def section(results: dict[str, dict]) -> str:
    labels = list(results)
    first = results[labels[0]]
    intro = (
        "Generated by `python bench/bench_startup.py --compare before=DIR --doc "
        "docs/benchmarks.md` (DIR: `git archive` of the older commit). Each command runs as a "
        f"fresh process (the `otmlops` console script of the venv), {first['repeat']} times "
        "after one untimed warm-up, the trees' runs interleaved so that both see the same load; "
        "min and median of wall time and of CPU time (user + system: what a busy machine "
        "disturbs less). The query runs on an embedded store holding the two "
        "case studies (`otmlops load examples/*.ttl`). The first row is the least a "
        "store-backed command can cost: starting Python and importing pyoxigraph. The "
        "machine is shared with other jobs (load average before -> after the runs below)."
    )
    lines = [
        HEADING,
        "",
        textwrap.fill(intro, width=96),
        "",
        "| label | commit | python | CPU | load avg |",
        "|---|---|---|---|---|",
    ]
    for label, r in results.items():
        lines.append(
            f"| {label} | {r['commit']} | {r['python']} ({r['machine']}) | "
            f"{r.get('cpu_model', '?')}, {r['cpus']} cores | {r['load_avg']} |"
        )
    for kind, key in (("Wall time", ""), ("CPU time (user + system)", "cpu_")):
        head = " | ".join(f"{lab} min | {lab} median" for lab in labels)
        lines += [
            "",
            f"{kind}, ms:",
            "",
            f"| command | {head} |",
            "|---|" + "---:|---:|" * len(labels),
        ]
        for name in [row["command"] for row in first["rows"]]:
            cells = []
            for r in results.values():
                row = _row(r, name)
                cells += (
                    [f"{row[key + 'min_ms']:.0f}", f"{row[key + 'median_ms']:.0f}"]
                    if row
                    else ["", ""]
                )
            lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    lines += [
        "",
        *_goals(results),
        "",
        textwrap.fill(" ".join(WHERE_THE_TIME_GOES.split()), width=96),
    ]
    return "\n".join(lines) + "\n"


def _row(result: dict, name: str) -> dict | None:
    return next((x for x in result["rows"] if x["command"] == name), None)


def _goals(results: dict[str, dict]) -> list[str]:
    """Issue 12 item 5: --version within 2x of importing pyoxigraph; the query in under half
    the time of the first label (the older tree). Checked on the minima, which a busy machine
    inflates least."""
    *older, (label, now) = results.items()
    reference = _row(now, 'python -c "import pyoxigraph"')
    version = _row(now, "otmlops --version")
    out = ["Goals (issue 12, item 5), on the minima:", ""]
    if reference and version:
        out.append(
            f"- `otmlops --version` / `import pyoxigraph` ({label}): "
            f"{version['min_ms'] / reference['min_ms']:.2f}x wall, "
            f"{version['cpu_min_ms'] / reference['cpu_min_ms']:.2f}x CPU (goal: <= 2x)"
        )
    if older:
        base_label, base = older[0]
        query = f"otmlops query {QUERY}"
        a, b = _row(base, query), _row(now, query)
        if a and b:
            out.append(
                f"- `{query}`, {label} / {base_label}: {b['min_ms'] / a['min_ms']:.2f} "
                f"wall, {b['cpu_min_ms'] / a['cpu_min_ms']:.2f} CPU (goal: < 0.5)"
            )
    return out


WHERE_THE_TIME_GOES = """\
Where the time goes. Before, every command built the full argument parser by importing every
command module, and with them rdflib, pySHACL, lxml and the AAS SDKs (aas-core3.1, BaSyx):
about 0.35 s of CPU before any work, for `--version` too. Now the CLI imports only the module of
the command named on the line (`--version` none), command modules import their libraries inside
their run functions, and the library modules on the query path (store, catalogue, parameters,
result formats, namespaces) need only pyoxigraph; `tests/cli/test_startup_imports.py` fails if a
heavy import comes back. `--version` is Python, argparse and the CLI module. `query` adds
pyoxigraph and the store modules, opening the RocksDB folder read-write (about 20 ms of CPU but
50-100 ms of wall time here: every read-write open writes a new MANIFEST and OPTIONS file; a
read-only open of the same folder took a third of that in a side test), six small queries that read the entailment rules, the query itself (under a
millisecond here) and closing (no flush when nothing was written). `summary` no longer uses
rdflib: it parses with pyoxigraph. The runs were made with .pyc files in place, as in an
installed package; without them (PYTHONDONTWRITEBYTECODE) each command also compiles its modules
from source, about 30 ms more."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="current", help="name of this tree's figures")
    parser.add_argument(
        "--compare",
        action="append",
        default=[],
        metavar="LABEL=DIR",
        help="also time the source tree in DIR (repeatable)",
    )
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--doc", type=Path, help="rewrite the Start-up section of this page")
    parser.add_argument(
        "--no-run",
        action="store_true",
        help="measure nothing: rewrite --doc from the saved figures of the labels",
    )
    args = parser.parse_args()
    # PYTHONDONTWRITEBYTECODE would make every run compile otmlops from source (30 ms and
    # more); an installed package has its .pyc files, so the warm-up run is left to write them.
    base_env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("OTMLOPS_STORE", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE")
    }
    trees = []
    for spec in args.compare:
        label, _, folder = spec.partition("=")
        root = Path(folder).resolve()
        if not (root / "service" / "otmlops").is_dir():
            parser.error(f"--compare {spec}: {root} has no service/otmlops")
        trees.append(Tree(label, root, {**base_env, "PYTHONPATH": str(root / "service")}))
    trees.append(Tree(args.label, REPO, base_env))
    if args.no_run:
        saved = {t.label: json.loads((RESULTS / f"{t.label}.json").read_text()) for t in trees}
        if args.doc:
            replace_section(args.doc, HEADING, section(saved))
        return
    load_before = os.getloadavg()[0]
    measure(trees, args.repeat)
    RESULTS.mkdir(parents=True, exist_ok=True)
    results = {}
    for tree in trees:
        commit = _commit(tree.root) if tree.root == REPO else tree.root.name
        results[tree.label] = result(tree, args.repeat, commit, load_before)
        (RESULTS / f"{tree.label}.json").write_text(
            json.dumps(results[tree.label], indent=2) + "\n"
        )
    if args.doc:
        replace_section(args.doc, HEADING, section(results))


if __name__ == "__main__":
    main()
