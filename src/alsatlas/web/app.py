"""The explorer application: :func:`create_app` builds a FastAPI app over one loaded atlas.

The evidence base is loaded and every question answered once, when the app is built
(:meth:`Atlas.load`); requests only read. The OpenAPI schema is served at
``/api/openapi.json``. FastAPI's interactive documentation pages are switched off because they
load their scripts and styles from a CDN, and the explorer loads nothing from elsewhere: its
only stylesheet is ``/static/explorer.css``, and every response carries a Content-Security-Policy
that lets a browser load styles and images from this site only and run no script.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from alsatlas import __version__
from alsatlas.presentation.palette import verdict_css
from alsatlas.web import api, checking, downloads, mr, pages, rerun
from alsatlas.web.atlas import Atlas
from alsatlas.web.bodies import BodyLimit
from alsatlas.web.errors import BadParameter, ExplorerError, NotFound
from alsatlas.web.responses import ErrorBody
from alsatlas.web.state import STATE_KEY
from alsatlas.web.templating import templates

_log = logging.getLogger(__name__)

OPENAPI_URL = "/api/openapi.json"
STATIC_DIR = Path(__file__).parent / "static"

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
"""Sent with every response: the browser may load styles and images from this site only and
run no script at all (inline styles are allowed because matplotlib's inline SVG uses them)."""

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _wants_json(request: Request) -> bool:
    return request.url.path == "/api" or request.url.path.startswith("/api/")


def _error_page(request: Request, status: int, title: str, detail: str) -> HTMLResponse:
    return templates().TemplateResponse(
        request,
        "error.html",
        {"status": status, "title": title, "detail": detail, "package_version": __version__},
        status_code=status,
    )


async def _explorer_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ExplorerError)
    if _wants_json(request):
        body = ErrorBody(
            detail=exc.detail,
            id=exc.ident if isinstance(exc, NotFound) else None,
            param=exc.param if isinstance(exc, BadParameter) else None,
        )
        return JSONResponse(body.model_dump(), status_code=exc.status)
    title = "Not found" if exc.status == 404 else "Bad request"
    return _error_page(request, exc.status, title, exc.detail)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if _wants_json(request):
        return JSONResponse(
            ErrorBody(detail=str(exc.detail)).model_dump(),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )
    title = "Not found" if exc.status_code == 404 else "Error"
    detail = "There is no page at this address." if exc.status_code == 404 else str(exc.detail)
    return _error_page(request, exc.status_code, title, detail)


async def _server_error(request: Request, exc: Exception) -> Response:
    _log.error("error serving %s", request.url.path, exc_info=exc)
    detail = "The server could not answer this request; the error has been logged."
    if _wants_json(request):
        return JSONResponse(ErrorBody(detail=detail).model_dump(), status_code=500)
    return _error_page(request, 500, "Server error", detail)


