"""Property-based checks of the OpenAPI contract with schemathesis against a live server:
a bounded number of generated requests per operation, no 5xx answer, and every answer
matches the schema (status code documented, content type, body schema)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import httpx
import pytest

from tests.support.live_server import LiveServer, live_server

if TYPE_CHECKING:
    import schemathesis

EXAMPLES = 25

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # a deliberately wrong token: generated writes must all be refused, never applied
    with live_server(
        tmp_path_factory.mktemp("st") / "store", "--workers", "2", "--timeout", "5"
    ) as srv:
        yield srv


def test_api_contract(live: LiveServer) -> None:
    """Every documented operation, EXAMPLES generated requests each (pytest 9 cannot use
    schemathesis' pytest plugin, so the loop over operations is explicit). schemathesis and
    hypothesis are imported here: they take over a second to import, and every pytest worker
    imports every test module to collect it."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    # warm every worker's validation caches (shapes, ontology) so that a generated request
    # with a short time limit measures the request, not the first load of the shapes
    with ThreadPoolExecutor(4) as pool:
        list(
            pool.map(
                lambda _: httpx.post(
                    live.url("/validate"),
                    content=b"<a:b> <a:c> <a:d> .",
                    headers={"content-type": "application/n-triples"},
                    timeout=300,
                ),
                range(4),
            )
        )
    api = schemathesis.openapi.from_url(live.url("/openapi.json"))
    failures: list[str] = []
    labels = []
    for result in api.get_all_operations():
        operation = result.ok()
        labels.append(operation.label)

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(
                base_url=live.base,
                checks=[
                    not_a_server_error,
                    status_code_conformance,
                    content_type_conformance,
                    response_schema_conformance,
                ],
                timeout=30,
            )

        try:
            check()
        except Exception as exc:  # noqa: BLE001 - collect all operations' failures
            failures.append(f"{operation.label}: {exc}")
    assert {"GET /sparql", "POST /sparql", "GET /queries/{query_id}", "POST /validate"} <= set(
        labels
    )
    assert not failures, "\n\n".join(failures)
