"""Inline SVG: turn a matplotlib figure (or SVG text) into markup that can sit inside HTML.

A report holds many figures in one document, so every ``id`` an SVG defines (matplotlib names
its groups ``figure_1``, ``patch_1``, glyphs ``DejaVuSans-41``, clip paths by hash) is given a
per-figure prefix, and every reference to it (``href="#…"``, ``xlink:href="#…"``,
``url(#…)``) is rewritten to match; otherwise two figures would share ids and the second would
draw the first one's glyphs. The XML prolog, doctype and RDF metadata block are dropped (the
metadata names external vocabularies), fixed ``pt`` sizes are replaced by the ``viewBox`` so
the figure scales with the page, and an accessible name is added: ``role="img"``, a
``<title>`` and a ``<desc>`` referenced through ``aria-labelledby`` (WAI-ARIA graphics
practice; https://www.w3.org/TR/graphics-aria-1.0/).
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

from markupsafe import Markup, escape
from matplotlib import rc_context

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_PROLOG = re.compile(r"<\?xml[^>]*\?>\s*|<!DOCTYPE[^>]*>\s*", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ID = re.compile(r'\bid="([^"]+)"')
_REFERENCE = re.compile(r'(\bid="|href="#|url\(#)([^")]+)')
_SVG_OPEN = re.compile(r"<svg\b[^>]*>", re.DOTALL)
_SIZE_ATTR = re.compile(r'\s(width|height)="[^"]*"')
_SAFE_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def figure_to_svg(figure: Figure) -> str:
    """Serialise a matplotlib figure to SVG text, reproducibly (no date, fixed id salt).

    Text stays ``<text>`` (``svg.fonttype = "none"``, as :func:`alsatlas.figures.style.
    save_figure` writes figures): labels remain searchable and readable by screen readers, and
    the file is several times smaller than with glyph outlines.
    """
    buffer = io.StringIO()
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "alsatlas"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return buffer.getvalue()


def inline_svg(svg: str, *, prefix: str, title: str, description: str = "") -> Markup:
    """Return SVG markup safe to place several times in one HTML document.

    Parameters
    ----------
    svg
        A complete SVG document, e.g. from :func:`figure_to_svg`.
    prefix
        A per-figure id prefix (letters, digits, ``-``, ``_``; starts with a letter).
    title
        The accessible name of the figure, also shown as a tooltip.
    description
        A longer text alternative: what the figure shows, in words.
    """
    if not _SAFE_PREFIX.match(prefix):
        raise ValueError(f"SVG id prefix {prefix!r} must be a letter then letters/digits/-/_")
    body = _PROLOG.sub("", svg)
    body = _METADATA.sub("", body)
    body = _COMMENT.sub("", body)
    ids = set(_ID.findall(body))

    def rename(match: re.Match[str]) -> str:
        lead, name = match.group(1), match.group(2)
        return f"{lead}{prefix}-{name}" if name in ids else match.group(0)

    body = _REFERENCE.sub(rename, body)
    opening = _SVG_OPEN.search(body)
    if opening is None:
        raise ValueError("no <svg> element in the figure markup")
    title_id = f"{prefix}-title"
    desc_id = f"{prefix}-desc"
    labelled = title_id + (f" {desc_id}" if description else "")
    tag = _SIZE_ATTR.sub("", opening.group(0))
    tag = tag[:-1].rstrip() + f' role="img" aria-labelledby="{labelled}" class="figure-svg">'
    accessible = f'<title id="{title_id}">{escape(title)}</title>'
    if description:
        accessible += f'<desc id="{desc_id}">{escape(description)}</desc>'
    body = body[: opening.start()] + tag + accessible + body[opening.end() :]
    return Markup(body.strip())


__all__ = ["figure_to_svg", "inline_svg"]
