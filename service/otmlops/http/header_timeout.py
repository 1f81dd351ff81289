"""An HTTP protocol for uvicorn that closes connections whose request headers arrive too slowly.

uvicorn bounds the idle time between requests (keep-alive) but not the time a client takes to
send one request's headers, so a client dribbling a byte at a time ("slowloris") holds a
connection for ever. The timer starts when a connection opens and again after each response,
and stops once the headers are complete.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """httptools protocol with a header read timeout (``header_timeout`` seconds)."""

    header_timeout: float = 10.0
    _header_timer: asyncio.TimerHandle | None = None

    def _arm(self) -> None:
        self._disarm()
        self._header_timer = self.loop.call_later(self.header_timeout, self._expired)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _expired(self) -> None:
        self._header_timer = None
        busy = self.cycle is not None and not self.cycle.response_complete
        if not busy and not self.transport.is_closing():
            self.transport.close()

    # uvicorn's HttpToolsProtocol narrows asyncio.Protocol's BaseTransport to Transport (and
    # ignores the override error itself); this keeps its signature
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()


def protocol_class(timeout: float) -> type[HeaderTimeoutProtocol]:
    """A protocol class with the given header timeout (uvicorn takes a class, not a value)."""
    return type("HeaderTimeoutProtocol", (HeaderTimeoutProtocol,), {"header_timeout": timeout})
