"""The checked article as one self-contained HTML page: the article's visible text with each
claim highlighted in its verdict's colour and the verdict, certainty and explanation beside it.

Every piece of article text is escaped (the article is data, never markup); the page loads
nothing from elsewhere.
"""

from __future__ import annotations

from html import escape

from alsatlas.claims.article import ArticleCheck
from alsatlas.presentation.palette import verdict_css
from alsatlas.presentation.templating import slug

_PAGE_CSS = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
  line-height: 1.6; color: #1d2329; }
"""
_CSS = """
.article { white-space: pre-wrap; }
mark.claim { background: #fff6d6; border-bottom: 2px solid #c99410; padding: 0 .1em; }
aside.rating { display: block; margin: .3rem 0 .8rem 1.5rem; padding: .4rem .8rem;
  border-left: 4px solid #d5dbe1; background: #f8f9fb; font-size: .9rem; white-space: normal; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-size: .8rem;
  font-weight: 600; border: 1px solid transparent; }
.verdict-out-of-scope { background: #f1f1f1; color: #444; }
.meta { color: #55606b; }
"""


def verdict_label(verdict: str) -> str:
    """``partly_supported`` -> ``partly supported``."""
    return verdict.replace("_", " ")


def article_fragment(result: ArticleCheck, text: str) -> str:
    """The annotated article as an HTML fragment (``<div class="article">``): the visible text,
    escaped, each claim marked and followed by its ratings."""
    parts: list[str] = []
    cursor = 0
    for claim in result.claims:
        parts.append(escape(text[cursor : claim.start]))
        parts.append(f'<mark class="claim">{escape(text[claim.start : claim.end])}</mark>')
        rows = []
        for sub in claim.subclaims:
            label = verdict_label(sub.verdict)
            cites = ", ".join(escape(c) for c in sub.citations)
            rows.append(
                f'<span class="badge verdict-{slug(label)}">{escape(label)}</span> '
                f"{escape(sub.question_id or 'not graded')}"
                f"{' · ' + escape(sub.certainty) + ' certainty' if sub.certainty else ''}: "
                f"{escape(sub.explanation)}{' (' + cites + ')' if cites else ''}"
            )
        parts.append('<aside class="rating">' + "<br>".join(rows) + "</aside>")
        cursor = claim.end
    parts.append(escape(text[cursor:]))
    return f'<div class="article">{"".join(parts)}</div>'


def render_article(result: ArticleCheck, text: str) -> str:
    """The annotated article as one self-contained page."""
    n = len(result.subclaims)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Claims checked: {escape(result.source)}</title>\n"
        f"<style>{_PAGE_CSS}{_CSS}{verdict_css()}</style>\n</head>\n<body>\n"
        f"<h1>Claims checked: {escape(result.source)}</h1>\n"
        f'<p class="meta">{n} claim(s) in {len(result.claims)} sentence(s), each rated '
        "against the alsatlas evidence base.</p>\n"
        f"{article_fragment(result, text)}\n</body>\n</html>\n"
    )


ARTICLE_CSS = _CSS + ".check-form label, .rerun-form label { display: block; }\n"
"""The styles of the annotated article (for a face that embeds the fragment)."""

__all__ = ["ARTICLE_CSS", "article_fragment", "render_article", "verdict_label"]
