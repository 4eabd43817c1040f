"""Figures of each question's section, drawn from the synthesis result objects.

The plotting lives in :mod:`alsatlas.figures`; this module decides which figures a question
gets and wraps each as inline SVG with an accessible title, a text description and a caption.

Forest plots: one per pooled disease term of an answer, from its :class:`StudyRow` values
(``yi``, ``vi``, labels). ``alsatlas.figures.forest_plot`` draws the pooled diamond, the
weights and the prediction interval from a fitted model object, which the synthesis result does
not carry, so the model is fitted again here with :func:`alsatlas.stats.rma.rma`, the same
function, inputs, τ² estimator and test the synthesis used (``PooledEstimate.method`` /
``.test``). The refit must reproduce the synthesis estimate, CI and weights to 1e-6 (relative);
otherwise :class:`ReportConsistencyError` is raised rather than drawing a figure whose numbers
could differ from the tables.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from alsatlas.errors import AlsatlasError
from alsatlas.figures.forest import forest_plot
from alsatlas.report.context import FigureView
from alsatlas.report.inline_svg import figure_to_svg, inline_svg
from alsatlas.report.render import slug
from alsatlas.report.tables import format_number
from alsatlas.stats.rma import RMAResult, rma
from alsatlas.synthesis.answer import Answer, PooledEstimate

RTOL = 1e-6
"""Relative tolerance for the refit to agree with the synthesis numbers."""


_WALD_NOTE = (
    "Study intervals are drawn as log estimate ± 1.96 SE (SE from the published CI), so a last "
    "digit can differ from the published CI in the table."
)


class ReportConsistencyError(AlsatlasError):
    """A figure would show numbers that differ from the synthesis result it illustrates."""


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=RTOL, abs_tol=1e-12)


def refit(pooled: PooledEstimate) -> RMAResult | None:
    """The synthesis model of ``pooled`` fitted again for drawing, checked against its numbers.

    ``None`` for k = 1 (nothing was pooled).
    """
    if pooled.k < 2 or pooled.method is None:
        return None
    yi = np.array([r.yi for r in pooled.rows], dtype=np.float64)
    vi = np.array([r.vi for r in pooled.rows], dtype=np.float64)
    fit = rma(yi, vi, method=pooled.method, test=pooled.test or "z")
    checks = (
        ("estimate", math.exp(fit.estimate), pooled.estimate),
        ("ci_lb", math.exp(float(fit.ci_lb[0])), pooled.ci_lb),
        ("ci_ub", math.exp(float(fit.ci_ub[0])), pooled.ci_ub),
    )
    weights = np.asarray(fit.weights, dtype=np.float64)
    for name, got, want in checks:
        if not _close(got, want):
            raise ReportConsistencyError(f"{pooled.term}: refit {name} {got!r} != {want!r}")
    for row, w in zip(pooled.rows, weights, strict=True):
        if not _close(float(w), row.weight):
            raise ReportConsistencyError(
                f"{pooled.term}: refit weight of {row.record_id} {float(w)!r} != {row.weight!r}"
            )
    return fit


def forest_view(answer: Answer, pooled: PooledEstimate, index: int) -> FigureView | None:
    """The forest plot of one pooled term, or ``None`` when it has no rows."""
    if not pooled.rows:
        return None
    fit = refit(pooled)
    labels = [r.label for r in pooled.rows]
    figure: Figure = forest_plot(
        [r.yi for r in pooled.rows],
        [r.vi for r in pooled.rows],
        labels=labels,
        fit=fit,
        ratio=True,
        effect_label=pooled.measure,
        prediction=fit is not None,
    )
    svg = figure_to_svg(figure)
    fig_id = f"fig-{slug(answer.question.id)}-forest-{index}"
    studies = "; ".join(
        f"{r.label}: {r.measure} {format_number(r.estimate)} "
        f"({format_number(r.ci_lb)} to {format_number(r.ci_ub)})"
        for r in pooled.rows
    )
    if fit is not None:
        what = (
            f"pooled {pooled.measure} {format_number(pooled.estimate)} "
            f"(95% CI {format_number(pooled.ci_lb)} to {format_number(pooled.ci_ub)}), "
            f"random effects ({pooled.method}), k = {pooled.k}"
        )
        caption = (
            f"Forest plot, {pooled.term}: each square is a study estimate (area by weight) with "
            f"its 95% CI; the diamond is the pooled estimate of a random-effects model "
            f"({pooled.method}, {pooled.test} test) on the log scale, the bar below it the 95% "
            f"prediction interval. Log axis; the vertical line marks no association (1). "
            f"{_WALD_NOTE}"
        )
    else:
        what = "a single estimate, not pooled"
        caption = (
            f"Forest plot, {pooled.term}: the single published estimate with its 95% CI "
            f"(log axis; the vertical line marks no association). {_WALD_NOTE}"
        )
    title = f"Forest plot of {answer.question.title} ({pooled.term})"
    description = f"{studies}. Summary: {what}."
    return FigureView(
        id=fig_id,
        title=title,
        caption=caption,
        svg=inline_svg(svg, prefix=fig_id, title=title, description=description),
    )


def answer_figures(answer: Answer) -> tuple[FigureView, ...]:
    """The figures of one question's section: a forest plot per pooled disease term."""
    pooled = answer.pooled_by_term or ((answer.pooled,) if answer.pooled is not None else ())
    views = (forest_view(answer, p, i) for i, p in enumerate(pooled, start=1))
    return tuple(v for v in views if v is not None)


__all__ = ["RTOL", "ReportConsistencyError", "answer_figures", "forest_view", "refit"]
