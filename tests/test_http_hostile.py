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

from conftest import run_cli
from http_support import LiveServer, live_server

EX = "http://example.org/hostile#"
GRAPH = "http://example.org/graphs/hostile"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def entity_bomb(levels: int = 9) -> bytes:
    """The "billion laughs" in RDF/XML: each entity is ten of the one before (10**levels)."""
    ents = '<!ENTITY a0 "xxxxxxxxxx">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, levels))
    return (f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [{ents}]>'
            f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:ex="{EX}">'
            f'<rdf:Description rdf:about="{EX}s"><ex:p>&a{levels - 1};</ex:p>'
            "</rdf:Description></rdf:RDF>").encode()


NAMESPACE_ENTITIES = (f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY ex "{EX}">]>'
                      f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:ex="{EX}">'
                      '<rdf:Description rdf:about="&ex;s"><ex:p>v</ex:p></rdf:Description>'
                      "</rdf:RDF>").encode()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    store = tmp_path_factory.mktemp("hostile") / "store"
    with live_server(store, "--workers", "2") as srv:
        srv.put_graph(GRAPH, f"<{EX}a> <{EX}p> \"alpha\" .\n".encode())
        yield srv


def _alive(server: LiveServer) -> None:
    r = httpx.get(server.url("/sparql"), params={"query": "ASK {}"}, timeout=30)
    assert r.status_code == 200, r.text


# ------------------------------------------------------------------ 1. parsers are bounded

def test_entity_bomb_to_validate_is_refused(server: LiveServer) -> None:
    r = httpx.post(server.url("/validate"), content=entity_bomb(),
                   headers={"content-type": "application/rdf+xml"}, timeout=30)
    assert r.status_code == 400, r.text
    assert "entity" in r.json()["detail"]
    _alive(server)


def test_entity_bomb_to_graph_store_is_refused(server: LiveServer) -> None:
    for method in ("PUT", "POST"):
        r = httpx.request(method, server.url("/store"), params={"graph": GRAPH + "/bomb"},
                          content=entity_bomb(),
                          headers={"content-type": "application/rdf+xml", **server.auth},
                          timeout=30)
        assert r.status_code == 400, r.text
        assert "entity" in r.text
    r = httpx.get(server.url("/store"), params={"graph": GRAPH + "/bomb"}, timeout=30)
    assert r.status_code == 404


def test_namespace_entities_still_load(server: LiveServer) -> None:
    r = httpx.put(server.url("/store"), params={"graph": GRAPH + "/entities"},
                  content=NAMESPACE_ENTITIES,
                  headers={"content-type": "application/rdf+xml", **server.auth}, timeout=30)
    assert r.status_code == 201, r.text
    r = httpx.get(server.url("/sparql"), params={
        "query": f"ASK {{ GRAPH <{GRAPH}/entities> {{ <{EX}s> <{EX}p> 'v' }} }}"}, timeout=30)
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
