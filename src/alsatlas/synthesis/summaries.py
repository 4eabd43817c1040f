"""Short technical and plain-language summaries of an answer.

Plain sentences are short and use everyday words, written for a reading grade of 9 or lower
(checked in the tests with a standard readability formula). They never add a number or a claim
that the answer object does not hold.
"""

from __future__ import annotations

from collections.abc import Sequence

from alsatlas.synthesis.answer import (
    CertaintyLevel,
    GradeStep,
    PooledEstimate,
    Question,
    Verdict,
    VoteTally,
)
from alsatlas.synthesis.rules import WIDE_CI_RATIO

_VERDICT_PLAIN: dict[Verdict, str] = {
    "supported": "The studies we have mostly agree on this.",
    "partly supported": "Some studies point this way, but the proof is weak or mixed.",
    "not supported": "Good studies looked for this and found no real link.",
    "contradicted": "The studies point the other way.",
    "insufficient evidence": "There is not enough good evidence to say yes or no.",
}

_THERAPY_PLAIN: dict[Verdict, str] = {
    "supported": "Trials show that this treatment helps.",
    "partly supported": "Trials hint at a benefit in some patients, but it is not confirmed.",
    "not supported": "Drugs of this kind have been tested well, and they did not slow ALS.",
    "contradicted": "In trials, this treatment made things worse.",
    "insufficient evidence": "We do not know yet if this treatment works.",
}

_CERTAINTY_PLAIN: dict[CertaintyLevel, str] = {
    "high": "We are confident in this answer.",
    "moderate": "We are fairly sure of this answer.",
    "low": "We are not very sure. New studies could change this answer.",
    "very low": "We are very unsure. New studies could easily change this answer.",
}


def verdict_sentence(verdict: Verdict, category: str = "") -> str:
    """One plain sentence for a verdict (therapy questions have their own wording)."""
    if category == "therapy":
        return _THERAPY_PLAIN[verdict]
    return _VERDICT_PLAIN[verdict]


def certainty_sentence(level: CertaintyLevel) -> str:
    """One plain sentence for a certainty level."""
    return _CERTAINTY_PLAIN[level]


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
    "bias_sentence",
    "certainty_sentence",
    "effect_sentence",
    "epi_technical",
    "plain_text",
    "verdict_sentence",
]
