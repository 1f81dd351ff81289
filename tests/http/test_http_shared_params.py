"""The same bad shared input gets the same answer on every route (docs/http.md, "Errors").

The routes are listed from the app itself, so a new route is swept too: the test fails until
it has an example request below. For each route that takes ``timeout`` (it declares the
parameter), every kind of bad time limit must be a 400 with the same message, in the
route's error body shape; a route that takes no ``timeout`` must ignore one. Each route
that takes a request body must treat every spelling of UTF-8 alike, and refuse another
charset (400), a missing Content-Type (400) and an unsupported one (415), alike.
In-process (TestClient over a memory store): this is about statuses, not processes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from httpx import Response
from starlette.routing import BaseRoute, Route

from otmlops.http.app import create_app
from otmlops.http.errors import wants_text
from otmlops.http.settings import ServerSettings

TOKEN = "sweep-t0ken"
AUTH = {"authorization": f"Bearer {TOKEN}"}
GRAPH = "http://example.org/sweep"
NT = b"<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n"
UC = "https://w3id.org/otmlops/examples/x#UseCase"


@dataclass(frozen=True)
class Example:
    """A request a route answers without error (or at least not for its shared inputs)."""

    url: str
    params: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] | None = None


#: One example request per (method, route path). A route missing here fails the sweep.
EXAMPLES: dict[tuple[str, str], Example] = {
    ("GET", "/sparql"): Example("/sparql", (("query", "ASK {}"),)),
    ("POST", "/sparql"): Example(
        "/sparql", body=b"ASK {}", content_type="application/sparql-query"
    ),
    ("GET", "/store"): Example("/store", (("default", ""),)),
    ("HEAD", "/store"): Example("/store", (("default", ""),)),
    ("PUT", "/store"): Example("/store", (("graph", GRAPH),), NT, "application/n-triples", AUTH),
    ("POST", "/store"): Example("/store", (("graph", GRAPH),), NT, "application/n-triples", AUTH),
    ("DELETE", "/store"): Example("/store", (("default", ""),), headers=AUTH),
    ("GET", "/store/{path:path}"): Example("/store/direct"),
    ("HEAD", "/store/{path:path}"): Example("/store/direct"),
    ("PUT", "/store/{path:path}"): Example("/store/direct", (), NT, "application/n-triples", AUTH),
    ("POST", "/store/{path:path}"): Example("/store/direct", (), NT, "application/n-triples", AUTH),
    ("DELETE", "/store/{path:path}"): Example("/store/direct-to-delete", headers=AUTH),
    ("GET", "/queries"): Example("/queries"),
    ("GET", "/queries/{query_id}"): Example("/queries/use-case-overview"),
    ("POST", "/validate"): Example("/validate", body=NT, content_type="application/n-triples"),
    ("GET", "/healthz"): Example("/healthz"),
    ("GET", "/metrics"): Example("/metrics"),
    ("GET", "/openapi.json"): Example("/openapi.json"),
    ("GET", "/docs"): Example("/docs"),
    ("GET", "/redoc"): Example("/redoc"),
    ("GET", "/favicon.ico"): Example("/favicon.ico"),
    ("GET", "/"): Example("/"),
    ("GET", "/ui/rami"): Example("/ui/rami"),
    ("GET", "/ui/rami/cell"): Example(
        "/ui/rami/cell",
        (("layer", "Business"), ("level", "Enterprise"), ("phase", "Development")),
    ),
    ("GET", "/ui/gaps"): Example("/ui/gaps"),
    ("GET", "/ui/isa95"): Example("/ui/isa95"),
    ("GET", "/ui/api/isa95/children"): Example("/ui/api/isa95/children"),
    ("POST", "/ui/api/labels"): Example(
        "/ui/api/labels", body=b'{"iris": []}', content_type="application/json"
    ),
    ("GET", "/ui/use-case"): Example("/ui/use-case", (("iri", UC),)),
    ("GET", "/ui/stage"): Example("/ui/stage", (("iri", UC),)),
    ("GET", "/ui/report"): Example("/ui/report", (("iri", UC),)),
    ("GET", "/ui/query"): Example("/ui/query"),
    ("GET", "/ui/validate"): Example("/ui/validate"),
    ("POST", "/ui/validate"): Example(
        "/ui/validate", form={"text": NT.decode(), "syntax": "application/n-triples"}
    ),
    ("POST", "/ui/validate/fixed"): Example(
        "/ui/validate/fixed", form={"text": NT.decode(), "syntax": "application/n-triples"}
    ),
}

#: Bad time limits, each sent as ``timeout`` (a list: the parameter repeated).
BAD_TIMEOUTS: dict[str, list[str]] = {
    "not a number": ["soon"],
    "negative": ["-5"],
    "zero": ["0"],
    "below the minimum": ["0.5"],
    "NaN": ["nan"],
    "repeated": ["5", "6"],
}
#: Time limits that are not errors: over --max-timeout is capped, empty means the default.
GOOD_TIMEOUTS: dict[str, list[str]] = {
    "over the limit (capped)": ["100000"],
    "empty (the default)": [""],
    "fractional": ["2.5"],
}
UTF8_SPELLINGS = ("utf-8", "UTF-8", "utf8", "UTF_8", "us-ascii")


def _api_routes(routes: list[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route of the app, descending into included routers (which newer FastAPI
    versions keep as one route object each)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _api_routes(list(inner.routes))
        else:
            yield route


def _endpoints(app: FastAPI) -> list[tuple[str, str, BaseRoute]]:
    """(method, path template, route) of every endpoint; a plain Starlette route's
    automatic HEAD (beside its GET) is left out, FastAPI routes list what they declare."""
    found: list[tuple[str, str, BaseRoute]] = []
    for route in _api_routes(list(app.routes)):
        if isinstance(route, (APIRoute, Route)) and route.methods:
            for method in sorted(route.methods):
                if method == "HEAD" and not isinstance(route, APIRoute):
                    continue
                found.append((method, route.path, route))
    return found


def _takes_timeout(route: BaseRoute) -> bool:
    """The route declares a ``timeout`` query parameter (itself or by a dependency)."""
    if not isinstance(route, APIRoute):
        return False
    return "timeout" in _query_names(route.dependant)


def _query_names(dependant: Dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def _takes_body(method: str, route: BaseRoute) -> bool:
    """The route documents an RDF or SPARQL request body (the API, not the workbench's
    forms), and the method sends one."""
    extra = getattr(route, "openapi_extra", None) or {}
    return method in ("POST", "PUT") and "requestBody" in extra


@pytest.fixture(scope="module")
def app() -> FastAPI:
    return create_app(
        ServerSettings(store="memory", token=TOKEN, timeout=30, max_timeout=60, workers=2)
    )


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        for path in ("/store/direct", "/store/direct-to-delete"):  # so the examples find them
            r = c.put(path, content=NT, headers={"content-type": "application/n-triples", **AUTH})
            assert r.status_code in (201, 204), r.text
        yield c


def _send(
    client: TestClient,
    method: str,
    example: Example,
    *,
    timeout: list[str] | None = None,
    content_type: str | None = "",
) -> Response:
    params = list(example.params) + [("timeout", t) for t in timeout or []]
    headers = dict(example.headers)
    ctype = example.content_type if content_type == "" else content_type
    if ctype is not None:
        headers["content-type"] = ctype
    if example.form is not None:
        return client.request(
            method, example.url, params=params, data=example.form, headers=headers
        )
    return client.request(method, example.url, params=params, content=example.body, headers=headers)


def _same(r: Response, baseline: Response) -> bool:
    """Answered alike: the same status, up to a write's 201 (created) or 204 (replaced), or
    a delete's 404 once the example's graph is gone."""
    if r.status_code == baseline.status_code:
        return True
    return {r.status_code, baseline.status_code} in ({201, 204}, {204, 404})


def _error_of(path: str, r: Response) -> tuple[int, str]:
    """(status, message) of an error answer, checking the body has the route's shape:
    plain ``STATUS Phrase: message`` on /sparql and /store, JSON {status, error, detail}
    elsewhere."""
    if wants_text(path):
        assert r.headers["content-type"].startswith("text/plain"), r.headers
        head, _, message = r.text.partition(": ")
        assert head.startswith(str(r.status_code)), r.text
        return r.status_code, message.strip()
    body = r.json()
    assert set(body) == {"status", "error", "detail"}, body
    assert body["status"] == r.status_code
    return r.status_code, body["detail"]


def test_every_route_has_an_example(app: FastAPI) -> None:
    missing = [
        f"{method} {path}" for method, path, _ in _endpoints(app) if (method, path) not in EXAMPLES
    ]
    assert not missing, f"add an example request to EXAMPLES for: {missing}"
    # and the routes that must take the shared inputs do
    takes = {(m, p) for m, p, r in _endpoints(app) if _takes_timeout(r)}
    assert {("GET", "/sparql"), ("GET", "/queries/{query_id}"), ("POST", "/validate")} <= takes
    assert ("PUT", "/store") in takes and ("GET", "/store/{path:path}") in takes


def test_a_bad_timeout_is_the_same_400_everywhere(app: FastAPI, client: TestClient) -> None:
    answers: dict[str, dict[str, tuple[int, str]]] = {kind: {} for kind in BAD_TIMEOUTS}
    for method, path, route in _endpoints(app):
        example = EXAMPLES[(method, path)]
        baseline = _send(client, method, example)
        where = f"{method} {path}"
        if _takes_timeout(route):
            assert baseline.status_code < 400, (where, baseline.status_code, baseline.text)
            for kind, values in BAD_TIMEOUTS.items():
                r = _send(client, method, example, timeout=values)
                if method == "HEAD":  # no body to read: the status must agree
                    answers[kind][where] = (r.status_code, "")
                    continue
                answers[kind][where] = _error_of(path, r)
            for kind, values in GOOD_TIMEOUTS.items():
                r = _send(client, method, example, timeout=values)
                assert _same(r, baseline), (where, kind, r.text)
        else:
            r = _send(client, method, example, timeout=["soon"])
            assert _same(r, baseline), (where, "timeout is not its parameter", r.text)
    for kind, by_route in answers.items():
        statuses = {where: status for where, (status, _) in by_route.items()}
        assert set(statuses.values()) == {400}, (kind, statuses)
        messages = {message for message in (m for _, m in by_route.values()) if message}
        assert len(messages) == 1, (kind, messages)  # one parser, one message
        assert "timeout" in messages.pop()


def test_sparql_takes_timeout_from_the_form_the_same_way(client: TestClient) -> None:
    url = client.post(
        "/sparql",
        params={"timeout": "soon"},
        content=b"ASK {}",
        headers={"content-type": "application/sparql-query"},
    )
    form = client.post(
        "/sparql",
        data={"query": "ASK {}", "timeout": "soon"},
    )
    both = client.post("/sparql", params={"timeout": "5"}, data={"query": "ASK {}", "timeout": "5"})
    assert (url.status_code, form.status_code, both.status_code) == (400, 400, 400)
    assert url.text == form.text
    assert "give it once" in both.text
    ok = client.post("/sparql", data={"query": "ASK {}", "timeout": "100000"})
    assert ok.status_code == 200, ok.text


def test_body_charset_and_media_type_are_judged_alike(app: FastAPI, client: TestClient) -> None:
    bodies = [(m, p) for m, p, r in _endpoints(app) if _takes_body(m, r)]
    assert {("POST", "/sparql"), ("PUT", "/store"), ("POST", "/validate")} <= set(bodies)
    refused: dict[str, dict[str, tuple[int, str]]] = {"charset": {}, "none": {}, "media": {}}
    for method, path in bodies:
        example = EXAMPLES[(method, path)]
        assert example.content_type is not None
        where = f"{method} {path}"
        baseline = _send(client, method, example)
        assert baseline.status_code < 400, (where, baseline.text)
        for spelling in UTF8_SPELLINGS:
            r = _send(
                client, method, example, content_type=f"{example.content_type}; charset={spelling}"
            )
            assert _same(r, baseline), (where, spelling, r.text)
        ctype = f"{example.content_type}; charset=latin-1"
        refused["charset"][where] = _error_of(
            path, _send(client, method, example, content_type=ctype)
        )
        refused["none"][where] = _error_of(path, _send(client, method, example, content_type=None))
        refused["media"][where] = _error_of(
            path, _send(client, method, example, content_type="image/png")
        )
    expected = {"charset": 400, "none": 400, "media": 415}
    for kind, by_route in refused.items():
        statuses = {where: status for where, (status, _) in by_route.items()}
        assert set(statuses.values()) == {expected[kind]}, (kind, statuses)
    charset_messages = {message for _, message in refused["charset"].values()}
    assert charset_messages == {"only UTF-8 text is accepted, not charset=latin-1"}


def test_a_missing_query_parameter_is_a_400_too(client: TestClient) -> None:
    """Parameters FastAPI checks itself (here the workbench's required ``iri``) answer
    like the others: 400, not FastAPI's default 422."""
    r = client.get("/ui/use-case")
    assert r.status_code == 400
    assert json.loads(r.text)["status"] == 400
