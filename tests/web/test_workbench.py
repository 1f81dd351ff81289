"""The workbench without a browser: its view models on a real store, its pages and JSON
helpers over HTTP (with the app's workers), and ``otmlops report`` as a subprocess."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from otmlops.http.app import create_app
from otmlops.http.settings import ServerSettings
from tests.support.cli import run_cli, run_cli_inprocess
from tests.support.paths import DATA, EXAMPLES, REPO, TESTS

PDM = "https://w3id.org/otmlops/examples/pdm-machinery#"
USE_CASE = PDM + "PredictiveMaintenanceExampleMachine01"
RAMI = "https://w3id.org/otmlops/rami#"
FAULTY = TESTS / "browser" / "faulty-mapping.ttl"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("wb") / "store"
    done = run_cli_inprocess(
        "load",
        str(EXAMPLES / "pdm-machinery.ttl"),
        str(EXAMPLES / "quality-esmf.ttl"),
        str(FAULTY),
        store=store,
    )
    assert done.returncode == 0, done.stderr
    return store


@pytest.fixture(scope="module")
def client(store_dir: Path) -> Iterator[TestClient]:
    app = create_app(ServerSettings(store=str(store_dir), token="t0ken", workers=1))
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def views_store(store_dir: Path, client: TestClient) -> Iterator[object]:
    """The same data in a store of its own (the server holds the folder's lock)."""
    from otmlops.store import open_store

    store = open_store("memory")
    for f in (EXAMPLES / "pdm-machinery.ttl", EXAMPLES / "quality-esmf.ttl", FAULTY):
        store.load(f.resolve(), graph=f.resolve().as_uri())
    yield store
    store.close()


# --- view models ------------------------------------------------------------------------------


def test_rami_view_model_places_stages_in_their_cells(views_store: object) -> None:
    from otmlops.web import views

    data = views.rami(views_store, USE_CASE)
    phase = next(
        p for p in data["phases"] if p["phase"]["iri"] == RAMI + "InstanceMaintenanceUsage"
    )
    row = next(r for r in phase["rows"] if r["layer"]["iri"] == RAMI + "IntegrationLayer")
    cell = next(c for c in row["cells"] if c["level"]["iri"] == RAMI + "ControlDeviceLevel")
    assert [s["stage"]["iri"] for s in cell["stages"]] == [PDM + "DataCollection"]
    assert cell["reference"] and not cell["deviation"]
    assert cell["stages"][0]["owners"][0]["label"] == "Maintenance data collection"
    assert data["stageCount"] == 10
    from rdflib import Graph, URIRef

    g = Graph().parse(EXAMPLES / "pdm-machinery.ttl")
    m = "https://w3id.org/otmlops/map#"
    cells = sum(
        len(list(g.objects(st, URIRef(m + "layer"))))
        * len(list(g.objects(st, URIRef(m + "hierarchyLevel"))))
        * len(list(g.objects(st, URIRef(m + "lifeCyclePhase"))))
        for st in g.objects(URIRef(USE_CASE), URIRef("https://w3id.org/otmlops/mlops#hasStage"))
    )
    assert sum(p["stages"] for p in data["phases"]) == cells  # a stage counts in every cell


def test_gap_and_stage_view_models_name_the_faulty_stage(views_store: object) -> None:
    from otmlops.web import views

    sections = {s["id"]: s for s in views.gaps(views_store)["sections"]}
    assert {r["stage"]["iri"] for r in sections["stages-without-owner"]["rows"]} == {
        "https://example.org/faulty#Serving"
    }
    assert {r["stage"]["iri"] for r in sections["phase-mismatches"]["rows"]} == {
        "https://example.org/faulty#Training"
    }
    stage = views.stage(views_store, "https://example.org/faulty#Serving")
    assert stage["file"] == str(FAULTY) and stage["line"] == 21
    groups = stage["report"]["focusNodes"]
    assert [g["line"] for g in groups] == [21]
    assert {r["severity"] for r in groups[0]["results"]} == {"Violation", "Warning"}


def test_isa95_children_walk_the_hierarchy(views_store: object) -> None:
    from otmlops.web import views

    roots = views.isa95_children(views_store)["children"]
    assert {r["node"]["label"] for r in roots} >= {"Example Plastics Group"}
    path = views.equipment_path(views_store, "http://opcfoundation.org/UA/Machinery_Example/i=5015")
    assert [e["node"]["iri"].rsplit("#", 1)[-1] for e in path][:3] == [
        "ExamplePlasticsGroup",
        "PlantLinz",
        "MouldingHall",
    ]
    machine = views.isa95_children(views_store, PDM + "MouldingLine1")["children"][0]
    assert machine["useCases"][0]["iri"] == USE_CASE
    assert {r["stage"]["iri"] for r in machine["readers"]} >= {PDM + "DataCollection"}


# --- pages over HTTP --------------------------------------------------------------------------


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.urls += [v for k, v in attrs if k in ("href", "src", "action") and v]
        self.inline += sum(1 for k, _ in attrs if k.startswith("on") or k == "style")
        if tag == "script" and not a.get("src"):
            self.inline += 1
        if tag == "style":
            self.inline += 1


PAGES = [
    "/",
    "/?q=moulding",
    "/ui/rami",
    f"/ui/rami/cell?layer={quote(RAMI)}FunctionalLayer&level={quote(RAMI)}StationLevel&phase={quote(RAMI)}InstanceProduction",
    f"/ui/rami?useCase={quote(USE_CASE)}",
    "/ui/isa95",
    f"/ui/isa95?focus={quote(PDM + 'MouldingLine1')}",
    "/ui/gaps",
    f"/ui/use-case?iri={quote(USE_CASE)}",
    f"/ui/stage?iri={quote(PDM + 'Monitoring')}",
    f"/ui/report?iri={quote(USE_CASE)}",
    "/ui/validate",
    "/ui/query",
]


@pytest.mark.parametrize("path", PAGES)
def test_pages_need_no_inline_script_or_style_and_nothing_from_elsewhere(
    client: TestClient, path: str
) -> None:
    r = client.get(path)
    assert r.status_code == 200, r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
    page = _Page()
    page.feed(r.text)
    assert page.inline == 0
    assert not [u for u in page.urls if re.match(r"(?i)([a-z]+:)?//", u)], page.urls
    for url in page.urls:
        if url.startswith("/ui/static/"):
            assert client.get(url).status_code == 200, url


def test_every_vendored_file_is_listed_with_its_licence() -> None:
    vendor = REPO / "service" / "otmlops" / "web" / "static" / "vendor"
    listing = (vendor / "THIRD-PARTY.md").read_text()
    for package in vendor.iterdir():
        if package.is_dir():
            assert (package / "LICENSE").is_file(), package
            assert f"`{package.name}`" in listing, package.name


def test_tree_children_and_labels_are_json(client: TestClient) -> None:
    r = client.get("/ui/api/isa95/children", params={"node": PDM + "MouldingHall"})
    assert r.status_code == 200
    assert [c["node"]["label"] for c in r.json()["children"]] == ["Moulding line 1"]
    r = client.post("/ui/api/labels", json={"iris": [USE_CASE, "x:> } } SELECT * {"]})
    assert r.status_code == 200
    assert [t["label"] for t in r.json()] == [
        "Predictive maintenance of ExampleMachine01",
        "x:> } } SELECT * {",
    ]  # not written into a query


def test_validate_page_reports_without_token_and_stores_nothing(client: TestClient) -> None:
    before = client.get("/store", params={"graph": FAULTY.resolve().as_uri()}).text
    graphs = len(client.get("/").text)
    r = client.post("/ui/validate", files={"file": ("mine.ttl", FAULTY.read_bytes())})
    assert r.status_code == 200
    assert "does not conform" in r.text and "mine.ttl:21" in r.text
    assert "map:layer" in r.text  # paths shown in prefixed form
    assert len(client.get("/").text) == graphs
    assert client.get("/store", params={"graph": FAULTY.resolve().as_uri()}).text == before
    r = client.post("/ui/validate", data={"text": "@prefix x: <y"})
    assert r.status_code == 400 and 'role="alert"' in r.text and "pasted text:1:" in r.text
    r = client.post("/ui/validate", data={"text": ""})
    assert r.status_code == 400 and "nothing to validate" in r.text


def test_validate_page_shows_fixes_and_hands_out_the_fixed_file(client: TestClient) -> None:
    r = client.post("/ui/validate", files={"file": ("mine.ttl", FAULTY.read_bytes())})
    assert r.status_code == 200
    assert "set map:ownedBy isa95:ProductionExecutionManagement" in r.text
    assert 'download="mine.fixed.ttl"' in r.text and 'id="download-fixed"' in r.text
    r = client.post("/ui/validate/fixed", files={"file": ("mine.ttl", FAULTY.read_bytes())})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/turtle")
    assert 'filename="mine.fixed.ttl"' in r.headers["content-disposition"]
    fixed = r.text
    assert fixed.startswith("# A mapping with mistakes")  # comments and prefixes kept
    assert "map:ownedBy isa95:ProductionExecutionManagement" in fixed
    again = client.post("/ui/validate", data={"text": fixed})
    assert "set map:ownedBy" not in again.text
    bad = client.post("/ui/validate/fixed", data={"text": "@prefix x: <y"})
    assert bad.status_code == 400 and "pasted text:1:" in bad.text
    empty = client.post("/ui/validate/fixed", data={"text": ""})
    assert empty.status_code == 400


def test_fixed_file_keeps_the_yaml_form(client: TestClient) -> None:
    src = (DATA / "authoring" / "visual-defects.yaml").read_text()
    faulty = src.replace(
        "    phase: Instance maintenance/usage\n    owner: Quality execution management\n",
        "    phase: Type development\n",
        1,
    )
    assert faulty != src
    r = client.post("/ui/validate/fixed", files={"file": ("mine.yaml", faulty.encode())})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/yaml")
    assert 'filename="mine.fixed.yaml"' in r.headers["content-disposition"]
    assert r.text.startswith("# Visual defect detection at labeller 3, in the YAML form")
    assert "phase: rami:InstanceMaintenanceUsage" in r.text
    assert "owner: isa95:ProductionExecutionManagement" in r.text


def test_validate_json_and_use_case_pages_carry_suggestions(client: TestClient) -> None:
    r = client.post(
        "/validate", content=FAULTY.read_bytes(), headers={"Content-Type": "text/turtle"}
    )
    assert r.status_code == 200
    serving = next(g for g in r.json()["focusNodes"] if g["focusNode"].endswith("#Serving"))
    owner = next(x for x in serving["results"] if x["sourceShape"].endswith("StageOwnerPresent"))
    assert (
        owner["suggestions"][0]["add"][0][2]
        == "<https://w3id.org/otmlops/isa95#ProductionExecutionManagement>"
    )
    page = client.get("/ui/use-case", params={"iri": "https://example.org/faulty#Inspection"})
    assert page.status_code == 200
    assert "set map:ownedBy isa95:ProductionExecutionManagement" in page.text
    page = client.get("/ui/stage", params={"iri": "https://example.org/faulty#Training"})
    assert page.status_code == 200
    assert 'class="suggestions"' in page.text
    assert (
        "replace map:lifeCyclePhase rami:InstanceMaintenanceUsage with rami:TypeDevelopment"
        in page.text
    )


def test_unknown_nodes_get_a_404_page(client: TestClient) -> None:
    r = client.get("/ui/use-case", params={"iri": "http://example.org/none"})
    assert r.status_code == 404 and "is not described in the store" in r.text


# --- otmlops report ---------------------------------------------------------------------------


def test_report_cli_writes_a_standalone_page(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert (
        run_cli_inprocess("load", str(EXAMPLES / "pdm-machinery.ttl"), store=store).returncode == 0
    )
    out = tmp_path / "out" / "pdm.html"
    done = run_cli_inprocess("report", "predictive maintenance", "--out", str(out), store=store)
    assert done.returncode == 0, done.stderr
    html = out.read_text()
    assert "<style>" in html and "<script" not in html and "<link" not in html
    assert html.count("<svg") == 5  # four life cycle phases and the ISA-95 path
    assert "Governance review: Predictive maintenance of ExampleMachine01" in html
    assert "IT/OT boundary crossings" in html
    assert not re.search(r'(href|src)="(?!#)', html)  # no link a file on disk cannot follow
    done = run_cli_inprocess("report", "no such thing", "--out", str(out), store=store)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "no use case is named" in done.stderr


def test_a_rami_cell_has_its_own_page_and_fragment(client: TestClient) -> None:
    params = {
        "layer": RAMI + "FunctionalLayer",
        "level": RAMI + "StationLevel",
        "phase": RAMI + "InstanceMaintenanceUsage",
    }
    page = client.get("/ui/rami/cell", params=params)
    assert page.status_code == 200 and "<h1>RAMI 4.0 cell</h1>" in page.text
    fragment = client.get("/ui/rami/cell", params={**params, "fragment": "1", "useCase": USE_CASE})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "Predict remaining useful life at the machine" in fragment.text
    assert "Housing_10" not in fragment.text  # the other use case is filtered out
    assert "Housing_10" in page.text


def test_compute_resources_hang_under_the_equipment_they_are_located_at() -> None:
    import pyoxigraph as ox

    from otmlops.store import open_store
    from otmlops.web import views

    store = open_store("memory")
    store.load((EXAMPLES / "pdm-machinery.ttl").resolve(), graph="urn:test:pdm")
    store.load(
        b"@prefix map: <https://w3id.org/otmlops/map#> .\n"
        b"@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        b'<urn:test:edge1> a map:EdgeDevice ; rdfs:label "Edge PC 1" ;\n'
        b"  map:locatedAt <" + (PDM + "MouldingLine1").encode() + b"> .\n",
        graph="urn:test:hosts",
        format=ox.RdfFormat.TURTLE,
    )
    kids = views.isa95_children(store, PDM + "MouldingLine1")["children"]
    assert [k["node"]["label"] for k in kids] == ["ExampleMachine01", "Edge PC 1"]
    assert kids[1]["kind"]["iri"] == "https://w3id.org/otmlops/map#EdgeDevice"
    path = views.build(store, "isa95_path", node="urn:test:edge1")
    assert [e["node"]["label"] for e in path][-2:] == ["Moulding line 1", "Edge PC 1"]
    store.close()


def test_a_stage_link_to_a_use_case_leads_to_its_page(client: TestClient) -> None:
    r = client.get("/ui/stage", params={"iri": USE_CASE}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/ui/use-case?iri={quote(USE_CASE, safe='')}"


@pytest.mark.slow
def test_report_cli_works_over_a_remote_store(oxigraph_server: str, tmp_path: Path) -> None:
    assert (
        run_cli("load", str(EXAMPLES / "pdm-machinery.ttl"), store=oxigraph_server).returncode == 0
    )
    out = tmp_path / "remote.html"
    done = run_cli("report", USE_CASE, "--out", str(out), store=oxigraph_server)
    assert done.returncode == 0, done.stderr
    html = out.read_text()
    assert html.count("<svg") == 5 and "Collect condition data of MyComponent" in html
