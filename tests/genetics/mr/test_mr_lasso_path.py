"""MR-Lasso's compiled homotopy path against the lasso's optimality conditions.

The standardised problem is rebuilt here densely, from its definition (the k × k projection,
glmnet's column scaling), and every solution the path returns is checked against the KKT
conditions of ½βᵀGβ − cᵀβ + λ‖β‖₁ at its λ: |c − Gβ| ≤ λ everywhere, c − Gβ = λ·sign(β)
where β ≠ 0 (sufficient for optimality, the problem being convex). The number of solutions
is checked against glmnet's stop rule evaluated on those dense quantities.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from alsatlas.genetics.mr.egger import orient
from alsatlas.genetics.mr.inputs import MRArrays, as_mr_arrays
from alsatlas.genetics.mr.lasso import (
    DEVMAX,
    FDEV,
    LAMBDA_MIN_RATIO,
    MNLAM,
    N_LAMBDA,
    _homotopy_path,
    _standardised,
    lasso_from_arrays,
)


def _simulate(seed: int, k: int, outliers: float, dominant: bool) -> MRArrays:
    rng = np.random.default_rng(seed)
    bx_true = rng.uniform(0.02, 0.1, k) * rng.choice([-1.0, 1.0], k)
    bxse = rng.uniform(0.004, 0.008, k)
    byse = rng.uniform(0.01, 0.03, k)
    if dominant:
        bx_true[0], byse[0] = 1.0, 0.002
    pleio = np.where(rng.random(k) < outliers, rng.normal(0.0, 0.05, k), 0.0)
    bx = bx_true + rng.normal(0.0, bxse)
    by = 0.3 * bx_true + pleio + rng.normal(0.0, byse)
    return as_mr_arrays(bx, bxse, by, byse)


def _dense(o: MRArrays) -> tuple[np.ndarray, np.ndarray, float, np.ndarray]:
    """G, c, ys and xs from the k × k projection (glmnet's standardisation)."""
    k = o.bx.size
    sq = 1.0 / o.byse
    b = sq * o.bx
    proj = np.eye(k) - np.outer(b, b) / float(b @ b)
    x = proj * sq[None, :]
    y = proj @ (sq * o.by)
    ys = math.sqrt(float(np.mean(y * y)))
    xs = np.sqrt(np.mean(x * x, axis=0) - np.mean(x, axis=0) ** 2)
    xt = x / xs[None, :]
    return xt.T @ xt / k, xt.T @ (y / ys) / k, ys, xs


CASES = [
    (seed, k, outliers, dominant)
    for seed, k in enumerate([3, 4, 7, 12, 30, 60, 100, 180])
    for outliers, dominant in ((0.0, False), (0.2, False), (0.4, True))
]


@pytest.mark.parametrize(("seed", "k", "outliers", "dominant"), CASES)
def test_lasso_path_meets_kkt_conditions(
    seed: int, k: int, outliers: float, dominant: bool
) -> None:
    o = orient(_simulate(seed, k, outliers, dominant))
    g, c_ref, ys_ref, xs_ref = _dense(o)
    c, h, n, ys, xs = _standardised(o)
    scale = float(np.max(np.abs(c_ref)))
    np.testing.assert_allclose(c, c_ref, rtol=1e-10, atol=1e-12 * scale)
    np.testing.assert_allclose(xs, xs_ref, rtol=1e-10)
    assert ys == pytest.approx(ys_ref, rel=1e-12)
    grid = scale * LAMBDA_MIN_RATIO ** (np.arange(1, N_LAMBDA) / (N_LAMBDA - 1.0))
    path, n_path = _homotopy_path(c, h, n, 1.0 / k, grid)
    assert 1 <= n_path <= grid.size
    prev, stop_at = 0.0, grid.size
    for i in range(n_path):
        beta, lam = path[i], grid[i]
        r = c_ref - g @ beta
        tol = 1e-9 * scale
        assert np.all(np.abs(r) <= lam + tol)
        on = beta != 0
        assert np.all(np.abs(r[on] - lam * np.sign(beta[on])) <= tol)
        rsq = float(2.0 * c_ref @ beta - beta @ g @ beta)
        change = math.inf if rsq == 0 else (rsq - prev) / rsq
        prev = rsq
        if i + 2 >= MNLAM and (change < FDEV or rsq > DEVMAX) and stop_at == grid.size:
            stop_at = i + 1
    assert n_path == stop_at
    # the selected λ is one of the path's, its zero set the valid variants
    res = lasso_from_arrays(_simulate(seed, k, outliers, dominant))
    assert res.n_lambda == n_path + 1
    at = np.flatnonzero(np.abs(grid[:n_path] * ys - res.lam) <= 1e-12 * res.lam)
    zeros = np.flatnonzero(path[at[0]] == 0) if at.size else np.arange(k)
    assert res.valid == tuple(zeros.tolist())


def test_compiled_path_equals_python_source() -> None:
    """The numba-compiled kernel and its Python source give the same path."""
    o = orient(_simulate(11, 120, 0.2, False))
    c, h, n, _, _ = _standardised(o)
    grid = float(np.max(np.abs(c))) * LAMBDA_MIN_RATIO ** (np.arange(1, N_LAMBDA) / 99.0)
    fast, n_fast = _homotopy_path(c, h, n, 1.0 / c.size, grid)
    slow, n_slow = getattr(_homotopy_path, "py_func", _homotopy_path)(c, h, n, 1.0 / c.size, grid)
    assert n_fast == n_slow
    np.testing.assert_allclose(fast[:n_fast], slow[:n_slow], rtol=1e-12, atol=1e-15)
    assert np.array_equal(fast[:n_fast] == 0, slow[:n_slow] == 0)
