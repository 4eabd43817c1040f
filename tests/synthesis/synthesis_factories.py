"""Small evidence sets for synthesis tests, built through the real evidence schema."""

from __future__ import annotations

import math
from typing import Any

from alsatlas.evidence import EvidenceBase
from alsatlas.evidence.schema import (
    Citation,
    EpiAssociation,
    GeneticCorrelation,
    ImmuneBiomarker,
    ImmuneTrial,
    MRResult,
    Record,
    SharedLocus,
)

Z95 = 1.959963984540054


def citation(year: int = 2020, author: str = "Doe J") -> Citation:
    return Citation(first_author=author, year=year, doi="10.1000/test")


def epi(
    rid: str,
    estimate: float | None,
    ci_lb: float | None,
    ci_ub: float | None,
    *,
    exposure: str = "sle",
    measure: str | None = "HR",
    design: str = "prospective cohort",
    overlap_group: str | None = None,
    lag: bool = True,
    role: str = "main",
    pooling: str = "eligible",
    direction: str | None = None,
    verification: str = "primary",
    scope: str = "autoimmune",
    year: int = 2020,
) -> EpiAssociation:
    """An epidemiological association; ``lag=True`` means the year before ALS was left out."""
    data: dict[str, Any] = {
        "id": rid,
        "study_id": rid.split(".")[0],
        "citation": citation(year, author=rid.split(".")[0]),
        "read_from": "https://example.org/" + rid,
        "verification": verification,
        "exposure": exposure,
        "exposure_as_named": exposure,
        "exposure_scope": scope,
        "design": design,
        "design_type": "case_control" if "case-control" in design else "cohort",
        "data_source": "register " + (overlap_group or rid),
        "country": "Nowhere",
        "overlap_group": overlap_group,
        "analysis_role": role,
        "pooling": pooling,
        "time_window": {
            "description": "test window",
            "excludes_year_before_als": lag,
            "lag_years_min": 1.0 if lag else 0.0,
        },
    }
    if estimate is None:
        data["direction"] = direction
    else:
        data.update(measure=measure, estimate=estimate, ci_lb=ci_lb, ci_ub=ci_ub)
    return EpiAssociation.model_validate(data)


def direction_only(rid: str, direction: str, *, exposure: str = "sle", **kw: Any) -> EpiAssociation:
    return epi(
        rid,
        None,
        None,
        None,
        exposure=exposure,
        measure=None,
        direction=direction,
        pooling="excluded",
        verification="secondary",
        **kw,
    )


def trial(
    rid: str,
    drug: str,
    *,
    result: str,
    endpoint: str = "efficacy",
    n: int = 300,
    phase: str = "3",
    randomised: bool = True,
    supporting: tuple[dict[str, Any], ...] = (),
) -> ImmuneTrial:
    return ImmuneTrial.model_validate(
        {
            "id": rid,
            "study_id": rid,
            "citation": citation(),
            "read_from": "https://example.org/" + rid,
            "verification": "primary",
            "drug": drug,
            "drug_as_named": drug,
            "mechanism": "immune",
            "trial_name": rid.upper(),
            "phase": phase,
            "n_participants": n,
            "primary_endpoint": "ALSFRS-R slope",
            "endpoint_type": endpoint,
            "randomised": randomised,
            "primary_result": result,
            "supporting_analyses": list(supporting),
            "status": "ongoing" if result == "pending" else "completed",
        }
    )


def mr(
    rid: str,
    exposure_term: str | None,
    estimate: float,
    ci_lb: float,
    ci_ub: float,
    *,
    method: str = "IVW",
    study: str | None = None,
    robust: tuple[str, ...] = (),
) -> MRResult:
    return MRResult.model_validate(
        {
            "id": rid,
            "study_id": study or rid,
            "citation": citation(),
            "read_from": "https://example.org/" + rid,
            "verification": "primary",
            "exposure": exposure_term or "a trait",
            "exposure_term": exposure_term,
            "outcome": "ALS",
            "outcome_term": "als",
            "method": method,
            "robust_methods": list(robust),
            "exposure_class": "disease" if exposure_term else "other",
            "measure": "OR",
            "estimate": estimate,
            "ci_lb": ci_lb,
            "ci_ub": ci_ub,
        }
    )


def biomarker(
    rid: str,
    marker: str,
    predicts: tuple[str, ...],
    *,
    study: str,
    hr: tuple[float, float, float] | None = None,
    p: float | None = None,
    measure: str = "HR",
    immune: bool = True,
) -> ImmuneBiomarker:
    data: dict[str, Any] = {
        "id": rid,
        "study_id": study,
        "citation": citation(),
        "read_from": "https://example.org/" + rid,
        "verification": "primary",
        "marker": marker,
        "category": "inflammation",
        "predicts": list(predicts),
        "outcome_as_named": "/".join(predicts),
        "measure": measure,
        "p_value": p,
        "immune": immune,
    }
    if hr is not None:
        data.update(estimate=hr[0], ci_lb=hr[1], ci_ub=hr[2])
    return ImmuneBiomarker.model_validate(data)


def base(*records: Record) -> EvidenceBase:
    return EvidenceBase.from_records(tuple(records))


def log_yi_vi(estimate: float, ci_lb: float, ci_ub: float) -> tuple[float, float]:
    """ln ratio and its variance from a 95% CI (independent of the synthesis code)."""
    se = (math.log(ci_ub) - math.log(ci_lb)) / (2 * Z95)
    return math.log(estimate), se * se


def locus(rid: str, genes: tuple[str, ...], traits: tuple[str, ...], *, study: str) -> SharedLocus:
    return SharedLocus.model_validate(
        {
            "id": rid,
            "study_id": study,
            "citation": citation(),
            "read_from": "https://example.org/" + rid,
            "verification": "primary",
            "traits": list(traits),
            "traits_as_named": "/".join(traits),
            "genes": list(genes),
        }
    )


def rg(rid: str, trait: str, estimate: float, se: float, *, study: str = "s") -> GeneticCorrelation:
    return GeneticCorrelation.model_validate(
        {
            "id": rid,
            "study_id": study,
            "citation": citation(),
            "read_from": "https://example.org/" + rid,
            "verification": "primary",
            "trait": trait,
            "trait_term": trait,
            "estimate": estimate,
            "se": se,
            "ci_lb": estimate - Z95 * se,
            "ci_ub": estimate + Z95 * se,
        }
    )
