"""The compiled MM-regression kernels against plain numpy written from the definitions.

The fast-S search computes a candidate's M-scale only when it can be among the two smallest
(`robust` module docstring). Here every candidate's M-scale is computed the slow way, the
two smallest are refined, and the result must be the same S-estimate. The median used for the
MAD scale is compared with numpy's.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from alsatlas.errors import DegenerateFitError
from alsatlas.genetics.mr import robust
from alsatlas.genetics.mr.inputs import as_mr_arrays
from alsatlas.genetics.mr.run import run_mr


def _rho(u: np.ndarray, c: float) -> np.ndarray:
    t = np.minimum((u / c) ** 2, 1.0)
    return np.asarray(3.0 * t - 3.0 * t**2 + t**3)


def _weights(u: np.ndarray, c: float) -> np.ndarray:
    return np.where(np.abs(u) <= c, (1.0 - (u / c) ** 2) ** 2, 0.0)


def _wls(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    xw = x * w[:, None]
    return np.asarray(np.linalg.solve(xw.T @ x, xw.T @ y))


def _scale_step(r: np.ndarray, s: float, dof: int) -> float:
    return s * math.sqrt(float(_rho(r / s, robust.C_CHI).sum()) / dof / robust.B)


def _m_scale(r: np.ndarray, s: float, dof: int) -> float:
    for _ in range(robust.MAXIT_SCALE):
        new = _scale_step(r, s, dof)
        done = abs(new - s) <= robust.SCALE_TOL * s
        s = new
        if done:
            break
    return s


def _refine(x: np.ndarray, y: np.ndarray, beta: np.ndarray, s: float) -> tuple[np.ndarray, float]:
    dof = y.size - x.shape[1]
    for _ in range(robust.K_MAX):
        s = _scale_step(y - x @ beta, s, dof)
        new = _wls(x, y, _weights((y - x @ beta) / s, robust.C_CHI))
        if np.linalg.norm(beta - new) <= robust.REFINE_TOL * max(
            robust.REFINE_TOL, float(np.linalg.norm(beta))
        ):
            return new, s
        beta = new
    return beta, s


def _brute_s_estimate(x: np.ndarray, y: np.ndarray, cand: np.ndarray) -> tuple[np.ndarray, float]:
    """Every candidate: MAD scale, one refinement step, its M-scale; refine the two smallest."""
    dof = y.size - x.shape[1]
    refined, scales = [], []
    for beta in cand:
        r = y - x @ beta
        s = _scale_step(r, 1.4826 * float(np.median(np.abs(r))), dof)
        ref = _wls(x, y, _weights(r / s, robust.C_CHI))
        refined.append(ref)
        scales.append(_m_scale(y - x @ ref, s, dof))
    best = np.argsort(scales, kind="stable")[: robust.BEST_R]
    fits = [_refine(x, y, refined[i], scales[i]) for i in best]
    return min(fits, key=lambda f: f[1])


def _data(seed: int, k: int, outliers: float) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    bx = rng.uniform(0.02, 0.1, k) * rng.choice([-1.0, 1.0], k)
    bxse = rng.uniform(0.004, 0.008, k)
    byse = rng.uniform(0.01, 0.03, k)
    pleio = np.where(rng.random(k) < outliers, rng.normal(0.0, 0.05, k), 0.0)
    by = 0.3 * bx + pleio + rng.normal(0.0, byse)
    return bx + rng.normal(0.0, bxse), bxse, by, byse


@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize(("seed", "k", "outliers"), [(1, 12, 0.2), (2, 40, 0.3), (3, 79, 0.1)])
def test_fast_s_equals_every_candidate_scaled(p: int, seed: int, k: int, outliers: float) -> None:
    bx, _, by, byse = _data(seed, k, outliers)
    w = np.sqrt(byse**-2.0)
    x = (bx[:, None] if p == 1 else np.column_stack([np.ones(k), np.abs(bx)])) * w[:, None]
    y = (by if p == 1 else by * np.sign(bx)) * w
    xt = np.ascontiguousarray(x.T)
    cand = robust._candidates(xt, y)
    got_b, got_s = robust._s_estimate(xt, y, robust._cross(xt, y), cand)
    want_b, want_s = _brute_s_estimate(x, y, cand)
    np.testing.assert_allclose(got_b, want_b, rtol=1e-9, atol=1e-12)
    assert got_s == pytest.approx(want_s, rel=1e-9)


def test_candidates_every_pair_or_a_fixed_draw() -> None:
    small = robust._pairs(30)  # 435 pairs: all of them
    assert small[0].size == math.comb(30, 2)
    assert len({(int(i), int(j)) for i, j in zip(*small, strict=True)}) == math.comb(30, 2)
    i, j = robust._pairs(100)
    assert i.size == robust.MAX_SUBSETS
    assert np.all(i != j)
    assert np.array_equal(i, robust._pairs.__wrapped__(100)[0])


@pytest.mark.parametrize("n", [1, 2, 3, 35, 36, 37, 79, 100, 101, 250])
def test_median_abs_equals_numpy(n: int) -> None:
    rng = np.random.default_rng(n)
    buf, tmp = np.empty(n), np.empty(n)
    for draw in range(300):
        kind = draw % 4
        if kind == 0:
            v = rng.normal(size=n)
        elif kind == 1:
            v = rng.integers(-3, 4, n).astype(float)  # many ties
        elif kind == 2:
            v = np.round(rng.standard_t(1, size=n), 1)
        else:
            v = np.full(n, 0.5) * rng.choice([-1.0, 1.0], n)
        assert robust._median_abs(v, buf, tmp) == float(np.median(np.abs(v)))


def test_exact_fit_scale_zero_and_the_methods_skipped() -> None:
    bx = np.linspace(0.1, 1.0, 20)
    by = 0.5 * bx
    by[3] += 0.3
    fit = robust.mm_regression(bx[:, None], by, np.ones(20))
    assert fit.scale == 0.0
    assert fit.coef[0] == pytest.approx(0.5)
    assert fit.se[0] == 0.0
    d = as_mr_arrays(bx, np.full(20, 0.01), by, np.full(20, 0.02))
    with pytest.raises(DegenerateFitError, match="robust scale 0"):
        robust.ivw_robust_from_arrays(d)
    with pytest.raises(DegenerateFitError, match="robust scale 0"):
        robust.egger_robust_from_arrays(d)
    rep = run_mr(bx, np.full(20, 0.01), by, np.full(20, 0.02), methods=["ivw", "ivw_robust"])
    assert [r.method for r in rep.results] == ["ivw"]
    assert [m for m, _ in rep.skipped] == ["ivw_robust"]
    assert "robust scale 0" in rep.skipped[0][1]


def test_every_subsample_singular_skips_the_robust_egger() -> None:
    bx = np.full(10, 0.1) * np.array([1.0, -1.0] * 5)  # one |beta.exposure|
    by = np.linspace(-0.05, 0.05, 10)
    with pytest.raises(DegenerateFitError, match="every subsample is singular"):
        robust.egger_robust_from_arrays(as_mr_arrays(bx, np.full(10, 0.01), by, np.full(10, 0.02)))
    rep = run_mr(
        bx, np.full(10, 0.01), by, np.full(10, 0.02), methods=["ivw", "egger_robust", "ivw_robust"]
    )
    assert [r.method for r in rep.results] == ["ivw", "ivw_robust"]
    assert [m for m, _ in rep.skipped] == ["egger_robust"]
