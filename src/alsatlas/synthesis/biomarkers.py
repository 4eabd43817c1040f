"""Biomarker line: do immune markers predict ALS onset, progression or survival?

Rule ``biomarkers`` of :data:`alsatlas.synthesis.rules.RULES`: an association is
*significant* when its 95% CI excludes 1 (ratio measures) or its reported p < 0.05; a marker is
*replicated* for an outcome when significant in at least two independent studies (two
cohorts of one publication count once: they may be nested). Per outcome: supported
(a replicated immune marker), partly supported (significant but unreplicated), insufficient
(none). The overall claim (onset, progression or survival) is *supported* only when every
outcome with data has a replicated immune marker, *partly supported* when at least one has a
significant marker. Certainty starts low (observational); one down when no immune marker is
replicated; one down when a marker is significant in one cohort and not in another.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from alsatlas.evidence.schema import ImmuneBiomarker, PValueQualifier
from alsatlas.synthesis.answer import BiomarkerFinding, Certainty, Criterion, GradeStep, Verdict
from alsatlas.synthesis.certainty import grade, inconsistency_step
from alsatlas.synthesis.rules import MIN_REPLICATIONS
from alsatlas.synthesis.selection import numeric_direction

PROGNOSTIC_OUTCOMES: tuple[str, ...] = ("onset", "progression", "survival")
"""Outcomes of the prognosis question, in report order."""

_RATIO = ("HR", "OR", "RR")


def p_below(
    p_value: float | None, qualifier: PValueQualifier = "=", alpha: float = 0.05
) -> bool | None:
    """Whether a reported p-value is below ``alpha``.

    ``p = x``: ``x < alpha``. ``p < x``: ``True`` when ``x <= alpha``, unknown (``None``)
    otherwise. ``p > x``: ``False`` when ``x >= alpha``, unknown otherwise. No p-value:
    ``None``.

    >>> p_below(0.007), p_below(0.001, "<"), p_below(0.05, ">"), p_below(0.1, "<")
    (True, True, False, None)
    """
    if p_value is None:
        return None
    if qualifier == "<":
        return True if p_value <= alpha else None
    if qualifier == ">":
        return False if p_value >= alpha else None
    return p_value < alpha


def is_significant(record: ImmuneBiomarker) -> bool | None:
    """Significance by CI for ratio measures, else by p-value, else ``None``; ``False`` when
    the association did not survive the paper's own multiple-testing correction."""
    if record.multiple_testing == "not_survived":
        return False
    measure = (record.measure or "").upper()
    if measure.startswith(_RATIO) and record.ci_lb is not None and record.ci_ub is not None:
        return record.ci_lb > 1.0 or record.ci_ub < 1.0
    return p_below(record.p_value, record.p_value_qualifier)


def biomarker_finding(record: ImmuneBiomarker) -> BiomarkerFinding:
    """One biomarker record as the synthesis reads it."""
    direction = record.direction
    measure = (record.measure or "").upper()
    if (
        direction is None
        and measure.startswith(_RATIO)
        and record.estimate is not None
        and record.ci_lb is not None
        and record.ci_ub is not None
    ):
        direction = numeric_direction(record.estimate, record.ci_lb, record.ci_ub)
    return BiomarkerFinding(
        record_id=record.id,
        label=record.citation.label,
        marker=record.marker,
        predicts=tuple(record.predicts),
        measure=record.measure,
        estimate=record.estimate,
        ci_lb=record.ci_lb,
        ci_ub=record.ci_ub,
        p_value=record.p_value,
        p_value_qualifier=record.p_value_qualifier,
        direction=direction,
        significant=is_significant(record),
        cohort_n=record.cohort_n,
        immune=record.immune,
        verification=record.verification,
    )


def outcome_criteria(
    records: Sequence[ImmuneBiomarker],
) -> tuple[tuple[Criterion, ...], dict[str, Verdict]]:
    """Per prognostic outcome: a criterion (met = replicated) and its verdict."""
    criteria: list[Criterion] = []
    verdicts: dict[str, Verdict] = {}
    for outcome in PROGNOSTIC_OUTCOMES:
        mine = [r for r in records if r.immune and outcome in r.predicts]
        if not mine:
            continue
        significant = [r for r in mine if is_significant(r)]
        cohorts: dict[str, set[str]] = {}
        for r in significant:
            cohorts.setdefault(r.marker, set()).add(r.study_id)
        replicated = sorted(m for m, c in cohorts.items() if len(c) >= MIN_REPLICATIONS)
        if replicated:
            verdicts[outcome] = "supported"
            reason = f"significant in ≥ {MIN_REPLICATIONS} independent studies: " + ", ".join(
                replicated
            )
        elif significant:
            verdicts[outcome] = "partly supported"
            reason = (
                f"{len(significant)} significant association(s) ("
                + ", ".join(sorted({r.marker for r in significant}))
                + "), none replicated"
            )
        else:
            verdicts[outcome] = "insufficient evidence"
            reason = f"{len(mine)} record(s), no significant association"
        criteria.append(
            Criterion(
                f"immune marker predicts {outcome}",
                bool(replicated),
                f"{verdicts[outcome]}: {reason}",
                tuple(r.id for r in mine),
            )
        )
    return tuple(criteria), verdicts


def prognosis_verdict(records: Iterable[ImmuneBiomarker]) -> tuple[Verdict, str, Certainty]:
    """Overall verdict and certainty for 'immune biomarkers predict onset/progression/survival'."""
    recs = list(records)
    _, verdicts = outcome_criteria(recs)
    verdict: Verdict
    if not verdicts:
        verdict, reason = "insufficient evidence", "no immune biomarker record on these outcomes"
    elif all(v == "supported" for v in verdicts.values()):
        verdict, reason = "supported", "replicated immune markers for every outcome with data"
    elif any(v in ("supported", "partly supported") for v in verdicts.values()):
        verdict = "partly supported"
        reason = "; ".join(f"{k}: {v}" for k, v in verdicts.items())
    else:
        verdict, reason = "insufficient evidence", "no significant immune marker"
    steps: list[GradeStep] = []
    if verdicts and not any(v == "supported" for v in verdicts.values()):
        steps.append(
            GradeStep("imprecision", -1, "no immune marker replicated in an independent study")
        )
    else:
        steps.append(GradeStep("imprecision", 0, "at least one marker replicated"))
    conflicting = sorted(
        {
            r.marker
            for r in recs
            if r.immune
            and is_significant(r) is False
            and any(
                o.marker == r.marker
                and is_significant(o)
                and set(o.predicts) & set(r.predicts) & set(PROGNOSTIC_OUTCOMES)
                for o in recs
                if o.id != r.id
            )
        }
    )
    steps.append(
        inconsistency_step(
            conflicting,
            "significant in one cohort, not in another",
            "no marker conflicts across cohorts",
        )
    )
    certainty = grade("low", "observational cohorts: GRADE starts at low", steps)
    return verdict, reason, certainty


__all__ = [
    "PROGNOSTIC_OUTCOMES",
    "biomarker_finding",
    "is_significant",
    "outcome_criteria",
    "p_below",
    "prognosis_verdict",
]
