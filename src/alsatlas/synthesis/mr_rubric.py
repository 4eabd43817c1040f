"""Mendelian randomization: reading MR records, their certainty rubric, and the MR verdict.

Rubric (rule ``mr-rubric`` of :data:`alsatlas.synthesis.rules.RULES`): start at *moderate*
(genotypes are fixed at conception, so no reverse causation and less confounding, but the
instrument assumptions cannot all be tested), then

* instrument strength: one down when no F statistic is reported, or its mean is < 10
  (weak instruments; in two-sample MR they bias towards the null);
* pleiotropy: one down when no pleiotropy-robust method or test (MR-Egger and its intercept,
  weighted median or mode, MR-PRESSO, heterogeneity Q) is reported;
* consistency: one down when independent MR studies of the same exposure disagree in
  significant direction;
* imprecision: as for ratio estimates (:func:`~alsatlas.synthesis.certainty.imprecision_step`).

MR and observational estimates are shown side by side and never pooled together.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from alsatlas.evidence.schema import MRResult
from alsatlas.genetics.mr import MRReport
from alsatlas.synthesis.answer import (
    Certainty,
    GradeStep,
    MRFinding,
    MRSummary,
    Verdict,
    VoteDirection,
)
from alsatlas.synthesis.certainty import grade, imprecision_step, inconsistency_step
from alsatlas.synthesis.rules import MR_MIN_F, NULL_BAND
from alsatlas.synthesis.selection import numeric_direction
from alsatlas.synthesis.verdict import is_precise_null, opposite


def reported_f(record: MRResult) -> float | None:
    """The instrument F statistic the record states (its ``f_statistic`` field), or ``None``."""
    return record.f_statistic


def is_ratio(record: MRResult) -> bool:
    """``True`` when the record's scale is a ratio (OR, HR, RR; per SD or per unit)."""
    measure = (record.measure or "").strip().upper()
    return measure.startswith(("OR", "HR", "RR"))


def mr_direction(record: MRResult) -> VoteDirection | None:
    """Direction by the 95% CI for numeric ratio records, else the stated direction."""
    if (
        is_ratio(record)
        and record.estimate is not None
        and record.ci_lb is not None
        and record.ci_ub is not None
    ):
        return numeric_direction(record.estimate, record.ci_lb, record.ci_ub)
    return record.direction


def mr_certainty(record: MRResult, peers: Sequence[MRResult] = ()) -> Certainty:
    """Certainty of one MR result by the rubric; ``peers`` are other MR studies of the same
    exposure term (for consistency)."""
    steps: list[GradeStep] = []
    f_stat = reported_f(record)
    if f_stat is None:
        steps.append(
            GradeStep(
                "instrument strength",
                -1,
                "no F statistic reported: weak instruments, which bias towards the null, "
                "cannot be ruled out",
            )
        )
    elif f_stat < MR_MIN_F:
        steps.append(GradeStep("instrument strength", -1, f"F = {f_stat:g} < {MR_MIN_F:g}: weak"))
    else:
        steps.append(GradeStep("instrument strength", 0, f"F = {f_stat:g} ≥ {MR_MIN_F:g}"))
    robust = [m.replace("_", " ") for m in record.robust_methods]
    if robust:
        steps.append(
            GradeStep(
                "pleiotropy",
                0,
                "pleiotropy-robust methods or tests reported (" + ", ".join(robust) + ")",
            )
        )
    else:
        steps.append(
            GradeStep(
                "pleiotropy",
                -1,
                "only the primary (IVW) estimate is reported: horizontal pleiotropy not assessed",
            )
        )
    mine = mr_direction(record)
    clash = [
        p.id
        for p in peers
        if p.id != record.id
        and p.study_id != record.study_id
        and mine in ("increased", "decreased")
        and mr_direction(p) == opposite(mine)
    ]
    steps.append(
        inconsistency_step(
            clash,
            "another MR study of this exposure goes the other way",
            "no MR study of this exposure disagrees",
        )
    )
    if is_ratio(record) and record.ci_lb is not None and record.ci_ub is not None:
        steps.append(imprecision_step(record.ci_lb, record.ci_ub))
    else:
        steps.append(imprecision_step(None, None))
    if not record.verified:
        steps.append(GradeStep("reporting", -1, "number not verified on any page"))
    elif record.estimate is None:
        steps.append(GradeStep("reporting", -1, "direction only: no number could be read"))
    return grade(
        "moderate",
        "Mendelian randomization: no reverse causation, less confounding, untestable "
        "instrument assumptions",
        steps,
    )


