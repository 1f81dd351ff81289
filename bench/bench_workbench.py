"""How fast the workbench pages become interactive in a real browser on a plant-sized store.

Generates a plant (otmlops.plantgen, default 100k triples), loads it and the two case studies
with ``otmlops load`` (one graph per file, so pages can name file and line), starts
``otmlops serve`` on 127.0.0.1 and opens every page in headless Chromium (Debian package
``chromium``; Playwright from the test extra). For each page it takes the median and the
worst of several visits (after one warm-up visit) of:

- *interactive*: from the start of navigation until the page's script has wired every
  control (``wb.js`` records ``performance.now()`` on <html data-ready>);
- *load*: the browser's load event end (HTML, stylesheet, scripts and images all in).

It also times listing the stages of a RAMI cell, expanding one ISA-95 node (a JSON request and its rendering) and running a
catalogue question in the query console. The table is printed and written into
docs/benchmarks.md under "## Workbench pages" (only that section is replaced).

    python bench/bench_workbench.py [--size 100k] [--visits 5] [--no-docs]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from docsection import replace_section
from otmlops import plantgen
from serving import free_port, start_serve, stop, wait_up

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

SECTION = "## Workbench pages"
PDM = "https://w3id.org/otmlops/examples/pdm-machinery#"


def pages(use_case: str, stage: str) -> dict[str, str]:
    uc, st = quote(use_case, safe=""), quote(stage, safe="")
    return {
        "overview": "/",
        'search ("line")': "/?q=line",
        "RAMI 4.0, all use cases": "/ui/rami",
        "RAMI 4.0, one use case": f"/ui/rami?useCase={uc}",
        "ISA-95 + owner matrix": "/ui/isa95",
        "gaps": "/ui/gaps",
        "use case": f"/ui/use-case?iri={uc}",
        "stage": f"/ui/stage?iri={st}",
        "report": f"/ui/report?iri={uc}",
        "validate": "/ui/validate",
        "query console": "/ui/query",
    }


def run(
    args: argparse.Namespace,
) -> tuple[
    list[tuple[str, list[float], list[float], int]], dict[str, list[float]], dict[str, object]
]:
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="otmlops-bench-workbench-"))
    proc = None
    try:
        plant = work / "plant.nt"
        stats = plantgen.generate(args.size, seed=1, out=plant)
        store = work / "store"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "otmlops",
                "load",
                "--store",
                str(store),
                str(plant),
                str(REPO / "examples" / "pdm-machinery.ttl"),
                str(REPO / "examples" / "quality-esmf.ttl"),
            ],
            check=True,
            capture_output=True,
        )
        port = free_port()
        log = open(work / "serve.log", "wb")  # noqa: SIM115 - closed with the process
        proc = start_serve(store, port, log, "--workers", str(args.workers))
        base = f"http://127.0.0.1:{port}"
        wait_up(base + "/healthz", proc, work / "serve.log", timeout=300)
        use_case = stats.samples["useCase"]  # type: ignore[union-attr]
        stage = use_case + "/ModelServing"
        rows = []
        extra: dict[str, list[float]] = {
            "list a RAMI 4.0 cell (all use cases)": [],
            "expand an ISA-95 node": [],
            "run a catalogue question (query console)": [],
        }
        chromium = shutil.which("chromium") or "/usr/bin/chromium"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium)
            page = browser.new_page()
            for name, path in pages(use_case, stage).items():
                ready, loaded, size = [], [], 0
                for visit in range(args.visits + 1):
                    response = page.goto(base + path)
                    assert response is not None and response.status == 200, (path, response)
                    page.wait_for_selector("html[data-ready]", state="attached")
                    page.wait_for_load_state("load")
                    at = float(page.get_attribute("html", "data-ready") or "nan")
                    end = page.evaluate(
                        "() => performance.getEntriesByType('navigation')[0].loadEventEnd"
                    )
                    size = len(response.body())
                    if visit:  # the first visit warms caches and workers
                        ready.append(at)
                        loaded.append(float(end))
                rows.append((name, ready, loaded, size))
            for _ in range(args.visits):
                page.goto(base + "/ui/rami")
                page.wait_for_selector("html[data-ready]", state="attached")
                start = time.perf_counter()
                page.locator("a.cellbtn").first.click()
                page.wait_for_selector("#cell-panel table")
                extra["list a RAMI 4.0 cell (all use cases)"].append(
                    (time.perf_counter() - start) * 1000
                )
                page.goto(base + "/ui/isa95")
                page.wait_for_selector("html[data-ready]", state="attached")
                button = page.locator(
                    "#tree button.toggle[aria-expanded=false]"
                ).first.element_handle()
                start = time.perf_counter()
                button.click()
                page.wait_for_function(
                    "b => b.getAttribute('aria-expanded') === 'true'", arg=button
                )
                extra["expand an ISA-95 node"].append((time.perf_counter() - start) * 1000)
                page.goto(base + "/ui/query")
                page.wait_for_selector("html[data-ready]", state="attached")
                page.locator("button.example", has_text="Stages without an ISA-95 owner").click()
                page.wait_for_function(
                    "() => document.getElementById('status').textContent.startsWith('Loaded')"
                )
                start = time.perf_counter()
                page.locator("#run").click()
                page.wait_for_selector("#result-table")
                extra["run a catalogue question (query console)"].append(
                    (time.perf_counter() - start) * 1000
                )
            browser.close()
        info = {
            "triples": stats.triples,
            "use_cases": stats.use_cases,  # type: ignore[union-attr]
            "stages": stats.stages,
            "equipment": stats.equipment,  # type: ignore[union-attr]
            "chromium": subprocess.run(
                [chromium, "--version"], capture_output=True, text=True
            ).stdout.strip(),
        }
        return rows, extra, info
    finally:
        if proc is not None:
            stop(proc)
        shutil.rmtree(work, ignore_errors=True)


def table(
    rows: list[tuple[str, list[float], list[float], int]],
    extra: dict[str, list[float]],
    info: dict[str, object],
    args: argparse.Namespace,
) -> str:
    lines = [
        SECTION,
        "",
        f"Measured by `python bench/bench_workbench.py --size {args.size_text}` "
        f"({args.visits} visits per page after a warm-up visit, {args.workers} workers): "
        f"a generated plant of {info['triples']:,} triples ({info['equipment']:,} equipment "
        f"nodes, {info['use_cases']} use cases, {info['stages']} stages) plus the two case "
        f"studies, served by `otmlops serve` on 127.0.0.1 and opened in headless "
        f"{info['chromium']} via Playwright. *Interactive* is the time from the start of "
        "navigation until the page's script has wired every control; *load* is the end "
        "of the browser's load event. Goal: every page interactive within 1 s.",
        "",
        "| page | interactive, median ms | interactive, worst ms | load, median ms | HTML KiB |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, ready, loaded, size in rows:
        lines.append(
            f"| {name} | {statistics.median(ready):.0f} | {max(ready):.0f} | "
            f"{statistics.median(loaded):.0f} | {size / 1024:.0f} |"
        )
    lines += ["", "| action | median ms | worst ms |", "|---|---:|---:|"]
    for name, values in extra.items():
        lines.append(f"| {name} | {statistics.median(values):.0f} | {max(values):.0f} |")
    lines += [
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="100k")
    parser.add_argument("--visits", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-docs", action="store_true", help="do not touch docs/benchmarks.md")
    args = parser.parse_args(argv)
    args.size_text, args.size = args.size, plantgen.parse_size(args.size)
    rows, extra, info = run(args)
    section = table(rows, extra, info, args)
    print(section)
    if not args.no_docs:
        replace_section(REPO / "docs" / "benchmarks.md", SECTION, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
