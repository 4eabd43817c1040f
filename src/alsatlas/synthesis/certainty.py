"""GRADE-style certainty, derived from the evidence (never typed in by a curator).

A grade starts from the design (observational: low; randomised: high; Mendelian randomization:
moderate, see :mod:`alsatlas.synthesis.mr_rubric`), then each domain adds a
:class:`~alsatlas.synthesis.answer.GradeStep` (change −2..+2 and the reason; a change of 0
is kept so the reader sees every domain was checked). The level is the start plus the changes,
clamped to very low .. high. Thresholds are the constants of :mod:`alsatlas.synthesis.rules`.

Reference: GRADE Handbook (Schünemann et al. 2013) 5.1-5.2; Guyatt et al. 2011, J Clin
Epidemiol 64:1311 (large effects); Cochrane Handbook v6.4 10.10.2 (I² bands) and 13.3.5.4
(funnel tests need k ≥ 10).
"""

from __future__ import annotations

from collections.abc import Sequence

from alsatlas.evidence.schema import PROXY_SCOPES, EpiAssociation
from alsatlas.synthesis.answer import (
    CERTAINTY_LEVELS,
    Certainty,
    CertaintyLevel,
    GradeStep,
    PooledEstimate,
    VoteTally,
)
from alsatlas.synthesis.rules import (
    HIGH_HETEROGENEITY_I2,
    IMPRECISION_BAND,
    LARGE_EFFECT,
    MAX_CAVEAT_WEIGHT,
    MIN_K_REGTEST,
    MODERATE_HETEROGENEITY_I2,
    REGTEST_ALPHA,
    VERY_LARGE_EFFECT,
    WIDE_CI_RATIO,
)
from alsatlas.synthesis.selection import has_lag


def grade(start: CertaintyLevel, start_reason: str, steps: Sequence[GradeStep]) -> Certainty:
    """Apply ``steps`` to ``start`` and clamp to very low .. high."""
    score = CERTAINTY_LEVELS.index(start) + 1 + sum(s.change for s in steps)
    score = max(1, min(4, score))
    return Certainty(CERTAINTY_LEVELS[score - 1], start, start_reason, tuple(steps))


def inconsistency_step(conflicts: Sequence[str], conflict: str, agreement: str) -> GradeStep:
    """Inconsistency: one down, naming the ``conflicts`` after ``conflict``, when there are any;
    otherwise no change, because of ``agreement``."""
    if conflicts:
        return GradeStep("inconsistency", -1, f"{conflict}: " + ", ".join(conflicts))
    return GradeStep("inconsistency", 0, agreement)


def imprecision_step(ci_lb: float | None, ci_ub: float | None) -> GradeStep:
    """Imprecision of a ratio CI (two down / one down / none), with the reason."""
    if ci_lb is None or ci_ub is None:
        return GradeStep("imprecision", -1, "no usable number: the size of the effect is unknown")
    low, high = IMPRECISION_BAND
    if ci_lb < low and ci_ub > high:
        return GradeStep(
            "imprecision",
            -2,
            f"the CI ({ci_lb:.2f}-{ci_ub:.2f}) spans both {low:g} and {high:g}: "
            "compatible with clear harm and clear benefit",
        )
    if ci_lb <= 1.0 <= ci_ub:
        if low <= ci_lb and ci_ub <= high:
            return GradeStep(
                "imprecision",
                0,
                f"the CI ({ci_lb:.2f}-{ci_ub:.2f}) includes 1 but rules out effects beyond "
                f"{low:g}-{high:g}",
            )
        return GradeStep("imprecision", -1, f"the CI ({ci_lb:.2f}-{ci_ub:.2f}) includes 1")
    if ci_ub / ci_lb >= WIDE_CI_RATIO:
        return GradeStep(
            "imprecision",
            -1,
            f"the CI ({ci_lb:.2f}-{ci_ub:.2f}) excludes 1 but is very wide (upper/lower "
            f"≥ {WIDE_CI_RATIO:g}): few events",
        )
    return GradeStep("imprecision", 0, f"the CI ({ci_lb:.2f}-{ci_ub:.2f}) is reasonably narrow")


