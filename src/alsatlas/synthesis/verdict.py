"""Verdict rules: from a headline estimate and a vote tally to one of the five verdicts.

The rules (see :data:`alsatlas.synthesis.rules.RULES`, topic *verdict*), for a claim that a
ratio is above 1 (``increased``; mirror everything for ``decreased``):

* **supported** - the headline 95% CI excludes 1 in the claimed direction, no independent
  finding is significant the other way, fewer than one third of the votes are null, I² < 75%,
  the CI is not very wide (upper/lower < 4), the association survives a lag before ALS
  diagnosis (every pooled row has a lag, or the lag-only sensitivity analysis has rows and
  still excludes 1 that way; no such rows is a reason, never a silent pass), and no more than
  half of the weight comes from estimates whose own authors attribute the excess to
  misdiagnosis or reverse causation;
* **partly supported** - the CI excludes 1 in the claimed direction but another condition
  fails; or no numeric estimate exists and at least two independent direction-only findings
  all go in the claimed direction, none against, none of them explained away by their own
  authors (misdiagnosis, reverse causation);
* **not supported** - the CI lies within 0.80-1.25 (a precise null: evidence of no effect);
* **contradicted** - the CI excludes 1 the other way and no finding is significant in the
  claimed direction;
* **insufficient evidence** - anything else.
"""

from __future__ import annotations

from collections.abc import Iterable

from alsatlas.synthesis.answer import PooledEstimate, Verdict, VoteDirection, VoteTally
from alsatlas.synthesis.rules import (
    HIGH_HETEROGENEITY_I2,
    MAX_CAVEAT_WEIGHT,
    MAX_DISCORDANT_SHARE,
    MIN_VOTES_DIRECTION_ONLY,
    NULL_BAND,
    WIDE_CI_RATIO,
)
from alsatlas.synthesis.selection import numeric_direction


def opposite(direction: VoteDirection) -> VoteDirection:
    """``increased`` <-> ``decreased`` (``null`` stays ``null``)."""
    if direction == "increased":
        return "decreased"
    if direction == "decreased":
        return "increased"
    return "null"


def is_precise_null(ci_lb: float, ci_ub: float) -> bool:
    """``True`` when the CI includes 1 and lies wholly within
    :data:`~alsatlas.synthesis.rules.NULL_BAND`. A CI that excludes 1 is a (small) effect in
    one direction, never a null, however narrow it is.

    >>> is_precise_null(0.96, 1.02), is_precise_null(0.93, 0.99), is_precise_null(0.6, 1.4)
    (True, False, False)
    """
    return NULL_BAND[0] <= ci_lb <= 1.0 <= ci_ub <= NULL_BAND[1]


def _fmt(x: float) -> str:
    return f"{x:.2f}"


def ci_text(estimate: float, ci_lb: float, ci_ub: float) -> str:
    """``1.42 (1.03-1.94)``."""
    return f"{_fmt(estimate)} ({_fmt(ci_lb)}-{_fmt(ci_ub)})"


def votes_only_verdict(votes: VoteTally, claim: VoteDirection) -> tuple[Verdict, str]:
    """Verdict when no numeric estimate exists: direction-only findings at most give *partly*."""
    if votes.total == 0:
        return "insufficient evidence", "no estimate and no stated finding in the evidence base"
    agree = votes.count(claim)
    against = votes.count(opposite(claim))
    explained = [v for v in votes.votes if v.direction == claim and v.author_caveats]
    if agree >= MIN_VOTES_DIRECTION_ONLY and against == 0 and votes.null == 0:
        if agree - len(explained) >= MIN_VOTES_DIRECTION_ONLY:
            return (
                "partly supported",
                f"no usable number, but {agree} independent findings all report {claim} risk "
                "and none report otherwise (direction known, size unknown)",
            )
        return (
            "insufficient evidence",
            f"no usable number; {agree} findings report {claim} risk, but the authors of "
            f"{len(explained)} of them attribute the excess to "
            + _caveat_words(c for v in explained for c in v.author_caveats),
        )
    return (
        "insufficient evidence",
        f"no usable number; findings: {votes.increased} increased, {votes.decreased} decreased, "
        f"{votes.null} null - too few or conflicting to judge",
    )


def _caveat_words(caveats: Iterable[str]) -> str:
    words = {
        "misdiagnosis": "misdiagnosis (early ALS mistaken for the immune disease)",
        "reverse_causation": "reverse causation (the excess sits just before ALS diagnosis)",
        "surveillance": "surveillance (closer medical follow-up)",
    }
    return " and ".join(words[c] for c in sorted(set(caveats)))


