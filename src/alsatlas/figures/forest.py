r"""Forest plot of a meta-analysis: studies, subgroup and overall diamonds, prediction interval.

Each study is a square centred at :math:`y_i` (area proportional to its weight in the pooled
model) with the :math:`100(1-\alpha)\%` Wald interval :math:`y_i \pm z_{1-\alpha/2}\sqrt{v_i}`
(as ``metafor::forest``). Pooled estimates are diamonds spanning their CI; the prediction
interval (``predict.rma``) is a bar below the overall diamond. Ratio measures are drawn on a
log axis with ticks labelled on the ratio scale, so CIs look asymmetric in ratio units as
they should. Columns: study labels (left); "estimate [CI]" and weight (right).

Every study label, CI text and marker carries an SVG id (``study-label-<i>``,
``study-ci-<i>``, ``study-markers``; pooled rows ``diamond-overall`` and
``diamond-<subgroup>``; ``prediction-interval``), so the written SVG can be checked and styled.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Polygon
from matplotlib.transforms import blended_transform_factory
from numpy.typing import ArrayLike
from scipy import special

from alsatlas.errors import AlsatlasInputError
from alsatlas.figures.style import (
    FONT_SIZE,
    POOLED_COLOUR,
    PREDICTION_COLOUR,
    STUDY_COLOUR,
    SUBGROUP_COLOUR,
    apply_ratio_axis,
    literal_text,
    padded_range,
    save_figure,
)
from alsatlas.stats.rma import RMAResult

_ROW_HEIGHT = 0.26
_TEXT_COLUMNS = {"label": (-0.03, "right"), "ci": (1.03, "left"), "weight": (1.52, "right")}
"""Text columns beside the axes: x in axes fraction and horizontal alignment."""
_EQUAL_EFFECTS = ("EE", "FE", "CE")


@dataclass(frozen=True)
class _Row:
    kind: str  # "header", "study", "subgroup", "overall", "prediction", "blank"
    label: str
    est: float = math.nan
    lb: float = math.nan
    ub: float = math.nan
    weight: float = math.nan
    index: int = -1
    key: str = ""


def _model_label(fit: RMAResult) -> str:
    if fit.method in _EQUAL_EFFECTS:
        return "Common-effect model"
    return f"Random-effects model ({fit.method}{', HKSJ' if fit.test == 'knha' else ''})"


def _pooled_row(kind: str, label: str, fit: RMAResult, key: str) -> _Row:
    return _Row(
        kind=kind,
        label=label,
        est=fit.estimate,
        lb=float(fit.ci_lb[0]),
        ub=float(fit.ci_ub[0]),
        key=key,
    )


def _build_rows(
    yi: np.ndarray,
    lb: np.ndarray,
    ub: np.ndarray,
    labels: Sequence[str],
    weights: np.ndarray,
    fit: RMAResult | None,
    subgroups: Sequence[str] | None,
    subgroup_fits: Mapping[str, RMAResult],
    prediction: bool,
) -> list[_Row]:
    rows: list[_Row] = []

    def study(i: int) -> _Row:
        return _Row(
            "study",
            labels[i],
            float(yi[i]),
            float(lb[i]),
            float(ub[i]),
            float(weights[i]),
            i,
        )

    if subgroups is None:
        rows.extend(study(i) for i in range(yi.shape[0]))
    else:
        order = list(dict.fromkeys(subgroups))
        for group in order:
            rows.append(_Row("header", group))
            rows.extend(study(i) for i, g in enumerate(subgroups) if g == group)
            if group in subgroup_fits:
                sub = subgroup_fits[group]
                rows.append(_pooled_row("subgroup", f"Subtotal (k = {sub.k})", sub, group))
            rows.append(_Row("blank", ""))
    if fit is not None:
        if subgroups is None:
            rows.append(_Row("blank", ""))
        rows.append(_pooled_row("overall", _model_label(fit), fit, "overall"))
        if prediction and fit.p == 1 and fit.method not in _EQUAL_EFFECTS:
            pred = fit.predict()
            rows.append(
                _Row(
                    "prediction",
                    "Prediction interval",
                    float(pred.pred[0]),
                    float(pred.pi_lb[0]),
                    float(pred.pi_ub[0]),
                )
            )
    return rows


def _heterogeneity_text(fit: RMAResult) -> str:
    p = "p < 0.001" if fit.QEp < 0.001 else f"p = {fit.QEp:.3f}"
    text = f"Q = {fit.QE:.2f} (df = {fit.k - fit.p}, {p}); I² = {fit.I2:.1f}%"
    if fit.method not in _EQUAL_EFFECTS:
        text += f"; τ² = {fit.tau2:.4f}"
    return text


def forest_plot(
    yi: ArrayLike,
    vi: ArrayLike,
    *,
    labels: Sequence[str] | None = None,
    fit: RMAResult | None = None,
    subgroups: Sequence[str] | None = None,
    subgroup_fits: Mapping[str, RMAResult] | None = None,
    ratio: bool = False,
    effect_label: str = "Estimate",
    level: float = 95,
    prediction: bool = True,
    title: str | None = None,
    path: str | Path | None = None,
) -> Figure:
    """Draw a forest plot (see the module docstring) and optionally write it to ``path``.

    Parameters
    ----------
    yi, vi
        Study effect sizes on the analysis scale (log scale for ratio measures) and their
        sampling variances.
    labels
        Study labels (default ``Study 1`` ... ``Study k``).
    fit
        Overall model: its diamond, weights column, heterogeneity line and prediction
        interval. Without it, weights are inverse-variance percentages and no diamond is drawn.
    subgroups
        Subgroup of each study; studies are grouped under a header per subgroup (in order of
        first appearance).
    subgroup_fits
        Pooled model per subgroup name, drawn as a subgroup diamond.
    ratio
        Exponentiate and draw on a log axis (OR, RR, HR, ...), with the line of no effect at 1.
    effect_label
        Name of the measure in the column header, e.g. ``"HR"`` gives ``"HR [95% CI]"``.
    level
        Confidence level of the study CIs, in percent.
    prediction
        Draw the prediction interval of a random-effects model without moderators.
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
        Mismatched lengths, non-finite values, non-positive variances, or a ``fit`` with
        moderators.
    """
    y = np.asarray(yi, dtype=np.float64).reshape(-1)
    v = np.asarray(vi, dtype=np.float64).reshape(-1)
    k = y.shape[0]
    if v.shape[0] != k or k == 0:
        raise AlsatlasInputError("yi and vi must be non-empty and of equal length", field="vi")
    if not (np.all(np.isfinite(y)) and np.all(np.isfinite(v)) and np.all(v > 0)):
        raise AlsatlasInputError("yi and vi must be finite with vi > 0", field="vi")
    names = list(labels) if labels is not None else [f"Study {i + 1}" for i in range(k)]
    if len(names) != k:
        raise AlsatlasInputError(f"{len(names)} labels for {k} studies", field="labels")
    if subgroups is not None and len(subgroups) != k:
        raise AlsatlasInputError(f"{len(subgroups)} subgroups for {k} studies", field="subgroup")
    if fit is not None and fit.k != k:
        raise AlsatlasInputError(f"the model has k = {fit.k} but {k} studies", field="fit")
    if fit is not None and fit.p != 1:
        raise AlsatlasInputError("the pooled diamond needs a model without moderators", field="fit")
    z = float(special.ndtri(1.0 - (1.0 - level / 100.0) / 2.0))
    se = np.sqrt(v)
    lb, ub = y - z * se, y + z * se
    if fit is not None:
        weights = np.asarray(fit.weights, dtype=np.float64)
    else:
        weights = 100.0 * (1.0 / v) / np.sum(1.0 / v)

    rows = _build_rows(y, lb, ub, names, weights, fit, subgroups, subgroup_fits or {}, prediction)
    to_plot = np.exp if ratio else (lambda a: a)

    n_rows = len(rows)
    fig = Figure(figsize=(10.0, 1.3 + _ROW_HEIGHT * (n_rows + 2)))
    ax = fig.add_axes((0.32, 0.9 / (n_rows + 4), 0.36, (n_rows + 0.5) / (n_rows + 4)))
    ax.set_ylim(-1.0, n_rows + 0.6)
    ax.set_yticks([])
    for spine in ("left", "right", "top"):
        ax.spines[spine].set_visible(False)
    text_tf = blended_transform_factory(ax.transAxes, ax.transData)

    def column_text(column: str, yy: float, text: str, **style: Any) -> None:
        """Text at height ``yy`` in a column beside the axes (study labels on the left, CIs and
        weights on the right)."""
        x, ha = _TEXT_COLUMNS[column]
        style.setdefault("fontsize", FONT_SIZE)
        ax.text(x, yy, text, transform=text_tf, ha=ha, va="center", **style)

    ypos = {i: float(n_rows - 1 - i) for i in range(n_rows)}
    study_x: list[float] = []
    study_y: list[float] = []
    study_size: list[float] = []
    wmax = float(np.max(weights)) if np.max(weights) > 0 else 1.0
    extent: list[float] = []
    header_y = float(n_rows)
    column_text("label", header_y, "Study", fontweight="bold")
    column_text("ci", header_y, f"{effect_label} [{level:g}% CI]", fontweight="bold")
    column_text("weight", header_y, "Weight", fontweight="bold")

    def ci_text(est: float, lo: float, hi: float) -> str:
        e, a, b = (float(to_plot(np.asarray(x))) for x in (est, lo, hi))
        return f"{e:.2f} [{a:.2f}, {b:.2f}]"

    for i, row in enumerate(rows):
        yy = ypos[i]
        if row.kind == "header":
            column_text(
                "label", yy, row.label, fontweight="bold", gid=f"subgroup-label-{row.label}"
            )
            continue
        if row.kind == "blank":
            continue
        lo_p, est_p, hi_p = (float(to_plot(np.asarray(x))) for x in (row.lb, row.est, row.ub))
        extent.extend([lo_p, hi_p])
        if row.kind == "study":
            ax.plot(
                [lo_p, hi_p],
                [yy, yy],
                color=STUDY_COLOUR,
                lw=1.0,
                gid=f"study-ci-line-{row.index + 1}",
            )
            study_x.append(est_p)
            study_y.append(yy)
            study_size.append((3.0 + 9.0 * math.sqrt(max(row.weight, 0.0) / wmax)) ** 2)
            column_text("label", yy, row.label, gid=f"study-label-{row.index + 1}")
            column_text("ci", yy, ci_text(row.est, row.lb, row.ub), gid=f"study-ci-{row.index + 1}")
            column_text("weight", yy, f"{row.weight:.1f}%", gid=f"study-weight-{row.index + 1}")
        elif row.kind in ("subgroup", "overall"):
            colour = POOLED_COLOUR if row.kind == "overall" else SUBGROUP_COLOUR
            diamond = Polygon(
                [(lo_p, yy), (est_p, yy + 0.35), (hi_p, yy), (est_p, yy - 0.35)],
                closed=True,
                facecolor=colour,
                edgecolor=colour,
                gid=f"diamond-{row.key}",
            )
            ax.add_patch(diamond)
            weight_ = "bold" if row.kind == "overall" else "normal"
            column_text("label", yy, row.label, fontweight=weight_)
            column_text("ci", yy, ci_text(row.est, row.lb, row.ub), fontweight=weight_)
            if row.kind == "overall":
                column_text("weight", yy, "100%", fontweight="bold")
                ax.axvline(est_p, color=colour, lw=0.8, ls=":", zorder=0)
        elif row.kind == "prediction":
            ax.plot(
                [lo_p, hi_p],
                [yy, yy],
                color=PREDICTION_COLOUR,
                lw=2.0,
                solid_capstyle="butt",
                gid="prediction-interval",
            )
            ax.plot([lo_p, lo_p], [yy - 0.2, yy + 0.2], color=PREDICTION_COLOUR, lw=1.5)
            ax.plot([hi_p, hi_p], [yy - 0.2, yy + 0.2], color=PREDICTION_COLOUR, lw=1.5)
            column_text("label", yy, row.label, style="italic")
            column_text("ci", yy, ci_text(row.est, row.lb, row.ub).split(" ", 1)[1], style="italic")

    markers = ax.scatter(study_x, study_y, s=study_size, marker="s", color=STUDY_COLOUR, zorder=3)
    markers.set_gid("study-markers")
    null = 1.0 if ratio else 0.0
    lo_lim, hi_lim = padded_range([*extent, null], log=ratio)
    if ratio:
        apply_ratio_axis(ax, lo_lim, hi_lim)
    else:
        ax.set_xlim(lo_lim, hi_lim)
    ax.axvline(null, color="black", lw=0.8, zorder=0)
    ax.tick_params(axis="x", labelsize=FONT_SIZE)
    ax.set_xlabel(
        f"{effect_label} ({'log scale' if ratio else 'analysis scale'})", fontsize=FONT_SIZE
    )
    if fit is not None:
        column_text(
            "label", -0.75, _heterogeneity_text(fit), fontsize=FONT_SIZE - 1, gid="heterogeneity"
        )
    if title:
        fig.suptitle(title, fontsize=FONT_SIZE + 2, fontweight="bold")
    literal_text(fig)
    if path is not None:
        save_figure(fig, path)
    return fig


__all__ = ["forest_plot"]
