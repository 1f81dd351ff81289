"""What a person meets first: ``otmlops serve`` saying where it listens (or why it cannot),
the start page at ``/``, and API docs that work without internet."""

from __future__ import annotations

import queue
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from otmlops.http.app import create_app
from otmlops.http.settings import ServerSettings
from tests.support.cli import run_cli
from tests.support.live_server import TOKEN
from tests.support.net import free_port

GRAPH = "http://example.org/graphs/start-page"
DATA = (
    b'<http://example.org/a> <http://example.org/p> "x" .\n'
    b'<http://example.org/b> <http://example.org/p> "y" .\n'
)


class _Links(HTMLParser):
    """Every URL an HTML page makes the browser load or offers as a link, and its scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []  # (tag, url)
        self.inline_scripts = 0
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "spec-url") and value is not None:
                self.urls.append((tag, value))
            if name.startswith("on"):  # onclick= and friends are inline scripts too
                self.inline_scripts += 1
        self._in_script = tag == "script" and not dict(attrs).get("src")

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


def _links(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = create_app(ServerSettings(store="memory", token=TOKEN, workers=1))
    with TestClient(app) as c:
        r = c.put(
            "/store",
            params={"graph": GRAPH},
            content=DATA,
            headers={"content-type": "application/n-triples", "authorization": f"Bearer {TOKEN}"},
        )
        assert r.status_code == 201, r.text
        yield c


# --- the start page -------------------------------------------------------------------------


def test_start_page_says_what_is_loaded_and_where_to_go(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    html = r.text
    assert re.search(
        rf"<code>{re.escape(GRAPH)}</code></td><td class=\"num\">2</td>"
        r"<td>data</td>",
        html,
    )
    assert "https://w3id.org/otmlops/graph/ontology" in html  # system graphs are listed too
    assert "Writes over HTTP need the bearer token" in html
    hrefs = {url for tag, url in _links(html).urls if tag == "a"}
    assert {"/docs", "/redoc", "/queries", "/sparql", "/openapi.json"} <= hrefs
    assert {"/ui/rami", "/ui/isa95", "/ui/gaps", "/ui/validate", "/ui/query"} <= hrefs


def test_start_page_loads_nothing_from_elsewhere_and_runs_no_script(client: TestClient) -> None:
    page = _links(client.get("/").text)
    assert page.inline_scripts == 0
    assert not [u for _, u in page.urls if re.match(r"(?i)([a-z]+:)?//", u)]
    for tag, url in page.urls:
        if tag in ("link", "script"):  # stylesheet, icon, module script: served by the app
            r = client.get(url)
            assert r.status_code == 200, url
    css = client.get("/ui/static/wb.css")
    assert css.headers["content-type"].startswith("text/css")
    assert "url(" not in css.text and "@import" not in css.text


def test_a_page_that_cannot_answer_says_why(client: TestClient) -> None:
    r = client.get("/ui/use-case", params={"iri": "http://example.org/nothing<"})
    assert r.status_code in (400, 404)
    assert 'role="alert"' in r.text and "http://example.org/nothing&lt;" in r.text
    assert "Traceback" not in r.text


@pytest.mark.parametrize(
    "page, assets",
    [
        (
            "/docs",
            {
                "/static/docs/swagger-ui-bundle.js": "javascript",
                "/static/docs/swagger-ui.css": "text/css",
                "/static/docs/favicon.png": "image/png",
            },
        ),
        (
            "/redoc",
            {
                "/static/docs/redoc.standalone.js": "javascript",
                "/static/docs/favicon.png": "image/png",
            },
        ),
    ],
)
def test_api_docs_come_from_the_server_itself(
    client: TestClient, page: str, assets: dict[str, str]
) -> None:
    r = client.get(page)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert not re.search(r"(?i)https?://|(?<![\w/])//\w", r.text), r.text
    urls = {u for _, u in _links(r.text).urls}
    assert set(assets) <= urls
    for url, media in assets.items():
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert media in asset.headers["content-type"], (url, asset.headers["content-type"])
        assert len(asset.content) > 1000
    assert "/openapi.json" in r.text
    assert client.get("/openapi.json").status_code == 200


def test_pages_stay_out_of_the_api_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not {"/", "/docs", "/redoc"} & set(paths)


# --- the serve command ----------------------------------------------------------------------


def _read_lines(proc: subprocess.Popen[str], sink: queue.Queue[str]) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        sink.put(line)


@pytest.mark.slow
def test_serve_prints_the_urls_it_serves_once_listening(tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "otmlops",
            "serve",
            "--store",
            str(tmp_path / "store"),
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_read_lines, args=(proc, lines), daemon=True).start()
    seen: list[str] = []
    try:
        deadline = time.monotonic() + 120
        while not any("Ctrl+C" in line for line in seen):
            assert proc.poll() is None, "".join(seen)
            assert time.monotonic() < deadline, "no greeting: " + "".join(seen)
            try:
                seen.append(lines.get(timeout=1))
            except queue.Empty:
                pass
        text = "".join(seen)
        base = f"http://127.0.0.1:{port}"
        assert f"serves the store {tmp_path / 'store'} at {base}/" in text
        urls = re.findall(r"http://\S+", text)
        for path in ("/", "/docs", "/sparql", "/queries"):
            assert base + path in urls
        assert "Writes are disabled" in text
        for url in set(urls):  # printed once listening: every URL answers at once
            assert httpx.get(url, timeout=30).status_code == 200, url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_taken_port_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = run_cli(
            "serve", "--store", str(tmp_path / "store"), "--port", str(port), timeout=120
        )
    assert done.returncode == 2
    assert done.stderr == (
        f"otmlops: error: port {port} on 127.0.0.1 is in use; choose another with --port N\n"
    )
    assert done.stdout == ""
    assert not (tmp_path / "store").exists()  # failed before opening anything


@pytest.mark.parametrize(
    "args, expected",
    [
        (("--host", "no-such-host.invalid"), "--host no-such-host.invalid: cannot resolve"),
        (("--port", "70000"), "--port 70000 is not a port number"),
    ],
)
def test_bad_listen_options_are_one_line_and_exit_2(
    tmp_path: Path, args: tuple[str, ...], expected: str
) -> None:
    done = run_cli("serve", "--store", "memory", *args, timeout=120)
    assert done.returncode == 2
    assert expected in done.stderr and len(done.stderr.splitlines()) == 1, done.stderr


def test_a_store_that_cannot_open_is_one_line_without_traceback(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("not a store", encoding="utf-8")
    done = run_cli(
        "serve",
        "--store",
        str(not_a_folder),
        "--port",
        str(free_port()),
        "--workers",
        "1",
        timeout=120,
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("otmlops: error: ") and str(not_a_folder) in done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr
