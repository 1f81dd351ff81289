"""Hostile input against a live ``otmlops serve`` on 127.0.0.1 (issue 14).

Each test sends what an attacker on the same machine could send and checks the server answers
with a clear 4xx (or stops the work) and keeps serving. Traffic goes only to 127.0.0.1; every
probe is bounded in size, count and time.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.cli import run_cli
from tests.support.live_server import LiveServer, live_server
from tests.support.paths import EXAMPLES

EX = "http://example.org/hostile#"
GRAPH = "http://example.org/graphs/hostile"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def entity_bomb(levels: int = 9) -> bytes:
    """The "billion laughs" in RDF/XML: each entity is ten of the one before (10**levels)."""
    ents = '<!ENTITY a0 "xxxxxxxxxx">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, levels)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [{ents}]>'
        f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:ex="{EX}">'
        f'<rdf:Description rdf:about="{EX}s"><ex:p>&a{levels - 1};</ex:p>'
        "</rdf:Description></rdf:RDF>"
    ).encode()


NAMESPACE_ENTITIES = (
    f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY ex "{EX}">]>'
    f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:ex="{EX}">'
    '<rdf:Description rdf:about="&ex;s"><ex:p>v</ex:p></rdf:Description>'
    "</rdf:RDF>"
).encode()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    store = tmp_path_factory.mktemp("hostile") / "store"
    with live_server(store, "--workers", "2") as srv:
        srv.put_graph(GRAPH, f'<{EX}a> <{EX}p> "alpha" .\n'.encode())
        yield srv


def _alive(server: LiveServer) -> None:
    r = httpx.get(server.url("/sparql"), params={"query": "ASK {}"}, timeout=30)
    assert r.status_code == 200, r.text


# ------------------------------------------------------------------ 1. parsers are bounded


def test_entity_bomb_to_validate_is_refused(server: LiveServer) -> None:
    r = httpx.post(
        server.url("/validate"),
        content=entity_bomb(),
        headers={"content-type": "application/rdf+xml"},
        timeout=30,
    )
    assert r.status_code == 400, r.text
    assert "entity" in r.json()["detail"]
    _alive(server)


def test_entity_bomb_to_graph_store_is_refused(server: LiveServer) -> None:
    for method in ("PUT", "POST"):
        r = httpx.request(
            method,
            server.url("/store"),
            params={"graph": GRAPH + "/bomb"},
            content=entity_bomb(),
            headers={"content-type": "application/rdf+xml", **server.auth},
            timeout=30,
        )
        assert r.status_code == 400, r.text
        assert "entity" in r.text
    r = httpx.get(server.url("/store"), params={"graph": GRAPH + "/bomb"}, timeout=30)
    assert r.status_code == 404


def test_namespace_entities_still_load(server: LiveServer) -> None:
    r = httpx.put(
        server.url("/store"),
        params={"graph": GRAPH + "/entities"},
        content=NAMESPACE_ENTITIES,
        headers={"content-type": "application/rdf+xml", **server.auth},
        timeout=30,
    )
    assert r.status_code == 201, r.text
    r = httpx.get(
        server.url("/sparql"),
        params={"query": f"ASK {{ GRAPH <{GRAPH}/entities> {{ <{EX}s> <{EX}p> 'v' }} }}"},
        timeout=30,
    )
    assert r.json()["boolean"] is True


def test_entity_bomb_file_is_refused_by_the_cli(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.rdf"
    bomb.write_bytes(entity_bomb())
    result = run_cli("load", str(bomb), "--graph", GRAPH, store=tmp_path / "s")
    assert result.returncode == 2, result.stderr
    assert "entit" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("validate", str(bomb))
    assert result.returncode == 2, result.stderr
    assert "entit" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("validate", str(EXAMPLES / "pdm-machinery.ttl"), "--shapes", str(bomb))
    assert result.returncode == 2, result.stderr
    assert "entit" in result.stderr and "Traceback" not in result.stderr


# ------------------------------------------------------------ 7. clear 4xx for client mistakes


def test_invalid_utf8_in_a_parameter_is_refused(server: LiveServer) -> None:
    for url in (
        "/sparql?query=ASK%20%7B%7D%20%23%FF",
        "/sparql?query=ASK%20%7B%7D&x%C3=1",
        "/queries?q=%E9t%E9",
        "/store/%FF?x=1",
    ):
        r = httpx.get(server.url(url), timeout=30)
        assert r.status_code == 400, (url, r.text)
        assert "UTF-8" in r.text


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "PREFIX r: <http://192.0.2.1/> SELECT * WHERE { SERVICE SILENT r:q { ?s ?p ?o } }",
        "SELECT * WHERE { VALUES ?e { <http://192.0.2.1/> } SERVICE ?e { ?s ?p ?o } }",
    ],
)
def test_service_targets_are_refused_by_default(server: LiveServer, text: str) -> None:
    r = httpx.get(server.url("/sparql"), params={"query": text}, timeout=30)
    assert r.status_code == 400, r.text
    assert "SERVICE" in r.text


@pytest.mark.parametrize(
    "text",
    ["LOAD <file:///etc/passwd>", "LOAD SILENT <http://192.0.2.1/data.ttl> INTO GRAPH <urn:x>"],
)
def test_load_targets_are_refused_even_with_the_token(server: LiveServer, text: str) -> None:
    r = httpx.post(
        server.url("/sparql"),
        content=text.encode(),
        headers={"content-type": "application/sparql-update", **server.auth},
        timeout=30,
    )
    assert r.status_code == 400, r.text
    assert "LOAD" in r.text


def test_service_in_a_string_is_not_a_call(server: LiveServer) -> None:
    r = httpx.get(
        server.url("/sparql"),
        params={"query": 'SELECT ("SERVICE <file:///etc/passwd>" AS ?x) WHERE {}'},
        timeout=30,
    )
    assert r.status_code == 200, r.text


def test_deep_nesting_is_refused(server: LiveServer) -> None:
    deep = "ASK { " + "{ " * 5000 + "}" * 5000 + " }"
    r = httpx.post(
        server.url("/sparql"),
        content=deep.encode(),
        headers={"content-type": "application/sparql-query"},
        timeout=30,
    )
    assert r.status_code == 400, r.text
    assert "nest" in r.text
    expr = "SELECT (" + "(" * 3000 + "1" + ")" * 3000 + " AS ?x) {}"
    r = httpx.post(server.url("/sparql"), data={"query": expr}, timeout=30)
    assert r.status_code == 400, r.text
    _alive(server)


def test_update_token_is_checked_before_the_body_is_read(server: LiveServer) -> None:
    # a 45 MB update without a token: refused from the headers, without reading it
    size = 45 * 1024 * 1024

    def body() -> Iterator[bytes]:
        chunk = b"#" * (1 << 20)
        for _ in range(size >> 20):
            yield chunk

    r = httpx.post(
        server.url("/sparql"),
        content=body(),
        headers={"content-type": "application/sparql-update", "content-length": str(size)},
        timeout=30,
    )
    assert r.status_code == 401, r.text
    # a big form body without a token is refused at the query-body limit
    r = httpx.post(
        server.url("/sparql"),
        content=b"update=" + b"%23" * 600_000,
        headers={"content-type": "application/x-www-form-urlencoded"},
        timeout=30,
    )
    assert r.status_code == 413 and "token" in r.text


# ------------------------------------------------------------------- 6. no secrets shown


def test_healthz_and_errors_do_not_show_the_store_folder(server: LiveServer) -> None:
    folder = str(server.log.parent)
    r = httpx.get(server.url("/healthz"), timeout=30)
    assert r.status_code == 200 and folder not in r.text
    assert r.json()["store"] == "embedded store"
    from otmlops.redact import store_id

    assert r.json()["store_id"] == store_id(str(server.log.parent / "store"))
    for path in ("/", "/metrics"):
        assert folder not in httpx.get(server.url(path), timeout=30).text


# -------------------------------------------------------------- 5. browser-facing defaults


def test_foreign_host_header_is_refused(server: LiveServer) -> None:
    r = httpx.get(server.url("/healthz"), headers={"host": "attacker.example"}, timeout=30)
    assert r.status_code == 400 and "allowed-hosts" in r.text
    port = server.base.rsplit(":", 1)[1]
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}"):
        assert (
            httpx.get(server.url("/healthz"), headers={"host": host}, timeout=30).status_code == 200
        ), host


def test_forwarded_headers_are_not_trusted(server: LiveServer) -> None:
    r = httpx.get(
        server.url("/sparql"),
        headers={"x-forwarded-proto": "https", "accept": "text/turtle"},
        timeout=30,
    )
    assert r.status_code == 200
    assert "https://" not in r.text and server.base in r.text


def test_security_headers(server: LiveServer) -> None:
    for path in ("/", "/healthz", "/sparql?query=ASK%7B%7D", "/docs", "/redoc", "/nowhere"):
        r = httpx.get(server.url(path), timeout=30)
        assert r.headers["x-content-type-options"] == "nosniff", path
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "no-referrer"
    home = httpx.get(server.url("/"), timeout=30)  # the workbench: its own scripts, nothing inline
    home_policy = home.headers["content-security-policy"]
    assert "script-src 'self'" in home_policy and "'unsafe-inline'" not in home_policy
    assert "frame-ancestors 'none'" in home_policy
    docs = httpx.get(server.url("/docs"), timeout=30)
    policy = docs.headers["content-security-policy"]
    assert "'sha256-" in policy and "'unsafe-inline'" not in policy.split("style-src")[0]


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server for the slow-headers and the trusted-proxy tests: one reader, a 1 s header
    timeout, 127.0.0.1 as a trusted proxy and kg.example as an allowed host. Each option is
    what one of the two tests is about and does not touch the other's requests (those send
    their headers at once, on fresh connections, to an allowed host)."""
    store = tmp_path_factory.mktemp("proxied") / "store"
    with live_server(
        store,
        "--workers",
        "1",
        "--header-timeout",
        "1",
        "--trusted-proxies",
        "127.0.0.1",
        "--allowed-hosts",
        "kg.example",
        "127.0.0.1",
    ) as srv:
        yield srv


