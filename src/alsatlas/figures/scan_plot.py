"""Figure of an MR scan: a volcano plot and a Manhattan-style plot of one method's results.

- Volcano: each pair at (b, −log10 p).
- Manhattan-style: pairs along x, grouped by outcome (exposures in file order within a group)
  and coloured by direction, at −log10 p.

Both panels draw the Bonferroni line (p = 0.05 / n, n pairs with an estimate) and, when some
pair passes, the Benjamini–Hochberg line at the largest p with ``p_bh`` ≤ 0.05; the pairs that
pass Benjamini–Hochberg are labelled ``exposure → outcome`` (at most ``n_labels``). Labels are
plain text (never mathtext). SVG ids: ``scan-volcano``, ``scan-manhattan``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from alsatlas.figures.style import FONT_SIZE, literal_text, save_figure

DIRECTION_COLOURS: dict[str, str] = {"forward": "#0072B2", "reverse": "#D55E00"}


def _neglog(p: np.ndarray) -> np.ndarray:
    return np.asarray(-np.log10(np.clip(p, 1e-300, 1.0)), dtype=np.float64)


def scan_plot(
    rows: Any,
    *,
    method: str,
    title: str | None = None,
    path: str | Path | None = None,
    alpha: float = 0.05,
    n_labels: int = 10,
) -> Figure:
    """Volcano and Manhattan-style panels of the ``method`` rows of a scan results table
    (a polars DataFrame with ``status, method, b, pval, p_bh, direction, exposure, outcome``);
    written to ``path`` when given (:func:`alsatlas.figures.style.save_figure`)."""
    import polars as pl

    data = rows.filter((pl.col("status") == "ok") & (pl.col("method") == method)).sort(
        ["direction", "outcome", "exposure"]
    )
    fig = Figure(figsize=(11.0, 4.6))
    volcano, manhattan = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.0, 1.6]})
    b = data.get_column("b").to_numpy().astype(float)
    p = data.get_column("pval").fill_null(np.nan).to_numpy().astype(float)
    p_bh = data.get_column("p_bh").fill_null(np.nan).to_numpy().astype(float)
    direction = data.get_column("direction").to_list()
    labels = [
        f"{e} → {o}"
        for e, o in zip(data.get_column("exposure"), data.get_column("outcome"), strict=True)
    ]
    y = _neglog(p)
    colours = [DIRECTION_COLOURS.get(d, "#333333") for d in direction]
    x = np.arange(len(y), dtype=float)
    volcano.scatter(b, y, s=12, c=colours, gid="scan-volcano", linewidths=0)
    manhattan.scatter(x, y, s=12, c=colours, gid="scan-manhattan", linewidths=0)
    n = int(np.isfinite(p).sum())
    passing = np.isfinite(p_bh) & (p_bh <= alpha)
    for ax in (volcano, manhattan):
        if n:
            ax.axhline(-math.log10(alpha / n), color="#555555", linestyle="--", linewidth=0.8)
        if passing.any():
            ax.axhline(
                -math.log10(float(np.max(p[passing]))),
                color="#009E73",
                linestyle=":",
                linewidth=0.8,
            )
        ax.set_ylabel("-log10 p", fontsize=FONT_SIZE)
        ax.tick_params(labelsize=FONT_SIZE)
        for spine in ("right", "top"):
            ax.spines[spine].set_visible(False)
    volcano.axvline(0.0, color="#999999", linewidth=0.6)
    volcano.set_xlabel(f"causal estimate b ({method})", fontsize=FONT_SIZE)
    outcomes = data.get_column("outcome").to_list()
    starts = [i for i in range(len(outcomes)) if i == 0 or outcomes[i] != outcomes[i - 1]]
    if len(starts) <= 20:
        ticks = [
            (s + (starts[j + 1] if j + 1 < len(starts) else len(outcomes)) - 1) / 2
            for j, s in enumerate(starts)
        ]
        manhattan.set_xticks(ticks)
        manhattan.set_xticklabels([outcomes[s] for s in starts], rotation=30, ha="right")
    else:
        manhattan.set_xticks([])
    manhattan.set_xlabel("pairs, grouped by outcome", fontsize=FONT_SIZE)
    order = np.argsort(p, kind="stable")
    shown = [i for i in order if passing[i]][:n_labels]
    for i in shown:
        manhattan.annotate(
            labels[i],
            (x[i], y[i]),
            fontsize=FONT_SIZE - 2,
            xytext=(3, 2),
            textcoords="offset points",
        )
        volcano.annotate(
            labels[i],
            (b[i], y[i]),
            fontsize=FONT_SIZE - 2,
            xytext=(3, 2),
            textcoords="offset points",
        )
    handles = [
        Line2D([], [], marker="o", linestyle="", color=colour, label=name, markersize=4)
        for name, colour in DIRECTION_COLOURS.items()
        if name in direction
    ]
    if handles:
        manhattan.legend(handles=handles, fontsize=FONT_SIZE - 1, frameon=False)
    caption = f"{n} pairs; dashed: Bonferroni {alpha:g}/{n}"
    if passing.any():
        caption += f"; dotted: Benjamini-Hochberg {alpha:g} ({int(passing.sum())} pass)"
    fig.text(0.01, -0.04, caption, fontsize=FONT_SIZE - 1, color="#555555")
    if title:
        fig.suptitle(title, fontsize=FONT_SIZE + 1, fontweight="bold")
    literal_text(fig)
    if path is not None:
        save_figure(fig, path)
    return fig


__all__ = ["DIRECTION_COLOURS", "scan_plot"]
