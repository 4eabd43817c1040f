"""Property checks: rma() and rma_batch() return finite numbers on any valid input."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from alsatlas.stats import METHODS, rma, rma_batch

finite_effects = st.floats(min_value=-5.0, max_value=5.0, allow_nan=False)
variances = st.floats(min_value=1e-4, max_value=10.0, allow_nan=False)


@st.composite
def studies(draw: st.DrawFn) -> tuple[list[float], list[float]]:
    k = draw(st.integers(min_value=2, max_value=9))
    yi = draw(st.lists(finite_effects, min_size=k, max_size=k))
    vi = draw(st.lists(variances, min_size=k, max_size=k))
    return yi, vi


@settings(max_examples=60, deadline=None)
@given(studies(), st.sampled_from(METHODS), st.sampled_from(["z", "t", "knha"]))
def test_no_silent_nan(data: tuple[list[float], list[float]], method: str, test: str) -> None:
    yi, vi = data
    out = rma(yi, vi, method=method, test=test).to_dict()
    for key in ("estimate", "ci_lb", "ci_ub", "tau2", "I2", "H2", "QE", "QEp", "pi_lb", "pi_ub"):
        assert math.isfinite(out[key]), key
    assert not math.isnan(out["stat"]) and 0.0 <= out["pval"] <= 1.0
    assert out["tau2"] >= 0.0 and 0.0 <= out["I2"] <= 100.0 and out["H2"] >= 0.0
    if method not in ("EE", "FE"):  # H2 = tau2 / vt + 1; under EE it is QE / (k - 1)
        assert out["H2"] >= 1.0
    assert out["ci_lb"] <= out["estimate"] <= out["ci_ub"]
    if out["tau2_ci_lb"] is not None:
        assert 0.0 <= out["tau2_ci_lb"] <= out["tau2_ci_ub"]
    batch = rma_batch(np.array([yi]), np.array([vi]), method=method, test=test).to_dict(0)
    for key in ("estimate", "tau2", "ci_lb", "pi_ub", "tau2_ci_ub"):
        a, b = out[key], batch[key]
        if a is None:
            assert b is None
        else:
            assert math.isclose(a, b, rel_tol=1e-7, abs_tol=1e-9), key
