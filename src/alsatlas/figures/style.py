"""Shared look of alsatlas figures (colours, fonts, ratio-axis ticks) and saving to SVG/PNG.

Figures are built on :class:`matplotlib.figure.Figure` directly, without pyplot, so no global
figure state is kept and no interactive backend is needed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator

from alsatlas.atomic import atomic_path
from alsatlas.errors import AlsatlasInputError

#: Colours (colour-blind safe, Okabe-Ito).
STUDY_COLOUR = "#333333"
POOLED_COLOUR = "#0072B2"
SUBGROUP_COLOUR = "#56B4E9"
PREDICTION_COLOUR = "#D55E00"
FILLED_COLOUR = "#D55E00"
REGION_COLOUR = "#EEEEEE"
FONT_SIZE = 9.0

SAVE_FORMATS: tuple[str, ...] = ("svg", "png", "pdf")


def format_ratio(value: float) -> str:
    """Tick label of a ratio: ``0.25``, ``0.5``, ``1``, ``2``, ``10``."""
    return f"{value:g}"


def ratio_ticks(lo: float, hi: float, *, max_ticks: int = 8) -> list[float]:
    """Ticks of a ratio axis between ``lo`` and ``hi``.

    Powers of two (``0.25, 0.5, 1, 2, 4``) when at least three fit and no more than
    ``max_ticks``; else the 1-2-5 series; else powers of ten, thinned to ``max_ticks``.
    """
    powers_of_two = [2.0**e for e in range(-10, 11) if lo <= 2.0**e <= hi]
    if 3 <= len(powers_of_two) <= max_ticks:
        return powers_of_two
    lo_exp = math.floor(math.log10(lo))
    hi_exp = math.ceil(math.log10(hi))
    series = [m * 10.0**e for e in range(lo_exp, hi_exp + 1) for m in (1.0, 2.0, 5.0)]
    inside = [t for t in series if lo <= t <= hi]
    if 2 <= len(inside) <= max_ticks:
        return inside
    decades = [10.0**e for e in range(lo_exp, hi_exp + 1) if lo <= 10.0**e <= hi]
    if len(decades) < 2:
        return inside or [10.0**lo_exp, 10.0**hi_exp]
    step = math.ceil(len(decades) / max_ticks)
    return decades[::step]


def apply_ratio_axis(ax: Axes, lo: float, hi: float) -> None:
    """Log-scale x axis between ``lo`` and ``hi`` with ratio-scale tick labels."""
    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    ticks = ratio_ticks(lo, hi)
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.set_xticklabels([format_ratio(t) for t in ticks])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_minor_formatter(NullFormatter())


def padded_range(values: Sequence[float], *, log: bool, pad: float = 0.05) -> tuple[float, float]:
    """Axis limits covering ``values`` with a margin (multiplicative on a log axis)."""
    finite = [v for v in values if math.isfinite(v) and (v > 0 or not log)]
    lo, hi = min(finite), max(finite)
    if log:
        llo, lhi = math.log(lo), math.log(hi)
        span = max(lhi - llo, 0.1)
        return math.exp(llo - pad * span), math.exp(lhi + pad * span)
    span = max(hi - lo, 1e-6)
    return lo - pad * span, hi + pad * span


def figure_format(path: str | Path) -> str:
    """The format of a figure file, from its suffix (one of :data:`SAVE_FORMATS`).

    Raises
    ------
    AlsatlasInputError
        The suffix is not a supported format.
    """
    out = Path(path)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in SAVE_FORMATS:
        raise AlsatlasInputError(
            f"unsupported figure format {out.suffix!r}; use .svg, .png or .pdf", file=str(out)
        )
    return fmt


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Write ``fig`` to ``path``; the format comes from the suffix (``.svg``, ``.png``, ``.pdf``).

    SVG text is kept as ``<text>`` elements (``svg.fonttype = "none"``), so labels stay
    searchable and accessible; the SVG carries no date, so output is reproducible.

    Raises
    ------
    AlsatlasInputError
        The suffix is not a supported format.
    """
    out = Path(path)
    fmt = figure_format(out)
    metadata: dict[str, str | None] = {"Date": None} if fmt == "svg" else {}
    with (
        rc_context({"svg.fonttype": "none", "svg.hashsalt": "alsatlas"}),
        atomic_path(out) as tmp,
    ):
        fig.savefig(tmp, format=fmt, bbox_inches="tight", dpi=150, metadata=metadata)
    return out


def literal_text(fig: Figure) -> Figure:
    """Show every text of ``fig`` as written: study labels and names come from data, and a
    ``$...$`` in them must not be parsed as mathtext (it would fail or change the text)."""
    for text in fig.findobj(Text):
        text.set_parse_math(False)
    return fig


def finish_plot(fig: Figure, ax: Axes, title: str | None, path: str | Path | None) -> Figure:
    """Common finish of a single-axes plot: tick labels in :data:`FONT_SIZE`, no right or top
    spine, the title if any, every text literal (:func:`literal_text`); written to ``path``
    (see :func:`save_figure`) when given."""
    ax.tick_params(labelsize=FONT_SIZE)
    for spine in ("right", "top"):
        ax.spines[spine].set_visible(False)
    if title:
        ax.set_title(title, fontsize=FONT_SIZE + 1, fontweight="bold")
    literal_text(fig)
    if path is not None:
        save_figure(fig, path)
    return fig


__all__ = [
    "FILLED_COLOUR",
    "FONT_SIZE",
    "POOLED_COLOUR",
    "PREDICTION_COLOUR",
    "REGION_COLOUR",
    "SAVE_FORMATS",
    "STUDY_COLOUR",
    "SUBGROUP_COLOUR",
    "apply_ratio_axis",
    "figure_format",
    "finish_plot",
    "format_ratio",
    "literal_text",
    "padded_range",
    "ratio_ticks",
    "save_figure",
]
