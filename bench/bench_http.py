"""HTTP throughput and latency of ``otmlops serve`` next to rdflib-endpoint, on the same data.

For a generated plant (otmlops.plantgen, default 100k triples) plus the bundled ontology, this
starts both servers on 127.0.0.1, then measures requests per second and p50/p99 latency of
(1) a named query (``/queries/stages-without-owner``; rdflib-endpoint gets the same SPARQL text)
and (2) two SPARQL SELECTs by GET on /sparql, at concurrency 1, 4 and 16, in one run. The table is
printed and written into docs/benchmarks.md under "## HTTP service" (only that section is
replaced). rdflib-endpoint is a benchmark-only dependency: ``pip install rdflib-endpoint``.

    python bench/bench_http.py [--size 100k] [--seconds 8] [--workers 2] [--no-docs]
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx

from docsection import replace_section
from otmlops import plantgen
from serving import free_port, start_serve, stop, wait_up

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

NAMED_ID = "stages-without-owner"
#: An ad-hoc lookup, as a dashboard sends it: the stages of one use case with their RAMI layer
#: and owner (``USECASE`` is filled in with a use case of the generated plant). It uses only
#: asserted facts, so both servers give the same answer.
LOOKUP = """PREFIX map: <https://w3id.org/otmlops/map#>
PREFIX mlops: <https://w3id.org/otmlops/mlops#>
SELECT ?stage ?layer ?owner WHERE {
  <USECASE> mlops:hasStage ?stage .
  ?stage map:layer ?layer .
  OPTIONAL { ?stage map:ownedBy ?owner }
} ORDER BY ?stage ?layer ?owner"""
#: An aggregate over the whole plant: stages per use case (Oxigraph needs ~16 ms in-process).
AGGREGATE = """PREFIX map: <https://w3id.org/otmlops/map#>
PREFIX mlops: <https://w3id.org/otmlops/mlops#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?useCase ?label (COUNT(?stage) AS ?stages) WHERE {
  ?useCase a mlops:UseCase ; mlops:hasStage ?stage .
  OPTIONAL { ?useCase rdfs:label ?label }
  ?stage map:layer ?layer .
} GROUP BY ?useCase ?label ORDER BY ?useCase LIMIT 50"""
TOKEN = "bench-token"
SECTION = "## HTTP service"
WORKLOADS = (
    "named query",
    "SPARQL SELECT (competency question)",
    "SPARQL SELECT (lookup)",
    "SPARQL SELECT (aggregate)",
)


@dataclass
class Cell:
    server: str
    workload: str
    concurrency: int
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        data = sorted(self.latencies)
        return data[min(len(data) - 1, int(round(p / 100 * (len(data) - 1))))] * 1000


def load(
    url: str, params: dict[str, str], concurrency: int, seconds: float, headers: dict[str, str]
) -> tuple[int, int, float, list[float]]:
    """Closed-loop load: ``concurrency`` threads, each with one keep-alive connection, send
    the next request as soon as the last one is answered, for ``seconds``. (stdlib
    http.client: a light client, so the numbers measure the servers, not the client.)"""
    parts = urlsplit(url)
    path = parts.path or "/"
    if params:
        path += "?" + urlencode(params)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
        mine: list[float] = []
        bad = 0
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                body = resp.read()
                ok = resp.status == 200 and len(body) > 0
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
                ok = False
            if ok:
                mine.append(time.perf_counter() - t0)
            else:
                bad += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(latencies), errors[0], time.perf_counter() - start, latencies


#: workload -> (same answers on both servers?, rows from otmlops, rows from rdflib-endpoint)
SAME: dict[str, tuple[bool, int, int]] = {}


def answers(url: str, params: dict[str, str]) -> set[tuple[str, ...]]:
    """The solutions of a SELECT as a set of value tuples (to check both servers agree)."""
    r = httpx.get(
        url, params=params, headers={"accept": "application/sparql-results+json"}, timeout=600
    )
    r.raise_for_status()
    data = r.json()
    names = data["head"]["vars"]
    return {
        tuple(str(b.get(v, {}).get("value", "")) for v in sorted(names))
        for b in data["results"]["bindings"]
    }


def named_query_text() -> str:
    from otmlops.catalogue import get_query

    return get_query(NAMED_ID).sparql


def run(args: argparse.Namespace) -> list[Cell]:
    work = Path(tempfile.mkdtemp(prefix="otmlops-bench-http-"))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        plant = work / "plant.nt"
        stats = plantgen.generate(args.size, seed=1, out=plant)
        print(f"plant: {stats.triples} triples", file=sys.stderr)  # type: ignore[union-attr]
        ours_port, theirs_port = free_port(), free_port()
        env = {**os.environ, "OTMLOPS_TOKEN": TOKEN}
        ours_log = work / "otmlops.log"
        with open(ours_log, "wb") as out:
            procs.append(
                start_serve(work / "store", ours_port, out, "--workers", str(args.workers), env=env)
            )
        ours = f"http://127.0.0.1:{ours_port}"
        wait_up(ours + "/healthz", procs[-1], ours_log)
        r = httpx.put(
            ours + "/store",
            params={"graph": "http://example.org/bench/plant"},
            content=plant.read_bytes(),
            timeout=600,
            headers={"content-type": "application/n-triples", "authorization": f"Bearer {TOKEN}"},
        )
        r.raise_for_status()

        exe = shutil.which("rdflib-endpoint") or str(
            Path(sys.executable).parent / "rdflib-endpoint"
        )
        ontology = sorted((REPO / "ontology").glob("*.ttl"))
        theirs_log = work / "rdflib-endpoint.log"
        with open(theirs_log, "wb") as out:
            procs.append(
                subprocess.Popen(
                    [
                        exe,
                        "serve",
                        str(plant),
                        *map(str, ontology),
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(theirs_port),
                    ],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
        theirs = f"http://127.0.0.1:{theirs_port}"
        wait_up(theirs + "/?query=ASK%7B%7D", procs[-1], theirs_log)

        named_text = named_query_text()
        accept = {"accept": "application/sparql-results+json"}
        lookup = LOOKUP.replace("USECASE", stats.samples["useCase"])  # type: ignore[union-attr]
        plan = [
            ("otmlops", WORKLOADS[0], ours + f"/queries/{NAMED_ID}", {}),
            ("rdflib-endpoint", WORKLOADS[0], theirs + "/", {"query": named_text}),
            # the stages-without-owner text as ad-hoc SPARQL, the query the issue names
            ("otmlops", WORKLOADS[1], ours + "/sparql", {"query": named_text}),
            ("rdflib-endpoint", WORKLOADS[1], theirs + "/", {"query": named_text}),
            ("otmlops", WORKLOADS[2], ours + "/sparql", {"query": lookup}),
            ("rdflib-endpoint", WORKLOADS[2], theirs + "/", {"query": lookup}),
            ("otmlops", WORKLOADS[3], ours + "/sparql", {"query": AGGREGATE}),
            ("rdflib-endpoint", WORKLOADS[3], theirs + "/", {"query": AGGREGATE}),
        ]
        for i in range(0, len(plan), 2):
            mine, other = answers(*plan[i][2:]), answers(*plan[i + 1][2:])
            SAME[plan[i][1]] = (mine == other, len(mine), len(other))
        cells: list[Cell] = []
        for server, workload, url, params in plan:
            load(url, params, 1, 1.0, accept)  # warm up caches and workers
            for c in args.concurrency:
                n, errors, elapsed, lat = load(url, params, c, args.seconds, accept)
                cell = Cell(server, workload, c, n, errors, elapsed, lat)
                cells.append(cell)
                print(
                    f"{server:16} {workload:26} c={c:<3} {cell.rps:9.1f} req/s  "
                    f"p50 {cell.pct(50):8.1f} ms  p99 {cell.pct(99):8.1f} ms  "
                    f"errors {errors}",
                    file=sys.stderr,
                )
        cells += runaway_cells(ours, args)
        return cells
    finally:
        stop(*procs)
        shutil.rmtree(work, ignore_errors=True)


GOAL_NOTE = (
    "Where the goal is missed, the gap is the work per request: rdflib-endpoint answers a lookup that starts from one "
    "bound subject in 1-2 ms at one client, close to the per-request floor of a Python HTTP "
    "service (parsing, routing, serialising; ours adds the hop to a worker process that makes "
    "queries killable), so 30x is out of reach on these 2 cores; for the aggregate, "
    "Oxigraph itself needs about 10-16 ms per evaluation in-process on this machine, so the HTTP "
    "layer is not what limits it. The competency questions of the catalogue, which are what "
    "the service is for, are where the engine difference shows."
)
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def runaway_cells(ours: str, args: argparse.Namespace) -> list[Cell]:
    """The named query at concurrency 4 while a runaway cartesian query (time limit 2 s) is
    sent again and again: the killed-and-replaced worker must not stall the others."""
    stop = threading.Event()
    stopped = [0]

    def runaway() -> None:
        with httpx.Client(timeout=120) as client:
            while not stop.is_set():
                r = client.get(ours + "/sparql", params={"query": CARTESIAN, "timeout": "2"})
                if r.status_code == 503:
                    stopped[0] += 1

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.5)
    try:
        n, errors, elapsed, lat = load(
            ours + f"/queries/{NAMED_ID}",
            {},
            4,
            max(args.seconds, 10.0),
            {"accept": "application/sparql-results+json"},
        )
    finally:
        stop.set()
        thread.join()
    cell = Cell(
        "otmlops", f"named query + runaways ({stopped[0]} stopped)", 4, n, errors, elapsed, lat
    )
    print(
        f"otmlops          named query with runaways c=4 {cell.rps:9.1f} req/s  "
        f"p50 {cell.pct(50):8.1f} ms  p99 {cell.pct(99):8.1f} ms  runaways stopped "
        f"{stopped[0]}",
        file=sys.stderr,
    )
    return [cell]


def table(cells: list[Cell], args: argparse.Namespace) -> str:
    lines = [
        SECTION,
        "",
        f"`python bench/bench_http.py --size {args.size} --seconds {args.seconds:g} --workers "
        f"{args.workers}` on {platform.machine()} with {os.cpu_count()} CPU cores "
        f"(Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}). Both servers "
        "run on 127.0.0.1 at the same time over the same data (generated plant + ontology); "
        "the load generator (closed loop, one thread and keep-alive connection per client) shares the machine. otmlops answers from "
        f"{args.workers} query worker processes; rdflib-endpoint 0.6 serves rdflib's "
        "in-memory graph. Named query: `/queries/stages-without-owner` (rdflib-endpoint "
        "gets the same SPARQL text); SPARQL SELECT by GET /sparql: the same stages-without-owner "
        "text sent as ad-hoc SPARQL, a lookup (the stages of one "
        "use case with layer and owner) and an aggregate (stages per use case, GROUP BY). "
        "Results in SPARQL JSON. Query texts: bench/bench_http.py.",
        "",
        "Both servers gave the same answers for: "
        + ", ".join(
            f"{w} ({'yes' if same else 'NO'}: {a} and {b} rows)" for w, (same, a, b) in SAME.items()
        )
        + ".",
        "",
        "| workload | clients | otmlops req/s | p50 ms | p99 ms | rdflib-endpoint req/s "
        "| p50 ms | p99 ms | throughput ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    by_key = {(c.server, c.workload, c.concurrency): c for c in cells}
    for workload in WORKLOADS:
        for conc in args.concurrency:
            ours = by_key[("otmlops", workload, conc)]
            theirs = by_key[("rdflib-endpoint", workload, conc)]
            ratio = ours.rps / theirs.rps if theirs.rps else float("inf")
            lines.append(
                f"| {workload} | {conc} | {ours.rps:.1f} | {ours.pct(50):.1f} | "
                f"{ours.pct(99):.1f} | {theirs.rps:.2f} | {theirs.pct(50):.0f} | "
                f"{theirs.pct(99):.0f} | {ratio:.0f}x |"
            )
    top = max(args.concurrency)
    ratios = {
        w: by_key[("otmlops", w, top)].rps / max(by_key[("rdflib-endpoint", w, top)].rps, 1e-9)
        for w in WORKLOADS
    }
    met = [f"{w} ({r:.0f}x)" for w, r in ratios.items() if r >= 30]
    missed = [f"{w} ({r:.0f}x)" for w, r in ratios.items() if r < 30]
    lines += [
        "",
        f"Goal: at least 30x rdflib-endpoint's throughput at {top} clients. Met for: "
        f"{', '.join(met) or 'none'}. Not met for: {', '.join(missed) or 'none'}. " + GOAL_NOTE,
    ]
    for cell in cells:
        if cell.workload.startswith("named query + runaways"):
            lines += [
                "",
                f"While a runaway cartesian `COUNT(*)` (time limit 2 s) was sent again "
                f"and again ({cell.workload.split('(')[1].split()[0]} of them stopped "
                f"with 503 in {cell.seconds:.0f} s), the named query at 4 clients ran "
                f"at {cell.rps:.1f} req/s with p50 {cell.pct(50):.1f} ms and p99 "
                f"{cell.pct(99):.1f} ms.",
            ]
    errors = sum(c.errors for c in cells)
    lines += ["", f"Failed requests in the run: {errors}."]
    return "\n".join(lines) + "\n"


def write_section(path: Path, section: str) -> None:
    """Replace our section of docs/benchmarks.md (or append it); other sections stay."""
    replace_section(path, SECTION, section)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=plantgen.parse_size, default=100_000)
    parser.add_argument("--seconds", type=float, default=8.0, help="per measurement cell")
    parser.add_argument("--workers", type=int, default=2, help="otmlops query workers")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--no-docs", action="store_true", help="do not touch docs/benchmarks.md")
    args = parser.parse_args(argv)
    cells = run(args)
    section = table(cells, args)
    print(section)
    if not args.no_docs:
        write_section(REPO / "docs" / "benchmarks.md", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
