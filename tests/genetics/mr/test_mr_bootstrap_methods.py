"""Bootstrap-based estimators (medians, modes) and MR-PRESSO: published numbers where the
estimate is deterministic, Monte-Carlo tolerances for bootstrap SEs, and seeding."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from mr_testdata import printed

from alsatlas.errors import StatsInputError
from alsatlas.genetics.mr import median_estimate, mr_presso, run_mr

BOOT = [
    "simple_median",
    "weighted_median",
    "penalised_weighted_median",
    "simple_mode",
    "weighted_mode",
    "presso",
]


def _args(d: dict[str, np.ndarray]) -> tuple[np.ndarray, ...]:
    return d["bx"], d["bxse"], d["by"], d["byse"]


def test_medians_against_vignette(ldl: dict[str, np.ndarray], expected: dict[str, Any]) -> None:
    """Point estimates at printed precision. Bootstrap SEs (10000 draws, but not R's random
    stream) within 0.015, about 4 Monte-Carlo SDs (SD of a bootstrap SD ≈ se/√(2·10000)
    ≈ 0.003 for these SEs, larger for the median's non-normal bootstrap distribution)."""
    rep = run_mr(
        *_args(ldl),
        methods=["simple_median", "weighted_median", "penalised_weighted_median"],
        convention="mendelianrandomization",
    )
    sm = rep.result("simple_median")
    wm = rep.result("weighted_median")
    pwm = rep.result("penalised_weighted_median")
    assert printed(sm.b, expected["simple_median"]["estimate"])
    assert printed(wm.b, expected["weighted_median"]["estimate"])
    assert printed(pwm.b, expected["penalized_weighted_median"]["estimate"])
    assert sm.se == pytest.approx(expected["simple_median"]["se"], abs=0.015)
    assert wm.se == pytest.approx(expected["weighted_median"]["se"], abs=0.015)
    assert pwm.se == pytest.approx(expected["penalized_weighted_median"]["se"], abs=0.015)


def test_seed_reproducible_and_method_streams_independent(ldl: dict[str, np.ndarray]) -> None:
    a = run_mr(*_args(ldl), methods=BOOT, seed=7, n_boot=300)
    b = run_mr(*_args(ldl), methods=BOOT, seed=7, n_boot=300)
    c = run_mr(*_args(ldl), methods=BOOT, seed=8, n_boot=300)
    alone = run_mr(*_args(ldl), methods=["weighted_mode"], seed=7, n_boot=300)
    assert a.to_dict() == b.to_dict()
    assert a.result("weighted_median").se != c.result("weighted_median").se
    assert a.result("weighted_mode") == alone.result("weighted_mode")
    rng1 = np.random.default_rng(5)
    rng2 = np.random.default_rng(5)
    m1 = median_estimate(*_args(ldl), n_boot=200, rng=rng1)
    m2 = median_estimate(*_args(ldl), n_boot=200, rng=rng2)
    assert m1 == m2


def _presso_rss_by_refitting(bx: np.ndarray, by: np.ndarray, byse: np.ndarray) -> float:
    """RSSobs by k explicit weighted fits through the origin (lstsq), independent of the
    vectorised leave-one-out formula."""
    s = np.sign(bx)
    x, y, sw = np.abs(bx), by * s, 1.0 / byse
    rss = 0.0
    for i in range(bx.size):
        keep = np.arange(bx.size) != i
        coef, *_ = np.linalg.lstsq((x * sw)[keep, None], (y * sw)[keep], rcond=None)
        rss += float((y[i] * sw[i] - coef[0] * x[i] * sw[i]) ** 2)
    return rss


def test_presso_observed_rss_and_raw_fit(ldl: dict[str, np.ndarray]) -> None:
    res = mr_presso(*_args(ldl))
    assert res.rss_obs == pytest.approx(
        _presso_rss_by_refitting(ldl["bx"], ldl["by"], ldl["byse"]), rel=1e-10
    )
    sw = 1.0 / ldl["byse"]
    coef, resid, *_ = np.linalg.lstsq((ldl["bx"] * sw)[:, None], ldl["by"] * sw, rcond=None)
    sigma = np.sqrt(resid[0] / (ldl["bx"].size - 1))
    assert res.raw.b == pytest.approx(coef[0], rel=1e-12)
    assert res.raw.se == pytest.approx(sigma / np.sqrt(np.sum((ldl["bx"] * sw) ** 2)), rel=1e-10)


def test_presso_finds_planted_outliers() -> None:
    rng = np.random.default_rng(11)
    k = 40
    bx = rng.uniform(0.02, 0.08, k) * rng.choice([-1.0, 1.0], k)
    bxse = np.full(k, 0.004)
    byse = np.full(k, 0.01)
    by = 0.4 * bx + rng.normal(0.0, byse)
    by[[3, 17]] += np.array([0.12, -0.1])
    res = mr_presso(bx, bxse, by, byse, rng=1)
    assert res.global_pval < 0.05
    assert set(res.outlier_indices) == {3, 17}
    assert res.outlier_corrected is not None
    assert res.outlier_corrected.nsnp == k - 2
    assert abs(res.outlier_corrected.b - 0.4) < abs(res.raw.b - 0.4) + 1e-9
    assert res.distortion_pval is not None and 0.0 <= res.distortion_pval <= 1.0


def test_presso_global_test_calibrated_under_null() -> None:
    """Without pleiotropy the global p-value is roughly uniform: most runs are not
    significant."""
    rng = np.random.default_rng(3)
    ps = []
    for rep in range(40):
        k = 15
        bx = rng.uniform(0.03, 0.1, k)
        bxse = np.full(k, 0.005)
        byse = np.full(k, 0.02)
        by = 0.3 * (bx + rng.normal(0, bxse)) + rng.normal(0.0, byse)
        ps.append(mr_presso(bx, bxse, by, byse, n_distribution=300, rng=rep).global_pval)
    assert np.mean(np.array(ps) < 0.05) <= 0.2
    assert 0.3 < np.mean(ps) < 0.7


def test_presso_needs_more_simulations_than_variants(ldl: dict[str, np.ndarray]) -> None:
    with pytest.raises(StatsInputError):
        mr_presso(*_args(ldl), n_distribution=20)
