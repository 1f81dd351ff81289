"""Validation benchmark: the fast engine vs pySHACL on generated plants (issue 4, item 6).

For each size, otmlops.plantgen writes a plant with its use cases (N-Triples); the last use case
is split off into its own mapping file. One run per size then measures, on the same files and
the same shapes graph:

1. the fast engine (own subprocess): parse, load + index (``Validator``: shapes compiled, ontology
   and plant put into an in-memory pyoxigraph store), full validation of plant + mapping +
   ontology; then one mapping file against the pre-loaded plant (read, parse, validate, repeated;
   median and spread), its result set checked against the full run;
2. pySHACL (own subprocess): the same parse, load (an rdflib ``Graph`` of the same triples), and
   ``pyshacl.validate`` with the options of ``otmlops.validation.reference.run_pyshacl`` (no
   inference on either side, no ontology graph mix-in, no meta-SHACL, no advanced features);
3. the two sets of (focus node, path, constraint component, severity) must be identical.

Times are taken from already parsed triples: *load* is building the engine's indexed in-memory
graph, *validation* is the validation call alone; both are reported, wall clock and CPU. An
engine may get a CPU budget (``--budget pyshacl=9000``): past it the engine's process is stopped
(RLIMIT_CPU) and the run records "did not finish within N CPU s"; nothing is extrapolated.

Results go to bench/results/validation/<size>[-<tag>].json; the "## Validation" section of
docs/benchmarks.md is rebuilt from every JSON file there (other sections are kept). Progress goes
to stderr. ::

    python bench/bench_validation.py --size 100k
    nohup nice -n 19 python bench/bench_validation.py --size 500k --budget pyshacl=9000 &
    python bench/bench_validation.py --size 10k --shapes my/*.ttl --tag variant   # other shapes
    python bench/bench_validation.py --size 10k --per-shape     # pySHACL time per shape only
    python bench/bench_validation.py --report-only
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from docsection import replace_section
from otmlops import plantgen

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Graph

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
#: A folder of its own: bench/bench_store.py reads every bench/results/*.json as a store run.
RESULTS = BENCH / "results" / "validation"
DOC = REPO / "docs" / "benchmarks.md"
SECTION = "## Validation"

#: Goals (issue 4, item 6), checked at the largest size measured.
GOAL_SPEEDUP = 200.0
GOAL_MAPPING_MS = 200.0
#: pySHACL's options, as otmlops.validation.reference.run_pyshacl passes them (recorded in the JSON).
PYSHACL_OPTIONS = {
    "inference": "none",
    "ont_graph": None,
    "advanced": False,
    "meta_shacl": False,
    "allow_warnings": False,
    "allow_infos": False,
}


def log(msg: str) -> None:
    print(f"{datetime.now().strftime('%H:%M:%S')} {msg}", file=sys.stderr, flush=True)


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _shown(path: Path) -> str:
    """A path as the results file records it: relative to the clone, so no machine path is kept."""
    resolved = path.resolve()
    return str(resolved.relative_to(REPO)) if resolved.is_relative_to(REPO) else str(path)


def _digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


# --- plants ---------------------------------------------------------------------------------------


def make_plant(size: int, seed: int, folder: Path) -> tuple[Path, Path]:
    """plant.nt (everything but one use case) and mapping.nt (that use case and its stages).

    Cached in ``folder`` under a name that includes a digest of otmlops/plantgen.py, so a changed
    generator never reuses an old plant."""
    folder.mkdir(parents=True, exist_ok=True)
    gen = _digest(Path(plantgen.__file__))[:8]
    stem = folder / f"plant-{size}-{seed}-{gen}"
    full, plant, mapping = (Path(f"{stem}.nt"), Path(f"{stem}-rest.nt"), Path(f"{stem}-uc.nt"))
    if plant.exists() and mapping.exists():
        return plant, mapping
    log(f"generating a {size:,}-triple plant (seed {seed}) in {folder}")
    plantgen.generate(size, seed=seed, out=full)
    lines = full.read_text(encoding="utf-8").splitlines(keepends=True)
    use_cases = [ln.split(" ", 1)[0] for ln in lines if ln.rstrip().endswith("mlops#UseCase> .")]
    chosen = use_cases[-1][:-1]  # "<iri" without ">"

    def mine(ln: str) -> bool:
        return ln.startswith(chosen + ">") or ln.startswith(chosen + "/")

    plant.write_text("".join(ln for ln in lines if not mine(ln)), encoding="utf-8")
    mapping.write_text("".join(ln for ln in lines if mine(ln)), encoding="utf-8")
    full.unlink()
    return plant, mapping


# --- child processes (one per engine) -------------------------------------------------------------


def _shapes(files: list[str]):  # noqa: ANN202
    from otmlops.validation.api import load_shapes, shipped_shapes_files

    paths = [Path(f) for f in files] or shipped_shapes_files()
    return load_shapes(files or None), paths


def _budget(seconds: float | None) -> None:
    """Stop this process once it has used ``seconds`` more CPU time (SIGXCPU), without a core."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if seconds:
        limit = int(_cpu() + seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (limit, resource.RLIM_INFINITY))


