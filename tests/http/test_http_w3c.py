"""The W3C SPARQL 1.1 Protocol, Service Description and Graph Store Protocol test suites,
run from their manifests (vendored in tests/w3c) against a live ``otmlops serve``.

Before each test the store is emptied and the test's ``ut:graphData`` files are loaded under
their graph names; request paths ``/sparql/`` and ``/gsp`` are rewritten to ``/sparql`` and
``/store``.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic

from tests.support.live_server import LiveServer, live_server
from tests.support.paths import W3C

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

STATUS = {"OK": 200, "Created": 201, "NoContent": 204, "NotFound": 404}
RESULT_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
TABULAR_TYPES = RESULT_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}


@dataclass
class HttpStep:
    method: str
    path: str
    headers: dict[str, str]
    body: str | None
    statuses: list[str]
    expected_boolean: bool | None = None
    expected_format: str | None = None
    expected_location: str | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str | None = None


@dataclass
class ManifestTest:
    name: str
    label: str
    steps: list[HttpStep]
    graph_data: list[tuple[Path, str]]


def _list(graph: Graph, node) -> list:  # type: ignore[no-untyped-def]
    return list(Collection(graph, node)) if node is not None else []


def _headers(graph: Graph, node) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        str(graph.value(h, HT.fieldName)).lower(): str(graph.value(h, HT.fieldValue))
        for h in _list(graph, graph.value(node, HT.headers))
    }


def load_manifest(path: Path) -> list[ManifestTest]:
    graph = Graph()
    graph.parse(path, format="turtle", publicID=path.as_uri())
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    tests: list[ManifestTest] = []
    for include in _list(graph, graph.value(manifest, MF.include)):
        tests += load_manifest(path.parent / Path(str(include)).name)
    entries = _list(graph, graph.value(manifest, MF.entries))
    # tests defined in the file but missing from mf:entries (head_non_existing_direct) run too
    for kind in (MF.ProtocolTest, MF.GraphStoreProtocolTest, MF.ServiceDescriptionTest):
        entries += sorted(set(graph.subjects(RDF.type, kind)) - set(entries))
    for entry in entries:
        action = graph.value(entry, MF.action)
        steps = []
        for req in _list(graph, graph.value(action, HT.requests)) if action else []:
            resp = graph.value(req, HT.resp)
            body = graph.value(req, HT.body)
            rbody = graph.value(resp, HT.body)
            boolean = graph.value(resp, MF.expectedBoolean)
            steps.append(
                HttpStep(
                    method=str(graph.value(req, HT.methodName)),
                    path=str(graph.value(req, HT.absolutePath)),
                    headers=_headers(graph, req),
                    body=str(graph.value(body, CNT.chars)) if body is not None else None,
                    statuses=[
                        str(s).rsplit("#", 1)[1] for s in graph.objects(resp, MF.expectedStatus)
                    ],
                    expected_boolean=boolean.toPython() if isinstance(boolean, Literal) else None,
                    expected_format=(
                        str(graph.value(resp, MF.expectedFormat))
                        if graph.value(resp, MF.expectedFormat)
                        else None
                    ),
                    expected_location=(
                        str(graph.value(resp, MF.expectedLocation))
                        if graph.value(resp, MF.expectedLocation)
                        else None
                    ),
                    response_headers=_headers(graph, resp),
                    response_body=str(graph.value(rbody, CNT.chars)) if rbody is not None else None,
                )
            )
        data = [
            (
                path.parent / Path(str(graph.value(d, UT.graph))).name,
                str(graph.value(d, RDFS.label)),
            )
            for d in graph.objects(entry, UT.graphData)
        ]
        tests.append(
            ManifestTest(
                str(entry).rsplit("#", 1)[1], str(graph.value(entry, MF.name)), steps, data
            )
        )
    return tests


PROTOCOL = load_manifest(W3C / "sparql11-protocol" / "manifest.ttl")
GSP = load_manifest(W3C / "sparql11-graph-store-protocol" / "manifest.ttl")
SD_TESTS = load_manifest(W3C / "sparql11-service-description" / "manifest.ttl")


def test_manifest_counts() -> None:
    assert len(PROTOCOL) == 34
    assert len(SD_TESTS) == 3
    assert len(GSP) == 14  # 4 + 9 listed entries, and head_non_existing_direct (defined, unlisted)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    store = tmp_path_factory.mktemp("w3c") / "store"
    with live_server(store, "--workers", "2") as srv:
        yield srv


def _status_ok(status: int, expected: list[str]) -> bool:
    for name in expected:
        if name.startswith("StatusCode") and str(status)[0] == name[len("StatusCode")]:
            return True
        if STATUS.get(name) == status:
            return True
    return False


def _boolean(response: httpx.Response) -> bool:
    media = response.headers["content-type"].split(";")[0].strip()
    if media == "application/sparql-results+json":
        return bool(json.loads(response.content)["boolean"])
    assert media == "application/sparql-results+xml", media
    root = ET.fromstring(response.content)
    node = root.find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert node is not None and node.text is not None
    return node.text.strip() == "true"


def _rewrite(path: str, prefix: str, target: str) -> str:
    rest = path[len(prefix) :]
    if rest.startswith("/?"):
        rest = rest[1:]
    elif rest == "/":
        rest = ""
    return target + rest


def _reset(server: LiveServer, test: ManifestTest) -> None:
    server.update("DROP SILENT ALL")
    for file, graph in test.graph_data:
        server.put_graph(graph, file.read_bytes())


def _run(server: LiveServer, test: ManifestTest, prefix: str, target: str) -> None:
    _reset(server, test)
    variables: dict[str, str] = {}
    with httpx.Client(base_url=server.base, timeout=60) as client:
        for i, step in enumerate(test.steps):
            path = _rewrite(step.path, prefix, target)
            body = step.body
            for name, value in variables.items():
                path = path.replace(name, value)
                body = body.replace(name, value) if body is not None else None
            headers = {**step.headers, **server.auth}
            if "content-type" not in step.headers and body is not None:
                headers["content-type"] = ""  # the suite means "no media type"
            request = client.build_request(
                step.method, path, headers=headers, content=body.encode("utf-8") if body else None
            )
            if headers.get("content-type") == "":
                del request.headers["content-type"]
            response = client.send(request)
            where = f"{test.name} step {i + 1} ({step.method} {path})"
            assert _status_ok(response.status_code, step.statuses), (
                f"{where}: status {response.status_code}, expected {step.statuses}: "
                f"{response.text[:500]}"
            )
            media = response.headers.get("content-type", "").split(";")[0].strip()
            if step.expected_format == "boolean":
                assert media in RESULT_TYPES, f"{where}: {media}"
            elif step.expected_format == "tabular":
                assert media in TABULAR_TYPES, f"{where}: {media}"
            elif step.expected_format == "RDF":
                assert media in RDF_TYPES, f"{where}: {media}"
                Graph().parse(data=response.content, format=RDF_TYPES[media])
            if step.expected_boolean is not None:
                assert _boolean(response) is step.expected_boolean, where
            if step.expected_location:
                assert "location" in response.headers, f"{where}: no Location header"
                variables[step.expected_location] = response.headers["location"]
            for name, value in step.response_headers.items():
                got = response.headers.get(name, "")
                assert got.replace(" ", "").lower() == value.replace(" ", "").lower(), (
                    f"{where}: {name}: {got!r}, expected {value!r}"
                )
            if step.response_body is not None:
                expected = Graph().parse(
                    data=step.response_body, format="turtle", publicID=server.base + "/"
                )
                got_graph = Graph().parse(
                    data=response.content, format=RDF_TYPES[media], publicID=server.base + "/"
                )
                assert isomorphic(expected, got_graph), f"{where}: graph differs:\n{response.text}"


@pytest.mark.slow
@pytest.mark.parametrize("test", PROTOCOL, ids=[t.name for t in PROTOCOL])
def test_sparql11_protocol(server: LiveServer, test: ManifestTest) -> None:
    _run(server, test, "/sparql", "/sparql")


@pytest.mark.slow
@pytest.mark.parametrize("test", GSP, ids=[t.name for t in GSP])
def test_graph_store_protocol(server: LiveServer, test: ManifestTest) -> None:
    _run(server, test, "/gsp", "/store")


# ----------------------------------------------------------------------- service description

#: The Service Description vocabulary: property -> (domain, range kind) as the spec defines.
SD_PROPERTIES = {
    "endpoint": ("Service", "iri"),
    "feature": ("Service", "Feature"),
    "defaultEntailmentRegime": ("Service", "iri"),
    "extensionFunction": ("Service", "node"),
    "extensionAggregate": ("Service", "node"),
    "languageExtension": ("Service", "node"),
    "supportedLanguage": ("Service", "Language"),
    "propertyFeature": ("Service", "node"),
    "defaultDataset": ("Service", "Dataset"),
    "availableGraphs": ("Service", "node"),
    "resultFormat": ("Service", "iri"),
    "inputFormat": ("Service", "iri"),
    "defaultGraph": ("Dataset", "Graph"),
    "namedGraph": ("Dataset", "node"),
    "name": ("NamedGraph", "iri"),
    "graph": ("NamedGraph", "Graph"),
    "entailmentRegime": (None, "iri"),
    "supportedEntailmentProfile": (None, "iri"),
}
SD_LANGUAGES = {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
SD_FEATURES = {
    SD.DereferencesURIs,
    SD.UnionDefaultGraph,
    SD.RequiresDataset,
    SD.EmptyGraphs,
    SD.BasicFederatedQuery,
}


def _description(server: LiveServer, accept: str | None = None) -> tuple[httpx.Response, Graph]:
    headers = {"accept": accept} if accept else {}
    response = httpx.get(server.url("/sparql"), headers=headers, timeout=30)
    media = response.headers["content-type"].split(";")[0].strip()
    graph = Graph().parse(data=response.content, format=RDF_TYPES[media])
    return response, graph


@pytest.mark.slow
@pytest.mark.parametrize("test", SD_TESTS, ids=[t.name for t in SD_TESTS])
def test_service_description(server: LiveServer, test: ManifestTest) -> None:
    if test.name == "returns-rdf":
        for accept in (
            None,
            "text/turtle",
            "application/rdf+xml",
            "application/ld+json",
            "application/n-triples",
        ):
            response, graph = _description(server, accept)
            assert response.status_code == 200
            assert len(graph) > 5
    elif test.name == "has-endpoint-triple":
        _, graph = _description(server)
        assert (None, SD.endpoint, URIRef(server.url("/sparql"))) in graph
    elif test.name == "conforms-to-schema":
        _, graph = _description(server, "application/rdf+xml")
        services = list(graph.subjects(RDF.type, SD.Service))
        assert len(services) == 1
        for s, p, o in graph:
            if not str(p).startswith(str(SD)):
                continue
            local = str(p)[len(str(SD)) :]
            assert local in SD_PROPERTIES, f"sd:{local} is not in the vocabulary"
            domain, kind = SD_PROPERTIES[local]
            if domain:
                assert (s, RDF.type, SD[domain]) in graph or domain in ("Dataset", "Graph"), (
                    f"subject of sd:{local} is not an sd:{domain}"
                )
            if kind == "iri":
                assert isinstance(o, URIRef), f"sd:{local} needs an IRI"
            elif kind == "Language":
                assert o in SD_LANGUAGES
            elif kind == "Feature":
                assert o in SD_FEATURES
            elif kind in ("Dataset", "Graph"):
                assert (o, RDF.type, SD[kind]) in graph, f"object of sd:{local} is no sd:{kind}"
    else:  # pragma: no cover - a new test in the manifest
        pytest.fail(f"unknown service description test {test.name}")


def test_load_manifest_reads_requests() -> None:
    post_form = next(t for t in PROTOCOL if t.name == "query_post_form")
    assert post_form.steps[0].method == "POST"
    assert post_form.steps[0].body == "query=ASK%20%7B%7D"
    assert post_form.steps[0].expected_boolean is True
