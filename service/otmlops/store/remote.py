"""Remote backend: any SPARQL 1.1 Query/Update + Graph Store Protocol server.

Location: ``http://host:port[/prefix][?query=...&update=...&store=...]``. Without overrides the
endpoints are Oxigraph server's: ``/query``, ``/update`` and ``/store`` under the prefix. Each
override is a path relative to the prefix or an absolute URL (Fuseki:
``http://localhost:3030/ds?query=sparql&update=update&store=data``). The environment variables
OTMLOPS_QUERY_URL, OTMLOPS_UPDATE_URL and OTMLOPS_STORE_URL override both.

The server must serve the union of its named graphs as the default graph (Oxigraph:
``oxigraph serve --union-default-graph``; Fuseki/TDB2: ``tdb2:unionDefaultGraph true``); this is
checked when the store is opened. Answers are parsed into pyoxigraph objects, so callers see the
same types as with the embedded store.
"""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from otmlops import http_client
from otmlops.errors import InputError, StoreError, UsageError
from otmlops.store import meta
from otmlops.store.base import ProgressCallback, QueryOutcome
from otmlops.store.common import (
    LoadItem,
    LoadPlan,
    SparqlBackedStore,
    check_rows,
    insert_data_update,
)
from otmlops.store.graphs import STAGING_PREFIX
from otmlops.store.sparql_text import dataset_clauses, has_dataset_clause
from otmlops.store.sparql_update import Operation, with_using_as_graph

#: Plans whose update text stays below this size go in one request (atomic, no staging).
INLINE_UPDATE_BYTES = 512 * 1024
_FORM = "application/x-www-form-urlencoded"
_RESULTS_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.5"


