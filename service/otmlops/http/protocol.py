"""SPARQL 1.1 Protocol request parsing: which operation a request asks for, and its dataset.

Pure functions over (method, URL parameters, Content-Type, body), so the rules of the
protocol (section 2.1 query, 2.2 update) are tested without a server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from otmlops.errors import MethodNotAllowed, UnsupportedMediaType, UsageError
from otmlops.http.bodies import check_charset, decode_utf8

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"


@dataclass
class SparqlRequest:
    """One parsed protocol request. ``kind`` is 'query', 'update' or 'describe' (no query:
    the service description)."""

    kind: str
    text: str = ""
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    using_graphs: list[str] = field(default_factory=list)
    using_named_graphs: list[str] = field(default_factory=list)
    #: every ``timeout`` value given (URL and form); otmlops.http.shared_params parses them
    timeouts: list[str] = field(default_factory=list)


def _one(params: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in params if k == name]
    if len(values) > 1:
        raise UsageError(
            f"the request has {len(values)} '{name}' parameters; the protocol allows exactly one",
        )
    return values[0] if values else None


def _all(params: list[tuple[str, str]], name: str) -> list[str]:
    return [v for k, v in params if k == name]


def _parse_form(body: bytes) -> list[tuple[str, str]]:
    text = decode_utf8(body, "the form body")
    try:
        return parse_qsl(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except UnicodeDecodeError:
        raise UsageError("the form body has percent-encoded bytes that are not UTF-8") from None


def parse_request(
    method: str,
    url_params: list[tuple[str, str]],
    media_type: str,
    media_params: dict[str, str],
    body: bytes,
) -> SparqlRequest:
    """Decide what a /sparql request asks for, or raise UsageError (400, 405, 415) saying
    why."""
    params = list(url_params)
    if method == "GET":
        if _all(params, "update"):
            raise UsageError("updates must be sent with POST, not GET")
        text = _one(params, "query")
        if text is None:
            return SparqlRequest("describe", timeouts=_all(params, "timeout"))
        return _build("query", text, params)
    if method != "POST":
        raise MethodNotAllowed(f"{method} is not allowed on the SPARQL endpoint; use GET or POST")
    if media_type == FORM:
        check_charset(media_params)
        params += _parse_form(body)
        has_query, has_update = bool(_all(params, "query")), bool(_all(params, "update"))
        if has_query and has_update:
            raise UsageError("a request may carry a query or an update, not both")
        if has_update:
            return _build("update", _one(params, "update") or "", params)
        if has_query:
            return _build("query", _one(params, "query") or "", params)
        raise UsageError("the form has neither a 'query' nor an 'update' field")
    if media_type in (QUERY, UPDATE):
        check_charset(media_params)
        kind = "query" if media_type == QUERY else "update"
        if _all(params, "query") or _all(params, "update"):
            raise UsageError(
                f"with Content-Type {media_type} the {kind} is the body; "
                "do not also pass it as a URL parameter",
            )
        return _build(kind, decode_utf8(body, f"the {kind}"), params)
    if not media_type:
        raise UsageError(
            f"a POST to the SPARQL endpoint needs a Content-Type: {FORM}, {QUERY} or {UPDATE}"
        )
    raise UnsupportedMediaType(
        f"unsupported Content-Type {media_type!r}; use {FORM}, {QUERY} or {UPDATE}"
    )


def _build(kind: str, text: str, params: list[tuple[str, str]]) -> SparqlRequest:
    if not text.strip():
        raise UsageError(f"the {kind} is empty")
    req = SparqlRequest(kind, text, timeouts=_all(params, "timeout"))
    if kind == "query":
        req.default_graphs = _all(params, "default-graph-uri")
        req.named_graphs = _all(params, "named-graph-uri")
        if _all(params, "using-graph-uri") or _all(params, "using-named-graph-uri"):
            raise UsageError(
                "using-graph-uri/using-named-graph-uri apply to updates; "
                "queries take default-graph-uri/named-graph-uri",
            )
    else:
        req.using_graphs = _all(params, "using-graph-uri")
        req.using_named_graphs = _all(params, "using-named-graph-uri")
        if _all(params, "default-graph-uri") or _all(params, "named-graph-uri"):
            raise UsageError(
                "default-graph-uri/named-graph-uri apply to queries; "
                "updates take using-graph-uri/using-named-graph-uri",
            )
    for iri in req.default_graphs + req.named_graphs + req.using_graphs + req.using_named_graphs:
        check_iri(iri)
    return req


def check_iri(iri: str) -> str:
    """An absolute IRI or UsageError (400)."""
    import pyoxigraph as ox

    try:
        ox.NamedNode(iri)
    except ValueError as exc:
        raise UsageError(f"{iri!r} is not a valid absolute IRI: {exc}") from None
    if ":" not in iri:
        raise UsageError(f"{iri!r} is not an absolute IRI")
    return iri
