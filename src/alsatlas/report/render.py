"""Render the report's view model to one self-contained HTML document (jinja2, autoescaped).

The stylesheet is read from ``templates/report.css`` and inlined; figures arrive as inline SVG
markup (:mod:`alsatlas.presentation.inline_svg`). The page loads nothing: no scripts, fonts, images
or stylesheets from elsewhere; the only URLs are hyperlinks (PubMed, DOI, ClinicalTrials.gov,
patient organisations, source pages).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from jinja2 import Environment

from alsatlas.presentation.palette import verdict_css
from alsatlas.presentation.tables import cell_href
from alsatlas.presentation.templating import template_environment
from alsatlas.presentation.views import ReportView


@cache
def environment() -> Environment:
    """The report's jinja2 environment (:func:`template_environment` plus ``cell_href``)."""
    env = template_environment("alsatlas.report")
    env.filters["cell_href"] = cell_href
    return env


def stylesheet() -> str:
    """The report's CSS, inlined into the page, followed by the shared verdict colours."""
    own = (
        resources.files("alsatlas.report")
        .joinpath("templates/report.css")
        .read_text(encoding="utf-8")
    )
    return own + "\n" + verdict_css()


def render_html(view: ReportView) -> str:
    """The complete HTML document of the report."""
    template = environment().get_template("report.html.j2")
    return template.render(report=view, css=stylesheet())


__all__ = ["environment", "render_html", "stylesheet"]