def mr_finding(record: MRResult, peers: Sequence[MRResult] = ()) -> MRFinding:
    """One MR record as the synthesis reads it (direction, precise null, certainty)."""
    direction = mr_direction(record)
    precise = (
        is_ratio(record)
        and record.ci_lb is not None
        and record.ci_ub is not None
        and is_precise_null(record.ci_lb, record.ci_ub)
    )
    return MRFinding(
        record_id=record.id,
        study_id=record.study_id,
        label=record.citation.label,
        exposure=record.exposure,
        exposure_term=record.exposure_term,
        outcome=record.outcome,
        orientation=record.orientation,
        method=record.method,
        n_snps=record.n_snps,
        measure=record.measure,
        estimate=record.estimate,
        ci_lb=record.ci_lb,
        ci_ub=record.ci_ub,
        p_value=record.p_value,
        p_value_qualifier=record.p_value_qualifier,
        direction=direction,
        precise_null=precise,
        verification=record.verification,
        outcome_gwas=record.outcome_gwas,
        certainty=mr_certainty(record, peers),
    )


def summarise_mr(records: Iterable[MRResult]) -> MRSummary:
    """Findings of ``records`` with a tally by direction and a one-line summary."""
    recs = list(records)
    by_term: dict[str, list[MRResult]] = {}
    for r in recs:
        by_term.setdefault(r.exposure_term or r.exposure, []).append(r)
    findings = tuple(mr_finding(r, by_term[r.exposure_term or r.exposure]) for r in recs)
    counts = {"increased": 0, "decreased": 0, "null": 0, "unknown": 0}
    for f in findings:
        counts[f.direction or "unknown"] += 1
    text = (
        f"{len(findings)} MR result(s): {counts['increased']} increased, "
        f"{counts['decreased']} decreased, {counts['null']} null"
        + (f", {counts['unknown']} without a stated direction" if counts["unknown"] else "")
        + f"; {sum(f.precise_null for f in findings)} precise null(s) "
        f"(CI within {NULL_BAND[0]:g}-{NULL_BAND[1]:g})"
    )
    return MRSummary(
        findings, counts["increased"], counts["decreased"], counts["null"], counts["unknown"], text
    )


def mr_verdict(summary: MRSummary, claim: VoteDirection = "increased") -> tuple[Verdict, str]:
    """Verdict over MR findings (rule ``mr-verdict``), one vote per exposure.

    Each exposure's direction is that of its most certain finding (ties: most precise).
    """
    per_exposure: dict[str, MRFinding] = {}
    for f in summary.findings:
        if f.direction is None:
            continue
        key = f.exposure_term or f.exposure
        current = per_exposure.get(key)
        if current is None or f.certainty.score > current.certainty.score:
            per_exposure[key] = f
    if not per_exposure:
        return "insufficient evidence", "no MR result with a stated direction"
    n = len(per_exposure)
    agree = [k for k, f in per_exposure.items() if f.direction == claim]
    against = [k for k, f in per_exposure.items() if f.direction == opposite(claim)]
    precise = [k for k, f in per_exposure.items() if f.precise_null]
    if len(agree) > n / 2:
        return "supported", f"{len(agree)} of {n} exposures give a CI excluding 1 as claimed"
    if agree:
        return (
            "partly supported",
            f"{len(agree)} of {n} exposures ({', '.join(agree)}) give a CI excluding 1 as claimed",
        )
    if len(against) > n / 2:
        return "contradicted", f"{len(against)} of {n} exposures go the other way"
    if precise:
        other_way = f"; {len(against)} go the other way ({', '.join(against)})" if against else ""
        return (
            "not supported",
            f"none of {n} exposures shows the claimed effect; {len(precise)} precise null(s) "
            f"({', '.join(precise)}){other_way}",
        )
    return (
        "insufficient evidence",
        f"none of {n} exposures shows the claimed effect, but none is a precise null",
    )


PLEIOTROPY_ALPHA = 0.05
"""MR-Egger intercept or MR-PRESSO global test p below this flags horizontal pleiotropy."""


