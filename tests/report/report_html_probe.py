"""A small HTML reader for report tests (standard library ``html.parser`` only).

It checks that the document nests correctly, and collects element ids, the URLs of loaded
resources (``src``/``href`` of ``img``, ``script``, ``link``, ``iframe``, ``source``, ``video``,
``audio``, ``embed``, ``object``), every anchor ``href``, and the visible text inside each
element that has an ``id``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
LOADING = {"img", "script", "link", "iframe", "source", "video", "audio", "embed", "object"}


@dataclass
class Probe(HTMLParser):
    ids: list[str] = field(default_factory=list)
    resources: list[tuple[str, str, str]] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)
    tags: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    text_by_id: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    _stack: list[tuple[str, str | None]] = field(default_factory=list)
    _in_style: bool = False

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags[tag] += 1
        ident = a.get("id")
        if ident:
            self.ids.append(ident)
        if tag in LOADING:
            for key in ("src", "href", "data", "srcset", "poster"):
                if a.get(key):
                    self.resources.append((tag, key, a[key] or ""))
        if tag == "a" and a.get("href"):
            self.anchors.append(a["href"] or "")
        if tag == "style":
            self._in_style = True
        if tag not in VOID:
            self._stack.append((tag, ident))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self._stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False
        if tag in VOID:
            return
        if not self._stack:
            self.errors.append(f"stray </{tag}>")
            return
        open_tag, _ = self._stack.pop()
        if open_tag != tag:
            self.errors.append(f"</{tag}> closes <{open_tag}>")

    def handle_data(self, data: str) -> None:
        if self._in_style:
            return
        for _, ident in self._stack:
            if ident:
                self.text_by_id[ident].append(data)

    def text(self, ident: str) -> str:
        return " ".join(" ".join(self.text_by_id[ident]).split())


def probe(html: str) -> Probe:
    p = Probe()
    p.feed(html)
    p.close()
    if p._stack:
        p.errors.append(f"unclosed: {[t for t, _ in p._stack]}")
    return p
