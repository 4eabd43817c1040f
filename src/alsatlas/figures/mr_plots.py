"""Mendelian randomization plots: scatter with method lines, funnel, single-SNP forest and
leave-one-out, after TwoSampleMR's ``mr_scatter_plot``, ``mr_funnel_plot``,
``mr_forest_plot`` and ``mr_leaveoneout_plot``.

- Scatter: each variant at (bx, by), oriented so that bx > 0 (by ← sign(bx)·by), with
  ±1 SE bars in both directions; one line per method, y = b·x through the origin, except
  MR-Egger, y = β₀ + b·x with its intercept.
- Funnel: each variant's Wald ratio by/bx against its precision 1/se (se = byse/|bx|), with a
  vertical line per overall estimate.
- Forest (single SNP) and leave-one-out: one row per variant (its Wald ratio, or the IVW fit
  without it) with the 100(1 − α)% interval, the overall estimates below a rule, and a
  dashed line at 0.

SVG ids: ``mr-points`` (variant markers), ``mr-line-<method>`` (method lines),
``mr-rows`` (forest/leave-one-out row markers), ``mr-overall`` (overall markers).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from alsatlas.figures.style import FONT_SIZE, POOLED_COLOUR, STUDY_COLOUR, finish_plot
from alsatlas.genetics.mr.results import MRMethodResult, MRReport, SNPwiseResults

#: Okabe-Ito colours for the method lines, in METHOD_IDS order.
METHOD_COLOURS: dict[str, str] = {
    "wald_ratio": "#000000",
    "ivw": "#0072B2",
    "ivw_fe": "#56B4E9",
    "egger": "#D55E00",
    "simple_median": "#E69F00",
    "weighted_median": "#009E73",
    "penalised_weighted_median": "#F0E442",
    "simple_mode": "#CC79A7",
    "weighted_mode": "#999999",
    "presso": "#882255",
}

#: Display names of the method ids.
METHOD_LABELS: dict[str, str] = {
    "wald_ratio": "Wald ratio",
    "ivw": "Inverse variance weighted",
    "ivw_fe": "IVW (fixed effects)",
    "egger": "MR-Egger",
    "simple_median": "Simple median",
    "weighted_median": "Weighted median",
    "penalised_weighted_median": "Penalised weighted median",
    "simple_mode": "Simple mode",
    "weighted_mode": "Weighted mode",
    "presso": "MR-PRESSO",
}


def mr_scatter_plot(
    bx: ArrayLike,
    bxse: ArrayLike,
    by: ArrayLike,
    byse: ArrayLike,
    report: MRReport,
    *,
    methods: Sequence[str] | None = None,
    exposure_label: str = "SNP effect on exposure",
    outcome_label: str = "SNP effect on outcome",
    title: str | None = None,
    path: str | Path | None = None,
) -> Figure:
    """Scatter of variant associations with one line per method of ``report``.

    ``methods`` restricts the lines (default: every method in the report except the Wald
    ratio). Returns the figure; writes it to ``path`` when given.
    """
    x = np.asarray(bx, dtype=np.float64)
    y = np.asarray(by, dtype=np.float64)
    s = np.where(x < 0, -1.0, 1.0)
    x, y = np.abs(x), y * s
    xse = np.asarray(bxse, dtype=np.float64)
    yse = np.asarray(byse, dtype=np.float64)

    fig = Figure(figsize=(6.0, 4.8))
    ax = fig.add_subplot()
    ax.errorbar(x, y, xerr=xse, yerr=yse, fmt="none", ecolor="#BBBBBB", elinewidth=0.7, zorder=1)
    pts = ax.scatter(x, y, s=16, color=STUDY_COLOUR, zorder=3)
    pts.set_gid("mr-points")
    xmax = float(np.max(x + xse)) * 1.05
    grid = np.array([0.0, xmax])
    wanted = [r for r in report.results if r.method != "wald_ratio"]
    if methods is not None:
        wanted = [r for r in wanted if r.method in set(methods)]
    intercept = report.egger_intercept.intercept if report.egger_intercept else 0.0
    for r in wanted:
        b0 = intercept if r.method == "egger" else 0.0
        ax.plot(
            grid,
            b0 + r.b * grid,
            color=METHOD_COLOURS.get(r.method, POOLED_COLOUR),
            lw=1.2,
            label=METHOD_LABELS.get(r.method, r.method),
            gid=f"mr-line-{r.method}",
            zorder=2,
        )
    ax.axhline(0.0, color="#666666", lw=0.6, ls=":")
    ax.set_xlim(0.0, xmax)
    ax.set_xlabel(exposure_label, fontsize=FONT_SIZE)
    ax.set_ylabel(outcome_label, fontsize=FONT_SIZE)
    if wanted:
        ax.legend(fontsize=FONT_SIZE - 1, frameon=False, loc="best")
    return finish_plot(fig, ax, title, path)


def mr_funnel_plot(
    single: SNPwiseResults,
    *,
    overall: Sequence[MRMethodResult] | None = None,
    title: str | None = None,
    path: str | Path | None = None,
) -> Figure:
    """Funnel plot: Wald ratio of each variant against 1/se, with overall estimates.

    ``single`` comes from `alsatlas.genetics.mr.single_snp`; ``overall`` defaults to its
    ``overall`` fits (IVW and MR-Egger).
    """
    b = np.array([r.b for r in single.results])
    prec = 1.0 / np.array([r.se for r in single.results])
    lines = single.overall if overall is None else tuple(overall)
    fig = Figure(figsize=(6.0, 4.8))
    ax = fig.add_subplot()
    pts = ax.scatter(b, prec, s=16, color=STUDY_COLOUR, zorder=3)
    pts.set_gid("mr-points")
    for r in lines:
        ax.axvline(
            r.b,
            color=METHOD_COLOURS.get(r.method, POOLED_COLOUR),
            lw=1.2,
            label=METHOD_LABELS.get(r.method, r.method),
            gid=f"mr-line-{r.method}",
        )
    ax.set_xlabel("Wald ratio estimate (by / bx)", fontsize=FONT_SIZE)
    ax.set_ylabel("Precision (1 / SE)", fontsize=FONT_SIZE)
    ax.set_ylim(0.0, float(np.max(prec)) * 1.05)
    if lines:
        ax.legend(fontsize=FONT_SIZE - 1, frameon=False, loc="best")
    return finish_plot(fig, ax, title, path)


def _rows_plot(
    rows: SNPwiseResults,
    xlabel: str,
    title: str | None,
    path: str | Path | None,
) -> Figure:
    n_rows = len(rows.results)
    n_all = len(rows.overall)
    height = max(3.0, 0.22 * (n_rows + n_all + 2) + 1.0)
    fig = Figure(figsize=(6.0, height))
    ax = fig.add_subplot()
    order = np.argsort([r.b for r in rows.results], kind="stable")
    ys = np.arange(n_rows + n_all + 1, 0, -1, dtype=np.float64)
    y_rows = ys[:n_rows]
    y_all = ys[n_rows + 1 :]
    res = [rows.results[i] for i in order]
    labels = [rows.labels[i] for i in order]
    bs = np.array([r.b for r in res])
    lo = np.array([r.ci_lb for r in res])
    hi = np.array([r.ci_ub for r in res])
    ax.hlines(y_rows, lo, hi, color=STUDY_COLOUR, lw=0.8)
    pts = ax.scatter(bs, y_rows, s=14, color=STUDY_COLOUR, zorder=3)
    pts.set_gid("mr-rows")
    all_labels: list[str] = []
    if n_all:
        ob = np.array([r.b for r in rows.overall])
        ax.hlines(
            y_all,
            [r.ci_lb for r in rows.overall],
            [r.ci_ub for r in rows.overall],
            color=POOLED_COLOUR,
            lw=1.2,
        )
        ov = ax.scatter(ob, y_all, s=30, marker="D", color=POOLED_COLOUR, zorder=3)
        ov.set_gid("mr-overall")
        ax.axhline(ys[n_rows], color="#BBBBBB", lw=0.6)
        all_labels = [f"All - {METHOD_LABELS.get(r.method, r.method)}" for r in rows.overall]
    ax.axvline(0.0, color="#666666", lw=0.7, ls="--")
    ax.set_yticks([*y_rows.tolist(), *y_all.tolist()])
    ax.set_yticklabels([*labels, *all_labels], fontsize=FONT_SIZE - 1)
    ax.set_ylim(0.3, float(ys[0]) + 0.7)
    ax.set_xlabel(xlabel, fontsize=FONT_SIZE)
    return finish_plot(fig, ax, title, path)


def mr_forest_plot(
    single: SNPwiseResults, *, title: str | None = None, path: str | Path | None = None
) -> Figure:
    """Single-SNP forest plot: Wald ratios sorted by estimate, then the overall fits."""
    return _rows_plot(single, "MR effect size (Wald ratio per variant)", title, path)


def mr_leave_one_out_plot(
    loo: SNPwiseResults, *, title: str | None = None, path: str | Path | None = None
) -> Figure:
    """Leave-one-out plot: the IVW estimate without each variant, then the full fit."""
    return _rows_plot(loo, "MR leave-one-out sensitivity analysis (IVW)", title, path)


__all__ = [
    "METHOD_COLOURS",
    "METHOD_LABELS",
    "mr_forest_plot",
    "mr_funnel_plot",
    "mr_leave_one_out_plot",
    "mr_scatter_plot",
]
