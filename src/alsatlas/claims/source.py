"""Reading an article: a claim string, a file (plain text, Markdown or HTML) or standard input.

The checker reads the article's *visible text*: for HTML, the text of the page without
``<script>``, ``<style>``, ``<template>`` or ``<head>`` content, with character references
decoded and block elements (paragraphs, list items, headings, table cells) on lines of their
own; for Markdown, the text without heading marks, list bullets, emphasis and link targets.
Sentence offsets refer to this visible text (for plain text it is the input itself).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Literal

from alsatlas.errors import AlsatlasInputError

MAX_BYTES = 2_000_000
"""Largest article read (2 MB): a health article is a few tens of kilobytes."""

SourceKind = Literal["text", "markdown", "html"]

_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml"})
_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "br",
        "tr",
        "td",
        "th",
        "section",
        "article",
        "header",
        "footer",
        "blockquote",
        "pre",
        "table",
        "caption",
        "dt",
        "dd",
        "figcaption",
        "main",
        "aside",
        "nav",
        "title",
    ]
)
_SKIP_TAGS = frozenset({"script", "style", "template", "noscript", "svg", "head"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


@dataclass(frozen=True, slots=True)
class Document:
    """An article's visible text, what it was read from, and the spans of its headings."""

    name: str
    kind: SourceKind
    text: str
    headings: tuple[tuple[int, int], ...] = ()


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.headings: list[tuple[int, int]] = []
        self._heading_start: int | None = None
        self._title_seen = False

    def _len(self) -> int:
        return sum(len(p) for p in self.parts)

    def _newline(self) -> None:
        """A line break, at most one blank line in a row (block elements nest)."""
        tail = "".join(self.parts[-3:])
        if not tail.endswith("\n\n") and self.parts:
            self.parts.append("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag in _BLOCK_TAGS:
            self._newline()
        if tag in _HEADINGS and not self.skip:
            self._heading_start = self._len()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS:
            if tag in _HEADINGS and self._heading_start is not None:
                self.headings.append((self._heading_start, self._len()))
                self._heading_start = None
            self._newline()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            text = re.sub(r"[ \t\r\f\v]+", " ", data)
            if text.strip() or not "".join(self.parts[-1:]).endswith("\n"):
                self.parts.append(text.replace("\n", " ") if text.strip() else text)


def html_to_text(html: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Visible text of an HTML page and the spans of its headings in that text."""
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts), tuple(parser.headings)


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.M)
_MD_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.M)
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")


def markdown_to_text(md: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Visible text of a Markdown article and the spans of its headings."""
    lines: list[str] = []
    headings: list[tuple[int, int]] = []
    pos = 0
    for line in md.splitlines():
        heading = bool(_MD_HEADING.match(line))
        text = _MD_HEADING.sub("", line)
        text = _MD_BULLET.sub("", text)
        text = _MD_LINK.sub(r"\1", text)
        for _ in range(3):
            text = _MD_EMPHASIS.sub(r"\2", text)
        if heading:
            headings.append((pos, pos + len(text)))
        lines.append(text)
        pos += len(text) + 1
    return "\n".join(lines), tuple(headings)


def _kind(name: str, text: str) -> SourceKind:
    suffix = Path(name).suffix.lower()
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    if suffix in (".md", ".markdown"):
        return "markdown"
    head = text[:2000].lower()
    if "<html" in head or "<body" in head or re.search(r"<(p|div|h[1-6])\b", head):
        return "html"
    return "text"


def _decode(data: bytes, name: str) -> str:
    """UTF-8 text of an article; NUL bytes mark a binary file (as ``grep`` and ``git`` judge)."""
    nul = data.find(b"\0")
    if nul >= 0:
        raise AlsatlasInputError(
            f"a NUL byte at offset {nul}: this is a binary file, not a text article",
            file=name,
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AlsatlasInputError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); save the "
            "article as UTF-8",
            file=name,
        ) from None


def document_from_text(
    text: str, name: str = "<claim>", kind: SourceKind | None = None
) -> Document:
    """A :class:`Document` from text already in memory (kind sniffed when not given)."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise AlsatlasInputError(f"the article is larger than {MAX_BYTES:,} bytes", file=name)
    kind = kind or _kind(name, text)
    if kind == "html":
        visible, headings = html_to_text(text)
        return Document(name, kind, visible, headings)
    if kind == "markdown":
        visible, headings = markdown_to_text(text)
        return Document(name, kind, visible, headings)
    return Document(name, "text", text)


def read_source(arg: str) -> Document:
    """The article named by a command-line argument: ``-`` reads standard input, an existing
    file is read (plain text, Markdown or HTML by suffix or content), anything else is the
    claim text itself.

    Raises
    ------
    AlsatlasInputError
        For a file larger than :data:`MAX_BYTES`, unreadable, or not UTF-8.
    """
    if arg == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise AlsatlasInputError(f"the article is larger than {MAX_BYTES:,} bytes", file="-")
        return document_from_text(_decode(data, "<stdin>"), "<stdin>")
    path = Path(arg)
    looks_like_path = "\n" not in arg and len(arg) < 4096
    try:
        is_file = looks_like_path and path.is_file()
    except OSError:
        is_file = False
    if not is_file:
        if looks_like_path and " " not in arg and (path.suffix.lower() in _SUFFIXES or "/" in arg):
            raise AlsatlasInputError(
                "is a folder, not an article file" if path.is_dir() else "no such file", file=arg
            )
        return document_from_text(arg, "<claim>", "text")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise AlsatlasInputError(
                f"the article is {size:,} bytes, larger than {MAX_BYTES:,}", file=str(path)
            )
        data = path.read_bytes()
    except OSError as exc:
        raise AlsatlasInputError(f"cannot read: {exc.strerror}", file=str(path)) from None
    return document_from_text(_decode(data, str(path)), str(path))


__all__ = [
    "MAX_BYTES",
    "Document",
    "SourceKind",
    "document_from_text",
    "html_to_text",
    "markdown_to_text",
    "read_source",
]
