r"""Funnel plot: effect size against standard error, with the pseudo-confidence region.

Studies are plotted at :math:`(y_i, \sqrt{v_i})` with the standard error on a reversed y axis
(precise studies at the top), around a vertical line at the pooled estimate
:math:`\hat\theta`. The pseudo :math:`100(1-\alpha)\%` region is the triangle
:math:`\hat\theta \pm z_{1-\alpha/2}\,\mathrm{se}` for :math:`\mathrm{se} \in [0,
\max_i \sqrt{v_i}]` (Sterne & Egger 2001; ``metafor::funnel`` with its defaults). After a
trim-and-fill analysis the filled studies are drawn as open markers and the line sits at the
filled model's estimate, as ``funnel(trimfill(...))`` does. Ratio measures are drawn on a log
axis with ratio-scale ticks.

With ``levels`` (e.g. ``(90, 95, 99)``) the plot is contour-enhanced (Peters et al. 2008;
``funnel(fit, level = c(90, 95, 99), shade = ..., refline = 0)``): instead of the triangle,
shaded bands :math:`r \pm z_{1-\alpha/2}\,\mathrm{se}` around the reference value
:math:`r` (``refline``, 0: no effect) mark where a study's two-sided p-value against
:math:`r` falls (see :mod:`alsatlas.stats.funnel_contours`); the standard-error axis runs to
1.1 times the largest SE, as in metafor.

SVG ids: ``funnel-observed`` (observed markers), ``funnel-filled`` (filled markers),
``funnel-region`` (the triangle) and ``funnel-estimate`` (the vertical line); with contours,
``funnel-contour-L`` (the band of level L, e.g. ``funnel-contour-95``), ``funnel-outside``
(the area beyond the widest contour) and ``funnel-refline``.

References
----------
Peters, J. L., Sutton, A. J., Jones, D. R., Abrams, K. R., & Rushton, L. (2008).
Contour-enhanced meta-analysis funnel plots help distinguish publication bias from other
causes of asymmetry. *Journal of Clinical Epidemiology*, 61, 991-996.
Sterne, J. A. C., & Egger, M. (2001). Funnel plots for detecting bias in meta-analysis:
guidelines on choice of axis. *Journal of Clinical Epidemiology*, 54, 1046-1055.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Polygon, Rectangle
from scipy import special

from alsatlas.errors import AlsatlasInputError
from alsatlas.figures.style import (
    FILLED_COLOUR,
    FONT_SIZE,
    POOLED_COLOUR,
    REGION_COLOUR,
    STUDY_COLOUR,
    apply_ratio_axis,
    finish_plot,
    padded_range,
)
from alsatlas.stats.funnel_contours import funnel_contours
from alsatlas.stats.rma import RMAResult
from alsatlas.stats.trimfill import TrimFillResult

#: Fill of the area beyond the widest contour, then of the bands from the widest inwards.
CONTOUR_OUTSIDE = "#BDBDBD"
CONTOUR_SHADES: tuple[str, ...] = ("#D9D9D9", "#EFEFEF", "#FFFFFF")


def _p_text(alpha: float) -> str:
    return f"{alpha:.3f}".rstrip("0").rstrip(".")


def _draw_contours(
    ax: Axes, levels: Sequence[float], refline: float, se_max: float, ratio: bool
) -> tuple[list[float], list[Artist]]:
    """Bands of a contour-enhanced funnel; returns their x extent and legend entries."""
    grid = np.array([0.0, se_max])
    contours = funnel_contours(grid, levels, refline=refline)
    widest = contours[0]
    lo_all, hi_all = (float(widest.lower[1]), float(widest.upper[1]))
    pad = 0.6 * (hi_all - lo_all)

    def tx(v: float) -> float:
        return float(np.exp(v)) if ratio else v

    ax.add_patch(
        Rectangle(
            (tx(lo_all - pad), 0.0),
            tx(hi_all + pad) - tx(lo_all - pad),
            se_max,
            facecolor=CONTOUR_OUTSIDE,
            edgecolor="none",
            zorder=0,
            gid="funnel-outside",
        )
    )
    shades = [CONTOUR_SHADES[-1]] if len(contours) == 1 else list(CONTOUR_SHADES)
    while len(shades) < len(contours):
        shades.insert(0, CONTOUR_SHADES[0])
    shades = shades[-len(contours) :]
    legend: list[Artist] = [
        Patch(
            facecolor=CONTOUR_OUTSIDE,
            edgecolor="#999999",
            label=f"p < {_p_text(1 - contours[0].level / 100)}",
        )
    ]
    for i, (contour, shade) in enumerate(zip(contours, shades, strict=True)):
        alpha = 1 - contour.level / 100
        points = [
            (tx(float(contour.lower[1])), se_max),
            (tx(refline), 0.0),
            (tx(float(contour.upper[1])), se_max),
        ]
        ax.add_patch(
            Polygon(
                points,
                closed=True,
                facecolor=shade,
                edgecolor="#777777",
                lw=0.6,
                ls=":",
                zorder=0,
                gid=f"funnel-contour-{contour.level:g}",
            )
        )
        inner = contours[i + 1] if i + 1 < len(contours) else None
        label = (
            f"{_p_text(alpha)} < p < {_p_text(1 - inner.level / 100)}"
            if inner is not None
            else f"p > {_p_text(alpha)}"
        )
        legend.append(Patch(facecolor=shade, edgecolor="#999999", label=label))
    ax.plot(
        [tx(refline)] * 2, [0.0, se_max], color="#555555", lw=0.8, ls="--", gid="funnel-refline"
    )
    return [tx(lo_all), tx(hi_all)], legend


def funnel_plot(
    fit: RMAResult,
    *,
    trimfill: TrimFillResult | None = None,
    ratio: bool = False,
    effect_label: str = "Estimate",
    level: float = 95,
    levels: Sequence[float] | None = None,
    refline: float = 0.0,
    title: str | None = None,
    path: str | Path | None = None,
) -> Figure:
    """Draw a funnel plot of a fitted model (see the module docstring).

    Parameters
    ----------
    fit
        The fitted model; its ``yi``, ``vi`` and estimate are drawn.
    trimfill
        A trim-and-fill result for the same studies: its filled studies are added as open
        markers and the vertical line moves to its estimate.
    ratio
        Exponentiate and draw on a log axis (OR, RR, HR, ...).
    effect_label
        Name of the measure for the x-axis label.
    level
        Level of the pseudo-confidence region, in percent.
    levels
        Contour levels in percent (e.g. ``(90, 95, 99)``): draw a contour-enhanced funnel
        around ``refline`` instead of the pseudo-confidence region.
    refline
        Reference value of the contours on the analysis scale (0: no effect).
    title
        Figure title.
    path
        If given, the figure is written there (``.svg``, ``.png`` or ``.pdf``).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    AlsatlasInputError
        ``fit`` has moderators (its studies have no common centre to draw).
    """
    if fit.p != 1:
        raise AlsatlasInputError("a funnel plot needs a model without moderators", field="fit")
    yi = np.asarray(fit.yi, dtype=np.float64)
    sei = np.sqrt(np.asarray(fit.vi, dtype=np.float64))
    centre = fit.estimate
    filled_y = np.empty(0)
    filled_se = np.empty(0)
    if trimfill is not None:
        centre = trimfill.estimate
        filled_y = trimfill.yi[trimfill.fill]
        filled_se = np.sqrt(trimfill.vi[trimfill.fill])
    z = float(special.ndtri(1.0 - (1.0 - level / 100.0) / 2.0))
    se_max = float(max(np.max(sei), np.max(filled_se, initial=0.0))) * (
        1.05 if levels is None else 1.1
    )

    def tx(values: np.ndarray) -> np.ndarray:
        return np.exp(values) if ratio else values

    fig = Figure(figsize=(6.0, 4.8))
    ax = fig.add_subplot()
    legend: list[Artist] = []
    if levels is not None:
        extent, legend = _draw_contours(ax, levels, refline, se_max, ratio)
        region_x = np.array(extent)
    else:
        region_x = tx(np.array([centre - z * se_max, centre, centre + z * se_max]))
        region = Polygon(
            [(region_x[0], se_max), (region_x[1], 0.0), (region_x[2], se_max)],
            closed=True,
            facecolor=REGION_COLOUR,
            edgecolor="#999999",
            lw=0.8,
            ls="--",
            zorder=0,
            gid="funnel-region",
        )
        ax.add_patch(region)
    ax.plot(
        [float(tx(np.array(centre)))] * 2,
        [0.0, se_max],
        color=POOLED_COLOUR,
        lw=1.0,
        gid="funnel-estimate",
    )
    observed = ax.scatter(
        tx(yi), sei, s=28, marker="o", color=STUDY_COLOUR, zorder=3, label="Observed studies"
    )
    observed.set_gid("funnel-observed")
    if filled_y.size:
        filled = ax.scatter(
            tx(filled_y),
            filled_se,
            s=28,
            marker="o",
            facecolors="white",
            edgecolors=FILLED_COLOUR,
            zorder=3,
            label="Filled studies (trim and fill)",
        )
        filled.set_gid("funnel-filled")
        legend = [*legend, observed, filled]
    if legend:
        ax.legend(
            handles=legend,
            fontsize=FONT_SIZE - 1,
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncols=min(len(legend), 4),
            frameon=False,
        )
    xs = [*tx(yi).tolist(), *tx(filled_y).tolist(), *region_x.tolist()]
    lo, hi = padded_range(xs, log=ratio)
    if ratio:
        apply_ratio_axis(ax, lo, hi)
    else:
        ax.set_xlim(lo, hi)
    ax.set_ylim(se_max, 0.0)
    ax.set_ylabel("Standard error", fontsize=FONT_SIZE)
    ax.set_xlabel(
        f"{effect_label} ({'log scale' if ratio else 'analysis scale'})", fontsize=FONT_SIZE
    )
    return finish_plot(fig, ax, title, path)


__all__ = ["funnel_plot"]
