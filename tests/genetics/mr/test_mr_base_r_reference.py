"""Deterministic estimator outputs against base R (lm, pnorm, pt, pchisq).

Reference values: tests/reference/mr/estimators_reference.R (written from the published
formulas, base R 4.2 only) printed with 15 significant digits; tolerance 1e-10 relative
for every quantity, p-values included.
Both conventions are checked on the quantities where they differ (IVW SE for k ≥ 4 is the
same; Egger p from t(k − 2) vs normal; weighted median weights second vs first order).
"""

from __future__ import annotations

import csv

import numpy as np
import pytest
from mr_testdata import REF

from alsatlas.genetics.mr import ivw, run_mr


def _reference() -> dict[str, dict[str, float]]:
    with open(REF / "estimators_reference_r4.2.tsv") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    out: dict[str, dict[str, float]] = {}
    for r in rows:
        out.setdefault(r["dataset"], {})[r["quantity"]] = float(r["value"])
    return out


R = _reference()
METHODS = [
    "ivw",
    "ivw_fe",
    "egger",
    "simple_median",
    "weighted_median",
    "penalised_weighted_median",
]


@pytest.mark.parametrize("dataset", ["waterworth_ldl_chd", "twosamplemr_bmi_chd"])
def test_against_base_r(
    dataset: str, ldl: dict[str, np.ndarray], bmi_chd: dict[str, np.ndarray]
) -> None:
    d = ldl if dataset == "waterworth_ldl_chd" else bmi_chd
    ref = R[dataset]
    args = (d["bx"], d["bxse"], d["by"], d["byse"])
    tsmr = run_mr(*args, methods=METHODS, n_boot=20)
    mr = run_mr(*args, methods=METHODS, n_boot=20, convention="mendelianrandomization")

    def close(value: float, key: str) -> None:
        assert value == pytest.approx(ref[key], rel=1e-10), key

    close(tsmr.result("ivw").b, "ivw_b")
    close(tsmr.result("ivw").se, "ivw_se_random")
    close(tsmr.result("ivw").pval, "ivw_p_random")
    close(mr.result("ivw").se, "ivw_se_random")
    close(tsmr.result("ivw_fe").se, "ivw_se_fixed")
    second = ivw(*args, model="random", weights="second")
    close(second.b, "ivw_second_order_b")
    close(second.se, "ivw_second_order_se_random")
    close(tsmr.result("egger").b, "egger_b")
    close(tsmr.result("egger").se, "egger_se")
    close(tsmr.result("egger").pval, "egger_p_t")
    close(tsmr.result("egger").ci_lb, "egger_ci_lb_196")
    close(mr.result("egger").ci_lb, "egger_ci_lb_normal")
    close(mr.result("egger").pval, "egger_p_normal")
    assert tsmr.egger_intercept is not None and tsmr.heterogeneity is not None
    close(tsmr.egger_intercept.intercept, "egger_intercept")
    close(tsmr.egger_intercept.se, "egger_intercept_se")
    close(tsmr.egger_intercept.pval, "egger_intercept_p_t")
    close(tsmr.egger_intercept.I2GX, "I2GX")
    close(tsmr.heterogeneity.ivw.Q, "ivw_Q")
    close(tsmr.heterogeneity.ivw.Q_pval, "ivw_Q_p")
    assert tsmr.heterogeneity.egger is not None and tsmr.heterogeneity.rucker is not None
    close(tsmr.heterogeneity.egger.Q, "egger_Q")
    close(tsmr.heterogeneity.rucker.Q_diff_pval, "rucker_Q_diff_p")
    close(tsmr.result("simple_median").b, "simple_median_b")
    close(mr.result("simple_median").b, "simple_median_b")
    close(tsmr.result("weighted_median").b, "weighted_median_b_second")
    close(mr.result("weighted_median").b, "weighted_median_b_first")
    close(tsmr.result("penalised_weighted_median").b, "penalised_weighted_median_b_second")
    close(mr.result("penalised_weighted_median").b, "penalised_weighted_median_b_first")
