"""Scale equivariance: results follow the units of the data exactly (issue: scale drift).

Multiplying every sampling variance by :math:`c` and every effect by :math:`\\sqrt c` must
multiply τ², its SE, the Q-profile bounds and the variances by :math:`c`, the estimates and
SEs by :math:`\\sqrt c`, and leave I², H², Q and p-values unchanged, for every estimator, at
scales from 1e-8 to 1e8 and at the extremes (1e-300, 1e200) where absolute tolerances used to
fail (ZeroDivisionError, endless REML loop in rma_batch).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alsatlas.stats import METHODS, rma, rma_batch

Y = np.array([-0.889, -1.585, -1.348, -1.442, -0.218, -0.786, -1.621, 0.012, -0.469, -1.371])
V = np.array([0.326, 0.195, 0.415, 0.020, 0.051, 0.007, 0.223, 0.004, 0.056, 0.073])


def _check(base: object, scaled: object, c: float, rtol: float) -> None:
    r, s = base, scaled
    assert math.isclose(s.tau2, c * r.tau2, rel_tol=rtol, abs_tol=1e-300)  # type: ignore[attr-defined]
    assert math.isclose(s.se_tau2, c * r.se_tau2, rel_tol=rtol, abs_tol=1e-300)  # type: ignore[attr-defined]
    np.testing.assert_allclose(s.beta, math.sqrt(c) * r.beta, rtol=rtol)  # type: ignore[attr-defined]
    np.testing.assert_allclose(s.se, math.sqrt(c) * r.se, rtol=rtol)  # type: ignore[attr-defined]
    for name in ("I2", "H2", "QE", "QEp"):
        assert math.isclose(getattr(s, name), getattr(r, name), rel_tol=rtol, abs_tol=1e-9), name
    np.testing.assert_allclose(s.pval, r.pval, rtol=1e-6, atol=1e-12)  # type: ignore[attr-defined]


@settings(max_examples=40, deadline=None)
@given(
    st.integers(min_value=-8, max_value=8),
    st.sampled_from([m for m in METHODS if m not in ("EE", "FE")]),
    st.integers(min_value=0, max_value=2**31 - 1),
)
def test_rma_scales_exactly(power: int, method: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    k = int(rng.integers(3, 25))
    v = rng.exponential(0.2, k) + 1e-3
    y = rng.normal(0.2, np.sqrt(v + rng.choice([0.0, 0.05, 0.5])))
    c = 10.0**power
    base = rma(y, v, method=method)
    scaled = rma(y * math.sqrt(c), v * c, method=method)
    _check(base, scaled, c, rtol=1e-9)
    b_ci, s_ci = base.confint(), scaled.confint()
    if b_ci.tau2_ci_ub < 100.0 and s_ci.tau2_ci_ub < max(100.0, 10 * scaled.tau2):
        assert math.isclose(s_ci.tau2_ci_ub, c * b_ci.tau2_ci_ub, rel_tol=1e-9, abs_tol=1e-300)
        assert math.isclose(s_ci.tau2_ci_lb, c * b_ci.tau2_ci_lb, rel_tol=1e-9, abs_tol=1e-300)
        assert math.isclose(s_ci.I2_ci_ub, b_ci.I2_ci_ub, rel_tol=1e-9, abs_tol=1e-9)
    batch = rma_batch((y * math.sqrt(c))[None, :], (v * c)[None, :], method=method)
    assert math.isclose(batch.tau2[0], scaled.tau2, rel_tol=1e-9, abs_tol=1e-300)
    assert math.isclose(batch.I2[0], base.I2, rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.parametrize("c", [1e-300, 1e-17, 1e-14, 1e17, 1e60])
@pytest.mark.parametrize("method", ["REML", "ML", "PM", "EB", "DL", "SJ", "HE"])
def test_extreme_scales(c: float, method: str) -> None:
    base = rma(Y, V, method=method)
    scaled = rma(Y * math.sqrt(c), V * c, method=method)
    _check(base, scaled, c, rtol=1e-9)
    ci_b, ci_s = base.confint(), scaled.confint()
    if c < 1.0:  # below metafor's cap of 100: the bounds scale too
        assert math.isclose(ci_s.tau2_ci_ub, c * ci_b.tau2_ci_ub, rel_tol=1e-9)
    batch = rma_batch(Y[None, :] * math.sqrt(c), V[None, :] * c, method=method)
    assert math.isclose(batch.tau2[0], c * base.tau2, rel_tol=1e-9)
    assert math.isclose(batch.I2[0], base.I2, rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.parametrize("shift", [1e8, 1e300, -1.5e308])
def test_huge_effects_are_shifted_not_overflowed(shift: float) -> None:
    base = rma(Y, V)
    moved = rma(Y + shift, V)
    if abs(shift) < 1e15:  # beyond, the data keep no digit of the effects around the shift
        assert moved.tau2 == pytest.approx(base.tau2, rel=1e-6)
    assert math.isfinite(moved.estimate) and math.isfinite(moved.I2)
    assert moved.estimate == pytest.approx(shift + base.estimate, rel=1e-12)
    batch = rma_batch((Y + shift)[None, :], V[None, :])
    assert math.isfinite(float(batch.estimate[0]))


@pytest.mark.parametrize("method", ["REML", "ML", "PM", "EB", "DL"])
def test_batch_at_huge_variances_terminates(method: str) -> None:
    """Effects of order 1 with variances of 1e200 and more: τ² = 0 and the weighted mean."""
    c = np.array([[1e200], [1e250], [1e300]])
    out = rma_batch(np.tile(Y, (3, 1)), np.tile(V, (3, 1)) * c, method=method)
    fe = rma(Y, V, method="EE")
    np.testing.assert_array_equal(out.tau2, 0.0)
    np.testing.assert_array_equal(out.I2, 0.0)
    np.testing.assert_allclose(out.estimate, fe.estimate, rtol=1e-12)
    np.testing.assert_allclose(out.se / np.sqrt(c[:, 0]), fe.se[0], rtol=1e-12)
    for scale in (1e200, 1e300):
        single = rma(Y, V * scale, method=method)
        assert single.tau2 == 0.0 and single.I2 == 0.0
        assert math.isclose(single.estimate, fe.estimate, rel_tol=1e-12)
