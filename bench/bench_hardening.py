"""Peak memory of ``otmlops serve`` (server process and query workers) for two hostile answers.

(1) a 3M-row CSV answer (a cartesian product of the bundled ontology's 1,775 triples with
itself, LIMIT 3000000, about 290 MB of CSV) and (2) the ORDER BY bomb (a three-way cartesian
product sorted, which must be materialised). A sampler reads VmRSS of the server and of each
of its children every 50 ms; the table gives the highest values, the answer's status and time.

Run it once per code version to compare: ``--src`` names the ``service`` folder to run (e.g. a
``git worktree`` of an older commit) and ``--label`` what to call the run; each run is saved in
bench/results/hardening-<label>.json and the section "## Service hardening" of
docs/benchmarks.md is rebuilt from every saved run. Only 127.0.0.1 is contacted; every request
has a time limit; the server is stopped at the end.

    python bench/bench_hardening.py --label after [--worker-memory 1G] [--no-docs]
    git worktree add /tmp/before <commit>
    python bench/bench_hardening.py --label before --src /tmp/before/service --old
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from docsection import replace_section
from serving import free_port, start_serve, stop, wait_up

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

SECTION = "## Service hardening (memory per answer)"
ROWS_QUERY = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 3000000"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
BOMB_QUERY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(entry.name))
    return kids


class Sampler:
    """Highest RSS of the server process and of any one child while it runs."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.server = 0
        self.worker = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.server = max(self.server, _rss_kib(self.pid))
            for kid in _children(self.pid):
                self.worker = max(self.worker, _rss_kib(kid))
            time.sleep(0.05)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def _measure(base: str, pid: int, query: str, accept: str, timeout: float) -> dict[str, object]:
    start = time.monotonic()
    size = 0
    status = 0
    with Sampler(pid) as sampler:
        try:
            with httpx.stream(
                "GET",
                base + "/sparql",
                params={"query": query, "timeout": str(timeout)},
                headers={"accept": accept},
                timeout=timeout + 60,
            ) as r:
                status = r.status_code
                head = b""
                for chunk in r.iter_bytes():
                    size += len(chunk)
                    head = head or chunk[:400]
                if status != 200:
                    why = head.decode("utf-8", "replace")
                    reason = (
                        "memory cap"
                        if "memory" in why
                        else "time limit"
                        if "time limit" in why
                        else why[:80]
                    )
                    status = f"{status} ({reason})"  # type: ignore[assignment]
        except httpx.HTTPError as exc:
            status = f"error: {type(exc).__name__}"  # type: ignore[assignment]
        seconds = time.monotonic() - start
        time.sleep(0.3)
    return {
        "status": status,
        "bytes": size,
        "seconds": round(seconds, 2),
        "server_mib": round(sampler.server / 1024),
        "worker_mib": round(sampler.worker / 1024),
    }


def _restarts(base: str) -> int:
    text = httpx.get(base + "/metrics", timeout=60).text
    return int(
        float(  # prometheus_client writes every value as a float ("2.0")
            next(
                line.split()[1]
                for line in text.splitlines()
                if line.startswith("otmlops_worker_restarts_total ")
            )
        )
    )


def _abandoned(base: str, wait: float = 40.0) -> float | None:
    """Seconds from a client giving up on a runaway query (time limit 30 s) until its worker
    is replaced; None if not within ``wait``."""
    before = _restarts(base)
    try:
        httpx.get(base + "/sparql", params={"query": CARTESIAN, "timeout": "30"}, timeout=1.0)
    except httpx.TimeoutException:
        pass
    left = time.monotonic()
    while time.monotonic() - left < wait:
        if _restarts(base) > before:
            return round(time.monotonic() - left, 2)
        time.sleep(0.05)
    return None


