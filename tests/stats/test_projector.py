"""The O(kp) products and traces of P agree with the dense k x k projection matrix."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from alsatlas.stats import rma_batch
from alsatlas.stats.tau2 import Projector, _trace_p2_one_column, projection, score_terms


@pytest.mark.parametrize("p", [1, 2, 4])
@pytest.mark.parametrize("seed", range(5))
def test_projector_matches_dense(p: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    k = int(rng.integers(p + 2, 40))
    X = np.column_stack([np.ones(k), rng.normal(size=(k, p - 1))])
    w = 1.0 / rng.uniform(0.01, 2.0, k)
    d = rng.uniform(0.01, 2.0, k)
    u = rng.normal(size=k)
    P = projection(w, X)
    D = np.diag(d)
    proj = Projector(w, X)
    np.testing.assert_allclose(proj.apply(u), P @ u, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(proj.quad(u), u @ P @ u, rtol=1e-10)
    np.testing.assert_allclose(proj.tr(), np.trace(P), rtol=1e-10)
    np.testing.assert_allclose(proj.tr_d(d), np.trace(P @ D), rtol=1e-10)
    np.testing.assert_allclose(proj.tr_dd(d), np.trace(P @ D @ P @ D), rtol=1e-10)
    np.testing.assert_allclose(proj.tr_dp(d), np.trace(P @ D @ P), rtol=1e-10)
    np.testing.assert_allclose(proj.tr_pp(), np.sum(P * P), rtol=1e-10)
    np.testing.assert_allclose(proj._tr_pp_blocks(), np.sum(P * P), rtol=1e-10)


def test_trace_of_p_squared_when_one_weight_dominates() -> None:
    """Variance ratio 1e8: the expanded form (and even the dense P) loses digits; the
    prefix-sum form agrees with exact rational arithmetic to 1e-12."""
    v = np.array([1e-8, 1.0, 0.5, 2.0, 0.7, 1.5])
    w = 1.0 / (v + 1e-9)
    x = np.ones(v.size)
    # exact rational arithmetic on the same weights: P_ij = w_i [i = j] - w_i w_j / sum(w)
    wf = [Fraction(float(a)) for a in w]
    sf = sum(wf)
    exact = sum(
        (wf[i] * (i == j) - wf[i] * wf[j] / sf) ** 2 for i in range(w.size) for j in range(w.size)
    )
    dense = float(exact)
    s = float(w.sum())
    np.testing.assert_allclose(_trace_p2_one_column(w, x, s), dense, rtol=1e-12)
    expanded = float(w @ w) - 2 * float(w**3 @ x) / s + (float(w @ w) / s) ** 2
    assert abs(expanded - dense) > 1e-6 * dense  # the cancellation the fallback avoids
    y = np.array([0.1, 0.5, -0.2, 0.3, 0.0, 0.4])
    info = score_terms(1e-9, y, v, x[:, None], "REML")[1]
    np.testing.assert_allclose(info, dense, rtol=1e-12)
    batch = rma_batch(y[None, :], v[None, :], method="REML")
    assert np.isfinite(batch.tau2[0]) and np.isfinite(batch.se_tau2[0])
