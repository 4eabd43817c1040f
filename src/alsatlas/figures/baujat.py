r"""Baujat plot: each study's contribution to the heterogeneity (x) against its influence on
the pooled result (y), labelled by study (Baujat et al. 2002; ``metafor::baujat``).

Coordinates from :func:`alsatlas.stats.baujat.baujat_points`: :math:`x_i` is the squared
Pearson residual :math:`(y_i - x_i'\hat\beta)^2/(v_i + \hat\tau^2)` (its contribution to Q
for an equal-effects model) and :math:`y_i = (x_i'\hat\beta_{(-i)} - x_i'\hat\beta)^2 /
x_i'V_{(-i)}x_i`. Studies in the upper right both add heterogeneity and move the result.

SVG ids: ``baujat-points`` (the markers) and ``baujat-label-I`` (the label of study I,
0-based).

References
----------
Baujat, B., Mahé, C., Pignon, J.-P., & Hill, C. (2002). A graphical method for exploring
heterogeneity in meta-analyses: application to a meta-analysis of 65 trials. *Statistics in
Medicine*, 21, 2641-2652.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from alsatlas.errors import AlsatlasInputError
from alsatlas.figures.style import FONT_SIZE, STUDY_COLOUR, finish_plot
from alsatlas.stats.baujat import baujat_points
from alsatlas.stats.rma import RMAResult


def baujat_plot(
    fit: RMAResult,
    *,
    labels: Sequence[str] | None = None,
    title: str | None = None,
    path: str | Path | None = None,
) -> Figure:
    """Draw the Baujat plot of a fitted model (see the module docstring).

    Parameters
    ----------
    fit
        The fitted model (moderators allowed, as in metafor).
    labels
        One label per study (default: 1, 2, ..., as metafor's ``ids``).
    title
        Figure title.
    path
        If given, the figure is written there (``.svg``, ``.png`` or ``.pdf``).

    Raises
    ------
    AlsatlasInputError
        ``labels`` has the wrong length.
    """
    names = [str(i + 1) for i in range(fit.k)] if labels is None else [str(s) for s in labels]
    if len(names) != fit.k:
        raise AlsatlasInputError(f"need {fit.k} labels, got {len(names)}", field="labels")
    pts = baujat_points(fit)
    fig = Figure(figsize=(6.0, 4.8))
    ax = fig.add_subplot()
    ok = np.isfinite(pts.x) & np.isfinite(pts.y)
    markers = ax.scatter(pts.x[ok], pts.y[ok], s=18, color=STUDY_COLOUR, zorder=3)
    markers.set_gid("baujat-points")
    for i in np.flatnonzero(ok):
        ax.annotate(
            names[i],
            (float(pts.x[i]), float(pts.y[i])),
            xytext=(4, 3),
            textcoords="offset points",
            fontsize=FONT_SIZE - 1,
            color=STUDY_COLOUR,
            gid=f"baujat-label-{i}",
        )
    ax.grid(color="#E5E5E5", lw=0.6)
    ax.set_axisbelow(True)
    if fit.method in ("EE", "FE"):
        xlabel = (
            "Contribution to overall heterogeneity"
            if fit.p == 1
            else "Contribution to residual heterogeneity"
        )
    else:
        xlabel = "Squared Pearson residual"
    ax.set_xlabel(xlabel, fontsize=FONT_SIZE)
    ax.set_ylabel(
        "Influence on overall result" if fit.p == 1 else "Influence on fitted value",
        fontsize=FONT_SIZE,
    )
    return finish_plot(fig, ax, title, path)


__all__ = ["baujat_plot"]