class SecurityHeaders:
    """Add :data:`SECURITY_HEADERS` to every response that does not set them itself (a plain
    ASGI middleware: it rewrites the start message and never buffers the body)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.extra = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                headers = list(message.get("headers", []))
                headers += [(k, v) for k, v in self.extra if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


class HeadAsGet:
    """Answer ``HEAD`` like ``GET`` without the body (RFC 9110 9.3.2): the routes declare GET
    only, so without this a HEAD request would get 405."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        done = False

        async def send_no_body(message: Message) -> None:
            nonlocal done
            if message["type"] == "http.response.body":
                if done:
                    return
                done = True
                message = {**message, "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_no_body)


class ResponseCache:
    """Keep the final bytes of successful ``GET`` responses, keyed by path and query, and answer
    repeats (``GET`` and ``HEAD``) from memory: the explorer serves an immutable evidence base,
    so a page never changes while the process runs. It sits outside every other layer (see
    :class:`Explorer`), so a repeat costs one dictionary look-up; the recorded messages already
    carry the security headers. A repeat is answered here only for a ``Host`` header value
    that the host check behind it has already let through to a 200 (the check is a function of
    that value alone), so the cache never parses hosts itself and never answers one the check
    would refuse; other requests go on to the check and its 400. Bounded to ``max_entries``
    pages and ``max_hosts`` header values (oldest pages dropped first); request bodies, other
    methods and responses other than 200 pass through untouched."""

    def __init__(self, app: ASGIApp, max_entries: int = 2048, max_hosts: int = 64) -> None:
        self.app = app
        self.max_entries = max_entries
        self.max_hosts = max_hosts
        self.entries: OrderedDict[tuple[str, bytes], list[Message]] = OrderedDict()
        self.hosts: set[bytes] = set()
        """``Host`` header values that the host check let through."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope.get("method")
        if scope["type"] != "http" or method not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        host = next((value for name, value in scope["headers"] if name == b"host"), None)
        key = (scope["path"], scope.get("query_string", b""))
        cached = self.entries.get(key) if host in self.hosts else None
        if cached is not None:
            if method == "HEAD":
                await send(cached[0])
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            for message in cached:
                await send(message)
            return
        if method == "HEAD":
            await self.app(scope, receive, send)
            return
        recorded: list[Message] = []

        async def record(message: Message) -> None:
            if message["type"].startswith("http.response.") and message["type"] != (
                "http.response.debug"  # a test client's extension, never replayed
            ):
                recorded.append(message)
            await send(message)

        await self.app(scope, receive, record)
        start = next((m for m in recorded if m["type"] == "http.response.start"), None)
        if start is not None and start.get("status") == 200:
            self.entries[key] = recorded
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)
            if host is not None and len(self.hosts) < self.max_hosts:
                self.hosts.add(host)


class Explorer(FastAPI):
    """The FastAPI application with :class:`ResponseCache` in front of all of it (outside
    FastAPI's own error layer and every middleware), set up by :func:`create_app`."""

    response_cache: ResponseCache | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.response_cache is None:
            await super().__call__(scope, receive, send)
        else:
            await self.response_cache(scope, receive, send)

    async def _through_stack(self, scope: Scope, receive: Receive, send: Send) -> None:
        await super().__call__(scope, receive, send)


def _verdict_stylesheet() -> Response:
    """The shared verdict colours (:func:`alsatlas.presentation.palette.verdict_css`)."""
    return Response(verdict_css(), media_type="text/css")


LOCAL_HOSTS: tuple[str, ...] = ("127.0.0.1", "localhost", "::1", "[::1]", "testserver")
"""Host headers answered by default: this machine (and the test client's ``testserver``).
Any other ``Host`` gets 400, so redirects and links never point at a host a client made up."""


def create_app(
    atlas: Atlas | None = None,
    *,
    evidence_path: Path | None = None,
    allowed_hosts: tuple[str, ...] = LOCAL_HOSTS,
) -> FastAPI:
    """Build the explorer.

    Parameters
    ----------
    atlas
        What to serve; ``None`` loads the evidence (``evidence_path``, or the shipped base when
        that is ``None``) and answers every question, once.
    evidence_path
        Folder of evidence YAML files, used only when ``atlas`` is ``None``.
    allowed_hosts
        Values of the ``Host`` header that are answered (ports ignored).
    """
    app = Explorer(
        title="alsatlas explorer",
        summary="ALS and immune-mediated disease: answered questions and their evidence.",
        version=__version__,
        openapi_url=OPENAPI_URL,
        docs_url=None,
        redoc_url=None,
    )
    loaded = atlas if atlas is not None else Atlas.load(evidence_path)
    setattr(app.state, STATE_KEY, loaded.warm())
    # from the outside in: the response cache (hosts the Host check let through), security
    # headers, HEAD as GET, the Host check, the request-body limit, the routes
    app.response_cache = ResponseCache(app._through_stack)
    app.add_middleware(BodyLimit)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    app.add_middleware(HeadAsGet)
    app.add_middleware(SecurityHeaders)  # outermost of ours: refusals carry the headers too
    app.add_exception_handler(ExplorerError, _explorer_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _server_error)
    app.include_router(api.router)
    app.include_router(checking.api)
    app.include_router(rerun.api)
    app.include_router(mr.api)
    app.include_router(downloads.router)
    app.include_router(pages.router)
    app.include_router(checking.pages)
    app.include_router(rerun.pages)
    app.include_router(mr.pages)
    app.add_api_route(
        "/static/verdicts.css", _verdict_stylesheet, methods=["GET"], include_in_schema=False
    )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


__all__ = [
    "CONTENT_SECURITY_POLICY",
    "LOCAL_HOSTS",
    "OPENAPI_URL",
    "SECURITY_HEADERS",
    "Explorer",
    "HeadAsGet",
    "ResponseCache",
    "SecurityHeaders",
    "create_app",
]