class Phases:
    """Times of the phases of one child; written to ``out`` after each phase, so a stopped
    child still leaves what it measured."""

    def __init__(self, out: Path, engine: str) -> None:
        self.out, self.data = (
            out,
            {"engine": engine, "status": "running", "loadavg_start": os.getloadavg()[0]},
        )
        self._save()

    def run(self, name: str, fn, *args):  # noqa: ANN001, ANN201
        log(f"  {self.data['engine']}: {name} ...")
        w0, c0 = time.perf_counter(), _cpu()
        value = fn(*args)
        wall, cpu = time.perf_counter() - w0, _cpu() - c0
        self.data[f"{name}_s"], self.data[f"{name}_cpu_s"] = round(wall, 4), round(cpu, 3)
        log(f"  {self.data['engine']}: {name} {wall:.3f} s (CPU {cpu:.2f} s)")
        self._save()
        return value

    def set(self, **kw: object) -> None:
        self.data.update(kw)
        self._save()

    def done(self) -> None:
        self.set(status="done", loadavg_end=os.getloadavg()[0], peak_rss_mib=round(_rss_mib()))

    def _save(self) -> None:
        tmp = self.out.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data))
        tmp.replace(self.out)


def _parse_inputs(ph: Phases, plant_path: Path, mapping_path: Path):  # noqa: ANN202
    from otmlops.validation.api import ontology_triples
    from otmlops.validation.sources import parse, read_file

    def go():  # noqa: ANN202
        return (
            ontology_triples(),
            parse(read_file(plant_path, max_size=None)),
            parse(read_file(mapping_path, max_size=None)),
        )

    onto, plant, mapping = ph.run("parse", go)
    ph.set(triples={"plant": len(plant), "mapping": len(mapping), "ontology": len(onto)})
    return onto, plant, mapping


def child_fast(a: argparse.Namespace) -> None:
    from otmlops.validation.api import Validator
    from otmlops.validation.compiler import compile_shapes
    from otmlops.validation.sources import parse, read_file

    ph = Phases(a.out, "fast")
    shapes, files = _shapes(a.shapes)
    ph.set(shapes=[_shown(p) for p in files], shapes_digest=_digest(*files))
    onto, plant, mapping = _parse_inputs(ph, a.plant, a.mapping)
    _budget(a.budget)
    ph.run("compile", compile_shapes, shapes)  # also done inside load; shown on its own
    validator = ph.run("load", lambda: Validator(shapes, plant=plant, ontology=onto))
    report = ph.run("validate", lambda: validator.validate(mapping, incremental=False))
    if report.engine != "fast":
        raise SystemExit(f"the fast engine fell back: {report.engine}")
    keys = sorted(report.keys(), key=str)
    ph.set(results=len(report.results), keys=keys)
    # one mapping file against the pre-loaded plant: read + parse + validate, repeated
    ph.run("base_results", validator.base_results)
    times: list[float] = []
    same = True
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        inc = validator.validate(parse(read_file(a.mapping)), incremental=True)
        times.append(time.perf_counter() - t0)
        same = same and inc.keys() == report.keys()
    ph.set(
        incremental={
            "runs": a.repeat,
            "median_ms": round(statistics.median(times) * 1000, 1),
            "min_ms": round(min(times) * 1000, 1),
            "max_ms": round(max(times) * 1000, 1),
            "same_results": same,
        }
    )
    log(
        f"  fast: one mapping file against the pre-loaded plant: median "
        f"{statistics.median(times) * 1000:.1f} ms (min {min(times) * 1000:.1f}, "
        f"max {max(times) * 1000:.1f}); same results as the full run: {same}"
    )
    ph.done()


