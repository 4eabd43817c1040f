r"""Funnel plot: effect size against standard error, with the pseudo-confidence region.

Studies are plotted at :math:`(y_i, \sqrt{v_i})` with the standard error on a reversed y axis
(precise studies at the top), around a vertical line at the pooled estimate
:math:`\hat\theta`. The pseudo :math:`100(1-\alpha)\%` region is the triangle
:math:`\hat\theta \pm z_{1-\alpha/2}\,\mathrm{se}` for :math:`\mathrm{se} \in [0,
\max_i \sqrt{v_i}]` (Sterne & Egger 2001; ``metafor::funnel`` with its defaults). After a
trim-and-fill analysis the filled studies are drawn as open markers and the line sits at the
filled model's estimate, as ``funnel(trimfill(...))`` does. Ratio measures are drawn on a log
axis with ratio-scale ticks.

SVG ids: ``funnel-observed`` (observed markers), ``funnel-filled`` (filled markers),
``funnel-region`` (the triangle) and ``funnel-estimate`` (the vertical line).

References
----------
Sterne, J. A. C., & Egger, M. (2001). Funnel plots for detecting bias in meta-analysis:
guidelines on choice of axis. *Journal of Clinical Epidemiology*, 54, 1046-1055.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Polygon
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
from alsatlas.stats.rma import RMAResult
from alsatlas.stats.trimfill import TrimFillResult


def funnel_plot(
    fit: RMAResult,
    *,
    trimfill: TrimFillResult | None = None,
    ratio: bool = False,
    effect_label: str = "Estimate",
    level: float = 95,
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
    se_max = float(max(np.max(sei), np.max(filled_se, initial=0.0))) * 1.05

    def tx(values: np.ndarray) -> np.ndarray:
        return np.exp(values) if ratio else values

    fig = Figure(figsize=(6.0, 4.8))
    ax = fig.add_subplot()
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
        ax.legend(
            fontsize=FONT_SIZE - 1,
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncols=2,
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