class RemoteStore(SparqlBackedStore):
    """A store reached over HTTP; keeps no state of its own beyond the connection."""

    #: Others may change the schema on the server; re-read the entailment rules this often.
    rules_ttl = 10.0

    def __init__(
        self,
        query_url: str,
        update_url: str,
        store_url: str,
        *,
        location: str | None = None,
        timeout: float = 300.0,
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url
        self.store_url = store_url
        self.location = location or query_url
        self._client = http_client.client(timeout=timeout, follow_redirects=True)

    @classmethod
    def from_location(cls, location: str) -> RemoteStore:
        parts = urlsplit(location)
        options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        unknown = set(options) - {"query", "update", "store"}
        if unknown:
            raise UsageError(
                f"unknown store URL option(s): {', '.join(sorted(unknown))} "
                "(known: query, update, store)"
            )
        base = urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/") + "/", "", ""))

        def endpoint(key: str, default: str) -> str:
            env = os.environ.get(f"OTMLOPS_{key.upper()}_URL")
            return env or urljoin(base, options.get(key, default))

        clean = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
        return cls(
            endpoint("query", "query"),
            endpoint("update", "update"),
            endpoint("store", "store"),
            location=clean,
        )

    def close(self) -> None:
        self._client.close()

    def _after_open(self, bootstrap: bool) -> None:
        try:
            super()._after_open(bootstrap)
        except httpx.HTTPError as exc:
            raise StoreError(f"cannot reach the SPARQL endpoint {self.query_url}: {exc}") from None
        bootstrapped = bool(
            self._raw_query(
                meta.bundle_ask_query(), union=False, default_graphs=None, named_graphs=None
            )
        )
        if bootstrapped and not bool(
            self._raw_query(
                meta.union_probe_query(), union=True, default_graphs=None, named_graphs=None
            )
        ):
            raise StoreError(
                f"the SPARQL server at {self.location} does not serve the union of its named "
                "graphs as the default graph; start Oxigraph with `oxigraph serve "
                "--union-default-graph` (Fuseki/TDB2: tdb2:unionDefaultGraph true)"
            )

    # -- HTTP -------------------------------------------------------------------------------

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise StoreError(f"cannot reach {url}: {exc}") from None
        if response.status_code >= 400:
            detail = response.text.strip()[:500]
            if response.status_code == 400:
                raise UsageError(f"the SPARQL server rejected the request: {detail}")
            raise StoreError(f"{method} {url} failed with HTTP {response.status_code}: {detail}")
        return response

    # -- primitives -------------------------------------------------------------------------

    def _raw_query(
        self,
        sparql: str,
        *,
        union: bool,
        default_graphs: Sequence[str] | None,
        named_graphs: Sequence[str] | None,
    ) -> QueryOutcome:
        if default_graphs is None and named_graphs is None and has_dataset_clause(sparql):
            # A union-default-graph server may ignore FROM; the protocol parameters win.
            default_graphs, named_graphs = dataset_clauses(sparql)
        data: list[tuple[str, str]] = [("query", sparql)]
        data += [("default-graph-uri", g) for g in default_graphs or ()]
        data += [("named-graph-uri", g) for g in named_graphs or ()]
        response = self._send(
            "POST",
            self.query_url,
            content=urlencode(data),
            headers={"Accept": _RESULTS_ACCEPT, "Content-Type": _FORM},
        )
        ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
        body = response.content
        if ctype in ("application/sparql-results+json", "application/json"):
            return ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        if ctype == "application/sparql-results+xml":
            return ox.parse_query_results(body, ox.QueryResultsFormat.XML)
        fmt = ox.RdfFormat.from_media_type(ctype)
        if fmt is None:
            raise StoreError(f"the SPARQL server answered with unsupported type {ctype!r}")
        # Re-run the graph through a local store so callers get a real QueryTriples object.
        scratch = ox.Store()
        scratch.load(body, fmt)
        return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")

    def _raw_update(self, sparql: str) -> None:
        self._send(
            "POST",
            self.update_url,
            content=urlencode({"update": sparql}),
            headers={"Content-Type": _FORM},
        )

    def _run_update(self, text: str, ops: list[Operation]) -> None:
        """One request to the server, which evaluates every WHERE over its union default graph
        in order. CLEAR/DROP NAMED and ALL are spelled out over the user graphs; a template
        ``GRAPH ?g`` is first checked against the managed graphs with a query."""
        for op in ops:
            if op.where is not None and any(ref.kind == "var" for ref in op.writes):
                query = f"{op.prologue}\nSELECT * WHERE {op.where}"
                result = self._raw_query(
                    self.entailed(query, identities=False),
                    union=not op.has_using,
                    default_graphs=op.using if op.has_using else None,
                    named_graphs=op.using_named if op.has_using else None,
                )
                assert isinstance(result, ox.QuerySolutions)
                variables = [v.value for v in result.variables]
                check_rows(op, variables, [tuple(s[v] for v in variables) for s in result])
        rewrite = any(op.kind in ("CLEAR", "DROP") or op.with_graph or op.has_using for op in ops)
        if rewrite:
            # Oxigraph accepts a prologue only at the start of a request: one for all
            parts = []
            for op in ops:
                spelled = with_using_as_graph(op)
                if spelled is not None:
                    parts.append(spelled)
                elif op.kind in ("CLEAR", "DROP"):
                    expanded = self._expand_all(op, in_request=len(ops) > 1)
                    parts.append(expanded.removeprefix(op.prologue).strip())
                else:
                    parts.append(op.text)
            body = " ;\n".join(p for p in parts if p)
            if not body:
                return
            text = f"{ops[-1].prologue}\n{body}"
        self._raw_update(self.entailed(text, identities=False))

    def graph_triples(self, graph: str | None) -> Iterator[ox.Triple]:
        """As in the base class; the default graph is read with the Graph Store Protocol,
        since a union-default-graph server answers queries without GRAPH from the union."""
        if graph is not None:
            return super().graph_triples(graph)
        response = self._send(
            "GET",
            self.store_url,
            params={"default": ""},
            headers={"Accept": "application/n-triples"},
        )
        return (q.triple for q in ox.parse(response.content, ox.RdfFormat.N_TRIPLES))

    def _graph_counts(self) -> dict[str, int]:
        result = self._raw_query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
            union=False,
            default_graphs=None,
            named_graphs=None,
        )
        assert isinstance(result, ox.QuerySolutions)
        return {
            row["g"].value: int(row["n"].value)
            for row in result
            if isinstance(row["g"], ox.NamedNode)
        }

    def _drop_graph(self, graph: str) -> None:
        self._raw_update(f"DROP GRAPH <{graph}>")

    def _append(self, item: LoadItem) -> None:
        data = _ntriples(item)
        params = {"graph": item.target} if item.target is not None else {"default": ""}
        self._send(
            "POST",
            self.store_url,
            params=params,
            content=data,
            headers={"Content-Type": "application/n-triples"},
        )

    def _write(self, plan: LoadPlan, progress: ProgressCallback | None) -> None:
        """Small plans: one update (DROP + INSERT DATA). Big plans: upload each graph to a
        staging graph with the Graph Store Protocol, check each staged count against what was
        parsed, then one update replaces the targets: ``MOVE`` without SILENT, so a staging
        graph that is missing fails the whole update and the old graphs stay. The staged
        copies are registered in the meta graph until the move is done (a crash before it
        leaves the old graphs, and the next open drops the staging graphs)."""
        total = sum(i.size for i in plan.items)
        if total <= INLINE_UPDATE_BYTES:
            text = insert_data_update(plan)
            if len(text.encode()) <= INLINE_UPDATE_BYTES * 2:
                self._raw_update(text)
                if progress is not None:
                    progress(2 * total, 2 * total)
                return
        by_graph = _split_by_graph(plan)
        staging = {g: f"{STAGING_PREFIX}{uuid.uuid4()}" for g, (_, n) in by_graph.items() if n}
        if staging:
            self._raw_update(" ;\n".join(meta.add_pending_update(s) for s in staging.values()))
        try:
            done = 0
            for graph, stage in staging.items():
                data, expected = by_graph[graph]
                self._send(
                    "PUT",
                    self.store_url,
                    params={"graph": stage},
                    content=data,
                    headers={"Content-Type": "application/n-triples"},
                )
                stored = self._count_graph(stage)
                if stored != expected:
                    raise StoreError(
                        f"the server stored {stored} of {expected} triples for "
                        f"{graph or 'the default graph'}; nothing was replaced"
                    )
                done += len(data)
                if progress is not None:
                    progress(total + min(total, done), 2 * total)
            ops = ["DROP SILENT DEFAULT"] if plan.replace_default else []
            ops += [f"DROP SILENT GRAPH <{g}>" for g in sorted(plan.replace) if g not in staging]
            for graph, stage in staging.items():
                target = "DEFAULT" if graph == "" else f"GRAPH <{graph}>"
                ops.append(f"MOVE GRAPH <{stage}> TO {target}")
                ops.append(meta.remove_pending_update(stage))
            self._raw_update(" ;\n".join(ops))
        except BaseException:
            self._drop_staging(staging.values())
            raise

    def _drop_staging(self, stages: Iterable[str]) -> None:
        """Best effort after a failed replace: the old graphs are untouched either way."""
        ops = [f"DROP SILENT GRAPH <{s}> ;\n{meta.remove_pending_update(s)}" for s in stages]
        if ops:
            try:
                self._raw_update(" ;\n".join(ops))
            except (StoreError, UsageError):
                pass


def _ntriples(item: LoadItem) -> bytes:
    out = io.BytesIO()
    ox.serialize(
        (ox.Triple(q.subject, q.predicate, q.object) for q in item.quads()),
        out,
        ox.RdfFormat.N_TRIPLES,
    )
    return out.getvalue()


def _split_by_graph(plan: LoadPlan) -> dict[str, tuple[bytes, int]]:
    """N-Triples per target graph ("" for the default graph), with the number of distinct
    triples each holds; every replaced graph is present, possibly empty."""
    buffers: dict[str, dict[str, None]] = {g: {} for g in plan.replace}
    for item in plan.items:
        for q in item.quads():
            key = "" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
            if key == "" and not plan.replace_default:
                raise InputError(
                    "triples outside any named graph need a target graph", source=item.name
                )
            buffers.setdefault(key, {})[f"{q.subject} {q.predicate} {q.object} .\n"] = None
    return {g: ("".join(lines).encode(), len(lines)) for g, lines in buffers.items()}