def _plain_graph(*triple_sets: Iterable[ox.Triple]) -> Graph:
    """pySHACL's data graph as its own users build it: a plain rdflib ``Graph``, which parses
    every SPARQL text again (otmlops' reference engine keeps them parsed)."""
    from otmlops.validation.reference import rdflib_graph

    return rdflib_graph(*triple_sets, keep_parsed_queries=False)


def child_pyshacl(a: argparse.Namespace) -> None:
    from otmlops.validation.reference import run_pyshacl
    from otmlops.validation.report import _node_key
    from otmlops.validation.terms import to_rdflib

    ph = Phases(a.out, "pyshacl")
    shapes, files = _shapes(a.shapes)
    ph.set(
        shapes=[_shown(p) for p in files], shapes_digest=_digest(*files), options=PYSHACL_OPTIONS
    )
    onto, plant, mapping = _parse_inputs(ph, a.plant, a.mapping)
    graph = ph.run("load", _plain_graph, onto, plant, mapping)
    ph.set(graph_triples=len(graph))
    # the same rule as Validator.validate: results on nodes the ontology describes are dropped
    ontology_nodes = {_node_key(to_rdflib(t.subject)) for t in onto}
    _budget(a.budget)
    results = ph.run("validate", run_pyshacl, graph, shapes)
    kept = [r for r in results if _node_key(r.focus) not in ontology_nodes]
    keys = sorted({r.key for r in kept}, key=str)
    ph.set(results=len(kept), results_on_ontology_nodes=len(results) - len(kept), keys=keys)
    ph.done()


def child_per_shape(a: argparse.Namespace) -> None:
    """pySHACL once per property shape (and per node shape with its own constraints), every
    other one deactivated: CPU seconds and results each."""
    from rdflib import BNode, Graph, Literal
    from rdflib.namespace import SH

    from otmlops.validation.reference import run_pyshacl

    ph = Phases(a.out, "pyshacl-per-shape")
    shapes, files = _shapes(a.shapes)
    ph.set(shapes=[_shown(p) for p in files], shapes_digest=_digest(*files))
    onto, plant, mapping = _parse_inputs(ph, a.plant, a.mapping)
    graph = ph.run("load", _plain_graph, onto, plant, mapping)
    props = {s for s in shapes.subjects(SH.path, None) if not isinstance(s, BNode)}
    nodes = {s for s in shapes.subjects(SH.sparql, None) if (s, SH.path, None) not in shapes}
    units = sorted(props | nodes)
    per: dict[str, dict[str, float | int]] = {}
    for unit in units:
        g = Graph()
        for t in shapes:
            g.add(t)
        for other in units:
            if other != unit:
                g.add((other, SH.deactivated, Literal(True)))
        c0 = _cpu()
        n = len(run_pyshacl(graph, g))
        per[unit.n3(shapes.namespace_manager)] = {"cpu_s": round(_cpu() - c0, 2), "results": n}
        log(f"  {unit.n3(shapes.namespace_manager)}: {per[unit.n3(shapes.namespace_manager)]}")
        ph.set(per_shape=per)
    ph.done()


# --- parent ---------------------------------------------------------------------------------------


def _proc_cpu(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_child(
    kind: str,
    plant: Path,
    mapping: Path,
    out: Path,
    shapes: list[str],
    budget: float | None,
    repeat: int,
    tag: str,
    progress: float,
) -> dict:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        kind,
        "--plant",
        str(plant),
        "--mapping",
        str(mapping),
        "--out",
        str(out),
        "--repeat",
        str(repeat),
    ]
    if budget:
        cmd += ["--budget", str(budget)]
    for s in shapes:
        cmd += ["--shapes", s]
    out.unlink(missing_ok=True)
    w0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    last = time.monotonic()
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            break
        time.sleep(1.0)
        if time.monotonic() - last >= progress:
            last = time.monotonic()
            cpu = _proc_cpu(proc.pid)
            log(
                f"[{tag}] {kind} still running: {time.perf_counter() - w0:,.0f} s wall, "
                f"{cpu or 0:,.0f} s CPU"
                + (f" (budget {budget:,.0f} s CPU for validation)" if budget else "")
            )
    data = json.loads(out.read_text()) if out.exists() else {"engine": kind}
    data["process_wall_s"] = round(time.perf_counter() - w0, 1)
    data["process_cpu_s"] = round(usage.ru_utime + usage.ru_stime, 1)
    if proc.returncode != 0:
        killed = proc.returncode == -signal.SIGXCPU or (
            proc.returncode == -signal.SIGKILL and budget is not None
        )
        data["status"] = "over budget" if killed else f"failed (exit {proc.returncode})"
        data["budget_cpu_s"] = budget
        data.pop("keys", None)
        log(
            f"[{tag}] {kind}: {data['status']}"
            + (f": did not finish within {budget:,.0f} CPU s" if killed else "")
        )
    return data


