"""Known answers: MendelianRandomization 0.10.0 vignette (LDL-c → CHD, Waterworth 2010).

Expected numbers are the ones printed in the vignette PDF (see tests/reference/mr/README.md).
They are rounded, so each comparison allows half a unit in the last printed digit; the
``printed`` helper derives that tolerance from the reference value itself. A value printed
as 0.53 was 0.530 in the vignette (trailing zero lost in JSON), which makes the tolerance
looser than printed (±0.005 instead of ±0.0005); those are also checked at three decimals.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from mr_testdata import printed

from alsatlas.genetics.mr import egger, heterogeneity, ivw, run_mr
from alsatlas.genetics.mr.fstat import f_statistics


def _arrays(d: dict[str, np.ndarray]) -> tuple[np.ndarray, ...]:
    return d["bx"], d["bxse"], d["by"], d["byse"]


def test_ivw_random_effects(ldl: dict[str, np.ndarray], expected: dict[str, Any]) -> None:
    e = expected["ivw_random"]
    r = ivw(*_arrays(ldl), model="default")
    assert printed(r.b, e["estimate"])
    assert abs(r.se - 0.530) <= 0.0005
    assert printed(r.ci_lb, e["ci"][0])
    assert printed(r.ci_ub, e["ci"][1])


def test_ivw_heterogeneity_and_f(ldl: dict[str, np.ndarray], expected: dict[str, Any]) -> None:
    e = expected["ivw_random"]
    h = heterogeneity(*_arrays(ldl))
    assert printed(h.ivw.Q, e["cochran_Q"])
    assert h.ivw.Q_df == e["Q_df"]
    assert printed(100 * h.ivw.I2, e["I2_pct"])
    assert printed(np.sqrt(h.ivw.Q / h.ivw.Q_df), e["residual_se"])
    assert printed(f_statistics(ldl["bx"], ldl["bxse"]).mean, e["F"])


def test_egger_normal(ldl: dict[str, np.ndarray], expected: dict[str, Any]) -> None:
    e = expected["mr_egger"]
    slope, icpt = egger(*_arrays(ldl), distribution="normal")
    assert printed(slope.b, e["estimate"])
    assert abs(slope.se - 0.770) <= 0.0005
    assert printed(slope.ci_lb, e["ci"][0])
    assert printed(slope.ci_ub, e["ci"][1])
    assert printed(icpt.intercept, e["intercept"])
    assert printed(icpt.se, e["intercept_se"])
    assert printed(icpt.ci_lb, e["intercept_ci"][0])
    assert printed(icpt.ci_ub, e["intercept_ci"][1])
    assert printed(icpt.pval, e["intercept_p"])
    assert printed(100 * icpt.I2GX, e["I2_GX_pct"])


def test_egger_heterogeneity(ldl: dict[str, np.ndarray], expected: dict[str, Any]) -> None:
    e = expected["mr_egger"]
    h = heterogeneity(*_arrays(ldl))
    assert h.egger is not None
    assert printed(h.egger.Q, e["het_Q"])
    assert h.egger.Q_df == e["Q_df"]
    assert printed(np.sqrt(h.egger.Q / h.egger.Q_df), e["residual_se"])


def test_conventions_differ_only_where_documented(ldl: dict[str, np.ndarray]) -> None:
    """Same Egger b and se in both conventions; p from the normal vs t(26).

    mr-methods.md (shared research notes) records p = 2.40e-5 (normal) vs 2.60e-4 (t₂₆).
    """
    tsmr = run_mr(*_arrays(ldl), methods=["egger"], convention="twosamplemr")
    mr = run_mr(*_arrays(ldl), methods=["egger"], convention="mendelianrandomization")
    a, b = tsmr.result("egger"), mr.result("egger")
    assert a.b == b.b and a.se == b.se
    assert b.pval == pytest.approx(2.40e-5, abs=0.005e-5)
    assert a.pval == pytest.approx(2.60e-4, abs=0.005e-4)


def test_weighted_median_point_estimates(ldl: dict[str, np.ndarray]) -> None:
    """First-order weights (MendelianRandomization) 2.682883465, second order (TwoSampleMR)
    2.677244284, as recorded in mr-methods.md from the two packages."""
    mr = run_mr(
        *_arrays(ldl), methods=["weighted_median"], convention="mendelianrandomization", n_boot=100
    )
    tsmr = run_mr(*_arrays(ldl), methods=["weighted_median"], n_boot=100)
    assert mr.result("weighted_median").b == pytest.approx(2.682883465, abs=5e-10)
    assert tsmr.result("weighted_median").b == pytest.approx(2.677244284, abs=5e-10)
