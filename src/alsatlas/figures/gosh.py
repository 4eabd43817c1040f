r"""GOSH plot: I² against the pooled estimate of the model fitted to subsets of the studies
(Olkin, Dahabreh & Trikalinos 2012; ``plot(gosh(...))`` of metafor, its I²-estimate panel).

The fits come from :func:`alsatlas.stats.gosh.gosh` (all :math:`2^k - 1` subsets, or a seeded
random sample). Distinct clusters suggest that a few studies drive the heterogeneity. Up to
``MAX_MARKERS`` subsets are drawn as semi-transparent markers; beyond that the scatter is
drawn as a 2-D histogram image (counts per cell, log-shaded; cells equal on the drawn axis),
which keeps SVG files small. The dashed vertical line is the estimate of the model fitted to
all studies. Ratio measures are drawn on a log axis with ratio-scale ticks.

SVG ids: ``gosh-points`` (markers) or ``gosh-density`` (the image), and ``gosh-estimate``.

References
----------
Olkin, I., Dahabreh, I. J., & Trikalinos, T. A. (2012). GOSH - a graphical display of study
heterogeneity. *Research Synthesis Methods*, 3, 214-223.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from alsatlas.figures.style import (
    FONT_SIZE,
    POOLED_COLOUR,
    STUDY_COLOUR,
    apply_ratio_axis,
    finish_plot,
    padded_range,
)
from alsatlas.stats.gosh import GoshResult

MAX_MARKERS = 20_000
BINS = 200


def gosh_plot(
    res: GoshResult,
    *,
    estimate: float | None = None,
    ratio: bool = False,
    effect_label: str = "Estimate",
    title: str | None = None,
    path: str | Path | None = None,
) -> Figure:
    """Draw a GOSH plot (see the module docstring).

    Parameters
    ----------
    res
        Subset fits from :func:`alsatlas.stats.gosh.gosh`.
    estimate
        Pooled estimate of all studies (analysis scale), drawn as a dashed line.
    ratio
        Exponentiate and draw on a log axis (OR, RR, HR, ...).
    effect_label
        Name of the measure for the x-axis label.
    title
        Figure title.
    path
        If given, the figure is written there (``.svg``, ``.png`` or ``.pdf``).
    """
    ok = np.isfinite(res.estimate) & np.isfinite(res.I2)
    est = res.estimate[ok]
    x = np.exp(est) if ratio else est
    i2 = res.I2[ok]
    fig = Figure(figsize=(6.0, 4.8))
    ax = fig.add_subplot()
    lo, hi = padded_range([float(np.min(x)), float(np.max(x))], log=ratio)
    if x.size <= MAX_MARKERS:
        alpha = float(np.clip(200.0 / max(x.size, 1), 0.08, 0.8))
        markers = ax.scatter(x, i2, s=8, color=STUDY_COLOUR, alpha=alpha, lw=0, zorder=2)
        markers.set_gid("gosh-points")
    else:
        xe = np.geomspace(lo, hi, BINS + 1) if ratio else np.linspace(lo, hi, BINS + 1)
        ye = np.linspace(-2.0, 102.0, BINS + 1)
        counts, _, _ = np.histogram2d(x, i2, bins=(xe, ye))
        masked = np.ma.masked_equal(counts.T, 0.0)
        image = ax.imshow(
            masked,
            origin="lower",
            extent=(lo, hi, -2.0, 102.0),
            aspect="auto",
            cmap="Greys",
            norm=LogNorm(vmin=1.0, vmax=max(float(counts.max()), 2.0)),
            interpolation="nearest",
            zorder=2,
        )
        image.set_gid("gosh-density")
    if estimate is not None:
        ex = float(np.exp(estimate)) if ratio else estimate
        ax.axvline(ex, color=POOLED_COLOUR, lw=1.0, ls="--", gid="gosh-estimate", zorder=3)
    if ratio:
        apply_ratio_axis(ax, lo, hi)
    else:
        ax.set_xlim(lo, hi)
    ax.set_ylim(-2.0, 102.0)
    ax.set_ylabel("I2 (%)", fontsize=FONT_SIZE)
    sample = "all" if res.exact else "random sample of"
    ax.set_xlabel(
        f"{effect_label} ({'log scale' if ratio else 'analysis scale'}); "
        f"{sample} {res.n:,} subsets",
        fontsize=FONT_SIZE,
    )
    return finish_plot(fig, ax, title, path)


__all__ = ["gosh_plot"]