def bench_size(size: int, args: argparse.Namespace) -> dict:
    label = _label(size)
    tag = label + (f"-{args.tag}" if args.tag else "")
    plant, mapping = make_plant(size, args.seed, args.workdir)
    budgets = dict(args.budget)
    row: dict = {
        "label": label,
        "tag": args.tag,
        "size_target": size,
        "seed": args.seed,
        "plant_file": str(plant),
        "mapping_file": str(mapping),
        "data_digest": _digest(plant, mapping),
        "env": _env(),
    }
    scratch = args.workdir / f"child-{tag}-{os.getpid()}"
    if args.per_shape:
        log(f"[{tag}] pySHACL per shape (others deactivated)")
        row["pyshacl_per_shape"] = run_child(
            "pyshacl-per-shape",
            plant,
            mapping,
            scratch.with_suffix(".per-shape.json"),
            args.shapes,
            budgets.get("pyshacl"),
            args.repeat,
            tag,
            args.progress,
        )
        return row
    log(f"[{tag}] fast engine")
    fast = run_child(
        "fast",
        plant,
        mapping,
        scratch.with_suffix(".fast.json"),
        args.shapes,
        budgets.get("fast"),
        args.repeat,
        tag,
        args.progress,
    )
    row["fast"] = fast
    if fast.get("status") == "done":
        log(
            f"[{tag}] fast: load {fast['load_s']:.2f} s, validation {fast['validate_s']:.3f} s, "
            f"{fast['results']} results"
        )
    if not args.no_pyshacl:
        log(
            f"[{tag}] pySHACL"
            + (
                f" (budget {budgets['pyshacl']:,.0f} CPU s for validation)"
                if budgets.get("pyshacl")
                else ""
            )
        )
        ref = run_child(
            "pyshacl",
            plant,
            mapping,
            scratch.with_suffix(".pyshacl.json"),
            args.shapes,
            budgets.get("pyshacl"),
            args.repeat,
            tag,
            args.progress,
        )
        row["pyshacl"] = ref
        compare(row)
    for k in ("fast", "pyshacl"):
        if k in row and "keys" in row[k]:
            row[k]["keys"] = [list(x) for x in row[k]["keys"]]
    return row


def compare(row: dict) -> None:
    fast, ref = row["fast"], row["pyshacl"]
    row["same_data"] = fast.get("triples") == ref.get("triples")
    row["same_shapes"] = fast.get("shapes_digest") == ref.get("shapes_digest")
    if fast.get("status") != "done" or ref.get("status") != "done":
        row["same_results"] = None
        return
    a = {tuple(k) for k in fast["keys"]}
    b = {tuple(k) for k in ref["keys"]}
    row["same_results"] = a == b
    row["only_fast"] = sorted(map(list, a - b), key=str)[:50]
    row["only_pyshacl"] = sorted(map(list, b - a), key=str)[:50]
    row["speedup_validate"] = round(ref["validate_s"] / fast["validate_s"], 1)
    row["speedup_validate_cpu"] = round(ref["validate_cpu_s"] / fast["validate_cpu_s"], 1)
    row["speedup_load_validate"] = round(
        (ref["load_s"] + ref["validate_s"]) / (fast["load_s"] + fast["validate_s"]), 1
    )
    log(
        f"[{row['label']}] pySHACL: load {ref['load_s']:.1f} s, validation "
        f"{ref['validate_s']:.1f} s, {ref['results']} results; same result set: "
        f"{row['same_results']}; speed-up {row['speedup_validate']:,.0f}x (validation), "
        f"{row['speedup_load_validate']:,.0f}x (load + validation)"
    )


def _label(size: int) -> str:
    return (
        f"{size // 1_000_000}M"
        if size % 1_000_000 == 0
        else (f"{size // 1000}k" if size % 1000 == 0 else str(size))
    )


