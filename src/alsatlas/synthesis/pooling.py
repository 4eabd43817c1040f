"""Pooling the selected estimates of one disease term with :func:`alsatlas.stats.rma.rma`.

Primary model: random effects, τ² by REML, Wald-type z test and CI, 95% prediction interval
(metafor's ``rma.uni`` defaults), on ln(ratio) with SE from the 95% CI. k = 1 reports the
single estimate as published. Sensitivity analyses: the Hartung-Knapp-Sidik-Jonkman test,
estimates with a lag only, each design class alone, and the primary rows plus curator
'caution' rows. The Egger-type regression test is run only for k ≥ 10.
See :data:`alsatlas.synthesis.rules.RULES` (topic *pooling*).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from alsatlas.evidence.schema import EpiAssociation
from alsatlas.stats.regtest import regtest
from alsatlas.stats.rma import rma
from alsatlas.synthesis.answer import PooledEstimate, SensitivityAnalysis, StudyRow
from alsatlas.synthesis.rules import (
    MIN_K_POOL,
    MIN_K_PREDICTION,
    MIN_K_REGTEST,
    POOL_METHOD,
    POOL_TEST,
    SENSITIVITY_TEST,
)
from alsatlas.synthesis.selection import dedupe_overlap, design_class, has_lag, log_se


def _row(record: EpiAssociation, weight: float) -> StudyRow:
    assert record.estimate is not None and record.ci_lb is not None and record.ci_ub is not None
    return StudyRow(
        record_id=record.id,
        label=record.citation.label,
        measure=str(record.measure),
        estimate=record.estimate,
        ci_lb=record.ci_lb,
        ci_ub=record.ci_ub,
        yi=math.log(record.estimate),
        vi=log_se(record) ** 2,
        weight=weight,
        design=record.design,
        design_class=design_class(record),
        has_lag=has_lag(record),
        overlap_group=record.overlap_group,
        author_caveats=record.author_caveats,
    )


def _arrays(records: Sequence[EpiAssociation]) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    yi = np.array([math.log(r.estimate or math.nan) for r in records], dtype=np.float64)
    vi = np.array([log_se(r) ** 2 for r in records], dtype=np.float64)
    return yi, vi


def _fit_summary(
    records: Sequence[EpiAssociation], test: str
) -> tuple[float, float, float, str | None, str | None]:
    """(estimate, ci_lb, ci_ub, method, test) on the ratio scale; k = 1 gives the record as is."""
    if len(records) == 1:
        r = records[0]
        assert r.estimate is not None and r.ci_lb is not None and r.ci_ub is not None
        return r.estimate, r.ci_lb, r.ci_ub, None, None
    yi, vi = _arrays(records)
    fit = rma(yi, vi, method=POOL_METHOD, test=test)
    return (
        math.exp(fit.estimate),
        math.exp(float(fit.ci_lb[0])),
        math.exp(float(fit.ci_ub[0])),
        POOL_METHOD,
        test,
    )


def _sensitivity(
    name: str,
    description: str,
    records: Sequence[EpiAssociation],
    test: str = POOL_TEST,
    note: str = "",
) -> SensitivityAnalysis:
    ids = tuple(r.id for r in records)
    if not records:
        return SensitivityAnalysis(
            name, description, ids, 0, None, None, None, None, None, note or "no rows left"
        )
    est, lb, ub, method, used_test = _fit_summary(records, test)
    if len(records) == 1 and not note:
        note = "single estimate, not pooled"
    return SensitivityAnalysis(
        name, description, ids, len(records), est, lb, ub, method, used_test, note
    )


def regtest_pval(yi: np.ndarray[Any, Any], vi: np.ndarray[Any, Any]) -> float | None:
    """p-value of the Egger-type regression test (:func:`alsatlas.stats.regtest.regtest` with
    metafor's ``regtest`` defaults: random-effects model, SE as predictor); ``None`` for k < 10."""
    if yi.shape[0] < MIN_K_REGTEST:
        return None
    return float(regtest(yi, vi).pval)


def pool_term(
    term: str,
    primary: Sequence[EpiAssociation],
    caution: Sequence[EpiAssociation] = (),
) -> PooledEstimate | None:
    """Pool the primary rows of one disease term; ``None`` when there are none.

    Parameters
    ----------
    term
        Disease vocabulary term (for labelling).
    primary
        Selected rows (one per overlap group), from
        :func:`alsatlas.synthesis.selection.select_epi`.
    caution
        Curator 'caution' rows, used only in the sensitivity analysis that adds them.

    Returns
    -------
    PooledEstimate or None
        Random-effects REML/z pooled estimate for k ≥ 2 with the sensitivity analyses; the
        single estimate for k = 1.
    """
    if not primary:
        return None
    measures = sorted({str(r.measure) for r in primary})
    measure = measures[0] if len(measures) == 1 else "/".join(measures)
    sensitivity: list[SensitivityAnalysis] = []
    lagged = [r for r in primary if has_lag(r)]
    if len(lagged) < len(primary):
        sensitivity.append(
            _sensitivity(
                "lag only",
                "leaving out estimates without a lag before ALS diagnosis (reverse causation, "
                "diagnostic mimicry, surveillance)",
                lagged,
            )
        )
    primary_source = [r for r in primary if r.verification == "primary"]
    if len(primary_source) < len(primary):
        sensitivity.append(
            _sensitivity(
                "primary sources only",
                "leaving out estimates read only on secondary pages (mirrors, aggregators)",
                primary_source,
            )
        )
    classes = {design_class(r) for r in primary}
    if len(classes) > 1:
        for cls in ("cohort", "case-control", "other"):
            subset = [r for r in primary if design_class(r) == cls]
            if subset:
                sensitivity.append(_sensitivity(f"{cls} only", f"{cls} studies only", subset))
    if caution:
        combined, _ = dedupe_overlap([*primary, *caution])
        sensitivity.append(
            _sensitivity(
                "with caution rows",
                "adding rows the curator flagged 'caution' (one per overlap group)",
                combined,
            )
        )
    if len(primary) < MIN_K_POOL:
        r = primary[0]
        assert r.estimate is not None and r.ci_lb is not None and r.ci_ub is not None
        return PooledEstimate(
            term=term,
            measure=measure,
            k=1,
            estimate=r.estimate,
            ci_lb=r.ci_lb,
            ci_ub=r.ci_ub,
            pi_lb=None,
            pi_ub=None,
            I2=None,
            tau2=None,
            pval=None,
            QEp=None,
            method=None,
            test=None,
            rows=(_row(r, 100.0),),
            sensitivity=tuple(sensitivity),
            note="k = 1: the single estimate as published; nothing pooled",
        )
    yi, vi = _arrays(primary)
    fit = rma(yi, vi, method=POOL_METHOD, test=POOL_TEST)
    pred = fit.predict()
    sensitivity.insert(
        0,
        _sensitivity(
            "HKSJ",
            "Hartung-Knapp-Sidik-Jonkman test and CI instead of z",
            primary,
            test=SENSITIVITY_TEST,
        ),
    )
    reg_p = regtest_pval(yi, vi)
    rows = tuple(_row(r, float(w)) for r, w in zip(primary, fit.weights, strict=True))
    notes: list[str] = []
    if len(measures) > 1:
        notes.append(
            f"measures {', '.join(measures)} pooled as approximately equal under the "
            "rare-outcome assumption"
        )
    show_pi = fit.k >= MIN_K_PREDICTION
    if not show_pi:
        notes.append(
            f"no prediction interval with k = {fit.k}: between-study spread cannot be "
            f"estimated usefully from fewer than {MIN_K_PREDICTION} estimates"
        )
    note = "; ".join(notes)
    return PooledEstimate(
        term=term,
        measure=measure,
        k=fit.k,
        estimate=math.exp(fit.estimate),
        ci_lb=math.exp(float(fit.ci_lb[0])),
        ci_ub=math.exp(float(fit.ci_ub[0])),
        pi_lb=math.exp(float(pred.pi_lb[0])) if show_pi else None,
        pi_ub=math.exp(float(pred.pi_ub[0])) if show_pi else None,
        I2=float(fit.I2),
        tau2=float(fit.tau2),
        pval=float(fit.pval[0]),
        QEp=float(fit.QEp),
        method=POOL_METHOD,
        test=POOL_TEST,
        rows=rows,
        sensitivity=tuple(sensitivity),
        regtest_pval=reg_p,
        note=note,
        fit=fit,
    )


__all__ = ["pool_term", "regtest_pval"]
