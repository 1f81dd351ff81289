"""What opening a store costs, and the other fixed costs a command or a test pays each time.

Measured in-process, each ``--repeat`` times (median of wall time, in ms): opening a new store
on disk (which loads the bundled ontology) and closing it; reopening that store; opening and
closing a memory store; opening an ``oxigraph serve`` (in memory, emptied first) as a remote
store; reading the entailment rules from a memory store and from the remote one; and one
``otmlops ontology check`` (HermiT, when Java is installed).

With ``--compare LABEL=DIR`` the same measurements also run on another source tree (for example
``git archive <commit>`` unpacked in DIR, imported through PYTHONPATH), round by round in turn
with this one, so that both see the same load on a shared machine.

    python bench/bench_open.py [--label after] [--compare before=/tmp/old] [--repeat 20]
                               [--rounds 3] [--doc docs/benchmarks.md]

``--doc`` rewrites the "Opening a store" section of the page.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from docsection import replace_section
from serving import free_port

HEADING = "## Opening a store"
ROWS = [
    ("new_disk", "new store on disk: open (bootstrap) + close"),
    ("reopen_disk", "existing store on disk: open + close"),
    ("memory", "memory store: open (bootstrap) + close"),
    ("remote", "remote store (`oxigraph serve`, emptied): open (bootstrap) + close"),
    ("rules_memory", "entailment rules, memory store"),
    ("rules_remote", "entailment rules, remote store"),
    ("hermit", "`ontology check` (HermiT), bundled ontology"),
]


def _median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def child(repeat: int) -> dict[str, float]:
    """One round of every measurement, in this process."""
    import httpx

    from otmlops.store import entailment, open_store

    work = Path(tempfile.mkdtemp(prefix="bench-open-"))
    out: dict[str, float] = {}
    n = iter(range(10**6))
    out["new_disk"] = _median_ms(lambda: open_store(str(work / f"s{next(n)}")).close(), repeat)
    out["reopen_disk"] = _median_ms(lambda: open_store(str(work / "s0")).close(), repeat)
    out["memory"] = _median_ms(lambda: open_store("memory").close(), repeat)
    memory = open_store("memory")
    out["rules_memory"] = _median_ms(lambda: entailment.read_rules(memory._select), repeat)  # type: ignore[attr-defined]
    memory.close()
    port = free_port()
    server = subprocess.Popen(
        [_oxigraph(), "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(timeout=30) as client:
            for _ in range(200):
                try:
                    client.post(f"{url}/query", data={"query": "ASK {}"})
                    break
                except httpx.HTTPError:
                    time.sleep(0.05)

            def remote_open() -> None:
                client.post(f"{url}/update", data={"update": "DROP ALL"})
                open_store(url).close()

            out["remote"] = _median_ms(remote_open, repeat)
        remote = open_store(url)
        out["rules_remote"] = _median_ms(lambda: entailment.read_rules(remote._select), repeat)  # type: ignore[attr-defined]
        remote.close()
    finally:
        server.terminate()
        server.wait()
    if shutil.which("java"):
        from otmlops.ontology.check import run_check

        out["hermit"] = _median_ms(run_check, max(1, repeat // 5))
    shutil.rmtree(work, ignore_errors=True)
    return out


def _oxigraph() -> str:
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.exists() else shutil.which("oxigraph") or "oxigraph"


def _round(source: Path | None, repeat: int) -> dict[str, float]:
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source / "service")
    done = subprocess.run(
        [sys.executable, __file__, "--child", "--repeat", str(repeat)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def report(results: dict[str, list[dict[str, float]]], repeat: int) -> str:
    labels = list(results)
    lines = [
        HEADING,
        "",
        "`python bench/bench_open.py` (in-process, median ms of "
        f"{repeat} runs per round, median over rounds; HermiT: {max(1, repeat // 5)} runs). "
        "Every command opens a store, and so does almost every store test. A new store's "
        "bundle is one transactional insert of the parsed quads; a store on a URL reads the "
        "CA bundle only for https://, once per process (it was read twice per store, plain "
        "HTTP included); the entailment rules are one query "
        "(one round trip); HermiT's JVM runs with the quick compiler only "
        "(`-XX:TieredStopAtLevel=1`).",
        "",
        "| | " + " | ".join(labels) + " |",
        "|---|" + "---:|" * len(labels),
    ]
    for key, title in ROWS:
        cells = []
        for label in labels:
            values = [r[key] for r in results[label] if key in r]
            cells.append(f"{statistics.median(values):.1f}" if values else "–")
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--label", default="this tree")
    parser.add_argument("--compare", action="append", default=[], metavar="LABEL=DIR")
    parser.add_argument("--doc", type=Path)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.repeat)))
        return
    trees: dict[str, Path | None] = {}
    for spec in args.compare:
        label, _, folder = spec.partition("=")
        trees[label] = Path(folder)
    trees[args.label] = None
    results: dict[str, list[dict[str, float]]] = {label: [] for label in trees}
    for _ in range(args.rounds):
        for label, source in trees.items():
            results[label].append(_round(source, args.repeat))
    text = report(results, args.repeat)
    print(text)
    if args.doc:
        replace_section(args.doc, HEADING, text)


if __name__ == "__main__":
    main()
