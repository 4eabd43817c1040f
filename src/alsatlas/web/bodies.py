"""Request bodies in bounded memory.

Every request body passes :class:`BodyLimit` (at most :data:`MAX_REQUEST_BYTES`: larger than
any route's own limit, so that JSON bodies, which FastAPI reads whole before a route runs, are
bounded too). Routes that take an upload read it with :func:`read_body` under their own,
smaller limit and name what was too large. Either way the answer is 413.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from alsatlas.web.errors import ExplorerError

MAX_REQUEST_BYTES = 8_000_000
"""Largest request body the explorer reads at all."""


class TooLarge(ExplorerError):
    """A request body (an article, an uploaded table) is larger than its route takes."""

    status = 413


async def read_body(request: Request, limit: int, what: str) -> bytes:
    """The request body, refused with :class:`TooLarge` past ``limit`` bytes (declared or
    read): "the {what} is larger than {limit} bytes"."""
    too_large = TooLarge(f"the {what} is larger than {limit:,} bytes")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large
    data = bytearray()
    async for chunk in request.stream():
        data.extend(chunk)
        if len(data) > limit:
            raise too_large
    return bytes(data)


class BodyLimit:
    """Refuse (413) a body over ``limit`` bytes, declared in ``Content-Length`` or counted as
    it arrives; a plain ASGI middleware that never buffers. The refusal is an HTTP 413 raised
    where the route reads the body, so the explorer's error handlers answer it (JSON under
    ``/api``, an error page elsewhere)."""

    def __init__(self, app: ASGIApp, limit: int = MAX_REQUEST_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        detail = f"the request body is larger than {self.limit:,} bytes"
        declared = dict(scope["headers"]).get(b"content-length", b"")
        over = declared.isdigit() and int(declared) > self.limit
        seen = 0

        async def bounded() -> Message:
            nonlocal seen
            if over:
                raise HTTPException(413, detail)
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise HTTPException(413, detail)
            return message

        await self.app(scope, bounded, send)


__all__ = ["MAX_REQUEST_BYTES", "BodyLimit", "TooLarge", "read_body"]
