"""The HTTP protocol the explorer is served with: uvicorn's h11 protocol plus a header
timeout, so connections that never complete a request cannot pile up.

uvicorn closes idle keep-alive connections (``timeout_keep_alive``), but a connection that
opens and then sends nothing, or drips a request header a byte at a time, is never timed out.
:class:`HeaderTimeoutProtocol` gives every connection :data:`HEADER_TIMEOUT` seconds from its
opening (and from the end of each response) to deliver a complete request head; data that
arrives does not reset the clock.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT = 10.0
"""Seconds a connection has to send a complete request head."""


class HeaderTimeoutProtocol(H11Protocol):
    """h11 protocol with a request-head deadline (see the module docstring)."""

    header_timeout: float = HEADER_TIMEOUT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_deadline: asyncio.TimerHandle | None = None

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


__all__ = ["HEADER_TIMEOUT", "HeaderTimeoutProtocol"]
