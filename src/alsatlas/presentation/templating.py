"""Jinja2 environments shared by the faces: autoescaped, strict, with the filters every page
uses (``cell``, ``grade_symbols``, ``slug``)."""

from __future__ import annotations

import re

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from alsatlas.presentation.tables import format_cell

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


__all__ = ["GRADE_SYMBOLS", "grade_symbols", "slug", "template_environment"]
