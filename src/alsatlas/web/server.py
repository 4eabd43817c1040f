"""The HTTP protocols the explorer is served with: uvicorn's httptools protocol (its fast C
parser; :class:`HeaderTimeoutProtocol`) or its h11 protocol (:class:`H11HeaderTimeoutProtocol`),
each with a header timeout, so connections that never complete a request cannot pile up.

uvicorn closes idle keep-alive connections (``timeout_keep_alive``), but a connection that
opens and then sends nothing, or drips a request header a byte at a time, is never timed out.
Here every connection has :data:`HEADER_TIMEOUT` seconds from its opening (and from the end of
each response) to deliver a complete request head; data that arrives does not reset the clock.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEADER_TIMEOUT = 10.0
"""Seconds a connection has to send a complete request head."""


class _HeadDeadline:
    """The request-head deadline shared by both protocols (a mixin over uvicorn's classes)."""

    header_timeout: float = HEADER_TIMEOUT
    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport
    cycle: Any
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


class HeaderTimeoutProtocol(_HeadDeadline, HttpToolsProtocol):
    """httptools protocol with a request-head deadline (see the module docstring)."""

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


class H11HeaderTimeoutProtocol(_HeadDeadline, H11Protocol):
    """h11 protocol (pure Python) with the same request-head deadline."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def handle_events(self) -> None:
        super().handle_events()
        if self.cycle is not None and not self.cycle.response_complete:
            self._disarm()  # a request is being answered

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


__all__ = ["HEADER_TIMEOUT", "H11HeaderTimeoutProtocol", "HeaderTimeoutProtocol"]