def epi_certainty(
    pooled: PooledEstimate | None,
    votes: VoteTally,
    records: Sequence[EpiAssociation],
    vote_records: Sequence[EpiAssociation] = (),
) -> Certainty:
    """Certainty of an observational (epidemiological) answer.

    Parameters
    ----------
    pooled
        Headline estimate, or ``None`` when only direction-only findings exist.
    votes
        Independent findings; significant findings in opposite directions lower consistency.
    records
        The records behind ``pooled`` (in the order of ``pooled.rows``).
    vote_records
        The records behind ``votes`` (used for risk of bias when nothing was pooled).
    """
    start: CertaintyLevel = "low"
    start_reason = "observational studies (cohort, case-control): GRADE starts at low"
    if not records and not vote_records:
        return grade("very low", "no evidence in the evidence base", ())
    steps: list[GradeStep] = []
    # risk of bias: weight share of estimates without a lag
    if pooled is not None:
        weights = {row.record_id: row.weight for row in pooled.rows}
        basis = [(weights.get(r.id, 0.0), r) for r in records]
    else:
        basis = [(1.0, r) for r in vote_records]
    total = sum(w for w, _ in basis) or 1.0
    no_lag = sum(w for w, r in basis if not has_lag(r)) / total
    explained = sum(w for w, r in basis if r.author_caveats) / total
    bias: list[str] = []
    # nothing pooled: the basis is the independent findings, counted, not weighted
    share = "of the weight comes" if pooled is not None else "of the findings come"
    if no_lag > 0.5:
        bias.append(
            f"{no_lag:.0%} {share} from studies without a lag before ALS "
            "diagnosis: reverse causation, misdiagnosis and surveillance can inflate them"
        )
    if explained > MAX_CAVEAT_WEIGHT:
        bias.append(
            f"{explained:.0%} {share} from studies whose own authors attribute "
            "the excess to misdiagnosis or reverse causation"
        )
    if bias:
        steps.append(GradeStep("risk of bias", -len(bias), "; ".join(bias)))
    else:
        steps.append(
            GradeStep(
                "risk of bias",
                0,
                f"most ({1 - no_lag:.0%}) {share.removeprefix('of the ')} from estimates with "
                "a lag before ALS diagnosis",
            )
        )
    # indirectness: exposure proxies
    proxy = sum(w for w, r in basis if r.exposure_scope in PROXY_SCOPES)
    if proxy / total > 0.5:
        steps.append(
            GradeStep(
                "indirectness",
                -1,
                "most of the weight comes from a proxy of the disease (for example insulin "
                "dependence for type 1 diabetes, or thyroid disease of any cause)",
            )
        )
    else:
        steps.append(GradeStep("indirectness", 0, "exposures are the disease itself"))
    # inconsistency
    change = 0
    reasons: list[str] = []
    if pooled is not None and pooled.I2 is not None:
        lows = [row.ci_ub < 1.0 for row in pooled.rows]
        highs = [row.ci_lb > 1.0 for row in pooled.rows]
        both_sides = any(row.estimate > 1 for row in pooled.rows) and any(
            row.estimate < 1 for row in pooled.rows
        )
        if pooled.I2 >= HIGH_HETEROGENEITY_I2 and (both_sides or (any(lows) and any(highs))):
            change = -2
            reasons.append(f"I² = {pooled.I2:.0f}% with estimates on both sides of 1")
        elif pooled.I2 >= MODERATE_HETEROGENEITY_I2:
            change = -1
            reasons.append(f"I² = {pooled.I2:.0f}%")
    if votes.increased and votes.decreased:
        if change == 0:
            change = -1
        reasons.append(
            f"independent findings go significantly both ways ({votes.increased} increased, "
            f"{votes.decreased} decreased)"
        )
    if reasons:
        steps.append(GradeStep("inconsistency", change, "; ".join(reasons)))
    elif pooled is not None and pooled.I2 is not None:
        steps.append(GradeStep("inconsistency", 0, f"I² = {pooled.I2:.0f}%, directions agree"))
    else:
        steps.append(
            GradeStep("inconsistency", 0, "one estimate or agreeing findings: nothing conflicts")
        )
    # imprecision
    if pooled is None:
        steps.append(imprecision_step(None, None))
    else:
        steps.append(imprecision_step(pooled.ci_lb, pooled.ci_ub))
    # publication bias
    if pooled is not None and pooled.k >= MIN_K_REGTEST and pooled.regtest_pval is not None:
        if pooled.regtest_pval < REGTEST_ALPHA:
            steps.append(
                GradeStep(
                    "publication bias",
                    -1,
                    f"funnel asymmetry: regression test p = {pooled.regtest_pval:.3f}",
                )
            )
        else:
            steps.append(
                GradeStep(
                    "publication bias",
                    0,
                    f"no funnel asymmetry: regression test p = {pooled.regtest_pval:.3f}",
                )
            )
    else:
        k = 0 if pooled is None else pooled.k
        steps.append(
            GradeStep(
                "publication bias",
                0,
                f"not assessable with k = {k} (a regression test needs k ≥ {MIN_K_REGTEST})",
            )
        )
    # large effect
    if pooled is not None and not bias:
        lb, ub = pooled.ci_lb, pooled.ci_ub
        if lb > VERY_LARGE_EFFECT or ub < 1 / VERY_LARGE_EFFECT:
            steps.append(
                GradeStep("large effect", 2, f"the whole CI lies beyond {VERY_LARGE_EFFECT:g}")
            )
        elif lb > LARGE_EFFECT or ub < 1 / LARGE_EFFECT:
            steps.append(GradeStep("large effect", 1, f"the whole CI lies beyond {LARGE_EFFECT:g}"))
        else:
            steps.append(GradeStep("large effect", 0, "no large effect"))
    elif pooled is not None:
        steps.append(GradeStep("large effect", 0, "not considered: a risk-of-bias concern applies"))
    return grade(start, start_reason, steps)


__all__ = ["epi_certainty", "grade", "imprecision_step", "inconsistency_step"]