def report_certainty(report: MRReport, *, ratio_scale: bool = True) -> Certainty:
    """Certainty of an MR analysis run by :func:`alsatlas.genetics.mr.run_mr`, by the rubric.

    Parameters
    ----------
    report
        The engine's :class:`~alsatlas.genetics.mr.MRReport`; its first result (IVW, or the
        Wald ratio for one variant) is the primary estimate.
    ratio_scale
        ``True`` when the outcome is on the log-odds / log-hazard scale, so the primary CI is
        judged for imprecision as exp(ci) like a ratio; ``False`` skips that step.

    Notes
    -----
    Steps: instrument strength (mean F < 10: one down); pleiotropy (MR-Egger intercept or
    MR-PRESSO global test p < 0.05: one down; neither available: one down); agreement across
    methods (a method whose CI excludes 0 with the sign opposite to the primary estimate: one
    down); direction (Steiger test pointing the other way: one down); imprecision of the primary
    estimate (:func:`~alsatlas.synthesis.certainty.imprecision_step`).
    """
    steps: list[GradeStep] = []
    mean_f = report.fstat.mean
    if mean_f < MR_MIN_F:
        steps.append(
            GradeStep("instrument strength", -1, f"mean F = {mean_f:.1f} < {MR_MIN_F:g}: weak")
        )
    else:
        steps.append(GradeStep("instrument strength", 0, f"mean F = {mean_f:.1f} ≥ {MR_MIN_F:g}"))
    flags: list[str] = []
    checked: list[str] = []
    if report.egger_intercept is not None:
        checked.append(f"MR-Egger intercept p = {report.egger_intercept.pval:.3g}")
        if report.egger_intercept.pval < PLEIOTROPY_ALPHA:
            flags.append("MR-Egger intercept")
    if report.presso is not None:
        checked.append(f"MR-PRESSO global p = {report.presso.global_pval:.3g}")
        if report.presso.global_pval < PLEIOTROPY_ALPHA:
            flags.append("MR-PRESSO global test")
    if flags:
        steps.append(
            GradeStep(
                "pleiotropy",
                -1,
                "pleiotropy flagged by " + ", ".join(flags) + "; " + "; ".join(checked),
            )
        )
    elif checked:
        steps.append(GradeStep("pleiotropy", 0, "no pleiotropy flagged: " + "; ".join(checked)))
    else:
        steps.append(
            GradeStep("pleiotropy", -1, "too few variants for MR-Egger or MR-PRESSO: not assessed")
        )
    primary = report.results[0]
    against = [
        r.method
        for r in report.results[1:]
        if (r.ci_lb > 0 or r.ci_ub < 0) and (r.b > 0) != (primary.b > 0)
    ]
    if against:
        steps.append(
            GradeStep(
                "agreement across methods",
                -1,
                f"{', '.join(against)} significant in the direction opposite to {primary.method}",
            )
        )
    else:
        steps.append(
            GradeStep(
                "agreement across methods",
                0,
                f"no method contradicts {primary.method} ({len(report.results)} methods)",
            )
        )
    if report.steiger is not None and not report.steiger.correct_causal_direction:
        steps.append(
            GradeStep(
                "direction",
                -1,
                "Steiger test favours the reverse direction "
                f"(p = {report.steiger.steiger_pval:.3g})",
            )
        )
    if ratio_scale:
        steps.append(imprecision_step(math.exp(primary.ci_lb), math.exp(primary.ci_ub)))
    return grade(
        "moderate",
        "Mendelian randomization: no reverse causation, less confounding, untestable "
        "instrument assumptions",
        steps,
    )


def is_immune_trait(record: MRResult) -> bool:
    """``True`` for an MR whose exposure is an immune cell or protein trait (``exposure_class``
    ``immune_trait``)."""
    return record.exposure_class == "immune_trait"


def two_sided_verdict(summary: MRSummary) -> tuple[Verdict, str, tuple[MRFinding, ...]]:
    """Verdict for a two-sided claim ("changes ALS risk"), with the findings that carry it.

    Supported when one exposure is significant in the same direction in at least two
    independent studies; partly supported when some are significant but none replicated;
    not supported when none is significant and at least one is a precise null; otherwise
    insufficient.
    """
    signif = [f for f in summary.findings if f.direction in ("increased", "decreased")]
    studies: dict[tuple[str, str], set[str]] = {}
    for f in signif:
        assert f.direction is not None
        studies.setdefault((f.exposure_term or f.exposure, f.direction), set()).add(f.study_id)
    replicated = sorted(k[0] for k, v in studies.items() if len(v) >= 2)
    if replicated:
        carriers = tuple(f for f in signif if (f.exposure_term or f.exposure) in replicated)
        return "supported", "replicated in independent studies: " + ", ".join(replicated), carriers
    if signif:
        names = "; ".join(f.exposure for f in signif)
        return (
            "partly supported",
            f"{len(signif)} trait(s) significant, none replicated in an independent study "
            f"({names})",
            tuple(signif),
        )
    precise = tuple(f for f in summary.findings if f.precise_null)
    if precise:
        return "not supported", f"no significant trait; {len(precise)} precise null(s)", precise
    return "insufficient evidence", "no significant trait and no precise null", ()


__all__ = [
    "PLEIOTROPY_ALPHA",
    "is_immune_trait",
    "is_ratio",
    "mr_certainty",
    "mr_direction",
    "mr_finding",
    "mr_verdict",
    "report_certainty",
    "reported_f",
    "summarise_mr",
    "two_sided_verdict",
]
