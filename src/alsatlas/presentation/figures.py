"""Figures of each question's section, drawn from the synthesis result objects.

The plotting lives in :mod:`alsatlas.figures`; this module decides which figures a question
gets and wraps each as inline SVG with an accessible title, a text description and a caption.

Forest plots: one per pooled disease term of an answer, from its :class:`StudyRow` values
(``yi``, ``vi``, labels); the pooled diamond, weights and prediction interval come from the
model the synthesis fitted (``PooledEstimate.fit``), so a figure cannot differ from the tables.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from alsatlas.figures.forest import forest_plot
from alsatlas.figures.funnel import funnel_plot
from alsatlas.figures.style import (
    FONT_SIZE,
    POOLED_COLOUR,
    STUDY_COLOUR,
    apply_ratio_axis,
    padded_range,
)
from alsatlas.presentation.inline_svg import figure_to_svg, inline_svg
from alsatlas.presentation.tables import format_number
from alsatlas.presentation.templating import slug
from alsatlas.presentation.views import FigureView, term_label
from alsatlas.synthesis.answer import (
    Answer,
    MRFinding,
    PooledEstimate,
    mr_of,
    pooled_of,
    pooled_terms_of,
)
from alsatlas.synthesis.rules import MIN_K_REGTEST

_WALD_NOTE = (
    "Study intervals are drawn as log estimate ± 1.96 SE (SE from the published CI), so a last "
    "digit can differ from the published CI in the table."
)


def forest_view(answer: Answer, pooled: PooledEstimate, index: int) -> FigureView | None:
    """The forest plot of one pooled term, or ``None`` when it has no rows."""
    if not pooled.rows:
        return None
    fit = pooled.fit
    disease = term_label(pooled.term)
    labels = [r.label for r in pooled.rows]
    figure: Figure = forest_plot(
        [r.yi for r in pooled.rows],
        [r.vi for r in pooled.rows],
        labels=labels,
        fit=fit,
        ratio=True,
        effect_label=pooled.measure,
        prediction=fit is not None and pooled.pi_lb is not None,
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
            f"Forest plot, {disease}: each square is a study estimate (area by weight) with "
            f"its 95% CI; the diamond is the pooled estimate of a random-effects model "
            f"({pooled.method}, {pooled.test} test) on the log scale"
            + (
                ", the bar below it the 95% prediction interval"
                if pooled.pi_lb is not None
                else f" (no prediction interval with k = {pooled.k} < 3)"
            )
            + f". Log axis; the vertical line marks no association (1). {_WALD_NOTE}"
        )
    else:
        what = "a single estimate, not pooled"
        caption = (
            f"Forest plot, {disease}: the single published estimate with its 95% CI "
            f"(log axis; the vertical line marks no association). {_WALD_NOTE}"
        )
    title = f"Forest plot of {answer.question.title} ({disease})"
    description = f"{studies}. Summary: {what}."
    return FigureView(
        id=fig_id,
        title=title,
        caption=caption,
        svg=inline_svg(svg, prefix=fig_id, title=title, description=description),
    )


def funnel_view(answer: Answer, pooled: PooledEstimate, index: int) -> FigureView | None:
    """Funnel plot of a pooled term with at least ``MIN_K_REGTEST`` estimates (the synthesis
    rules assess small-study effects only from there), else ``None``."""
    if pooled.k < MIN_K_REGTEST:
        return None
    fit = pooled.fit
    if fit is None:
        return None
    disease = term_label(pooled.term)
    figure = funnel_plot(fit, ratio=True, effect_label=pooled.measure)
    fig_id = f"fig-{slug(answer.question.id)}-funnel-{index}"
    title = f"Funnel plot of {answer.question.title} ({disease})"
    egger = (
        f"Egger-type regression test p = {pooled.regtest_pval:.3g}."
        if pooled.regtest_pval is not None
        else "No regression test result."
    )
    description = (
        f"{pooled.k} study estimates against their standard errors around the pooled "
        f"{pooled.measure} {format_number(pooled.estimate)}. {egger}"
    )
    caption = (
        f"Funnel plot, {disease}: each study's estimate (log axis) against its standard error "
        f"(precise studies at the top), with the pseudo 95% confidence region around the pooled "
        f"estimate. Asymmetry can signal small-study effects such as publication bias. {egger}"
    )
    return FigureView(
        id=fig_id,
        title=title,
        caption=caption,
        svg=inline_svg(figure_to_svg(figure), prefix=fig_id, title=title, description=description),
    )


def _ratio_finding(f: MRFinding) -> bool:
    values = (f.estimate, f.ci_lb, f.ci_ub)
    return (
        f.measure is not None
        and f.measure.upper().startswith(("OR", "HR", "RR"))
        and all(v is not None and v > 0 and math.isfinite(v) for v in values)
    )


def _study(f: MRFinding) -> str:
    study = getattr(f, "study_id", None)
    return study if isinstance(study, str) and study else f.label


def _short(text: str, width: int = 52) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "\u2026"


def mr_estimates_view(answer: Answer) -> FigureView | None:
    """Published Mendelian randomization estimates of a question (ratio measures with a CI).

    One row per finding: the odds ratio with its 95% CI as reported, on a log axis with a line
    at 1; nothing is pooled. ``None`` when the question has no such finding.
    """
    mr = mr_of(answer)
    if mr is None:
        return None
    findings = [f for f in mr.findings if _ratio_finding(f)]
    if not findings:
        return None
    n = len(findings)
    figure = Figure(figsize=(10.0, 1.2 + 0.45 * (n + 1)))
    ax = figure.add_axes((0.42, 1.2 / (n + 4), 0.34, (n + 0.5) / (n + 4)))
    ys = np.arange(n, 0, -1, dtype=np.float64)
    est = np.array([f.estimate for f in findings], dtype=np.float64)
    lo = np.array([f.ci_lb for f in findings], dtype=np.float64)
    hi = np.array([f.ci_ub for f in findings], dtype=np.float64)
    colours = [POOLED_COLOUR if f.orientation == "forward" else STUDY_COLOUR for f in findings]
    ax.hlines(ys, lo, hi, colors=colours, lw=1.0)
    points = ax.scatter(est, ys, s=22, marker="s", c=colours, zorder=3)
    points.set_gid("mr-published-estimates")
    ax.axvline(1.0, color="#666666", lw=0.7)
    apply_ratio_axis(ax, *padded_range([*lo.tolist(), *hi.tolist(), 0.5, 2.0], log=True))
    ax.set_ylim(0.4, n + 0.8)
    ax.set_yticks(ys)
    ax.set_yticklabels(
        [f"{_short(f.exposure)} \u2192 {_short(f.outcome, 24)}\n{_study(f)}" for f in findings],
        fontsize=FONT_SIZE - 1,
    )
    for spine in ("right", "top"):
        ax.spines[spine].set_visible(False)
    ax.set_xlabel("Odds ratio, as published (log scale)", fontsize=FONT_SIZE)
    for y, f in zip(ys, findings, strict=True):
        assert f.estimate is not None and f.ci_lb is not None and f.ci_ub is not None
        ax.text(
            1.03,
            y,
            f"{format_number(f.estimate)} [{format_number(f.ci_lb)}, {format_number(f.ci_ub)}]"
            f"  {_short(f.method or '', 30)}",
            transform=ax.get_yaxis_transform(),
            va="center",
            fontsize=FONT_SIZE - 1,
        )
    ax.text(
        1.03,
        n + 0.6,
        "OR [95% CI]  method",
        transform=ax.get_yaxis_transform(),
        fontsize=FONT_SIZE,
        fontweight="bold",
    )
    fig_id = f"fig-{slug(answer.question.id)}-mr"
    title = f"Published Mendelian randomization estimates: {answer.question.title}"
    description = "; ".join(
        f"{f.exposure} to {f.outcome} ({f.label}): {f.measure} {format_number(f.estimate or 0)} "
        f"({format_number(f.ci_lb or 0)} to {format_number(f.ci_ub or 0)})"
        for f in findings
    )
    caption = (
        "Mendelian randomization estimates as published (each study's primary method, usually "
        "IVW), one row per exposure-outcome pair; blue: genetic liability to an immune trait "
        "on ALS, grey: the reverse direction. Log axis; the vertical line marks no effect (1). "
        "Results without a ratio estimate and CI are listed in the table only. Nothing is "
        "pooled across studies."
    )
    return FigureView(
        id=fig_id,
        title=title,
        caption=caption,
        svg=inline_svg(figure_to_svg(figure), prefix=fig_id, title=title, description=description),
    )


def answer_figures(answer: Answer) -> tuple[FigureView, ...]:
    """The figures of one question's section: a forest plot per pooled disease term (and a
    funnel plot from k ≥ ``MIN_K_REGTEST``), then the published Mendelian randomization
    estimates where the question has any."""
    headline = pooled_of(answer)
    pooled = pooled_terms_of(answer) or ((headline,) if headline is not None else ())
    views: list[FigureView | None] = []
    for i, p in enumerate(pooled, start=1):
        views.extend((forest_view(answer, p, i), funnel_view(answer, p, i)))
    views.append(mr_estimates_view(answer))
    return tuple(v for v in views if v is not None)


__all__ = [
    "answer_figures",
    "forest_view",
    "funnel_view",
    "mr_estimates_view",
]
