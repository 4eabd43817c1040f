"""Generic effect sizes (estimate + SE, ratio + CI) against R (make_rma_reference.R)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from alsatlas.errors import StatsInputError
from alsatlas.stats.effects_generic import effects_from_ci, effects_from_ratio_ci, effects_from_se

REFERENCE = Path(__file__).parents[1] / "reference" / "metafor" / "rma_reference.json"
GENERIC: dict[str, Any] = json.loads(REFERENCE.read_text())["generic"]


def test_ratio_ci_matches_r() -> None:
    ref = GENERIC["ratio_ci"]
    eff = effects_from_ratio_ci(ref["estimate"], ref["ci_lb"], ref["ci_ub"])
    np.testing.assert_allclose(eff.yi, ref["yi"], rtol=1e-12)
    np.testing.assert_allclose(eff.sei, ref["sei"], rtol=1e-12)
    np.testing.assert_allclose(eff.vi, np.square(ref["sei"]), rtol=1e-12)
    assert eff.log_scale
    eff90 = effects_from_ratio_ci(ref["estimate"], ref["ci_lb"], ref["ci_ub"], level=90)
    np.testing.assert_allclose(eff90.sei, ref["sei_90"], rtol=1e-12)


def test_se_matches_escalc() -> None:
    ref = GENERIC["se"]
    eff = effects_from_se(ref["yi"], ref["sei"])
    np.testing.assert_allclose(eff.vi, ref["vi"], rtol=1e-12)


def test_difference_ci_uses_bounds_directly() -> None:
    ref = GENERIC["ratio_ci"]
    logged = effects_from_ci(ref["yi"], np.log(ref["ci_lb"]), np.log(ref["ci_ub"]))
    np.testing.assert_allclose(logged.sei, ref["sei"], rtol=1e-12)


@pytest.mark.parametrize(
    ("est", "lb", "ub", "match", "field"),
    [
        ([1.5], [1.6], [2.0], "outside its CI", "estimate"),
        ([2.5], [1.6], [2.0], "outside its CI", "estimate"),
        ([1.5], [1.5], [1.5], "not above lower bound", "ci_ub"),
        ([0.0], [0.0], [1.0], "must be positive", "estimate"),
        ([1.0], [-0.1], [2.0], "must be positive", "ci_lb"),
        ([1.0], [math.nan], [2.0], "NaN", "ci_lb"),
        ([1.0, 1.2], [0.5], [2.0, 2.1], "lengths must match", "estimate"),
        ([], [], [], "no studies", "estimate"),
    ],
)
def test_ratio_ci_errors(
    est: list[float], lb: list[float], ub: list[float], match: str, field: str
) -> None:
    with pytest.raises(StatsInputError, match=match) as info:
        effects_from_ratio_ci(est, lb, ub)
    assert info.value.field == field


def test_se_errors() -> None:
    with pytest.raises(StatsInputError, match="must be positive") as info:
        effects_from_se([0.1, 0.2], [0.1, 0.0])
    assert info.value.row == 1
    with pytest.raises(StatsInputError, match="lengths must match"):
        effects_from_se([0.1, 0.2], [0.1])
    with pytest.raises(StatsInputError, match="NaN"):
        effects_from_se([0.1, math.nan], [0.1, 0.1])


@given(st.floats(min_value=-3, max_value=3), st.floats(min_value=0.01, max_value=2))
def test_symmetric_log_ci_recovers_se(log_est: float, se: float) -> None:
    z = 1.959963984540054  # qnorm(0.975)
    eff = effects_from_ratio_ci(
        [math.exp(log_est)], [math.exp(log_est - z * se)], [math.exp(log_est + z * se)]
    )
    assert math.isclose(float(eff.sei[0]), se, rel_tol=1e-9)
    assert math.isclose(float(eff.yi[0]), log_est, rel_tol=1e-9, abs_tol=1e-12)
