"""The HTTP client otmlops uses to reach services (``otmlops.http_client``): plain HTTP works
without a TLS context, and HTTPS still verifies certificates (a server without a trusted one
is refused). Real sockets on 127.0.0.1: a plain HTTP server in a thread."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from otmlops import http_client


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        body = b'{"status": "ok"}'
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture(autouse=True)
def no_proxy_from_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine's own proxy settings stay out of these tests (each sets what it needs)."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _pools(client: httpx.Client) -> dict[str, httpx.HTTPTransport]:
    transport = client._transport
    assert isinstance(transport, http_client._Transport)
    return transport._pools


def test_plain_http_needs_no_tls_context(port: int) -> None:
    with http_client.client(timeout=10) as client:
        answer = client.get(f"http://127.0.0.1:{port}/healthz")
        assert answer.json() == {"status": "ok"}
        assert set(_pools(client)) == {"http"}  # no TLS pool, so no CA bundle was read
    assert _pools(client) == {}  # closing the client closed its pools


def test_https_verifies_certificates(port: int) -> None:
    """HTTPS gets the process's verifying context; the plain server is no TLS server at all,
    and a server with an untrusted certificate would fail the same handshake."""
    with http_client.client(timeout=10) as client:
        with pytest.raises(httpx.ConnectError):
            client.get(f"https://127.0.0.1:{port}/healthz")
        assert set(_pools(client)) == {"https"}
        context = http_client.tls_context()
        assert _pools(client)["https"]._pool._ssl_context is context
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context is http_client.tls_context()  # built once, shared by every client


def test_a_proxy_named_by_the_environment_is_used(
    port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Behind a proxy (common on plant networks) requests go through it, as httpx does on its
    own: the test server answers as the proxy for a host that does not exist."""
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
    with http_client.client(timeout=10) as client:
        answer = client.get("http://kg.invalid/healthz")
        assert answer.json() == {"status": "ok"}
    monkeypatch.setenv("NO_PROXY", "kg.invalid")
    with http_client.client(timeout=10) as client, pytest.raises(httpx.ConnectError):
        client.get("http://kg.invalid/healthz")  # not proxied, and the host does not exist