def test_slow_headers_are_cut_off(proxied: LiveServer) -> None:
    import socket
    import time

    port = int(proxied.base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        start = time.monotonic()
        sock.settimeout(10)
        data = sock.recv(100)  # the server closes the connection: b""
        assert data == b"" and time.monotonic() - start < 8


# ------------------------------------------------------------------------ 7. read-only mode


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


@pytest.mark.slow
def test_read_only_never_writes_the_store(tmp_path: Path) -> None:
    store = tmp_path / "ro"
    result = run_cli("serve", "--read-only", "--port", "0", store=store, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "--read-only never creates" in result.stderr and not store.exists()
    assert run_cli("graphs", store=store).returncode == 0
    before = _tree(store)
    siblings = sorted(p.name for p in tmp_path.iterdir())
    with live_server(store, "--read-only", "--workers", "1") as srv:
        r = httpx.get(srv.url("/sparql"), params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
        assert r.json()["boolean"] is True
    assert _tree(store) == before
    # no snapshot folder was made beside it (the token file and log are the test's own)
    assert not [
        p for p in tmp_path.iterdir() if p.name not in siblings and not p.name.startswith("ro.")
    ]


# ------------------------------------------------------------ 3. work stops when clients leave

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _readers(server: LiveServer) -> set[int]:
    kids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == server.proc.pid:
                kids.add(int(entry.name))
    return kids


def _metric(server: LiveServer, name: str) -> int:
    text = httpx.get(server.url("/metrics"), timeout=30).text
    return int(
        float(next(line.split()[1] for line in text.splitlines() if line.startswith(name + " ")))
    )


@pytest.mark.slow
def test_a_query_whose_client_leaves_is_stopped(server: LiveServer) -> None:
    import time

    restarts = _metric(server, "otmlops_worker_restarts_total")
    gone_before = _metric(server, "otmlops_client_gone_stops_total")
    before = _readers(server)
    with pytest.raises(httpx.TimeoutException):
        httpx.get(server.url("/sparql"), params={"query": CARTESIAN, "timeout": "100"}, timeout=1.0)
    left = time.monotonic()
    while _metric(server, "otmlops_worker_restarts_total") == restarts:
        assert time.monotonic() - left < 5, "the abandoned query was not stopped"
        time.sleep(0.1)
    print(f"stopped {time.monotonic() - left:.2f} s after the client left")
    gone = before - _readers(server)
    assert len(gone) == 1  # the reader that ran it was killed (and is being replaced)
    assert _metric(server, "otmlops_client_gone_stops_total") == gone_before + 1
    _alive(server)


@pytest.mark.slow
def test_one_client_address_cannot_hold_every_reader(tmp_path: Path) -> None:
    import threading
    import time

    with live_server(tmp_path / "store", "--workers", "2", "--per-client", "1") as srv:
        outcome: dict[str, int] = {}

        def runaway(i: int) -> None:
            # 3 s: the runaways must still be running when the other address's request is
            # done, about 0.5 s in (the sleep below plus one ASK), so 2.5 s stay as margin
            r = httpx.get(
                srv.url("/sparql"), params={"query": CARTESIAN, "timeout": "3"}, timeout=60
            )
            outcome[f"runaway{i}"] = r.status_code

        threads = [threading.Thread(target=runaway, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        # both runaways come from 127.0.0.1: one runs, the other waits for its turn, so a
        # reader stays free for a client on another address (127.0.0.2 is loopback too)
        other = httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"))
        with other:
            r = other.get(srv.url("/sparql"), params={"query": "ASK { ?s ?p ?o }"}, timeout=60)
        assert r.status_code == 200, r.text
        assert all(t.is_alive() for t in threads), "the other address waited for the runaways"
        for t in threads:
            t.join()
        assert sorted(outcome.values()) == [503, 503]


# ---------------------------------------------------- 2. bounded memory, streamed answers

BOMB = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"


@pytest.mark.slow
def test_order_by_bomb_hits_the_memory_cap_and_others_are_served(tmp_path: Path) -> None:
    with live_server(
        tmp_path / "store", "--workers", "2", "--worker-memory", "500M", "--max-timeout", "120"
    ) as srv:
        restarts = _metric(srv, "otmlops_worker_restarts_total")
        r = httpx.get(srv.url("/sparql"), params={"query": BOMB, "timeout": "120"}, timeout=180)
        assert r.status_code == 503, r.text[:300]
        assert "memory" in r.text and "--worker-memory" in r.text
        _alive(srv)
        assert _metric(srv, "otmlops_worker_restarts_total") == restarts + 1
        assert _metric(srv, "otmlops_memory_limit_stops_total") == 1


ROWS = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 200000"


@pytest.mark.slow
def test_large_answers_are_streamed_in_chunks(server: LiveServer) -> None:
    with httpx.stream(
        "GET",
        server.url("/sparql"),
        params={"query": ROWS},
        headers={"accept": "text/csv"},
        timeout=120,
    ) as r:
        assert r.status_code == 200
        assert r.headers.get("transfer-encoding") == "chunked"
        assert "content-length" not in r.headers
        lines = sum(chunk.count(b"\n") for chunk in r.iter_bytes())
    assert lines == 200_001  # header + rows
    small = httpx.get(server.url("/sparql"), params={"query": "ASK {}"}, timeout=30)
    assert small.headers["content-length"] == str(len(small.content))  # one piece


@pytest.mark.slow
def test_a_client_leaving_mid_stream_stops_the_worker(server: LiveServer) -> None:
    import time

    restarts = _metric(server, "otmlops_worker_restarts_total")
    big = "SELECT ?a ?d ?g WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with httpx.stream(
        "GET",
        server.url("/sparql"),
        params={"query": big, "timeout": "100"},
        headers={"accept": "text/csv"},
        timeout=60,
    ) as r:
        assert r.status_code == 200
        next(r.iter_bytes())
    left = time.monotonic()
    while _metric(server, "otmlops_worker_restarts_total") == restarts:
        assert time.monotonic() - left < 5, "the worker kept streaming to nobody"
        time.sleep(0.1)
    _alive(server)


# ------------------------------------------------------------------ 4. federation, allowed


@pytest.mark.slow
def test_service_to_an_allowed_host_works(tmp_path: Path) -> None:
    with live_server(
        tmp_path / "store", "--workers", "2", "--per-client", "2", "--allow-remote", "127.0.0.1"
    ) as srv:
        query = (
            f"SELECT (COUNT(*) AS ?n) WHERE {{ SERVICE <{srv.url('/sparql')}> "
            "{ SELECT * WHERE { ?s ?p ?o } LIMIT 5 } }"
        )
        r = httpx.get(srv.url("/sparql"), params={"query": query}, timeout=60)
        assert r.status_code == 200, r.text
        assert r.json()["results"]["bindings"][0]["n"]["value"] == "5"
        r = httpx.get(
            srv.url("/sparql"),
            params={"query": "SELECT * { SERVICE <http://localhost:9/x> { ?s ?p ?o } }"},
            timeout=60,
        )
        assert r.status_code == 400  # only the host named


# ------------------------------------------------------------- 6. no credentials anywhere


@pytest.mark.slow
def test_remote_store_credentials_are_never_shown(tmp_path: Path) -> None:
    from tests.support.oxigraph_server import start_server, stop_server

    proc, url = start_server(tmp_path / "oxi")
    location = url.replace("http://", "http://alice:s3cret-pw@") + "/"
    try:
        with live_server(tmp_path / "svc", location=location, token=None) as srv:
            health = httpx.get(srv.url("/healthz"), timeout=30)
            assert "s3cret" not in health.text and "alice" not in health.text
            assert health.json()["store"] == url + "/"
            assert "s3cret" not in httpx.get(srv.url("/"), timeout=30).text
            stop_server(proc)  # the store goes away: errors now name its URL
            r = httpx.get(srv.url("/sparql"), params={"query": "ASK { ?s ?p ?o }"}, timeout=60)
            assert r.status_code >= 500
            assert "s3cret" not in r.text and "alice" not in r.text
        assert "s3cret" not in srv.log.read_text(errors="replace")
    finally:
        stop_server(proc)


@pytest.mark.slow
def test_an_answer_cut_off_by_its_time_limit_is_visibly_incomplete(server: LiveServer) -> None:
    big = "SELECT ?a ?d ?g WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    received = 0
    with pytest.raises(httpx.RemoteProtocolError):  # no final chunk: not mistaken for complete
        with httpx.stream(
            "GET",
            server.url("/sparql"),
            params={"query": big, "timeout": "1"},
            headers={"accept": "text/csv"},
            timeout=60,
        ) as r:
            assert r.status_code == 200
            for chunk in r.iter_bytes():
                received += len(chunk)
                assert received < 10**10
    assert received > 0
    _alive(server)


@pytest.mark.slow
def test_forwarded_headers_from_a_trusted_proxy_are_used(proxied: LiveServer) -> None:
    r = httpx.get(
        proxied.url("/sparql"),
        headers={"x-forwarded-proto": "https", "host": "kg.example", "accept": "text/turtle"},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    assert "<https://kg.example/sparql>" in r.text
    r = httpx.get(proxied.url("/healthz"), headers={"host": "other.example"}, timeout=30)
    assert r.status_code == 400
