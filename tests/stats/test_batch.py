"""rma_batch(): each row equals a single rma() fit, and the reference rows equal metafor."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from alsatlas.errors import StatsInputError
from alsatlas.stats import METHODS, rma
from alsatlas.stats.batch import rma_batch

REFERENCE = Path(__file__).parents[1] / "reference" / "metafor" / "rma_reference.json"
KEYS = (
    "estimate",
    "se",
    "stat",
    "pval",
    "ci_lb",
    "ci_ub",
    "tau2",
    "se_tau2",
    "tau2_ci_lb",
    "tau2_ci_ub",
    "I2",
    "H2",
    "QE",
    "QEp",
    "pi_lb",
    "pi_ub",
)


def _random_batch(seed: int, m: int = 60, kmax: int = 14) -> tuple[np.ndarray, np.ndarray]:
    """Ragged synthetic meta-analyses (NaN-padded) spanning homogeneous to very heterogeneous."""
    rng = np.random.default_rng(seed)
    k = rng.integers(2, kmax + 1, size=m)
    tau2 = rng.choice([0.0, 0.01, 0.1, 1.0], size=m)
    vi = rng.uniform(0.005, 0.5, size=(m, kmax))
    yi = rng.normal(0.2, np.sqrt(vi + tau2[:, None]))
    pad = np.arange(kmax)[None, :] >= k[:, None]
    yi[pad] = np.nan
    vi[pad] = np.nan
    return yi, vi


def _compare(batch_row: dict[str, Any], single: dict[str, Any], rtol: float) -> None:
    for key in KEYS:
        a, b = batch_row[key], single[key]
        if b is None:
            assert a is None, key
            continue
        assert math.isclose(a, b, rel_tol=rtol, abs_tol=1e-10), (key, a, b)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("test", ["z", "t", "knha"])
def test_batch_equals_single_fits(method: str, test: str) -> None:
    yi, vi = _random_batch(seed=len(method) * 7 + len(test))
    res = rma_batch(yi, vi, method=method, test=test)
    assert res.m == yi.shape[0]
    for i in range(res.m):
        keep = ~np.isnan(yi[i])
        single = rma(yi[i, keep], vi[i, keep], method=method, test=test).to_dict()
        _compare(res.to_dict(i), single, rtol=1e-9)
        np.testing.assert_allclose(
            res.weights[i, keep], rma(yi[i, keep], vi[i, keep], method=method).weights, rtol=1e-9
        )
        assert np.all(res.weights[i, ~keep] == 0.0)


def test_mask_equals_nan_padding() -> None:
    yi, vi = _random_batch(seed=3, m=40)
    mask = ~np.isnan(yi)
    filled_y = np.where(mask, yi, 123.0)
    filled_v = np.where(mask, vi, -1.0)
    a = rma_batch(yi, vi)
    b = rma_batch(filled_y, filled_v, mask=mask)
    np.testing.assert_array_equal(a.estimate, b.estimate)
    np.testing.assert_array_equal(a.tau2_ci_ub, b.tau2_ci_ub)


def _reference_rows() -> list[dict[str, Any]]:
    data = json.loads(REFERENCE.read_text())
    return [
        c
        for c in data["cases"]
        if "mods" not in c and "weights" not in c and c["level"] == 95 and len(c["yi"]) <= 200
    ]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("test", ["z", "knha"])
def test_batch_matches_metafor(method: str, test: str) -> None:
    cases = _reference_rows()
    kmax = max(len(c["yi"]) for c in cases)
    yi = np.full((len(cases), kmax), np.nan)
    vi = np.full((len(cases), kmax), np.nan)
    for i, c in enumerate(cases):
        yi[i, : len(c["yi"])] = c["yi"]
        vi[i, : len(c["vi"])] = c["vi"]
    res = rma_batch(yi, vi, method=method, test=test)
    for i, c in enumerate(cases):
        ref = next(f for f in c["fits"] if f["method"] == method and f["test"] == test)
        if "error" in ref:  # metafor's PM search bound (see test_rma_reference.py)
            continue
        boundary = res.tau2[i] == 0.0 and ref["tau2"] < 1e-9
        pairs = {
            "estimate": (res.estimate[i], ref["beta"]),
            "se": (res.se[i], ref["se"]),
            "pval": (res.pval[i], ref["pval"]),
            "ci_lb": (res.ci_lb[i], ref["ci_lb"]),
            "tau2": (res.tau2[i], ref["tau2"]),
            "QE": (res.QE[i], ref["QE"]),
            "I2": (res.I2[i], ref["I2"]),
            "H2": (res.H2[i], ref["H2"]),
        }
        if ref.get("se_tau2") is not None:
            pairs["se_tau2"] = (res.se_tau2[i], ref["se_tau2"])
        if ref.get("pi_lb") is not None:
            pairs["pi_lb"] = (res.pi_lb[i], ref["pi_lb"])
        if "tau2_ci_ub" in ref:
            pairs["tau2_ci_lb"] = (res.tau2_ci_lb[i], ref["tau2_ci_lb"])
            pairs["tau2_ci_ub"] = (res.tau2_ci_ub[i], ref["tau2_ci_ub"])
        for key, (ours, expected) in pairs.items():
            if expected is None:  # metafor's 0/0 z under knha with identical effects
                assert key == "pval" and ours == 1.0 and test == "knha", (c["name"], key)
                continue
            atol = 1e-6 if boundary and key == "I2" else 1e-10  # see test_rma_reference.py
            assert math.isclose(ours, expected, rel_tol=1e-6, abs_tol=atol), (c["name"], key)


def test_batch_errors() -> None:
    yi, vi = _random_batch(seed=1, m=5)
    with pytest.raises(StatsInputError, match="NaN together"):
        bad = vi.copy()
        bad[2, 0] = np.nan
        rma_batch(yi, bad)
    with pytest.raises(StatsInputError, match="must be positive") as info:
        bad = vi.copy()
        bad[3, 1] = 0.0
        rma_batch(yi, bad)
    assert info.value.row == 3
    with pytest.raises(StatsInputError, match="at least 2 studies"):
        rma_batch(yi[:, :1], vi[:, :1])
    with pytest.raises(StatsInputError, match="one shape"):
        rma_batch(yi, vi[:, :3])
    with pytest.raises(StatsInputError, match="shape"):
        rma_batch(yi, vi, mask=np.ones((2, 2), dtype=bool))
    with pytest.raises(StatsInputError, match="ratio above") as info:
        bad = vi.copy()
        bad[4, 0] = 1e-12
        rma_batch(yi, bad)
    assert info.value.row == 4
    with pytest.raises(StatsInputError, match="unknown method"):
        rma_batch(yi, vi, method="nope")


def test_batch_level_matches_metafor() -> None:
    data = json.loads(REFERENCE.read_text())
    case = next(c for c in data["cases"] if c["name"] == "bcg level 90")
    for method in ("DL", "REML", "PM"):
        ref = next(f for f in case["fits"] if f["method"] == method and f["test"] == "knha")
        res = rma_batch(
            np.array([case["yi"]]), np.array([case["vi"]]), method=method, test="knha", level=90
        )
        for ours, key in (
            (res.ci_lb[0], "ci_lb"),
            (res.pi_ub[0], "pi_ub"),
            (res.tau2_ci_lb[0], "tau2_ci_lb"),
            (res.tau2_ci_ub[0], "tau2_ci_ub"),
        ):
            assert math.isclose(ours, ref[key], rel_tol=1e-6, abs_tol=1e-10), (method, key)
