"""Deeply nested SPARQL gets one clear error naming the limit (UsageError, HTTP 400, exit 2),
never a RecursionError or a crashed worker, on every backend and entry point."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from otmlops.errors import UsageError
from otmlops.store import Store
from otmlops.store.sparql_text import MAX_NESTING
from tests.support.cli import run_cli
from tests.support.live_server import live_server

PART_OF = "<https://w3id.org/otmlops/isa95#partOf>"
DEEP_GROUPS = "SELECT * WHERE " + "{" * 1000 + f" ?s {PART_OF} ?o " + "}" * 1000
DEEP_PARENS = "SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }"
DEEP_UPDATE = (
    "INSERT { <http://example.org/a> <http://example.org/b> ?o } WHERE "
    + "{" * 1000
    + f" ?s {PART_OF} ?o "
    + "}" * 1000
)
#: At the limit: accepted, entailment included.
AT_LIMIT = "SELECT * WHERE " + "{" * MAX_NESTING + f" ?s {PART_OF} ?o " + "}" * MAX_NESTING


def test_nesting_beyond_the_limit_is_refused(any_store: Store) -> None:
    assert list(any_store.query(AT_LIMIT)) == []
    for text in (DEEP_GROUPS, DEEP_PARENS):
        with pytest.raises(UsageError, match=f"more than {MAX_NESTING} levels"):
            any_store.query(text)
    with pytest.raises(UsageError, match=f"more than {MAX_NESTING} levels"):
        any_store.update(DEEP_UPDATE)
    assert list(any_store.query(AT_LIMIT)) == []  # the store still answers


def test_http_answers_400_and_keeps_serving(tmp_path: Path) -> None:
    with live_server(tmp_path / "store", "--workers", "1") as srv:
        for text in (DEEP_GROUPS, DEEP_PARENS):
            r = httpx.post(
                srv.url("/sparql"),
                content=text,
                headers={"content-type": "application/sparql-query"},
                timeout=60,
            )
            assert r.status_code == 400, r.text
            assert str(MAX_NESTING) in r.text
        r = httpx.post(
            srv.url("/sparql"),
            content=DEEP_UPDATE,
            headers={"content-type": "application/sparql-update", **srv.auth},
            timeout=60,
        )
        assert r.status_code == 400 and str(MAX_NESTING) in r.text
        r = httpx.get(srv.url("/sparql"), params={"query": AT_LIMIT}, timeout=60)
        assert r.status_code == 200, r.text


def test_cli_exits_2(tmp_path: Path) -> None:
    result = run_cli("query", "--sparql", DEEP_PARENS, store=tmp_path / "store")
    assert result.returncode == 2, result.stderr
    assert f"more than {MAX_NESTING} levels" in result.stderr
    assert "Traceback" not in result.stderr