def _env() -> dict:
    import pyoxigraph
    import pyshacl
    import rdflib

    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "pyoxigraph": pyoxigraph.__version__,
        "rdflib": rdflib.__version__,
        "pyshacl": pyshacl.__version__,
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "loadavg_start": os.getloadavg()[0],
    }


# --- report ---------------------------------------------------------------------------------------


def _s(x: float) -> str:
    return f"{x:,.3f} s" if x < 1 else (f"{x:,.2f} s" if x < 100 else f"{x:,.0f} s")


def _ref_cell(ref: dict | None) -> tuple[str, str]:
    """(load, validation) cells for pySHACL."""
    if not ref:
        return "not run", "not run"
    load = _s(ref["load_s"]) if "load_s" in ref else "—"
    if ref.get("status") == "done":
        return load, f"{_s(ref['validate_s'])} (CPU {_s(ref['validate_cpu_s'])})"
    if ref.get("status") == "over budget":
        hours = f" ({ref['budget_cpu_s'] / 3600:.1f} h)" if ref["budget_cpu_s"] >= 3600 else ""
        return load, (f"**did not finish** within {ref['budget_cpu_s']:,.0f} CPU s{hours}; stopped")
    return load, f"{ref.get('status', 'failed')}"


def render_section(rows: list[dict]) -> str:
    lines = [
        SECTION,
        "",
        "Generated by `python bench/bench_validation.py` from bench/results/validation/*.json "
        "(one file per plant size and shapes variant; the numbers are rewritten on every run). "
        "A plant from `otmlops.plantgen` (seed 1) is split into the plant file and one use "
        "case's mapping file (its use case and ten stages); the data graph is plant + mapping + "
        "the bundled ontology, validated against every shipped shape in `shapes/` (unless the "
        "row names other shapes).",
        "",
        "How it is measured: each engine runs in its own process on the same files, parsed by the "
        "same parser, and the same shapes graph (file digests are compared). *Load* builds the "
        "engine's indexed in-memory graph from the parsed triples (fast engine: shapes compiled "
        "and a pyoxigraph store filled; pySHACL: an rdflib `Graph`); *validation* is the "
        "validation call alone (fast: `Validator.validate(mapping, incremental=False)`; pySHACL: "
        "`pyshacl.validate(data, shacl_graph=shapes, inference='none', advanced=False, "
        "meta_shacl=False)`, no ontology graph). Parsing (shared) is not counted. Neither side "
        "infers anything. Times are wall clock with CPU time in brackets; an engine that exceeds "
        "its CPU budget is stopped and shown as such (nothing is extrapolated). *One mapping "
        "file*: the plant is loaded and indexed once, then the mapping file is read, parsed and "
        "validated repeatedly (incremental mode), and its result set must equal the full run's.",
        "",
        "| plant | triples (plant + mapping + ontology) | shapes | fast: load | fast: validation "
        "| pySHACL: load | pySHACL: validation | same result set | speed-up, validation "
        "(load + validation) | one mapping file, median (min–max) | load avg |",
        "|---|---|---|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    per = [r for r in rows if r.get("pyshacl_per_shape", {}).get("per_shape")]
    rows = [r for r in rows if "fast" in r]
    for r in rows:
        fast, ref = r["fast"], r.get("pyshacl")
        if fast.get("status") != "done":
            lines.append(
                f"| {r['label']} | — | — | fast engine: {fast.get('status')} | | | | | | | |"
            )
            continue
        t = fast["triples"]
        shapes = "shipped" if not r.get("tag") else f"`{r['tag']}`"
        rload, rval = _ref_cell(ref)
        if r.get("same_results") is True:
            same = (
                f"**yes** ({fast['results']} results each)"
                if fast["results"] == ref["results"] == len(fast["keys"])
                else f"**yes** ({len(fast['keys'])} distinct; {fast['results']} fast, "
                f"{ref['results']} pySHACL results)"
            )
        elif r.get("same_results") is False:
            same = (
                f"**NO**: {len(r['only_fast'])} only fast, {len(r['only_pyshacl'])} only "
                "pySHACL (see JSON)"
            )
        else:
            same = "not compared (pySHACL did not finish)" if ref else "—"
        if "speedup_validate" in r:
            speed = f"{r['speedup_validate']:,.0f}x ({r['speedup_load_validate']:,.0f}x)"
        elif ref and ref.get("status") == "over budget":
            lower = ref["budget_cpu_s"] / fast["validate_cpu_s"]
            speed = f"at least {lower:,.0f}x (CPU: pySHACL's budget / fast validation)"
        else:
            speed = "—"
        inc = fast["incremental"]
        inc_cell = f"{inc['median_ms']:.1f} ms ({inc['min_ms']:.1f}–{inc['max_ms']:.1f})" + (
            "" if inc["same_results"] else " **results differ**"
        )
        loads = [fast.get("loadavg_start"), (ref or {}).get("loadavg_start")]
        load_avg = " / ".join(f"{x:.1f}" for x in loads if x is not None)
        lines.append(
            f"| {r['label']} | {t['plant']:,} + {t['mapping']} + {t['ontology']:,} | {shapes} | "
            f"{_s(fast['load_s'])} | {_s(fast['validate_s'])} (CPU {_s(fast['validate_cpu_s'])}) "
            f"| {rload} | {rval} | {same} | {speed} | {inc_cell} | {load_avg} |"
        )
    lines += [
        "",
        *goals(rows),
        "",
        "Environment: "
        + "; ".join(
            f"{r['label']}{'-' + r['tag'] if r.get('tag') else ''}: {r['env']['date']}, Python "
            f"{r['env']['python']}, pyoxigraph {r['env']['pyoxigraph']}, rdflib {r['env']['rdflib']}, "
            f"pySHACL {r['env']['pyshacl']}, {r['env']['cpus']} CPUs"
            for r in rows
        )
        + ". "
        "`load avg` is the 1-minute load average when the fast / pySHACL process started; the "
        "machine is shared, so absolute times are pessimistic.",
    ]
    for r in per:
        p = r["pyshacl_per_shape"]
        items = sorted(p["per_shape"].items(), key=lambda kv: -kv[1]["cpu_s"])
        lines += [
            "",
            f"pySHACL CPU time per shape at {r['label']}"
            + (f" (shapes `{r['tag']}`)" if r.get("tag") else "")
            + " (one run per shape, every other shape deactivated): "
            + ", ".join(f"`{k}` {v['cpu_s']:,.1f} s" for k, v in items if v["cpu_s"] >= 0.1)
            + "; every other shape under 0.1 s.",
        ]
    if per:
        lines += [
            "",
            "Where pySHACL's time goes: it runs each SHACL-SPARQL constraint once per "
            "focus node, parsing the query text again each time (about 10 ms per node for "
            "the containment checks), while the fast engine runs each query once over the "
            "whole graph. rdflib also orders a query's patterns without knowing that "
            "`$this` is pre-bound: until the shapes tested the class of a reached node "
            'with `FILTER EXISTS` (docs/validation.md, "Writing fast SHACL-SPARQL"), '
            "`shp:EquipmentAllowedParent` listed every piece of equipment for every focus "
            "node and took 104 s at 10k, growing with the square of the plant.",
        ]
    return "\n".join(lines) + "\n"


def goals(rows: list[dict]) -> list[str]:
    shipped = [r for r in rows if not r.get("tag") and r.get("fast", {}).get("status") == "done"]
    if not shipped:
        return []
    big = max(shipped, key=lambda r: r["size_target"])
    inc = big["fast"]["incremental"]["median_ms"]
    out = [f"Goals, at the largest plant measured with the shipped shapes ({big['label']}):", ""]
    if "speedup_validate" in big:
        ok = big["speedup_validate"] >= GOAL_SPEEDUP and big["same_results"]
        out.append(
            f"- at least {GOAL_SPEEDUP:.0f}x faster than pySHACL with identical results: "
            f"{big['speedup_validate']:,.0f}x, results "
            f"{'identical' if big['same_results'] else 'DIFFERENT'}: "
            f"{'met' if ok else 'not met'}."
        )
    elif big.get("pyshacl", {}).get("status") == "over budget":
        ref = big["pyshacl"]
        out.append(
            f"- at least {GOAL_SPEEDUP:.0f}x faster than pySHACL with identical results: "
            f"not measured: pySHACL did not finish within its budget of "
            f"{ref['budget_cpu_s']:,.0f} CPU s, so neither the ratio nor the result sets "
            f"could be compared at this size (the fast engine used "
            f"{big['fast']['validate_cpu_s']:.1f} CPU s)."
        )
    else:
        out.append("- speed-up against pySHACL: not measured at this size.")
    out.append(
        f"- one mapping file against the pre-loaded plant in at most {GOAL_MAPPING_MS:.0f} "
        f"ms median: {inc:.1f} ms, {'met' if inc <= GOAL_MAPPING_MS else 'not met'}."
    )
    return out


def load_rows(folder: Path = RESULTS) -> list[dict]:
    """Every run, ordered by shapes variant and size (per-shape profiles included)."""
    rows = [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]
    return sorted(rows, key=lambda r: (r.get("tag") or "", r["size_target"]))


def write_section(section: str) -> None:
    """Replace our section of docs/benchmarks.md (or append it); other sections stay."""
    replace_section(DOC, SECTION, section)
    log(f"wrote the {SECTION!r} section of {DOC}")


# --- command line ---------------------------------------------------------------------------------


def _budget_arg(text: str) -> tuple[str, float]:
    engine, _, seconds = text.partition("=")
    if engine not in ("fast", "pyshacl") or not seconds:
        raise argparse.ArgumentTypeError("use ENGINE=CPU_SECONDS, ENGINE fast or pyshacl")
    return engine, float(seconds)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--child"]:
        p = argparse.ArgumentParser()
        p.add_argument("kind")
        p.add_argument("--plant", type=Path, required=True)
        p.add_argument("--mapping", type=Path, required=True)
        p.add_argument("--out", type=Path, required=True)
        p.add_argument("--shapes", action="append", default=[])
        p.add_argument("--budget", type=float)
        p.add_argument("--repeat", type=int, default=21)
        a = p.parse_args(argv[1:])
        {"fast": child_fast, "pyshacl": child_pyshacl, "pyshacl-per-shape": child_per_shape}[
            a.kind
        ](a)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--size",
        action="append",
        type=plantgen.parse_size,
        help="plant size in triples: 10k, 100k, 500k, ... (repeatable; default 100k)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--repeat",
        type=int,
        default=21,
        help="runs of one mapping file against the pre-loaded plant (median)",
    )
    parser.add_argument(
        "--budget",
        action="append",
        type=_budget_arg,
        default=[],
        metavar="ENGINE=CPU_SECONDS",
        help="stop an engine's validation after this much CPU time and record "
        "that it did not finish (e.g. pyshacl=9000)",
    )
    parser.add_argument("--no-pyshacl", action="store_true", help="skip the reference engine")
    parser.add_argument(
        "--per-shape",
        action="store_true",
        help="only profile pySHACL: one run per shape, the others deactivated",
    )
    parser.add_argument(
        "--shapes",
        action="append",
        default=[],
        metavar="FILE",
        help="validate against these shapes files instead of shapes/ (needs --tag)",
    )
    parser.add_argument("--tag", help="name of this variant in the results (file name, report)")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path("/tmp/otmlops-bench-validation"),
        help="where plants are generated and cached",
    )
    parser.add_argument(
        "--progress",
        type=float,
        default=300.0,
        help="seconds between progress lines on stderr while an engine runs",
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=RESULTS,
        help="folder of the JSON results (default bench/results/validation)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--no-docs", action="store_true", help="do not touch docs/benchmarks.md")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="rebuild the docs section from bench/results/validation/*.json",
    )
    args = parser.parse_args(argv)
    if args.shapes and not args.tag:
        parser.error("--shapes needs --tag (results of other shapes are kept apart)")
    ok = True
    if not args.report_only:
        args.results.mkdir(parents=True, exist_ok=True)
        rows = []
        for size in args.size or [100_000]:
            row = bench_size(size, args)
            rows.append(row)
            suffix = ".per-shape" if args.per_shape else ""
            name = f"{size:09d}{'-' + args.tag if args.tag else ''}{suffix}.json"
            (args.results / name).write_text(json.dumps(row, indent=1) + "\n")
            log(f"wrote {args.results / name}")
            ok = (
                ok
                and row.get("same_results") is not False
                and (row.get("fast", {}).get("incremental", {}).get("same_results", True))
            )
            if not args.no_docs:
                write_section(render_section(load_rows(args.results)))
        if args.json:
            args.json.write_text(json.dumps(rows, indent=1) + "\n")
    else:
        write_section(render_section(load_rows(args.results)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
