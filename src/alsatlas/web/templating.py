"""The explorer's jinja2 environment: autoescaped templates and the filters they format with.

Cells of the report's tables are shown with the report's own :func:`format_cell`, so a number
reads the same in the explorer and in the report. Links inside the explorer are root-relative
paths built by :func:`question_path` and :func:`record_path`; the only absolute URLs are
hyperlinks to PubMed, doi.org, PubMed Central, ClinicalTrials.gov and source pages.
"""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import quote

from fastapi.templating import Jinja2Templates
from jinja2 import Environment
from markupsafe import Markup, escape

from alsatlas.presentation.tables import (
    CellValue,
    Column,
    Table,
    cell_href,
    format_number,
)
from alsatlas.presentation.templating import slug, template_environment

KIND_LABELS: dict[str, str] = {
    "epi_association": "Epidemiological association",
    "published_meta_analysis": "Published meta-analysis",
    "mr": "Mendelian randomization",
    "genetic_correlation": "Genetic correlation",
    "shared_locus": "Shared locus",
    "immune_trial": "Immune-targeted trial",
    "immune_biomarker": "Immune biomarker",
}
"""Human name of each record kind (the keys are the schema's ``kind`` values)."""


def is_web_url(url: object) -> bool:
    """``True`` for an ``http://`` or ``https://`` URL: only those become links (a
    ``javascript:`` or ``data:`` URL in an evidence file is shown as text)."""
    return isinstance(url, str) and url.lower().startswith(("http://", "https://"))


def question_path(question_id: str) -> str:
    """Path of a question page."""
    return "/questions/" + quote(question_id, safe="")


def record_path(record_id: str) -> str:
    """Path of a record page."""
    return "/evidence/" + quote(record_id, safe="")


def visible_columns(table: Table) -> tuple[Column, ...]:
    """The columns the explorer shows: those the report shows, plus record-id columns (the
    report keeps them out of its HTML; here they link to the record pages)."""
    return tuple(c for c in table.columns if c.show or c.kind == "record")


def cell_link(value: CellValue, column: Column) -> str | None:
    """Link of a table cell: record ids open their record page; identifiers (PMID, DOI, NCT,
    PMCID) link out as in the report; study references jump to the page's reference list."""
    if column.key == "record_id" and isinstance(value, str) and value:
        return record_path(value)
    return cell_href(value, column)


def estimate_text(
    estimate: float | None, ci_lb: float | None, ci_ub: float | None, measure: str | None = None
) -> str:
    """``HR 1.46 (1.20–1.78)``; parts that are missing are left out; ``""`` without estimate."""
    if estimate is None:
        return ""
    text = format_number(estimate)
    if measure:
        text = f"{measure} {text}"
    if ci_lb is not None and ci_ub is not None:
        text += f" ({format_number(ci_lb)}\u2013{format_number(ci_ub)})"
    return text


_BREAK_AFTER = re.compile(r"([._/-])(?=\w)")


def breakable(text: str) -> Markup:
    """Escaped text with an optional line break (``<wbr>``) after ``.``, ``-``, ``_`` and
    ``/`` inside long tokens (record ids, DOIs), so they wrap at a boundary, not mid-word."""
    escaped = str(escape(text))
    if len(text) < 24:
        return Markup(escaped)
    return Markup(
        " ".join(
            _BREAK_AFTER.sub(r"\1<wbr>", token) if len(token) >= 24 else token
            for token in escaped.split(" ")
        )
    )


def kind_label(kind: str) -> str:
    """Human name of a record kind (the kind itself when unknown)."""
    return KIND_LABELS.get(kind, kind)


@cache
def environment() -> Environment:
    """The jinja2 environment (autoescape on, undefined names are errors)."""
    env = template_environment("alsatlas.web")
    env.filters["cell_link"] = cell_link
    env.filters["number"] = format_number
    env.filters["kind_label"] = kind_label
    env.filters["breakable"] = breakable
    env.filters["is_web_url"] = is_web_url
    env.globals["question_path"] = question_path
    env.globals["record_path"] = record_path
    env.globals["estimate_text"] = estimate_text
    env.globals["visible_columns"] = visible_columns
    return env


def templates() -> Jinja2Templates:
    """Starlette's template responder over :func:`environment`."""
    return Jinja2Templates(env=environment())


__all__ = [
    "KIND_LABELS",
    "breakable",
    "cell_link",
    "environment",
    "estimate_text",
    "kind_label",
    "question_path",
    "record_path",
    "slug",
    "templates",
    "visible_columns",
]
