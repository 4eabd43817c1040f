"""Correlated-variant IVW/Egger against the MendelianRandomization vignette (calcium → fasting
glucose, printed precision) and an independent whitening fit; Steiger against the numbers
recorded from TwoSampleMR for BMI → CHD in the shared research notes (mr-methods.md)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from mr_testdata import printed

from alsatlas.errors import StatsInputError
from alsatlas.genetics.mr import TraitSample, egger_correlated, ivw_correlated, run_mr
from alsatlas.genetics.mr.steiger import (
    population_allele_frequency,
    r2_from_bsen,
    r2_from_lor,
    r2_from_pn,
    steiger_test,
)


def _args(d: dict[str, np.ndarray]) -> tuple[np.ndarray, ...]:
    return d["bx"], d["bxse"], d["by"], d["byse"]


def test_ivw_correlated_vignette(calcium: dict[str, np.ndarray], expected: dict[str, Any]) -> None:
    e = expected["ivw_correlated"]
    r, q = ivw_correlated(*_args(calcium), calcium["rho"])
    assert printed(r.b, e["estimate"])
    assert printed(r.se, e["se"])
    assert printed(r.ci_lb, e["ci"][0])
    assert printed(r.ci_ub, e["ci"][1])
    assert printed(q.Q, e["Q"])
    assert printed(np.sqrt(q.Q / q.Q_df), e["residual_se"])
    rep = run_mr(*_args(calcium), rho=calcium["rho"], convention="mendelianrandomization")
    assert rep.fstat.ld_adjusted is not None
    assert printed(rep.fstat.ld_adjusted, e["F"])
    assert [x.method for x in rep.results] == ["ivw", "ivw_fe", "egger"]


def test_egger_correlated_vignette(
    calcium: dict[str, np.ndarray], expected: dict[str, Any]
) -> None:
    e = expected["egger_correlated"]
    slope, icpt, q = egger_correlated(*_args(calcium), calcium["rho"])
    assert printed(slope.b, e["estimate"])
    assert printed(slope.se, e["se"])
    assert printed(slope.ci_lb, e["ci"][0])
    assert printed(slope.ci_ub, e["ci"][1])
    assert printed(icpt.intercept, e["intercept"])
    assert printed(icpt.se, e["intercept_se"])
    assert printed(q.Q, e["Q"])


def test_correlated_reduces_to_uncorrelated_with_identity(ldl: dict[str, np.ndarray]) -> None:
    k = ldl["bx"].size
    plain = run_mr(*_args(ldl), methods=["ivw", "egger"])
    corr = run_mr(*_args(ldl), methods=["ivw", "egger"], rho=np.eye(k))
    for a, b in zip(plain.results, corr.results, strict=True):
        assert b.b == pytest.approx(a.b, rel=1e-10)
        assert b.se == pytest.approx(a.se, rel=1e-10)


def test_correlated_orientation_flips_ld(calcium: dict[str, np.ndarray]) -> None:
    """Recoding variant 2 (bx, by and its LD row/column change sign) leaves IVW and Egger
    unchanged."""
    bx, bxse, by, byse = (v.copy() for v in _args(calcium))
    rho = calcium["rho"].copy()
    bx[2], by[2] = -bx[2], -by[2]
    rho[2, :] *= -1
    rho[:, 2] *= -1
    a = egger_correlated(*_args(calcium), calcium["rho"])[0]
    b = egger_correlated(bx, bxse, by, byse, rho)[0]
    assert b.b == pytest.approx(a.b, rel=1e-10) and b.se == pytest.approx(a.se, rel=1e-10)
    ia = ivw_correlated(*_args(calcium), calcium["rho"])[0]
    ib = ivw_correlated(bx, bxse, by, byse, rho)[0]
    assert ib.b == pytest.approx(ia.b, rel=1e-10) and ib.se == pytest.approx(ia.se, rel=1e-10)


def test_correlated_refuses_methods_assuming_independence(calcium: dict[str, np.ndarray]) -> None:
    with pytest.raises(StatsInputError):
        run_mr(*_args(calcium), rho=calcium["rho"], methods=["weighted_median"])
    with pytest.raises(StatsInputError):
        run_mr(*_args(calcium), rho=np.eye(5))


def test_steiger_bmi_chd_research_note(bmi_chd: dict[str, np.ndarray]) -> None:
    """TwoSampleMR directionality_test from p and n: r²_exp 0.01580819, r²_out 0.001350485,
    p 1.7e-207 (mr-methods.md). r²_out and p agree at the printed precision. For r²_exp,
    TwoSampleMR falls back to optimize() with its default tolerance (≈1.2e-4 on r²) for SNPs
    whose F quantile overflows, so its sum is only that accurate; we solve exactly and allow
    1e-6."""
    r2x = r2_from_pn(bmi_chd["px"], bmi_chd["nx"])
    r2y = r2_from_pn(bmi_chd["py"], bmi_chd["ny"])
    sx, sy, direction, p = steiger_test(r2x, r2y, bmi_chd["nx"], bmi_chd["ny"])
    assert abs(sy - 0.001350485) <= 0.5e-9
    assert abs(sx - 0.01580819) <= 1e-6
    assert direction
    assert float(f"{p:.1e}") == 1.7e-207


def test_steiger_add_rsq_route_bmi_chd(bmi_chd: dict[str, np.ndarray]) -> None:
    """TwoSampleMR add_rsq route (mr-methods.md): r²_exp 0.02359644 (BMI in SD units,
    2β²f(1 − f)) vs r²_out 0.001698768 (CHD log odds on the liability scale with
    add_rsq's default prevalence 0.1; cases/controls 60,801/123,504 of CARDIoGRAMplusC4D
    2015, which add up to the file's sample size 184,305). Printed precision."""
    assert bmi_chd["ny"][0] == 60801 + 123504
    rep = run_mr(
        *_args(bmi_chd),
        methods=["ivw"],
        exposure=TraitSample(n=bmi_chd["nx"], eaf=bmi_chd["eafx"], sd_units=True),
        outcome=TraitSample(eaf=bmi_chd["eafy"], ncase=60801, ncontrol=123504, prevalence=0.1),
    )
    st = rep.steiger
    assert st is not None
    assert (st.r2_source_exposure, st.r2_source_outcome) == ("sd_eaf", "lor")
    assert abs(st.r2_exposure - 0.02359644) <= 0.5e-8
    assert abs(st.r2_outcome - 0.001698768) <= 0.5e-9
    assert st.correct_causal_direction
    assert st.steiger_pval < 1e-300  # R's psych::r.test underflows to 0 here


def test_steiger_through_run_mr(bmi_chd: dict[str, np.ndarray]) -> None:
    rep = run_mr(
        *_args(bmi_chd),
        methods=["ivw"],
        exposure=TraitSample(n=bmi_chd["nx"]),
        outcome=TraitSample(n=bmi_chd["ny"]),
    )
    assert rep.steiger is not None
    assert rep.steiger.r2_source_exposure == "bsen"
    assert rep.steiger.r2_exposure == pytest.approx(
        np.sum(r2_from_bsen(bmi_chd["bx"], bmi_chd["bxse"], bmi_chd["nx"]))
    )
    assert rep.steiger.correct_causal_direction


def test_liability_r2_consistency() -> None:
    """Population allele frequency: with the case proportion equal to the prevalence, the
    study sample is the population, so the frequency is unchanged; OR = 1 gives af too.
    r² from the log OR follows V_G/(V_G + π²/3)."""
    af = np.array([0.1, 0.3, 0.5, 0.7])
    orr = np.array([1.2, 0.8, 1.5, 1.0])
    assert population_allele_frequency(af, 0.2, orr, 0.2) == pytest.approx(af, rel=1e-10)
    p = population_allele_frequency(af, 0.5, np.ones(4), 0.01)
    assert p == pytest.approx(af, rel=1e-10)
    lor = np.log(orr)
    r2 = r2_from_lor(lor, af, 5000, 5000, 0.5)
    vg = lor**2 * af * (1 - af)
    assert r2 == pytest.approx(vg / (vg + np.pi**2 / 3), rel=1e-10)
    # an enriched case sample over-represents the risk allele relative to the population
    risk = population_allele_frequency(np.array([0.3]), 0.5, np.array([2.0]), 0.01)
    assert risk[0] < 0.3


def test_ld_matrix_not_positive_definite_is_an_input_error(ldl: dict[str, np.ndarray]) -> None:
    """Variants in perfect LD make Ω singular: an input error naming rho, not a LinAlgError."""
    k = ldl["bx"].size
    with pytest.raises(StatsInputError, match="positive definite") as info:
        run_mr(*_args(ldl), methods=["ivw", "egger"], rho=np.ones((k, k)))
    assert info.value.field == "rho"
