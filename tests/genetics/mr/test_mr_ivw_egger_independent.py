"""Closed-form IVW and MR-Egger against independent least-squares fits (numpy.linalg.lstsq),
and the properties every estimator must have (allele-coding invariance, simulated recovery)."""

from __future__ import annotations

import numpy as np
import pytest

from alsatlas.errors import StatsInputError
from alsatlas.genetics.mr import egger, ivw, run_mr, wald_ratio


def _wls(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Weighted least squares via lstsq on √w-scaled data: coef, lm SEs, residual SE."""
    sw = np.sqrt(w)
    coef, *_ = np.linalg.lstsq(x * sw[:, None], y * sw, rcond=None)
    resid = (y - x @ coef) * sw
    df = x.shape[0] - x.shape[1]
    sigma2 = float(resid @ resid) / df
    xtwx_inv = np.linalg.inv((x * w[:, None]).T @ x)
    return coef, np.sqrt(np.diag(xtwx_inv) * sigma2), float(np.sqrt(sigma2))


def _simulate(k: int, theta: float, seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    bx = rng.normal(0.0, 0.05, k)
    bxse = rng.uniform(0.004, 0.008, k)
    byse = rng.uniform(0.01, 0.03, k)
    by = theta * bx + rng.normal(0.0, byse)
    bx_obs = bx + rng.normal(0.0, bxse)
    return bx_obs, bxse, by, byse


def test_ivw_equals_weighted_regression_through_origin(ldl: dict[str, np.ndarray]) -> None:
    bx, bxse, by, byse = ldl["bx"], ldl["bxse"], ldl["by"], ldl["byse"]
    coef, se_lm, sigma = _wls(bx[:, None], by, byse**-2)
    fe = ivw(bx, bxse, by, byse, model="fixed")
    re = ivw(bx, bxse, by, byse, model="random")
    raw = ivw(bx, bxse, by, byse, model="unscaled")
    assert fe.b == pytest.approx(coef[0], rel=1e-12)
    assert re.se == pytest.approx(se_lm[0] / min(1.0, sigma), rel=1e-10)
    assert fe.se == pytest.approx(se_lm[0] / sigma, rel=1e-10)
    assert raw.se == pytest.approx(se_lm[0], rel=1e-10)


def test_egger_equals_weighted_regression_with_intercept(ldl: dict[str, np.ndarray]) -> None:
    bx, bxse, by, byse = ldl["bx"], ldl["bxse"], ldl["by"], ldl["byse"]
    x = np.column_stack([np.ones_like(bx), np.abs(bx)])
    coef, se_lm, sigma = _wls(x, np.sign(bx) * by, byse**-2)
    slope, icpt = egger(bx, bxse, by, byse)
    scale = 1.0 / min(1.0, sigma)
    assert slope.b == pytest.approx(coef[1], rel=1e-10)
    assert icpt.intercept == pytest.approx(coef[0], rel=1e-10)
    assert slope.se == pytest.approx(se_lm[1] * scale, rel=1e-10)
    assert icpt.se == pytest.approx(se_lm[0] * scale, rel=1e-10)


def test_ivw_random_never_below_fixed_when_underdispersed() -> None:
    bx, bxse, by, byse = _simulate(30, 0.5, seed=3)
    byse = byse * 5.0  # σ̂ < 1
    fe = ivw(bx, bxse, by, byse, model="fixed")
    re = ivw(bx, bxse, by, byse, model="random")
    raw = ivw(bx, bxse, by, byse, model="unscaled")
    assert re.se == pytest.approx(fe.se)
    assert raw.se < fe.se


def test_mendelianrandomization_default_model_is_fixed_below_four() -> None:
    bx, bxse, by, byse = _simulate(3, 0.5, seed=4)
    by = by + np.array([0.05, -0.05, 0.04])  # overdispersed
    default = ivw(bx, bxse, by, byse, model="default")
    fe = ivw(bx, bxse, by, byse, model="fixed")
    assert default.se == fe.se
    rep = run_mr(bx, bxse, by, byse, methods=["ivw"], convention="mendelianrandomization")
    assert rep.result("ivw").se == fe.se
    rep2 = run_mr(bx, bxse, by, byse, methods=["ivw"], convention="twosamplemr")
    assert rep2.result("ivw").se > fe.se


def test_wald_ratio_first_order() -> None:
    r = wald_ratio([0.1], [0.01], [0.05], [0.02])
    assert r.b == pytest.approx(0.5)
    assert r.se == pytest.approx(0.2)
    with pytest.raises(StatsInputError):
        wald_ratio([0.1, 0.2], [0.01, 0.01], [0.05, 0.1], [0.02, 0.02])
