"""The workbench in a real browser: headless Chromium (Debian package ``chromium``) driven by
Playwright against a live ``otmlops serve`` on 127.0.0.1.

Every page loads without a console error and without a request leaving the server; the RAMI
view puts the case study's stages in the right cells; the ISA-95 tree shows the equipment;
uploading a faulty mapping shows the findings; every control is reachable by keyboard; axe-core
finds no serious or critical violation. Screenshots go to tests/.artifacts/workbench/.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest
from rdflib import Graph, Namespace

from tests.support.cli import run_cli
from tests.support.live_server import LiveServer, live_server
from tests.support.paths import EXAMPLES, TESTS

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_DIR = TESTS / "browser"
SHOTS = TESTS / ".artifacts" / "workbench"
MAP = Namespace("https://w3id.org/otmlops/map#")
MLOPS = Namespace("https://w3id.org/otmlops/mlops#")
PDM = "https://w3id.org/otmlops/examples/pdm-machinery#"
USE_CASE = PDM + "PredictiveMaintenanceExampleMachine01"
RAMI = "https://w3id.org/otmlops/rami#"
AXE_SOURCE = (BROWSER_DIR / "axe.min.js").read_text(encoding="utf-8")

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is in the test extra"
)
if not Path(CHROMIUM).exists():  # .ci/run installs it; skip only on a machine without it
    pytest.skip(
        "Chromium is not installed (Debian: apt-get install chromium)", allow_module_level=True
    )

PAGES = {
    "overview": "/",
    "search": "/?q=moulding",
    "rami": "/ui/rami",
    "rami-use-case": f"/ui/rami?useCase={quote(USE_CASE, safe='')}",
    "rami-cell": "/ui/rami/cell?layer="
    + quote(RAMI + "FunctionalLayer", safe="")
    + "&level="
    + quote(RAMI + "StationLevel", safe="")
    + "&phase="
    + quote(RAMI + "InstanceMaintenanceUsage", safe=""),
    "isa95": "/ui/isa95",
    "gaps": "/ui/gaps",
    "use-case": f"/ui/use-case?iri={quote(USE_CASE, safe='')}",
    "stage": f"/ui/stage?iri={quote(PDM + 'DataCollection', safe='')}",
    "report": f"/ui/report?iri={quote(USE_CASE, safe='')}",
    "validate": "/ui/validate",
    "query": "/ui/query",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    store = tmp_path_factory.mktemp("workbench") / "store"
    done = run_cli(
        "load", str(EXAMPLES / "pdm-machinery.ttl"), str(EXAMPLES / "quality-esmf.ttl"), store=store
    )
    assert done.returncode == 0, done.stderr
    with live_server(store) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM)
        yield b
        b.close()


class Watch:
    """A browser page that records console errors and every request that leaves the server."""

    def __init__(self, browser: object, base: str) -> None:
        self.base = base
        self.context = browser.new_context()  # type: ignore[attr-defined]
        self.path = ""  # the last page opened
        self.errors: list[str] = []
        self.outside: list[str] = []
        host = urlparse(base).netloc

        def route(r: object) -> None:
            url = r.request.url  # type: ignore[attr-defined]
            parsed = urlparse(url)
            if parsed.scheme in ("data", "blob") or parsed.netloc == host:
                r.continue_()  # type: ignore[attr-defined]
            else:
                self.outside.append(url)
                r.abort()  # type: ignore[attr-defined]

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, path: str) -> object:
        self.path = path
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, (path, response and response.status)
        self.page.wait_for_selector("html[data-ready]", state="attached", timeout=30_000)
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def watch(browser: object, server: LiveServer) -> Iterator[Watch]:
    w = Watch(browser, server.base)
    yield w
    w.close()
    assert not w.outside, f"requests left the server: {w.outside}"


@pytest.fixture(scope="module", params=list(PAGES))
def loaded(request: pytest.FixtureRequest, browser: object, server: LiveServer) -> Iterator[Watch]:
    """Each page opened once, then read by the load, keyboard and axe tests in that order: a
    page load is about a second of browser time, and none of the three changes what the others
    look at (pytest runs all tests of one page before opening the next)."""
    w = Watch(browser, server.base)
    w.open(PAGES[request.param]).wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    yield w
    w.close()
    assert not w.outside, f"requests left the server: {w.outside}"


def test_each_page_loads_cleanly_from_the_server_alone(loaded: Watch) -> None:
    page = loaded.page
    SHOTS.mkdir(parents=True, exist_ok=True)
    name = next(n for n, path in PAGES.items() if path == loaded.path)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert loaded.errors == [], loaded.errors
    assert loaded.outside == [], loaded.outside
    assert page.locator("h1").count() == 1


def test_rami_view_puts_every_stage_of_the_case_study_in_its_cells(watch: Watch) -> None:
    page = watch.open(PAGES["rami-use-case"])
    graph = Graph().parse(EXAMPLES / "pdm-machinery.ttl")
    expected = []
    for stage in graph.objects(None, MLOPS.hasStage):
        for layer in graph.objects(stage, MAP.layer):
            for level in graph.objects(stage, MAP.hierarchyLevel):
                for phase in graph.objects(stage, MAP.lifeCyclePhase):
                    expected.append((str(stage), str(layer), str(level), str(phase)))
    assert len(expected) >= 10
    for stage, layer, level, phase in expected:
        cell = page.locator(
            f'table.rami[data-phase="{phase}"] td[data-layer="{layer}"][data-level="{level}"]'
        )
        assert cell.locator(f'li.chip[data-stage="{stage}"]').count() == 1, (stage, layer, level)
    chips = page.locator("li.chip")
    assert chips.count() == len(expected)  # nothing else is drawn for this use case
    # a cell lists its stages with owner and equipment
    phase, layer, level = (
        f"https://w3id.org/otmlops/rami#{n}"
        for n in ("InstanceMaintenanceUsage", "IntegrationLayer", "ControlDeviceLevel")
    )
    page.locator(
        f'table.rami[data-phase="{phase}"] td[data-layer="{layer}"][data-level="{level}"] a.cellbtn'
    ).click()
    panel = page.locator("#cell-panel")
    panel.locator("table").wait_for()
    assert "Collect condition data of MyComponent" in panel.inner_text()
    assert "Maintenance data collection" in panel.inner_text()  # the owner
    assert "MyComponent" in panel.inner_text()  # the equipment
    assert watch.errors == []


def test_isa95_tree_shows_the_equipment_and_loads_parts_on_demand(watch: Watch) -> None:
    page = watch.open(PAGES["isa95"])
    tree = page.locator("#tree")
    assert "Example Plastics Group" in tree.inner_text()
    for name in ("Plant Linz", "Injection moulding hall", "Moulding line 1", "ExampleMachine01"):
        button = tree.locator("button.toggle", has_text=name)
        if button.get_attribute("aria-expanded") != "true":
            button.click()
            page.wait_for_function(
                "b => b.getAttribute('aria-expanded') === 'true'", arg=button.element_handle()
            )
    assert "MyComponent" in tree.inner_text()
    assert "Predictive maintenance of ExampleMachine01" in tree.inner_text()
    assert page.locator("#owner-matrix tbody tr").count() == 20
    assert watch.errors == []


def test_uploading_a_faulty_mapping_shows_its_findings(watch: Watch) -> None:
    page = watch.open(PAGES["validate"])
    page.set_input_files("#file", str(BROWSER_DIR / "faulty-mapping.ttl"))
    page.locator("#validate-submit").click()
    page.wait_for_selector("#report")
    report = page.locator("#report").inner_text()
    assert "does not conform" in report
    assert "4 violations, 3 warnings, 1 infos" in report
    assert "https://example.org/faulty#Serving" in report
    assert "faulty-mapping.ttl:21" in report
    assert "Place this stage on one or more RAMI 4.0 layers" in report
    assert "has no monitoring stage" in report
    # the fixes (issue 16 item 3, issue 17 item 6): shown under the findings, and downloadable
    assert "set map:ownedBy isa95:ProductionExecutionManagement" in report
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "validate-report.png"), full_page=True)
    with page.expect_download() as info:
        page.locator("#download-fixed").click()
    download = info.value
    assert download.suggested_filename == "faulty-mapping.fixed.ttl"
    fixed = Path(download.path()).read_text(encoding="utf-8")
    assert fixed.startswith("# A mapping with mistakes the workbench must report")
    assert "map:ownedBy isa95:ProductionExecutionManagement" in fixed
    assert "map:lifeCyclePhase rami:TypeDevelopment" in fixed
    assert watch.errors == []


def test_query_console_runs_a_catalogue_question_with_labels(watch: Watch) -> None:
    page = watch.open(PAGES["query"])
    assert page.locator(".CodeMirror").count() == 1  # the editor came from the server
    page.locator("button.example", has_text="Stages of a use case").click()
    page.wait_for_selector("#param-useCase")
    assert page.locator("#param-useCase").input_value() == USE_CASE
    page.locator("#run").click()
    page.wait_for_selector("#result-table")
    table = page.locator("#result-table").inner_text()
    assert "Collect condition data of MyComponent" in table  # labels, not IRIs
    assert page.locator("#csv").is_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "query-results.png"), full_page=True)
    assert watch.errors == []


_FOCUSABLE = """() => [...document.querySelectorAll(
  'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])')]
  .filter(e => !e.disabled && e.offsetParent !== null && getComputedStyle(e).visibility !== 'hidden')
  .map(e => e.outerHTML.slice(0, 120))"""


def test_every_control_is_reachable_by_keyboard(loaded: Watch) -> None:
    page = loaded.page
    wanted = page.evaluate(_FOCUSABLE)
    reached: set[str] = set()
    for _ in range(len(wanted) * 2 + 20):
        page.keyboard.press("Tab")
        active = page.evaluate(
            "() => document.activeElement && document.activeElement.outerHTML.slice(0, 120)"
        )
        if active:
            reached.add(active)
        if reached >= set(wanted):
            break
    missing = [w for w in wanted if w not in reached]
    assert not missing, missing


def test_axe_finds_no_serious_or_critical_violation(loaded: Watch) -> None:
    page = loaded.page
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    # evaluated by the browser's debugging protocol, which the page's CSP does not govern:
    # axe reads the page exactly as the user gets it
    page.evaluate(AXE_SOURCE)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, bad
    assert loaded.errors == [] and loaded.outside == []


def test_query_console_completes_prefixes_and_reports_errors(watch: Watch) -> None:
    page = watch.open(PAGES["query"])
    page.locator(".CodeMirror").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("\n# ma")
    page.keyboard.press("Control+Space")
    hints = page.locator(".CodeMirror-hints li")
    hints.first.wait_for()
    assert "map: https://w3id.org/otmlops/map#" in hints.all_inner_texts()
    page.keyboard.press("Enter")
    assert "# map:" in page.evaluate(
        "() => document.querySelector('.CodeMirror').CodeMirror.getValue()"
    )
    page.evaluate(
        "() => document.querySelector('.CodeMirror').CodeMirror.setValue('SELECT WHERE {')"
    )
    page.locator("#run").click()
    alert = page.locator("#results [role=alert]")
    alert.wait_for()
    assert "invalid sparql query: error at 1:15" in alert.inner_text().lower()
    assert [e for e in watch.errors if "400" not in e] == []  # the refused query is the only error
