"""Render the report's view model to one self-contained HTML document (jinja2, autoescaped).

The stylesheet is read from ``templates/report.css`` and inlined; figures arrive as inline SVG
markup (:mod:`alsatlas.report.inline_svg`). The page loads nothing: no scripts, fonts, images
or stylesheets from elsewhere; the only URLs are hyperlinks (PubMed, DOI, ClinicalTrials.gov,
patient organisations, source pages).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from alsatlas.report.context import ReportView
from alsatlas.report.tables import cell_href, format_cell

GRADE_SYMBOLS = {
    "high": "\u2295\u2295\u2295\u2295",
    "moderate": "\u2295\u2295\u2295\u25ef",
    "low": "\u2295\u2295\u25ef\u25ef",
    "very low": "\u2295\u25ef\u25ef\u25ef",
}
"""GRADE certainty shown as filled (⊕) and empty (◯) circles, as in GRADE evidence profiles."""


def grade_symbols(level: str) -> str:
    """``⊕⊕◯◯`` for ``low``; an unknown level gives ``????``."""
    return GRADE_SYMBOLS.get(level, "????")


def slug(text: str) -> str:
    """CSS class fragment: lower case, runs of non-alphanumerics to ``-``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def template_environment(package: str) -> Environment:
    """A jinja2 environment over ``<package>/templates`` (autoescape on, undefined names are
    errors) with the filters every page shares: ``cell``, ``grade_symbols`` and ``slug``."""
    env = Environment(
        loader=PackageLoader(package, "templates"),
        autoescape=select_autoescape(("html", "j2", "xml")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cell"] = format_cell
    env.filters["grade_symbols"] = grade_symbols
    env.filters["slug"] = slug
    return env


@cache
def environment() -> Environment:
    """The report's jinja2 environment (:func:`template_environment` plus ``cell_href``)."""
    env = template_environment("alsatlas.report")
    env.filters["cell_href"] = cell_href
    return env


def stylesheet() -> str:
    """The report's CSS, inlined into the page."""
    return (
        resources.files("alsatlas.report")
        .joinpath("templates/report.css")
        .read_text(encoding="utf-8")
    )


def render_html(view: ReportView) -> str:
    """The complete HTML document of the report."""
    template = environment().get_template("report.html.j2")
    return template.render(report=view, css=stylesheet())


__all__ = [
    "GRADE_SYMBOLS",
    "environment",
    "grade_symbols",
    "render_html",
    "slug",
    "stylesheet",
    "template_environment",
]
