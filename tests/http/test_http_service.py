"""The HTTP service: protocol and status checks against the app in this process (FastAPI's
TestClient, with the app's real worker processes and store on disk), and a real ``otmlops
serve`` on 127.0.0.1 where the process's own options matter (read-only, no token, memory)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from otmlops.http.settings import ServerSettings
from tests.support.app_server import app_server
from tests.support.cli import run_cli
from tests.support.live_server import TOKEN, ServerClient, live_server
from tests.support.net import free_port

EX = "http://example.org/test#"
DATA = f"""<{EX}a> <{EX}p> "alpha" .
<{EX}a> <{EX}q> <{EX}b> .
<{EX}b> <{EX}p> "béta"@fr .
""".encode()
GRAPH = "http://example.org/graphs/test"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerClient]:
    """What ``otmlops serve --workers 2 --body-limit 200000`` serves, in this process."""
    store = tmp_path_factory.mktemp("svc") / "store"
    with app_server(ServerSettings(str(store), token=TOKEN, workers=2, body_limit=200_000)) as srv:
        srv.put_graph(GRAPH, DATA)
        yield srv


def _select(
    server: ServerClient, query: str, accept: str | None = None, **params: str
) -> httpx.Response:
    headers = {"accept": accept} if accept else {}
    return server.client.get(
        server.url("/sparql"), params={"query": query, **params}, headers=headers, timeout=30
    )


Q = f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?s"


def test_select_in_every_result_format(server: ServerClient) -> None:
    r = _select(server, Q)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    rows = r.json()["results"]["bindings"]
    assert [b["o"]["value"] for b in rows] == ["alpha", "béta"]
    r = _select(server, Q, "application/sparql-results+xml")
    assert r.headers["content-type"].startswith("application/sparql-results+xml")
    assert "béta" in r.text
    r = _select(server, Q, "text/csv")
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert list(csv.reader(io.StringIO(r.text)))[0] == ["s", "o"]
    r = _select(server, Q, "text/tab-separated-values")
    assert r.text.splitlines()[0] == "?s\t?o"


def test_qvalues_and_combined_accept(server: ServerClient) -> None:
    r = _select(server, Q, "text/csv;q=0.4, application/sparql-results+xml;q=0.8, */*;q=0.1")
    assert r.headers["content-type"].startswith("application/sparql-results+xml")
    r = _select(
        server,
        f"CONSTRUCT WHERE {{ ?s <{EX}p> ?o }}",
        "application/sparql-results+json, application/n-triples;q=0.5, text/turtle;q=0.4",
    )
    assert r.headers["content-type"].startswith("application/n-triples")
    assert len(list(ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES))) == 2


@pytest.mark.parametrize(
    "media, fmt",
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/trig", ox.RdfFormat.TRIG),
        ("application/n-quads", ox.RdfFormat.N_QUADS),
    ],
)
def test_construct_and_describe_in_every_rdf_format(
    server: ServerClient, media: str, fmt: ox.RdfFormat
) -> None:
    for query in (f"CONSTRUCT WHERE {{ ?s <{EX}p> ?o }}", f"DESCRIBE <{EX}a>"):
        r = _select(server, query, media)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].split(";")[0] == media
        assert len(list(ox.parse(r.content, format=fmt))) >= 2


def test_ask_and_not_acceptable(server: ServerClient) -> None:
    r = _select(server, f"ASK {{ <{EX}a> ?p ?o }}", "application/sparql-results+xml")
    assert "<boolean>true</boolean>" in r.text
    r = _select(server, "ASK {}", "image/png")
    assert r.status_code == 406
    assert "application/sparql-results+json" in r.text


def test_dataset_parameters(server: ServerClient) -> None:
    q = f"ASK {{ <{EX}a> <{EX}p> ?o }}"
    assert _select(server, q).json()["boolean"] is True  # union default graph
    assert _select(server, q, **{"default-graph-uri": GRAPH}).json()["boolean"] is True
    r = _select(server, q, **{"default-graph-uri": "http://example.org/graphs/none"})
    assert r.json()["boolean"] is False
    r = _select(
        server,
        f"SELECT ?g WHERE {{ GRAPH ?g {{ <{EX}a> <{EX}p> ?o }} }}",
        **{"named-graph-uri": GRAPH},
    )
    assert [b["g"]["value"] for b in r.json()["results"]["bindings"]] == [GRAPH]


def test_syntax_error_says_where(server: ServerClient) -> None:
    r = _select(server, "SELECT * WHERE { ?s ?p }")
    assert r.status_code == 400
    assert "error at 1:" in r.text


def test_service_is_refused_without_allow_remote(server: ServerClient) -> None:
    port = free_port()  # nothing listens there; federation is off by default anyway
    r = _select(
        server, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    )
    assert r.status_code == 400
    assert "--allow-remote" in r.text


def test_post_form_and_direct_query(server: ServerClient) -> None:
    r = server.client.post(server.url("/sparql"), data={"query": Q}, timeout=30)
    assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 2
    r = server.client.post(
        server.url("/sparql"),
        content=Q.encode(),
        headers={"content-type": "application/sparql-query"},
        timeout=30,
    )
    assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 2


def test_writes_need_the_token(server: ServerClient) -> None:
    update = f"INSERT DATA {{ GRAPH <{GRAPH}-w> {{ <{EX}x> <{EX}p> 1 }} }}"
    headers = {"content-type": "application/sparql-update"}
    r = server.client.post(server.url("/sparql"), content=update, headers=headers, timeout=30)
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
    r = server.client.post(
        server.url("/sparql"),
        content=update,
        headers={**headers, "authorization": "Bearer wrong"},
        timeout=30,
    )
    assert r.status_code == 401
    r = server.client.put(
        server.url("/store"),
        params={"graph": GRAPH},
        content=b"",
        headers={"content-type": "text/turtle"},
        timeout=30,
    )
    assert r.status_code == 401
    assert _select(server, f"ASK {{ <{EX}a> ?p ?o }}").json()["boolean"] is True
    r = server.client.post(
        server.url("/sparql"), content=update, headers={**headers, **server.auth}, timeout=30
    )
    assert r.status_code == 204
    assert _select(server, f"ASK {{ GRAPH <{GRAPH}-w> {{ ?s ?p 1 }} }}").json()["boolean"]


def test_limits(server: ServerClient) -> None:
    big = b"# " + b"x" * 300_000 + b"\n"
    r = server.client.post(
        server.url("/sparql"),
        content=big,
        headers={"content-type": "application/sparql-query"},
        timeout=30,
    )
    assert r.status_code == 413
    r = server.client.put(
        server.url("/store"),
        params={"graph": GRAPH + "-big"},
        content=big,
        headers={"content-type": "text/turtle", **server.auth},
        timeout=30,
    )
    assert r.status_code == 413
    r = server.client.post(
        server.url("/sparql"),
        content="ASK {}".encode("utf-16"),
        headers={"content-type": "application/sparql-query"},
        timeout=30,
    )
    assert r.status_code == 400 and "UTF-8" in r.text
    r = server.client.post(
        server.url("/sparql"), content=b"ASK {}", headers={"content-type": "text/plain"}, timeout=30
    )
    assert r.status_code == 415
    r = server.client.put(
        server.url("/store"),
        params={"graph": GRAPH + "-x"},
        content=b"x",
        headers={"content-type": "image/png", **server.auth},
        timeout=30,
    )
    assert r.status_code == 415


def test_graph_store_round_trip_and_bad_input(server: ServerClient) -> None:
    g = "http://example.org/graphs/gsp"
    ttl = f"<{EX}s> <{EX}p> <{EX}o> .".encode()
    r = server.client.put(
        server.url("/store"),
        params={"graph": g},
        content=ttl,
        headers={"content-type": "text/turtle", **server.auth},
        timeout=30,
    )
    assert r.status_code == 201
    r = server.client.put(
        server.url("/store"),
        params={"graph": g},
        content=b"<a> <b> .",
        headers={"content-type": "text/turtle", **server.auth},
        timeout=30,
    )
    assert r.status_code == 400 and "1" in r.text
    r = server.client.get(
        server.url("/store"),
        params={"graph": g},
        headers={"accept": "application/n-triples"},
        timeout=30,
    )
    assert r.status_code == 200 and r.text.strip() == ttl.decode()  # bad PUT changed nothing
    r = server.client.post(
        server.url("/store"),
        params={"graph": g},
        content=f"<{EX}s> <{EX}p> <{EX}o2> .".encode(),
        headers={"content-type": "application/n-triples", **server.auth},
        timeout=30,
    )
    assert r.status_code == 204
    r = server.client.get(server.url("/store"), params={"graph": g}, timeout=30)
    assert len(list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))) == 2
    assert (
        server.client.delete(
            server.url("/store"), params={"graph": g}, headers=server.auth, timeout=30
        ).status_code
        == 204
    )
    assert (
        server.client.get(server.url("/store"), params={"graph": g}, timeout=30).status_code == 404
    )
    assert (
        server.client.get(
            server.url("/store"), params={"graph": "not an iri"}, timeout=30
        ).status_code
        == 400
    )


def test_service_description_names_the_endpoint(server: ServerClient) -> None:
    r = server.client.get(server.url("/sparql"), headers={"accept": "text/turtle"}, timeout=30)
    assert r.status_code == 200
    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert any(
        t.predicate.value == sd + "endpoint" and t.object.value == server.url("/sparql")
        for t in triples
    )
    langs = {t.object.value for t in triples if t.predicate.value == sd + "supportedLanguage"}
    assert sd + "SPARQL11Update" in langs  # writes are enabled on this server


def test_queries_catalogue(server: ServerClient) -> None:
    r = server.client.get(server.url("/queries"), timeout=30)
    assert r.status_code == 200
    catalogue = r.json()
    assert catalogue and all({"id", "title", "params"} <= set(q) for q in catalogue)
    plain = next((q for q in catalogue if all(not p["required"] for p in q["params"])), None)
    assert plain is not None
    r = server.client.get(
        server.url(f"/queries/{plain['id']}"), headers={"accept": "text/csv"}, timeout=30
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert server.client.get(server.url("/queries/no-such-query"), timeout=30).status_code == 404
    r = server.client.get(
        server.url(f"/queries/{plain['id']}"), params={"nosuchparam": "1"}, timeout=30
    )
    assert r.status_code == 422 and "nosuchparam" in r.json()["detail"]


def test_named_query_parameters_are_typed(server: ServerClient) -> None:
    catalogue = server.client.get(server.url("/queries"), timeout=30).json()
    typed = [
        (q, p)
        for q in catalogue
        for p in q["params"]
        if p["type"] in ("iri", "integer", "decimal", "boolean")
    ]
    assert typed, "the catalogue has no typed parameter"
    query, param = typed[0]
    r = server.client.get(
        server.url(f"/queries/{query['id']}"),
        params={param["name"]: "not a valid value <>"},
        timeout=30,
    )
    assert r.status_code == 422
    assert param["name"] in r.json()["detail"]


def test_healthz_and_metrics(server: ServerClient) -> None:
    r = server.client.get(server.url("/healthz"), timeout=30)
    assert r.status_code == 200 and r.json()["status"] == "ok"
    _select(server, "ASK {}")
    r = server.client.get(server.url("/metrics"), timeout=30)
    assert r.status_code == 200
    text = r.text
    assert 'otmlops_http_requests_total{method="GET",route="/sparql",status="200"}' in text
    assert 'otmlops_http_request_duration_seconds_bucket{le="+Inf",route="/sparql"}' in text
    assert "otmlops_query_timeouts_total" in text
    triples = [line for line in text.splitlines() if line.startswith("otmlops_store_triples ")]
    assert triples and float(triples[0].split()[1]) >= 3


def test_openapi_and_docs(server: ServerClient) -> None:
    schema = server.client.get(server.url("/openapi.json"), timeout=30).json()
    for path in (
        "/sparql",
        "/store",
        "/queries",
        "/queries/{query_id}",
        "/validate",
        "/healthz",
        "/metrics",
    ):
        assert path in schema["paths"]
    assert server.client.get(server.url("/docs"), timeout=30).status_code == 200


@pytest.mark.slow
def test_read_only_and_tokenless_servers_refuse_writes(tmp_path: Path) -> None:
    update = {"content-type": "application/sparql-update"}
    assert run_cli("graphs", store=tmp_path / "ro").returncode == 0  # --read-only never creates
    # status checks: the app in this process, as `serve --read-only --workers 1` and as
    # `serve --workers 1` without a token set it up
    ro = ServerSettings(str(tmp_path / "ro"), token=TOKEN, read_only=True, workers=1)
    with app_server(ro) as srv:
        r = srv.client.post(
            srv.url("/sparql"), content=b"CLEAR ALL", headers={**update, **srv.auth}
        )
        assert r.status_code == 403 and "read-only" in r.text
        r = srv.client.delete(srv.url("/store"), params={"graph": GRAPH}, headers=srv.auth)
        assert r.status_code == 403
        assert srv.client.get(srv.url("/sparql"), params={"query": "ASK {}"}).status_code == 200
        sd = srv.client.get(srv.url("/sparql")).text
        assert "SPARQL11Update" not in sd
    with app_server(ServerSettings(str(tmp_path / "notoken"), workers=1)) as srv:
        r = srv.client.post(
            srv.url("/sparql"),
            content=b"CLEAR ALL",
            headers={**update, "authorization": f"Bearer {TOKEN}"},
        )
        assert r.status_code == 403 and "token" in r.text


def test_unsupported_method(server: ServerClient) -> None:
    r = server.client.put(server.url("/sparql"), params={"query": "ASK {}"}, timeout=30)
    assert r.status_code == 405


def test_json_errors_on_the_api(server: ServerClient) -> None:
    r = server.client.get(server.url("/queries/no-such-query"), timeout=30)
    body = json.loads(r.text)
    assert body["status"] == 404 and body["detail"]


BROKEN_MAPPING = b"""@prefix mlops: <https://w3id.org/otmlops/mlops#> .
@prefix map: <https://w3id.org/otmlops/map#> .
@prefix ex: <http://example.org/broken#> .
ex:uc a mlops:UseCase ; mlops:hasStage ex:training .
ex:training a mlops:ModelTraining ; map:layer ex:NotALayer .
"""


def test_validate_reports_in_json_and_turtle(server: ServerClient) -> None:
    from tests.support.paths import EXAMPLES

    good = (EXAMPLES / "pdm-machinery.ttl").read_bytes()
    r = server.client.post(
        server.url("/validate"), content=good, headers={"content-type": "text/turtle"}, timeout=120
    )
    assert r.status_code == 200, r.text
    assert r.json()["conforms"] in (True, False)
    r = server.client.post(
        server.url("/validate"),
        content=BROKEN_MAPPING,
        headers={"content-type": "text/turtle"},
        timeout=120,
    )
    assert r.status_code == 200
    report = r.json()
    assert report["conforms"] is False and report["violations"] >= 1
    assert any(g["focusNode"] for g in report["focusNodes"])
    r = server.client.post(
        server.url("/validate"),
        content=BROKEN_MAPPING,
        headers={"content-type": "text/turtle", "accept": "text/turtle"},
        timeout=120,
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    assert any(t.object.value == "http://www.w3.org/ns/shacl#ValidationReport" for t in triples)


def test_validate_refuses_bad_input(server: ServerClient) -> None:
    r = server.client.post(
        server.url("/validate"),
        content=b"@prefix ex: <http://e#> .\nex:a ex:b .",
        headers={"content-type": "text/turtle"},
        timeout=60,
    )
    assert r.status_code == 400 and ":2" in r.json()["detail"]
    r = server.client.post(
        server.url("/validate"),
        content=BROKEN_MAPPING,
        headers={"content-type": "application/pdf"},
        timeout=60,
    )
    assert r.status_code == 415
    r = server.client.post(
        server.url("/validate"),
        params={"graph": "http://example.org/nope"},
        content=BROKEN_MAPPING,
        headers={"content-type": "text/turtle"},
        timeout=60,
    )
    assert r.status_code == 404
    r = server.client.post(
        server.url("/validate"),
        params={"graph": GRAPH},
        content=BROKEN_MAPPING,
        headers={"content-type": "text/turtle"},
        timeout=60,
    )
    assert r.status_code == 200


@pytest.mark.slow
def test_memory_store_is_served_on_threads(tmp_path: Path) -> None:
    with live_server(tmp_path / "mem", "--workers", "2", location="memory") as srv:
        srv.put_graph(GRAPH, DATA)
        r = _select(srv, Q, "text/csv")
        assert r.status_code == 200 and r.text.count("\n") == 3
        srv.update(f"DROP GRAPH <{GRAPH}>")
        assert _select(srv, f"ASK {{ <{EX}a> ?p ?o }}").json()["boolean"] is False
