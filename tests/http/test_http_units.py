"""Unit tests of the HTTP layer's pure parts: content negotiation, protocol parsing, limits."""

from __future__ import annotations

import pytest

from otmlops import media_types
from otmlops.errors import OtmlopsError, UsageError, status_of
from otmlops.http.protocol import parse_request
from otmlops.http.settings import ServerSettings
from otmlops.media_types import NotAcceptable, negotiate
from otmlops.runner.tasks import fix_error_position, update_names_dataset, with_base


@pytest.mark.parametrize(
    "accept, expected",
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("text/csv", "text/csv"),
        (
            "application/sparql-results+xml;q=0.9, text/tab-separated-values",
            "text/tab-separated-values",
        ),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.8", "application/sparql-results+xml"),
        ("application/json", "application/sparql-results+json"),
        ("text/*;q=0.9, application/sparql-results+json;q=0.1", "text/csv"),
        ("text/*, text/csv;q=0", "text/tab-separated-values"),
        (
            "text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8",
            "application/sparql-results+xml",
        ),
    ],
)
def test_result_negotiation(accept: str | None, expected: str) -> None:
    assert media_types.result_media_type(accept) == expected


@pytest.mark.parametrize(
    "accept, expected",
    [
        (None, "text/turtle"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/n-triples;q=0.2, application/ld+json;q=0.7", "application/ld+json"),
        ("application/trig, application/n-quads;q=0.9", "application/trig"),
        ("text/plain", "application/n-triples"),
        ("application/sparql-results+json, text/turtle;q=0.5", "text/turtle"),
    ],
)
def test_graph_negotiation(accept: str | None, expected: str) -> None:
    assert media_types.graph_media_type(accept) == expected


def test_not_acceptable_lists_what_is_available() -> None:
    with pytest.raises(NotAcceptable, match="text/csv"):
        negotiate("image/png", list(media_types.RESULT_FORMATS))
    with pytest.raises(NotAcceptable):
        negotiate("text/csv;q=0", ["text/csv"])


def test_malformed_accept_entries_are_skipped() -> None:
    assert media_types.result_media_type("garbage, text/csv;q=abc") == "text/csv"


def _parse(method: str, params: list[tuple[str, str]], ctype: str = "", body: bytes = b""):  # type: ignore[no-untyped-def]
    media, mparams = media_types.split_media_type(ctype) if ctype else ("", {})
    return parse_request(method, params, media, mparams, body)


def test_protocol_get_query_and_dataset() -> None:
    req = _parse(
        "GET",
        [
            ("query", "ASK {}"),
            ("default-graph-uri", "http://a"),
            ("named-graph-uri", "http://b"),
            ("named-graph-uri", "http://c"),
        ],
    )
    assert (req.kind, req.text, req.default_graphs, req.named_graphs) == (
        "query",
        "ASK {}",
        ["http://a"],
        ["http://b", "http://c"],
    )


def test_protocol_get_without_query_is_the_description() -> None:
    assert _parse("GET", []).kind == "describe"


@pytest.mark.parametrize(
    "method, params, ctype, body, status",
    [
        ("GET", [("query", "ASK {}"), ("query", "ASK {}")], "", b"", 400),
        ("GET", [("update", "CLEAR ALL")], "", b"", 400),
        ("PUT", [("query", "ASK {}")], "", b"", 405),
        ("POST", [], "", b"query=ASK", 400),
        ("POST", [], "text/plain", b"ASK {}", 415),
        ("POST", [], "application/sparql-query; charset=UTF-16", "ASK {}".encode("utf-16"), 400),
        ("POST", [], "application/sparql-query", b"ASK { \xff }", 400),
        ("POST", [], "application/x-www-form-urlencoded", b"update=A&update=B", 400),
        ("POST", [], "application/x-www-form-urlencoded", b"query=A&update=B", 400),
        ("POST", [], "application/x-www-form-urlencoded", b"nothing=1", 400),
        ("POST", [], "application/x-www-form-urlencoded", b"query=%FF", 400),
        ("POST", [("query", "ASK {}")], "application/sparql-query", b"ASK {}", 400),
        ("POST", [("default-graph-uri", "not an iri")], "application/sparql-query", b"ASK {}", 400),
        ("POST", [("using-graph-uri", "http://a")], "application/sparql-query", b"ASK {}", 400),
        ("POST", [], "application/sparql-update", b"   ", 400),
    ],
)
def test_protocol_misuse(
    method: str, params: list[tuple[str, str]], ctype: str, body: bytes, status: int
) -> None:
    with pytest.raises(OtmlopsError) as err:
        _parse(method, params, ctype, body)
    assert status_of(err.value).http_status == status
    assert str(err.value)


def test_protocol_form_update_with_using_graphs() -> None:
    req = _parse(
        "POST",
        [("using-graph-uri", "http://a")],
        "application/x-www-form-urlencoded",
        b"update=CLEAR+ALL&using-named-graph-uri=http%3A%2F%2Fb",
    )
    assert (req.kind, req.text, req.using_graphs, req.using_named_graphs) == (
        "update",
        "CLEAR ALL",
        ["http://a"],
        ["http://b"],
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", True),
        ("DELETE { ?s ?p ?o } USING <http://g> WHERE { ?s ?p ?o }", True),
        ("delete { ?s ?p ?o } using named <http://g> where { ?s ?p ?o }", True),
        ('INSERT DATA { <http://s> <http://p> "WITH USING" }', False),
        ("INSERT DATA { <http://with/using> <http://p> 1 } # WITH", False),
        ("DELETE WHERE { ?with ?using ex:with }", False),
    ],
)
def test_update_dataset_clause_detection(text: str, expected: bool) -> None:
    assert update_names_dataset(text) is expected


def test_base_prefix_keeps_error_columns() -> None:
    text, shift = with_base("ASK {", "http://localhost/sparql")
    assert text.startswith("BASE <http://localhost/sparql> ")
    assert (
        fix_error_position(f"error at 1:{5 + shift}: expected", shift) == "error at 1:5: expected"
    )
    assert fix_error_position("error at 2:3: x", shift) == "error at 2:3: x"


def test_request_timeout_is_capped() -> None:
    settings = ServerSettings(store="memory", timeout=30, max_timeout=60)
    assert settings.request_timeout(None) == 30
    assert settings.request_timeout("2.5") == 2.5
    assert settings.request_timeout("600") == 60
    for bad in ("abc", "0", "-1", "nan", "0.5", "5e-324"):
        with pytest.raises(UsageError):
            settings.request_timeout(bad)
