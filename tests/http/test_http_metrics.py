"""/metrics is prometheus_client's exposition of one app's own registry (issue 15, item 5):
it parses as the Prometheus text format (and as OpenMetrics when asked), carries the process
metrics, and two apps in one process count apart. In-process (TestClient, memory store); the
live-server tests check the counters that need worker processes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from prometheus_client.openmetrics.parser import (
    text_string_to_metric_families as openmetrics_families,
)
from prometheus_client.parser import text_string_to_metric_families

from otmlops.http.app import create_app
from otmlops.http.settings import ServerSettings

TOKEN = "metrics-test-token"
DATA = b"<urn:x:a> <urn:x:p> <urn:x:b> .\n<urn:x:a> <urn:x:p> <urn:x:c> .\n"


def _client() -> TestClient:
    return TestClient(create_app(ServerSettings(store="memory", token=TOKEN, workers=1)))


@pytest.fixture()
def client() -> Iterator[TestClient]:
    with _client() as c:
        r = c.put(
            "/store",
            params={"graph": "urn:x:g"},
            content=DATA,
            headers={"content-type": "application/n-triples", "authorization": f"Bearer {TOKEN}"},
        )
        assert r.status_code == 201, r.text
        yield c


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a text-format exposition, parsed by prometheus_client's own parser."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_metrics_are_the_prometheus_text_format_with_process_metrics(client: TestClient) -> None:
    assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
    r = client.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    samples = _samples(r.text)
    ok = (("method", "GET"), ("route", "/sparql"), ("status", "200"))
    assert samples[("otmlops_http_requests_total", ok)] == 1
    inf = (("le", "+Inf"), ("route", "/sparql"))
    assert samples[("otmlops_http_request_duration_seconds_bucket", inf)] == 1
    assert samples[("otmlops_http_request_duration_seconds_count", (("route", "/sparql"),))] == 1
    assert samples[("otmlops_query_timeouts_total", ())] == 0
    assert samples[("otmlops_worker_restarts_total", ())] == 0
    assert samples[("otmlops_store_triples", ())] >= 2  # ours, with the bundled ontology
    # the server process itself, from prometheus_client's ProcessCollector (Linux /proc)
    assert samples[("process_resident_memory_bytes", ())] > 1_000_000
    assert ("process_cpu_seconds_total", ()) in samples
    assert ("process_open_fds", ()) in samples
    assert any(name == "python_info" for name, _ in samples)


def test_openmetrics_when_the_scraper_asks_for_it(client: TestClient) -> None:
    r = client.get("/metrics", headers={"accept": "application/openmetrics-text; version=1.0.0"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/openmetrics-text; version=1.0.0")
    names = {family.name for family in openmetrics_families(r.text)}
    assert {"otmlops_http_requests", "otmlops_worker_restarts", "process_cpu_seconds"} <= names


def test_two_apps_in_one_process_count_apart(client: TestClient) -> None:
    with _client() as other:
        for _ in range(3):
            assert other.get("/healthz").status_code == 200
        mine = _samples(client.get("/metrics").text)
        theirs = _samples(other.get("/metrics").text)
    healthz = (("method", "GET"), ("route", "/healthz"), ("status", "200"))
    assert ("otmlops_http_requests_total", healthz) not in mine
    assert theirs[("otmlops_http_requests_total", healthz)] == 3
