"""A store reached through a running ``otmlops serve``: its /sparql and /store routes.

Used for ``--store http://HOST:PORT`` when that URL is an otmlops service, and for a store
folder that a running service holds (its record names the URL, see :mod:`otmlops.store.holder`),
so reads work beside the server and writes go through it. The service does what the embedded
store would (entailment, bootstrap, atomic loads); this class only moves requests and answers:

- queries and updates go to /sparql (the service widens them for entailment itself);
- a load that fills one graph is one Graph Store PUT of N-Triples (atomic on the server, and
  its bulk loader for big graphs); a load that fills several graphs is one SPARQL update;
- writes need the service's bearer token (``token``, else $OTMLOPS_TOKEN) and are refused
  before any work when there is none.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox

from otmlops import http_client
from otmlops.errors import StoreError, UsageError, error_for_status
from otmlops.store.base import LoadReport, ProgressCallback
from otmlops.store.common import LoadPlan, insert_data_update
from otmlops.store.remote import RemoteStore, _ntriples

_STATUS_PREFIX = re.compile(r"^\d{3} [^:]*: ")
#: The time limit asked of the service for each request, seconds (it applies its own maximum).
LONG_TIMEOUT_S = 86400


def probe(url: str, *, timeout: float = 5.0, quiet: bool = True) -> dict[str, object] | None:
    """The /healthz answer of the otmlops service at ``url``, or None if it is not one (any
    other SPARQL server). Nothing listening there is None too, or with ``quiet=False`` a
    StoreError that says what to do."""
    try:
        with http_client.client(timeout=timeout) as client:
            response = client.get(url.rstrip("/") + "/healthz")
        body = response.json()
    except httpx.ConnectError as exc:
        if quiet:
            return None
        raise StoreError(
            f"cannot reach {url} ({exc}); start `otmlops serve` (or the "
            "SPARQL server) there first, or check the --store URL"
        ) from None
    except (httpx.HTTPError, ValueError):
        return None
    if isinstance(body, dict) and "version" in body and "status" in body:
        return body
    return None


class ServiceStore(RemoteStore):
    """An otmlops service as a store; ``folder`` is set when it stands in for a store folder
    the service holds (messages then say so and what to do)."""

    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        folder: Path | None = None,
        timeout: float = 300.0,
    ) -> None:
        base = url.rstrip("/")
        super().__init__(
            f"{base}/sparql",
            f"{base}/sparql",
            f"{base}/store",
            location=str(folder) if folder is not None else base,
            timeout=timeout,
        )
        self.url = base
        self.folder = folder
        #: Whether the service takes writes at all (its /healthz says; None: unknown).
        self._writes: bool | None = None
        token = token if token is not None else os.environ.get("OTMLOPS_TOKEN", "")
        self.token = token.strip() or None
        if self.token:
            self._client.headers["Authorization"] = f"Bearer {self.token}"
        # ask for a long time limit: the service caps it at its largest (serve --max-timeout);
        # a command on the folder itself would have none
        self._client.params = httpx.QueryParams({"timeout": str(LONG_TIMEOUT_S)})

    # -- opening ----------------------------------------------------------------------------

    def _after_open(self, bootstrap: bool) -> None:
        """The service opened, recovered and bootstrapped its store; check that it answers."""
        try:
            response = self._client.get(f"{self.url}/healthz")
        except httpx.HTTPError as exc:
            raise StoreError(
                f"{self._who()} does not answer ({exc}); check that it is "
                "running, or stop it to use the store folder directly"
            ) from None
        if response.status_code != 200:
            raise StoreError(
                f"{self._who()} is not ready (HTTP {response.status_code}); try again in a moment"
            )
        try:
            self._writes = response.json().get("writes")
        except (ValueError, AttributeError):
            self._writes = None

    def bootstrap(self, *, force: bool = False) -> None:
        """Nothing to do: the service keeps its own store bootstrapped."""

    def entailed(self, sparql: str, *, identities: bool = True) -> str:
        """Unchanged: the service widens queries and updates for entailment itself."""
        return sparql

    # -- writes -----------------------------------------------------------------------------

    def load(
        self,
        source: Path | bytes,
        *,
        graph: str | None = None,
        format: ox.RdfFormat | None = None,
        base_iri: str | None = None,
        source_name: str | None = None,
        progress: ProgressCallback | None = None,
        record_prefixes: bool = True,
    ) -> LoadReport:
        self._require_token()
        return super().load(
            source,
            graph=graph,
            format=format,
            base_iri=base_iri,
            source_name=source_name,
            progress=progress,
            record_prefixes=record_prefixes,
        )

    def add_to_graph(
        self,
        source: Path | bytes,
        *,
        graph: str | None,
        format: ox.RdfFormat | None = None,
        base_iri: str | None = None,
        record_prefixes: bool = True,
    ) -> int:
        self._require_token()
        return super().add_to_graph(
            source, graph=graph, format=format, base_iri=base_iri, record_prefixes=record_prefixes
        )

    def _record_prefixes(self, update: str) -> None:
        """Left to the service: it guards its meta graph against SPARQL Update, records what
        its own loads declare (N-Triples declare nothing) and forgets a dropped graph's
        records itself (docs/store.md)."""

    def update(
        self,
        sparql: str,
        *,
        using_graphs: Sequence[str] | None = None,
        using_named_graphs: Sequence[str] | None = None,
    ) -> None:
        self._require_token()
        super().update(sparql, using_graphs=using_graphs, using_named_graphs=using_named_graphs)

    def drop(self, graph: str) -> None:
        self._require_token()
        super().drop(graph)

    def replace_graphs(
        self, graphs: Mapping[str, bytes], *, format: ox.RdfFormat, source_name: str = "<input>"
    ) -> dict[str, int]:
        self._require_token()
        return super().replace_graphs(graphs, format=format, source_name=source_name)

    def replace_default_graph(
        self, source: Path | bytes, *, format: ox.RdfFormat, base_iri: str | None = None
    ) -> int:
        self._require_token()
        return super().replace_default_graph(source, format=format, base_iri=base_iri)

    def _write(self, plan: LoadPlan, progress: ProgressCallback | None) -> None:
        total = 2 * sum(i.size for i in plan.items)
        if len(plan.replace) == 1 and len(plan.items) == 1:
            [graph] = plan.replace
            self._send(
                "PUT",
                self.store_url,
                params={"graph": graph},
                content=_ntriples(plan.items[0]),
                headers={"Content-Type": "application/n-triples"},
            )
        else:
            self._raw_update(insert_data_update(plan))
        if progress is not None:
            progress(total, total)

    def _require_token(self) -> None:
        if self._writes is False:
            raise UsageError(
                f"{self._who()} takes no writes (it runs --read-only, or was "
                "started without a token)" + self._or_stop()
            )
        if self.token is None:
            raise UsageError(
                f"{self._who()} takes writes only with its token: pass --token "
                "TOKEN or set OTMLOPS_TOKEN" + self._or_stop()
            )

    # -- reads ------------------------------------------------------------------------------

    def _graph_names(self) -> set[str]:
        """The graph names alone (a load asks for them; counting would read every triple)."""
        rows = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        return {row["g"].value for row in rows if isinstance(row["g"], ox.NamedNode)}

    def has_graph(self, graph: str) -> bool:
        result = self._raw_query(
            f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
            union=False,
            default_graphs=None,
            named_graphs=None,
        )
        return bool(result)

    # -- HTTP -------------------------------------------------------------------------------

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise StoreError(f"{self._who()} does not answer ({exc})") from None
        status = response.status_code
        if status < 400:
            return response
        detail = _detail(response)
        if status == 401:
            detail = (
                f"{self._who()} did not accept the token ({detail}); pass the "
                "token the service was started with (--token or OTMLOPS_TOKEN)"
            )
        elif status == 403:
            detail = f"{self._who()} refuses writes: {detail}" + self._or_stop()
        elif status == 413:
            detail = (
                f"the data is too big to send to {self._who()} ({detail}); "
                "restart the service with a larger --body-limit" + self._or_stop(", or")
            )
        elif status == 503:
            detail = f"{detail} ({self._who()})"
        elif status >= 500:
            detail = f"{self._who()} failed: HTTP {status}: {detail}"
        raise error_for_status(status, detail)

    def _who(self) -> str:
        if self.folder is not None:
            return f"`otmlops serve` at {self.url} (it holds the store {self.folder})"
        return f"the otmlops service at {self.url}"

    def _or_stop(self, joint: str = "; or") -> str:
        if self.folder is None:
            return ""
        return f"{joint} stop the service and run the command again to use the folder directly"


def _detail(response: httpx.Response) -> str:
    """The reason an error answer gives (JSON ``detail`` or the text after the status)."""
    try:
        body = response.json()
        if isinstance(body, dict) and "detail" in body:
            return str(body["detail"])
    except ValueError:
        pass
    text = response.text.strip().splitlines()[0] if response.text.strip() else ""
    return _STATUS_PREFIX.sub("", text)[:500] or f"HTTP {response.status_code}"
