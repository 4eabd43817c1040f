"""Short technical and plain-language summaries of an answer.

Plain sentences are short and use everyday words, written for a reading grade of 9 or lower
(checked in the tests with a standard readability formula). They never add a number or a claim
that the answer object does not hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict

from alsatlas.synthesis.answer import (
    VERDICTS,
    CertaintyLevel,
    GradeStep,
    PooledEstimate,
    Question,
    Verdict,
    VoteTally,
)
from alsatlas.synthesis.rules import WIDE_CI_RATIO


class _Phrasebook(BaseModel):
    """The plain-language phrasing file (``data/content/plain.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    verdict: dict[Verdict, str]
    risk_verdict: dict[Verdict, str]
    therapy_verdict: dict[Verdict, str]
    certainty: dict[CertaintyLevel, str]
    certainty_after_agreement: dict[CertaintyLevel, str]
    absolute_risk: str
    sentences: dict[str, str]


class _Baseline(BaseModel):
    """Baseline lifetime risk of ALS (``data/reference/baseline_risk.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lifetime_risk_per_1000: float
    population: str
    citation: dict[str, str | int]
    read_from: str
    verification: str


def _data(*parts: str) -> str:
    return (resources.files("alsatlas") / "data").joinpath(*parts).read_text("utf-8")


@cache
def phrasebook() -> _Phrasebook:
    """The plain-language phrasing, checked: every verdict and certainty level has a sentence."""
    book = _Phrasebook.model_validate(yaml.safe_load(_data("content", "plain.yaml")))
    for table in (book.verdict, book.risk_verdict, book.therapy_verdict):
        missing = set(VERDICTS) - set(table)
        if missing:
            raise ValueError(f"plain.yaml: no sentence for verdict(s) {sorted(missing)}")
    return book


@cache
def baseline_risk() -> _Baseline:
    """The cited baseline lifetime risk of ALS."""
    return _Baseline.model_validate(yaml.safe_load(_data("reference", "baseline_risk.yaml")))


def say(key: str, **fields: object) -> str:
    """The sentence ``key`` of the phrasebook, its ``{placeholders}`` filled from ``fields``."""
    return phrasebook().sentences[key].format(**fields)


def verdict_sentence(verdict: Verdict, category: str = "") -> str:
    """One plain sentence for a verdict (therapy questions have their own wording)."""
    book = phrasebook()
    return (book.therapy_verdict if category == "therapy" else book.verdict)[verdict]


def risk_verdict_sentence(verdict: Verdict, question: Question) -> str:
    """The verdict in plain words for a disease-risk question, naming the disease and the
    direction of the claim (``a higher risk``), so the sentence says which way."""
    direction = "lower" if question.claim_direction == "decreased" else "higher"
    opposite = "higher" if direction == "lower" else "lower"
    name = question.plain_name or "this disease"
    return (
        phrasebook().risk_verdict[verdict].format(name=name, direction=direction, opposite=opposite)
    )


def certainty_sentence(level: CertaintyLevel, verdict: Verdict | None = None) -> str:
    """One plain sentence for a certainty level; after a verdict that says the studies agree
    (supported), a low grade is worded as a 'but', so the two sentences cannot contradict."""
    book = phrasebook()
    table = book.certainty_after_agreement if verdict == "supported" else book.certainty
    return table[level]


def absolute_risk_sentence(pooled: PooledEstimate, plain_name: str) -> str:
    """Out of 10,000 people: the baseline lifetime risk (:func:`baseline_risk`) and that risk
    times the estimate's ratio, rounded to whole people; only when the CI excludes 1 and is
    not very wide (a count out of 10,000 would then look far more certain than it is)."""
    if pooled.ci_lb <= 1.0 <= pooled.ci_ub or pooled.ci_ub / pooled.ci_lb >= WIDE_CI_RATIO:
        return ""
    base = baseline_risk().lifetime_risk_per_1000 * 10
    exposed = base * pooled.estimate
    return phrasebook().absolute_risk.format(
        base=f"{base:.0f}", exposed=f"{exposed:.0f}", name=plain_name
    )


def effect_sentence(pooled: PooledEstimate, plain_name: str) -> str:
    """Plain sentence on the size of a ratio, only when its CI excludes 1; a warning when its
    CI is very wide (upper/lower ≥ :data:`~alsatlas.synthesis.rules.WIDE_CI_RATIO`)."""
    text = _effect_size(pooled, plain_name)
    if pooled.ci_ub / pooled.ci_lb >= WIDE_CI_RATIO:
        text += (
            " This number comes from few patients, so the true risk could be much lower or higher."
        )
    return text


def bias_sentence(steps: Sequence[GradeStep]) -> str:
    """Plain sentence for a risk-of-bias downgrade (no lag before ALS diagnosis), else empty."""
    if any(s.domain == "risk of bias" and s.change < 0 for s in steps):
        return (
            "Part of this link may be because early ALS can look like other diseases "
            "before doctors find it."
        )
    return ""


def _effect_size(pooled: PooledEstimate, plain_name: str) -> str:
    if pooled.ci_lb > 1.0:
        if pooled.estimate >= 2.0:
            size = f"about {pooled.estimate:.0f} times as high"
        else:
            size = f"about {round((pooled.estimate - 1) * 100):d}% higher"
        return (
            f"In these studies, people with {plain_name} had an ALS risk {size}. "
            "ALS is rare, so most people with a higher risk still never get it."
        )
    if pooled.ci_ub < 1.0:
        return (
            f"In these studies, people with {plain_name} had an ALS risk about "
            f"{round((1 - pooled.estimate) * 100):d}% lower."
        )
    return f"In these studies, the ALS risk of people with {plain_name} was not clearly different."


def epi_technical(
    question: Question,
    pooled: PooledEstimate | None,
    votes: VoteTally,
    verdict: Verdict,
    verdict_reason: str,
    level: CertaintyLevel,
) -> str:
    """Technical paragraph for an epidemiological question."""
    parts: list[str] = []
    if pooled is None:
        parts.append("No verified numeric estimate could be pooled.")
    elif pooled.pooled:
        pi = (
            f"95% PI {pooled.pi_lb:.2f}-{pooled.pi_ub:.2f}"
            if pooled.pi_lb is not None and pooled.pi_ub is not None
            else f"no prediction interval with k = {pooled.k}"
        )
        parts.append(
            f"Random-effects ({pooled.method}, {pooled.test}) pooled {pooled.measure} "
            f"{pooled.estimate:.2f} (95% CI {pooled.ci_lb:.2f}-{pooled.ci_ub:.2f}; "
            f"{pi}; k = {pooled.k}; I² = {pooled.I2:.0f}%) for {pooled.term}."
        )
    else:
        row = pooled.rows[0]
        parts.append(
            f"Single estimate (k = 1, not pooled): {row.measure} {row.estimate:.2f} "
            f"(95% CI {row.ci_lb:.2f}-{row.ci_ub:.2f}), {row.label}."
        )
    parts.append(
        f"Independent findings: {votes.increased} increased, {votes.decreased} decreased, "
        f"{votes.null} null."
    )
    parts.append(f"Verdict: {verdict} ({verdict_reason}). Certainty: {level}.")
    return " ".join(parts)


def plain_text(*sentences: str) -> str:
    """Join non-empty sentences."""
    return " ".join(s.strip() for s in sentences if s and s.strip())


__all__ = [
    "absolute_risk_sentence",
    "baseline_risk",
    "bias_sentence",
    "certainty_sentence",
    "effect_sentence",
    "epi_technical",
    "phrasebook",
    "plain_text",
    "risk_verdict_sentence",
    "say",
    "verdict_sentence",
]
