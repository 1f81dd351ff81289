"""The HTTP client otmlops uses to reach services (a store URL, a store folder held by
``otmlops serve``, an AAS repository), made so that a command pays only for what it uses.

Every ``httpx.Client`` builds a verifying TLS context at once (reading the CA bundle, about
50 ms), even when it only ever talks plain HTTP to 127.0.0.1, and a CLI command beside a running
service made two of them. Here the TLS context is built on the first ``https://`` request, once
per process, and shared by every client; certificates are verified as httpx does by default.
(The other start-up cost of httpx, its own command line, is kept out in ``otmlops.cli``.)
"""

from __future__ import annotations

import ssl
import threading
from functools import cache
from typing import Any
from urllib.request import getproxies

import httpx


@cache
def tls_context() -> ssl.SSLContext:
    """httpx's default verifying context (its CA bundle), built once for the process."""
    return httpx.create_ssl_context()


class _Transport(httpx.BaseTransport):
    """httpx's own transport, one pool per scheme, each made on its first request: plain HTTP
    never builds a TLS context, HTTPS uses :func:`tls_context`."""

    def __init__(self) -> None:
        self._pools: dict[str, httpx.HTTPTransport] = {}
        self._lock = threading.Lock()

    def _pool(self, scheme: str) -> httpx.HTTPTransport:
        with self._lock:
            pool = self._pools.get(scheme)
            if pool is None:
                # the http:// pool never opens TLS, so it needs no CA bundle (its unverified
                # context is never used); any other scheme gets the verifying context
                verify: ssl.SSLContext | bool = False if scheme == "http" else tls_context()
                pool = self._pools[scheme] = httpx.HTTPTransport(verify=verify)
            return pool

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._pool(request.url.scheme).handle_request(request)

    def close(self) -> None:
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()


def client(**options: Any) -> httpx.Client:
    """An ``httpx.Client(**options)`` with the lazy transport above.

    Where the environment names a proxy (``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY``, as
    ``urllib.request.getproxies`` reads them), httpx's own transports are kept, since httpx
    applies environment proxies and ``NO_PROXY`` only to those; they share the process's TLS
    context.
    """
    if options.get("trust_env", True) and getproxies():
        return httpx.Client(verify=tls_context(), **options)
    return httpx.Client(transport=_Transport(), **options)
