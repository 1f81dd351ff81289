"""A runaway query is really stopped at its time limit, and others are served meanwhile.

pyoxigraph cannot cancel a query, so the server runs queries in worker processes and kills the
one that overruns (docs/http.md, "Time limits that really stop the work"). This test loads a
generated 20k-triple plant (the runaway's cartesian product over it never ends), sends a cartesian COUNT(*) with a 2 s limit, and checks that
(1) cheap requests sent while it runs are answered, (2) the runaway gets a 503 saying it was
stopped, (3) the worker that ran it is gone and replaced. Latency is measured by bench/bench_http.py, not asserted here.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import httpx
import pytest

from otmlops import plantgen
from tests.support.live_server import live_server

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _children(pid: int) -> set[int]:
    kids = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.add(int(entry))
    return kids


@pytest.mark.slow
def test_runaway_query_is_stopped_while_others_are_served(tmp_path: Path) -> None:
    data, stats = plantgen.generate(20_000, seed=1)
    assert stats.triples >= 18_000
    # --per-client 2: the cheap requests come from the same address as the runaway
    with live_server(
        tmp_path / "store", "--workers", "2", "--timeout", "30", "--per-client", "2"
    ) as srv:
        srv.put_graph("http://example.org/plant", data)
        workers_before = _children(srv.proc.pid)
        assert len(workers_before) == 3  # writer + 2 readers

        outcome: dict[str, object] = {}

        def runaway() -> None:
            start = time.monotonic()
            r = httpx.get(
                srv.url("/sparql"), params={"query": CARTESIAN, "timeout": "2"}, timeout=120
            )
            outcome["status"], outcome["text"] = r.status_code, r.text
            outcome["seconds"] = time.monotonic() - start

        thread = threading.Thread(target=runaway)
        thread.start()
        time.sleep(0.3)
        served = 0
        while thread.is_alive():
            r = httpx.get(srv.url("/sparql"), params={"query": "ASK { ?s ?p ?o }"}, timeout=60)
            assert r.status_code == 200 and r.json()["boolean"] is True
            assert httpx.get(srv.url("/healthz"), timeout=60).status_code == 200
            served += 1
            time.sleep(0.05)
        thread.join()
        assert served >= 3, "cheap requests were not answered while the runaway ran"
        assert outcome["status"] == 503, outcome
        assert "stopped" in str(outcome["text"])
        print(f"runaway answered after {outcome['seconds']:.2f} s (limit 2 s)")

        # the process that ran it is gone, and a fresh reader replaced it
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            now = _children(srv.proc.pid)
            if len(now) == 3 and now != workers_before:
                break
            time.sleep(0.05)
        now = _children(srv.proc.pid)
        assert len(now) == 3 and len(workers_before - now) == 1
        metrics = httpx.get(srv.url("/metrics"), timeout=60).text
        assert "otmlops_query_timeouts_total 1" in metrics
        assert "otmlops_worker_restarts_total 1" in metrics
        r = httpx.get(
            srv.url("/sparql"),
            params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
            timeout=60,
        )
        assert int(r.json()["results"]["bindings"][0]["n"]["value"]) >= stats.triples


@pytest.mark.slow
def test_runaway_update_is_stopped_and_the_store_keeps_its_state(tmp_path: Path) -> None:
    data, _ = plantgen.generate(5_000, seed=2)
    with live_server(tmp_path / "store", "--workers", "1", "--max-timeout", "900") as srv:
        srv.put_graph("http://example.org/plant", data)
        runaway_update = (
            "INSERT { GRAPH <http://example.org/runaway> { ?a <http://example.org/p> ?d } }"
            " WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        )
        r = httpx.post(
            srv.url("/sparql"),
            params={"timeout": "2"},
            content=runaway_update,
            headers={"content-type": "application/sparql-update", **srv.auth},
            timeout=120,
        )
        assert r.status_code == 503 and "stopped" in r.text
        ask = "ASK { GRAPH <http://example.org/runaway> { ?s ?p ?o } }"
        assert (
            httpx.get(srv.url("/sparql"), params={"query": ask}, timeout=60).json()["boolean"]
            is False
        )
        # the next write waits for the new writer, which reopens the store first
        srv.update(
            "INSERT DATA { GRAPH <http://example.org/after> { <http://example.org/s> "
            "<http://example.org/p> 1 } }",
            timeout=900,
        )
        ask = "ASK { GRAPH <http://example.org/after> { ?s ?p 1 } }"
        assert (
            httpx.get(srv.url("/sparql"), params={"query": ask}, timeout=60).json()["boolean"]
            is True
        )
        assert (
            httpx.get(srv.url("/sparql"), params={"query": ask}, timeout=60).json()["boolean"]
            is True
        )
