"""``import aas --server``: read shells and submodels from an AAS repository (AAS API V3).

``GET {url}/shells`` and ``GET {url}/submodels`` (and ``/concept-descriptions`` when the server
offers it), page by page (``limit`` and ``cursor``; a page with fewer items than asked for, or
without a cursor, is the last), each item read with aas-core3.1 like a JSON file, so the result
is an environment the file importer converts unchanged.
"""

from __future__ import annotations

import aas_core3_1.jsonization as aas_json
import aas_core3_1.types as aas
import httpx

from otmlops import http_client
from otmlops.errors import InputError, UsageError

_PAGE = 100
_MAX_PAGES = 10_000


def read_repository(
    url: str, *, token: str | None = None, page_size: int = _PAGE, timeout: float = 30.0
) -> aas.Environment:
    if not url.startswith(("http://", "https://")):
        raise UsageError(
            f"not an AAS repository URL: {url!r} (expected http(s)://HOST/PATH, "
            "e.g. http://localhost:8081/api/v3.0)"
        )
    base = url.rstrip("/")
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        with http_client.client(timeout=timeout, headers=headers) as client:
            shells = [
                _parse(aas_json.asset_administration_shell_from_jsonable, item, url, f"shells[{i}]")
                for i, item in enumerate(_pages(client, base + "/shells", page_size))
            ]
            submodels = [
                _parse(aas_json.submodel_from_jsonable, item, url, f"submodels[{i}]")
                for i, item in enumerate(_pages(client, base + "/submodels", page_size))
            ]
            concepts = [
                _parse(
                    aas_json.concept_description_from_jsonable,
                    item,
                    url,
                    f"concept-descriptions[{i}]",
                )
                for i, item in enumerate(
                    _pages(client, base + "/concept-descriptions", page_size, optional=True)
                )
            ]
    except httpx.HTTPError as exc:
        raise InputError(f"cannot read the AAS repository: {exc}", source=url) from exc
    return aas.Environment(
        asset_administration_shells=shells or None,
        submodels=submodels or None,
        concept_descriptions=concepts or None,
    )


def _pages(client: httpx.Client, url: str, size: int, optional: bool = False):
    """Every item of a paged collection, each once (by ``id``).

    The cursor is opaque and passed back as given. One server seen in the wild (the BaSyx Python
    SDK 1.2 server) returns a numeric cursor one short of the next page, so its next page repeats
    the last item; when a page brings nothing new under a numeric cursor, the cursor is moved on
    by one from then on.
    """
    cursor: str | None = None
    shift = 0
    seen: set[str] = set()
    for _ in range(_MAX_PAGES):
        asked = str(int(cursor) + shift) if cursor and shift and cursor.isdigit() else cursor
        body = _get(
            client, url, {"limit": str(size)} | ({"cursor": asked} if asked else {}), optional
        )
        if body is None:
            return
        items = body.get("result") if isinstance(body, dict) else body
        if not isinstance(items, list):
            raise InputError(f"GET {url}: expected a paged result with a 'result' list", source=url)
        new = [i for i in items if not (isinstance(i, dict) and i.get("id") in seen)]
        if items and not new:
            if cursor and cursor.isdigit() and not shift:
                shift = 1
                continue
            return
        seen.update(i["id"] for i in new if isinstance(i, dict) and isinstance(i.get("id"), str))
        yield from new
        nxt = (body.get("paging_metadata") or {}).get("cursor") if isinstance(body, dict) else None
        if not nxt or len(items) < size:
            return
        cursor = str(nxt)


def _get(client: httpx.Client, url: str, params: dict[str, str], optional: bool):
    response = client.get(url, params=params)
    if response.status_code == 404 and optional:
        return None
    if response.status_code in (401, 403):
        raise InputError(
            f"the AAS repository refused access ({response.status_code}); "
            "set $OTMLOPS_AAS_TOKEN to a bearer token",
            source=url,
        )
    if response.status_code != 200:
        raise InputError(
            f"GET {response.url} answered {response.status_code}: {response.text[:200]}", source=url
        )
    try:
        return response.json()
    except ValueError as exc:
        raise InputError(f"GET {response.url} did not answer JSON", source=url) from exc


def _parse(reader, item: object, url: str, where: str):
    try:
        return reader(item)
    except aas_json.DeserializationException as exc:
        raise InputError(f"{where} is not AAS V3 at {exc.path}: {exc.cause}", source=url) from exc
