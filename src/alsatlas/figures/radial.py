r"""Radial (Galbraith) plot: standardised estimates against precision (Galbraith 1988;
``metafor::radial``).

Coordinates from :func:`alsatlas.stats.radial.radial_points`: study :math:`i` at
:math:`x_i = 1/\sqrt{v_i + \hat\tau^2}`, :math:`z_i = (y_i - c)/\sqrt{v_i + \hat\tau^2}`. The
line through the origin has slope :math:`\hat\mu - c` (the pooled estimate), the shaded band
is :math:`\pm z_{1-\alpha/2}` around it, and the arc on the right reads off each study's
estimate: the line from the origin through a point meets the arc at :math:`y_i`. As in
metafor the axes box is square and the arc is drawn at :math:`x_{\max} + 0.14\,\Delta x`,
with points :math:`(x, x\,y)`, :math:`x = r/\sqrt{1 + (y/a)^2}` for the aspect :math:`a` of the
data ranges, so that it is a circle on the page. Ratio measures label the arc as ratios.

SVG ids: ``radial-points``, ``radial-region`` (the band), ``radial-estimate`` (the line) and
``radial-arc`` (the arc scale).

References
----------
Galbraith, R. F. (1988). A note on graphical presentation of estimated odds ratios from
several clinical trials. *Statistics in Medicine*, 7, 889-894.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Polygon
from matplotlib.ticker import MaxNLocator

from alsatlas.figures.style import (
    FONT_SIZE,
    POOLED_COLOUR,
    REGION_COLOUR,
    STUDY_COLOUR,
    finish_plot,
    format_ratio,
    ratio_ticks,
)
from alsatlas.stats.radial import radial_points
from alsatlas.stats.rma import RMAResult


def radial_plot(
    fit: RMAResult,
    *,
    center: bool = False,
    ratio: bool = False,
    level: float | None = None,
    title: str | None = None,
    path: str | Path | None = None,
) -> Figure:
    """Draw the radial plot of an intercept-only model (see the module docstring).

    Parameters
    ----------
    fit
        A model without moderators.
    center
        Centre the effects on the pooled estimate (metafor's ``center = TRUE``).
    ratio
        The measure is a log ratio: the arc is labelled with ratios.
    level
        Level of the band in percent (the model's by default).
    title
        Figure title.
    path
        If given, the figure is written there (``.svg``, ``.png`` or ``.pdf``).

    Raises
    ------
    StatsInputError
        The model has moderators.
    """
    pts = radial_points(fit, center=center, level=level)
    yi = fit.yi - pts.centre
    xmax = 1.3 * float(np.max(pts.x))
    arc_r = xmax + 0.14 * xmax
    zlo = min(-5.0, 1.1 * float(np.min(pts.z)), 1.1 * float(np.min(yi)) * arc_r,
              -1.1 * pts.zcrit + xmax * pts.slope)  # fmt: skip
    zhi = max(5.0, 1.1 * float(np.max(pts.z)), 1.1 * float(np.max(yi)) * arc_r,
              1.1 * pts.zcrit + xmax * pts.slope)  # fmt: skip
    fig = Figure(figsize=(6.0, 5.2))
    ax = fig.add_subplot()
    ax.set_box_aspect(1.0)
    ax.set_xlim(0.0, xmax)
    ax.set_ylim(zlo, zhi)
    band = Polygon(
        [(0.0, pts.zcrit), (xmax, pts.zcrit + xmax * pts.slope),
         (xmax, -pts.zcrit + xmax * pts.slope), (0.0, -pts.zcrit)],
        closed=True, facecolor=REGION_COLOUR, edgecolor="none", zorder=0, gid="radial-region",
    )  # fmt: skip
    ax.add_patch(band)
    ax.plot([0.0, xmax], [0.0, xmax * pts.slope], color=POOLED_COLOUR, lw=1.0,
            gid="radial-estimate")  # fmt: skip
    for sign in (-1.0, 1.0):
        ax.plot([0.0, xmax], [sign * pts.zcrit, sign * pts.zcrit + xmax * pts.slope],
                color="#999999", lw=0.8, ls=":")  # fmt: skip
    markers = ax.scatter(pts.x, pts.z, s=22, color=STUDY_COLOUR, zorder=3, clip_on=False)
    markers.set_gid("radial-points")
    aspect = (zhi - zlo) / xmax
    y_lo, y_hi = float(np.min(yi)), float(np.max(yi))
    arc_y = np.linspace(y_lo, y_hi, 100)
    arc_x = arc_r / np.sqrt(1.0 + (arc_y / aspect) ** 2)
    ax.plot(arc_x, arc_x * arc_y, color=STUDY_COLOUR, lw=0.8, clip_on=False, gid="radial-arc")
    if ratio:
        lo_r, hi_r = np.exp(y_lo + pts.centre), np.exp(y_hi + pts.centre)
        ticks = [float(np.log(t)) - pts.centre for t in ratio_ticks(lo_r, hi_r, max_ticks=6)]
    else:
        ticks = [t for t in MaxNLocator(nbins=5).tick_values(y_lo, y_hi) if y_lo <= t <= y_hi]
    for t in ticks:
        xs = np.array([arc_r, 1.03 * arc_r, 1.06 * arc_r]) / np.sqrt(1.0 + (t / aspect) ** 2)
        ax.plot(xs[:2], xs[:2] * t, color=STUDY_COLOUR, lw=0.8, clip_on=False)
        value = t + pts.centre
        text = format_ratio(float(f"{np.exp(value):.4g}")) if ratio else f"{value:.3g}"
        ax.text(float(xs[2]), float(xs[2] * t), text, fontsize=FONT_SIZE - 1,
                va="center", ha="left", clip_on=False)  # fmt: skip
    tau = "" if fit.method in ("EE", "FE") else " + tau2"
    ax.set_xlabel(f"Precision, 1/sqrt(vi{tau})", fontsize=FONT_SIZE)
    centre = " - estimate" if center else ""
    ax.set_ylabel(f"Standardised effect, (yi{centre})/sqrt(vi{tau})", fontsize=FONT_SIZE)
    return finish_plot(fig, ax, title, path)


__all__ = ["radial_plot"]
