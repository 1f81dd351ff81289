"""The start page at ``/``: what the server holds and where to go next.

Plain HTML built from data the route gathers; no script and no external asset (a Content
Security Policy can forbid both), one stylesheet served by this app. A web UI may replace it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import quote

from otmlops.http.docs_pages import ASSETS_URL, SITE_URL


@dataclass(frozen=True)
class HomeInfo:
    """What the page shows; ``graphs`` is None when the store could not be asked."""

    version: str
    store: str
    read_only: bool
    has_token: bool
    graphs: Sequence[dict[str, Any]] | None
    store_problem: str | None
    queries: Sequence[dict[str, Any]]


def render_home(info: HomeInfo, root: str = "") -> str:
    """The whole page; ``root`` is the ASGI root path (when served under a prefix)."""

    def link(path: str, text: str) -> str:
        return f'<a href="{escape(root + path)}">{escape(text)}</a>'

    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>otmlops {escape(info.version)}</title>",
        f'<link rel="stylesheet" href="{escape(root)}{SITE_URL}/home.css">',
        f'<link rel="icon" href="{escape(root)}{ASSETS_URL}/favicon.png">',
        "</head>",
        "<body>",
        "<main>",
        f"<h1>otmlops {escape(info.version)}</h1>",
        "<p>Knowledge graph of the MLOps lifecycle placed in RAMI 4.0 and ISA-95 (IEC 62264): "
        "a SPARQL endpoint, a graph store, named competency queries and mapping "
        "validation.</p>",
        "<h2>Where to go</h2>",
        "<ul>",
        f"<li>{link('/docs', 'API docs')} (Swagger UI: try each request) &middot; "
        f"{link('/redoc', 'ReDoc')} &middot; {link('/openapi.json', 'OpenAPI schema')}</li>",
        f"<li>{link('/queries', 'Query catalogue')} (JSON): {len(info.queries)} named "
        "competency queries, listed below</li>",
        f"<li>{link('/sparql', 'SPARQL endpoint')}: SPARQL 1.1 Protocol; without a query it "
        "describes itself</li>",
        f"<li>{link('/store', 'Graph store')} (SPARQL Graph Store Protocol), "
        f"{link('/healthz', 'health')}, {link('/metrics', 'metrics')}</li>",
        "</ul>",
        "<h2>What is loaded</h2>",
        f"<p>Store <code>{escape(info.store)}</code>. {_writes(info)}</p>",
        *_graph_table(info),
        "<h2>Named queries</h2>",
        *_query_table(info.queries, link),
        "</main>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def _writes(info: HomeInfo) -> str:
    if info.read_only:
        return "Read-only: writes are refused."
    if info.has_token:
        return "Writes need the bearer token."
    return "Writes are disabled (the server has no token)."


def _graph_table(info: HomeInfo) -> list[str]:
    if info.graphs is None:
        return [f'<p class="problem">The store did not answer: {escape(info.store_problem or "")}'
                "</p>"]
    data = [g for g in info.graphs if not g.get("system")]
    total = sum(int(g["triples"]) for g in info.graphs)
    lines = [f"<p>{len(info.graphs)} named graphs, {total:,} triples in all.</p>"]
    if not data:
        lines.append("<p>No data graphs yet: load files with <code>otmlops load FILE</code> "
                     "or PUT them to <code>/store?graph=IRI</code>.</p>")
    if info.graphs:
        lines += ["<table>", "<thead><tr><th>Graph</th><th>Triples</th><th>Kind</th></tr>"
                  "</thead>", "<tbody>"]
        for g in sorted(info.graphs, key=lambda g: (bool(g.get("system")), str(g["iri"]))):
            kind = "system" if g.get("system") else "data"
            lines.append(f"<tr><td><code>{escape(str(g['iri']))}</code></td>"
                         f'<td class="num">{int(g["triples"]):,}</td><td>{kind}</td></tr>')
        lines += ["</tbody>", "</table>"]
    return lines


def _query_table(queries: Sequence[dict[str, Any]], link: Any) -> list[str]:
    if not queries:
        return ["<p>The catalogue is empty.</p>"]
    lines = ["<table>", "<thead><tr><th>Query</th><th>Question</th><th>Needs</th></tr></thead>",
             "<tbody>"]
    for q in queries:
        needed = [p["name"] for p in q.get("params", []) if p.get("required")]
        name = (f"<code>{escape(q['id'])}</code>" if needed
                else link(f"/queries/{quote(q['id'])}", q["id"]))
        needs = ", ".join(f"<code>{escape(n)}</code>" for n in needed) or "&ndash;"
        lines.append(f"<tr><td>{name}</td><td>{escape(q['title'])}</td><td>{needs}</td></tr>")
    lines += ["</tbody>", "</table>"]
    return lines