def run(src: Path, label: str, extra: list[str], bomb_timeout: float) -> dict[str, object]:
    tmp = Path(tempfile.mkdtemp(prefix="otmlops-harden-"))
    store = tmp / "store"
    env = {**os.environ, "PYTHONPATH": str(src)}
    env.pop("OTMLOPS_TOKEN", None)
    subprocess.run(
        [sys.executable, "-m", "otmlops", "--store", str(store), "graphs"],
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    log = open(tmp / "server.log", "wb")  # noqa: SIM115 - closed below
    options = ["--workers", "2", "--max-timeout", "300", *extra]
    proc = start_serve(store, port, log, *options, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_up(base + "/healthz", proc, tmp / "server.log", timeout=120)
        idle = {
            "server_mib": round(_rss_kib(proc.pid) / 1024),
            "worker_mib": round(max(_rss_kib(k) for k in _children(proc.pid)) / 1024),
        }
        rows = _measure(base, proc.pid, ROWS_QUERY, "text/csv", 120)
        bomb = _measure(base, proc.pid, BOMB_QUERY, "application/sparql-results+json", bomb_timeout)
        after = httpx.get(base + "/sparql", params={"query": "ASK {}"}, timeout=60).status_code
        abandoned = _abandoned(base)
    finally:
        stop(proc)
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "label": label,
        "options": " ".join(extra) or "(defaults)",
        "idle": idle,
        "rows": rows,
        "bomb": bomb,
        "bomb_timeout": bomb_timeout,
        "served_after": after,
        "abandoned_stop_s": abandoned,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }


def render(results: list[dict[str, object]]) -> str:
    lines = [
        SECTION,
        "",
        "Measured by `bench/bench_hardening.py` (run by hand): peak resident memory of the "
        "server process and of the largest query worker, sampled every 50 ms, while one client "
        "fetches a 3M-row CSV answer (about 290 MB) and then sends the ORDER BY bomb "
        f"(`{BOMB_QUERY}`) over the bundled ontology. *before* is the code before issue 14 "
        "(answers buffered whole in the worker and again in the server; no memory cap); "
        "*after* streams answers in 256 KiB chunks and caps each worker's memory. The last "
        "column: a client sends a runaway query (time limit 30 s) and gives up after 1 s; "
        "how long until its worker is stopped (`otmlops_worker_restarts_total` grows).",
        "",
        "| run | options | 3M-row CSV: status, s | server peak MiB | worker peak MiB "
        "| ORDER BY bomb: status, s | server peak MiB | worker peak MiB | next query "
        "| client left: worker stopped after |",
        "|---|---|---|---:|---:|---|---:|---:|---|---|",
    ]
    for r in results:
        rows, bomb = r["rows"], r["bomb"]  # type: ignore[index]
        lines.append(
            f"| {r['label']} | {r['options']} | {rows['status']}, {rows['seconds']} "  # type: ignore[index]
            f"| {rows['server_mib']} | {rows['worker_mib']} "  # type: ignore[index]
            f"| {bomb['status']}, {bomb['seconds']} (limit {r['bomb_timeout']:g} s) "  # type: ignore[index]
            f"| {bomb['server_mib']} | {bomb['worker_mib']} | {r['served_after']} "  # type: ignore[index]
            f"| {_stop(r.get('abandoned_stop_s'))} |"
        )
    first = results[0]
    lines += [
        "",
        f"Machine: {first['cpus']} CPUs, Python {first['python']}. Idle after start: "
        f"server {first['idle']['server_mib']} MiB, worker "  # type: ignore[index]
        f"{first['idle']['worker_mib']} MiB.",
        "",
    ]  # type: ignore[index]
    return "\n".join(lines)


def _stop(seconds: object) -> str:
    return "not within 40 s" if seconds is None else f"{seconds} s"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--label", default="after")
    ap.add_argument(
        "--src",
        type=Path,
        default=REPO / "service",
        help="the service folder to run (default: this checkout)",
    )
    ap.add_argument(
        "--worker-memory", default="1G", help="--worker-memory for the server (default: 1G)"
    )
    ap.add_argument(
        "--old", action="store_true", help="the server predates --worker-memory: do not pass it"
    )
    ap.add_argument(
        "--bomb-timeout",
        type=float,
        default=8.0,
        help="time limit of the ORDER BY bomb (default: 8 s)",
    )
    ap.add_argument("--no-docs", action="store_true")
    args = ap.parse_args()
    extra = [] if args.old else ["--worker-memory", args.worker_memory]
    result = run(args.src.resolve(), args.label, extra, args.bomb_timeout)
    print(json.dumps(result, indent=2))
    results_dir = HERE / "results"
    results_dir.mkdir(exist_ok=True)
    (results_dir / f"hardening-{args.label}.json").write_text(json.dumps(result, indent=2) + "\n")
    saved = [json.loads(p.read_text()) for p in sorted(results_dir.glob("hardening-*.json"))]
    saved.sort(key=lambda r: r["label"] != "before")
    section = render(saved)
    print(section)
    if not args.no_docs:
        replace_section(REPO / "docs" / "benchmarks.md", SECTION, section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
