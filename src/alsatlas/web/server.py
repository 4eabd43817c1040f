"""The HTTP protocol the explorer is served with: uvicorn's httptools protocol (its C parser)
plus a header timeout, so connections that never complete a request cannot pile up.

uvicorn closes idle keep-alive connections (``timeout_keep_alive``), but a connection that
opens and then sends nothing, or drips a request header a byte at a time, is never timed out.
:class:`HeaderTimeoutProtocol` gives every connection :data:`HEADER_TIMEOUT` seconds from its
opening (and from the end of each response) to deliver a complete request head; data that
arrives does not reset the clock.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEADER_TIMEOUT = 10.0
"""Seconds a connection has to send a complete request head."""


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """httptools protocol with a request-head deadline (see the module docstring)."""

    header_timeout: float = HEADER_TIMEOUT
    _head_deadline: asyncio.TimerHandle | None = None

    def _arm(self) -> None:
        self._disarm()
        self._head_deadline = self.loop.call_later(self.header_timeout, self._head_expired)

    def _disarm(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_expired(self) -> None:
        self._head_deadline = None
        if self.cycle is None or self.cycle.response_complete:
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()  # a request head arrived: it is being answered
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


__all__ = ["HEADER_TIMEOUT", "HeaderTimeoutProtocol"]
