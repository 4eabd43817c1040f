r"""L'Abbé plot: outcome of the treated group against the control group, per study, on the
scale of the measure (L'Abbé et al. 1987; ``metafor::labbe``).

Coordinates from :func:`alsatlas.stats.labbe.labbe_points` (log odds for OR, log proportion
for RR, proportion for RD; zero counts corrected per group). Marker areas follow metafor's
point sizes (larger for more precise studies); the solid line :math:`y = x` is no effect, the
dashed line :math:`y = x + \hat\beta` the pooled effect.

SVG ids: ``labbe-points``, ``labbe-identity`` and ``labbe-estimate``.

References
----------
L'Abbé, K. A., Detsky, A. S., & O'Rourke, K. (1987). Meta-analysis in clinical research.
*Annals of Internal Medicine*, 107, 224-233.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from alsatlas.figures.style import FONT_SIZE, POOLED_COLOUR, STUDY_COLOUR, finish_plot
from alsatlas.stats.labbe import GROUP_SCALE, LabbePoints


def labbe_plot(
    points: LabbePoints,
    estimate: float,
    *,
    title: str | None = None,
    path: str | Path | None = None,
) -> Figure:
    """Draw a L'Abbé plot (see the module docstring).

    Parameters
    ----------
    points
        Coordinates from :func:`alsatlas.stats.labbe.labbe_points`.
    estimate
        Pooled effect on the analysis scale (log OR, log RR or RD) of the same studies.
    title
        Figure title.
    path
        If given, the figure is written there (``.svg``, ``.png`` or ``.pdf``).
    """
    fig = Figure(figsize=(5.4, 5.2))
    ax = fig.add_subplot()
    both = np.concatenate([points.x, points.y])
    lo, hi = float(np.min(both)), float(np.max(both))
    pad = 0.05 * max(hi - lo, 1e-6)
    lo, hi = lo - pad, hi + pad
    line = np.array([lo, hi])
    ax.plot(line, line, color=STUDY_COLOUR, lw=0.9, gid="labbe-identity")
    ax.plot(line, line + estimate, color=POOLED_COLOUR, lw=1.0, ls="--", gid="labbe-estimate")
    order = np.argsort(-points.size, kind="stable")  # small markers drawn last, on top
    markers = ax.scatter(
        points.x[order],
        points.y[order],
        s=(6.0 * points.size[order]) ** 2,
        facecolor="#BBBBBB",
        edgecolor=STUDY_COLOUR,
        lw=0.7,
        zorder=3,
    )
    markers.set_gid("labbe-points")
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_aspect("equal")
    scale = GROUP_SCALE[points.measure]
    ax.set_xlabel(f"{scale} (group 2)", fontsize=FONT_SIZE)
    ax.set_ylabel(f"{scale} (group 1)", fontsize=FONT_SIZE)
    return finish_plot(fig, ax, title, path)


__all__ = ["labbe_plot"]