def lag_problem(pooled: PooledEstimate, claim: VoteDirection) -> str | None:
    """Why the estimate does not (yet) survive a lag before ALS diagnosis, or ``None``.

    Every pooled row having a lag passes. Otherwise the lag-only sensitivity analysis must
    have rows and exclude 1 in the claimed direction; an empty one is a reason, never a pass.
    """
    if all(row.has_lag for row in pooled.rows):
        return None
    sens = next((s for s in pooled.sensitivity if s.name == "lag only"), None)
    if sens is None or sens.k == 0:
        return (
            "no estimate with a lag before ALS diagnosis exists (the lag-only sensitivity "
            "analysis has no rows), so reverse causation and diagnostic mimicry are not ruled out"
        )
    assert sens.estimate is not None and sens.ci_lb is not None and sens.ci_ub is not None
    if numeric_direction(sens.estimate, sens.ci_lb, sens.ci_ub) != claim:
        return "the estimate with a lag before ALS diagnosis includes 1: " + ci_text(
            sens.estimate, sens.ci_lb, sens.ci_ub
        )
    return None


def caveat_problem(pooled: PooledEstimate) -> str | None:
    """Why the estimate rests on rows whose own authors explain the excess away, or ``None``
    (more than :data:`~alsatlas.synthesis.rules.MAX_CAVEAT_WEIGHT` of the weight)."""
    total = sum(row.weight for row in pooled.rows) or 1.0
    rows = [row for row in pooled.rows if row.author_caveats]
    share = sum(row.weight for row in rows) / total
    if share <= MAX_CAVEAT_WEIGHT:
        return None
    who = ", ".join(row.label for row in rows)
    return (
        f"{share:.0%} of the weight comes from estimates whose authors ({who}) attribute the "
        "excess to " + _caveat_words(c for row in rows for c in row.author_caveats)
    )


def estimate_verdict(
    pooled: PooledEstimate | None, votes: VoteTally, claim: VoteDirection = "increased"
) -> tuple[Verdict, str]:
    """Verdict and the rule that fired, for a ratio claim.

    Parameters
    ----------
    pooled
        Headline estimate (pooled, or a single estimate for k = 1), or ``None``.
    votes
        Tally of independent findings (includes the pooled rows themselves).
    claim
        ``increased`` when the claim is a ratio above 1, ``decreased`` below 1.
    """
    if pooled is None:
        return votes_only_verdict(votes, claim)
    what = "pooled estimate" if pooled.pooled else "single estimate"
    ci = ci_text(pooled.estimate, pooled.ci_lb, pooled.ci_ub)
    found = numeric_direction(pooled.estimate, pooled.ci_lb, pooled.ci_ub)
    against = votes.count(opposite(claim))
    if found == claim:
        problems: list[str] = []
        if against:
            problems.append(f"{against} independent finding(s) significant the other way")
        if votes.total and votes.null / votes.total >= MAX_DISCORDANT_SHARE:
            problems.append(
                f"{votes.null} of {votes.total} independent findings are null (supported needs "
                f"fewer than {MAX_DISCORDANT_SHARE:.0%})"
            )
        if pooled.ci_ub / pooled.ci_lb >= WIDE_CI_RATIO:
            problems.append(
                f"the CI is very wide (upper/lower ≥ {WIDE_CI_RATIO:g}): few events, size "
                "very uncertain"
            )
        if pooled.I2 is not None and pooled.I2 >= HIGH_HETEROGENEITY_I2:
            problems.append(f"considerable heterogeneity (I² = {pooled.I2:.0f}%)")
        for problem in (lag_problem(pooled, claim), caveat_problem(pooled)):
            if problem is not None:
                problems.append(problem)
        if problems:
            return "partly supported", f"{what} {ci} excludes 1, but " + "; ".join(problems)
        return "supported", f"{what} {ci} excludes 1 in the claimed direction, consistently"
    if found == opposite(claim):
        if votes.count(claim):
            return (
                "insufficient evidence",
                f"{what} {ci} goes against the claim, but {votes.count(claim)} independent "
                "finding(s) support it: conflicting",
            )
        return "contradicted", f"{what} {ci} excludes 1 in the direction opposite to the claim"
    if is_precise_null(pooled.ci_lb, pooled.ci_ub):
        return (
            "not supported",
            f"{what} {ci} lies within {NULL_BAND[0]:g}-{NULL_BAND[1]:g}: a precise null",
        )
    return (
        "insufficient evidence",
        f"{what} {ci} includes 1 but is too wide to rule out a relevant effect",
    )


__all__ = [
    "caveat_problem",
    "ci_text",
    "estimate_verdict",
    "is_precise_null",
    "lag_problem",
    "opposite",
    "votes_only_verdict",
]
