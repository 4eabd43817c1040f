"""Checking an article in the explorer: the ``/check`` page (a form whose field is ``text``,
POSTed to ``/check``) and ``POST /api/check`` (``text/plain``, or JSON ``{"text": ...}``),
which answers exactly the JSON of ``alsatlas check --format json``.

Bodies are read up to :data:`alsatlas.claims.MAX_BYTES`; a larger body answers 413, a body
that is not UTF-8 or not the expected JSON 422, each with one plain sentence.
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse
from markupsafe import Markup

from alsatlas import __version__
from alsatlas.claims import MAX_BYTES, check_document
from alsatlas.claims.source import document_from_text
from alsatlas.errors import AlsatlasInputError
from alsatlas.presentation.article import ARTICLE_CSS, article_fragment
from alsatlas.web.atlas import Atlas
from alsatlas.web.bodies import read_body
from alsatlas.web.errors import ExplorerError
from alsatlas.web.state import get_atlas
from alsatlas.web.templating import templates

AtlasDep = Annotated[Atlas, Depends(get_atlas)]
pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["api"])


class Unreadable(ExplorerError):
    """The request body is not UTF-8 text or not the expected form or JSON."""

    status = 422


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Unreadable("the article is not UTF-8 text") from None


def _check(text: str, atlas: Atlas, name: str) -> tuple[Any, str]:
    try:
        doc = document_from_text(text, name, None)
    except AlsatlasInputError as exc:
        raise Unreadable(exc.reason) from None
    return check_document(doc, atlas.evidence), doc.text


def _page(request: Request, status_code: int = 200, **context: Any) -> HTMLResponse:
    values: dict[str, Any] = {
        "result": None,
        "text": "",
        "error": None,
        "article": None,
        "article_css": ARTICLE_CSS,
        "package_version": __version__,
    }
    values.update(context)
    return templates().TemplateResponse(request, "check.html", values, status_code=status_code)


@api.post(
    "/check",
    summary="Rate every claim of an article",
    response_description="The JSON of `alsatlas check --format json`",
    openapi_extra={
        "requestBody": {
            "content": {
                "text/plain": {"schema": {"type": "string"}},
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {"text": {"type": "string"}},
                        "required": ["text"],
                    }
                },
            },
            "required": True,
        }
    },
)
async def api_check(request: Request, atlas: AtlasDep) -> JSONResponse:
    """Rate every claim of an article sent as ``text/plain`` or JSON ``{"text": ...}``
    (plain text, Markdown or HTML; HTML is read as its visible text)."""
    data = await read_body(request, MAX_BYTES, "article")
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            payload = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise Unreadable("the body is not JSON") from None
        if not isinstance(payload, dict) or not isinstance(payload.get("text"), str):
            raise Unreadable('the JSON body must be {"text": "..."}')
        text = payload["text"]
    else:
        text = _text(data)
    result, _ = _check(text, atlas, "<request>")
    return JSONResponse(result.to_dict())


@pages.get("/check", response_class=HTMLResponse, name="check_page")
def check_form(request: Request) -> HTMLResponse:
    """The form: paste an article (or a claim) to have its claims rated."""
    return _page(request)


@pages.post("/check", response_class=HTMLResponse)
async def check_submit(request: Request, atlas: AtlasDep) -> HTMLResponse:
    """The annotated article: each claim marked, with its verdict, certainty and why."""
    form = parse_qs(_text(await read_body(request, MAX_BYTES, "article")))
    text = (form.get("text") or [""])[0]
    if not text.strip():
        return _page(request, 422, error="Paste an article or a claim first.")
    result, visible = _check(text, atlas, "pasted article")
    return _page(
        request, result=result, text=text, article=Markup(article_fragment(result, visible))
    )


__all__ = ["api", "pages"]
