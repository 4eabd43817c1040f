"""Properties every estimator must have: invariance to allele coding, recovery of a simulated
causal effect, sensible leave-one-out and single-SNP tables."""

from __future__ import annotations

import numpy as np
import pytest

from alsatlas.genetics.mr import METHOD_IDS, TraitSample, leave_one_out, run_mr, single_snp

# data-perturbation methods draw fresh noise, so they are not exactly invariant to allele flips
ALL = [
    m for m in METHOD_IDS if m != "wald_ratio" and not m.endswith("_dp") and m != "egger_bootstrap"
]


def _simulate(k: int, theta: float, seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    bx_true = rng.uniform(0.03, 0.12, k) * rng.choice([-1.0, 1.0], k)
    bxse = rng.uniform(0.004, 0.008, k)
    byse = rng.uniform(0.01, 0.02, k)
    bx = bx_true + rng.normal(0.0, bxse)
    by = theta * bx_true + rng.normal(0.0, byse)
    return bx, bxse, by, byse


@pytest.mark.parametrize("convention", ["twosamplemr", "mendelianrandomization"])
def test_allele_coding_invariance(ldl: dict[str, np.ndarray], convention: str) -> None:
    """Flipping the coded allele of a subset (bx and by change sign) changes nothing."""
    bx, bxse, by, byse = ldl["bx"], ldl["bxse"], ldl["by"], ldl["byse"]
    flip = np.where(np.arange(bx.size) % 3 == 0, -1.0, 1.0)
    n = TraitSample(n=17723.0)  # MR-cML's sample size
    a = run_mr(bx, bxse, by, byse, methods=ALL, n_boot=200, convention=convention, exposure=n)
    b = run_mr(
        bx * flip, bxse, by * flip, byse, methods=ALL, n_boot=200, convention=convention, exposure=n
    )
    for ra, rb in zip(a.results, b.results, strict=True):
        assert rb.method == ra.method
        assert rb.b == pytest.approx(ra.b, rel=1e-9, abs=1e-12)
        if ra.method not in {
            "simple_median",
            "weighted_median",
            "penalised_weighted_median",
            "simple_mode",
            "weighted_mode",
            "presso",
            "sign_concordance",
            "conmix",
        }:
            assert rb.se == pytest.approx(ra.se, rel=1e-9)
    assert a.heterogeneity is not None and b.heterogeneity is not None
    assert pytest.approx(a.heterogeneity.ivw.Q, rel=1e-10) == b.heterogeneity.ivw.Q
    assert a.egger_intercept is not None and b.egger_intercept is not None
    assert b.egger_intercept.intercept == pytest.approx(a.egger_intercept.intercept, rel=1e-9)


def test_recovers_simulated_causal_effect() -> None:
    theta = 0.5
    bx, bxse, by, byse = _simulate(100, theta, seed=2024)
    rep = run_mr(bx, bxse, by, byse, n_boot=300)
    for r in rep.results:
        assert abs(r.b - theta) < 4 * r.se + 0.02, r
        assert r.ci_lb < theta < r.ci_ub or abs(r.b - theta) < 0.05, r


def test_leave_one_out_and_single_snp(ldl: dict[str, np.ndarray]) -> None:
    args = (ldl["bx"], ldl["bxse"], ldl["by"], ldl["byse"])
    k = ldl["bx"].size
    loo = leave_one_out(*args, snps=[f"v{i}" for i in range(k)])
    assert len(loo.results) == k and loo.labels[0] == "v0"
    full = loo.overall[0].b
    keep = np.arange(k) != 5
    again = run_mr(*(a[keep] for a in args), methods=["ivw"]).result("ivw")
    assert loo.results[5] == again
    assert min(r.b for r in loo.results) <= full <= max(r.b for r in loo.results)
    ss = single_snp(*args)
    assert [r.b for r in ss.results] == pytest.approx(list(ldl["by"] / ldl["bx"]))
    assert [r.method for r in ss.overall] == ["ivw", "egger"]
