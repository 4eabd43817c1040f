"""Bad input to rma() raises StatsInputError with a message naming the field and study."""

from __future__ import annotations

import math

import numpy as np
import pytest

from alsatlas.errors import StatsInputError
from alsatlas.stats import rma

Y = [-0.89, -1.59, -1.35, -1.44, -0.22]
V = [0.33, 0.19, 0.42, 0.02, 0.05]


@pytest.mark.parametrize(
    ("yi", "vi", "match"),
    [
        ([0.1], [0.1], "at least 2 studies"),
        ([0.1, 0.2], [0.1], "lengths must match"),
        ([0.1, math.nan, 0.3], [0.1, 0.1, 0.1], "NaN"),
        ([0.1, 0.2, 0.3], [0.1, math.inf, 0.1], "NaN or infinite"),
        ([0.1, 0.2, 0.3], [0.1, 0.0, 0.1], "must be positive"),
        ([0.1, 0.2, 0.3], [0.1, -0.2, 0.1], "must be positive"),
        (["a", "b"], [0.1, 0.1], "cannot be read"),
    ],
)
def test_bad_inputs_raise(yi: list[object], vi: list[float], match: str) -> None:
    with pytest.raises(StatsInputError, match=match):
        rma(yi, vi)  # type: ignore[arg-type]


def test_error_names_row_and_field() -> None:
    with pytest.raises(StatsInputError) as info:
        rma([0.1, 0.2, 0.3], [0.1, 0.1, -1.0])
    assert info.value.row == 2
    assert info.value.field == "vi"


def test_unknown_method_and_test() -> None:
    with pytest.raises(StatsInputError, match="unknown method"):
        rma(Y, V, method="XYZ")
    with pytest.raises(StatsInputError, match="unknown test"):
        rma(Y, V, test="wald")


def test_too_few_studies_for_moderators() -> None:
    with pytest.raises(StatsInputError, match="needs more studies"):
        rma(Y[:2], V[:2], mods=[1.0, 2.0])
    with pytest.raises(StatsInputError, match="shape"):
        rma(Y, V, mods=[1.0, 2.0])
    with pytest.raises(StatsInputError, match="full column rank"):
        rma(Y, V, mods=np.ones(5))


def test_bad_weights_and_level() -> None:
    with pytest.raises(StatsInputError, match="weight must be positive"):
        rma(Y, V, weights=[1, 1, 0, 1, 1])
    with pytest.raises(StatsInputError, match="level"):
        rma(Y, V, level=100)


def test_equal_effects_has_no_tau2_ci() -> None:
    res = rma(Y, V, method="EE")
    with pytest.raises(StatsInputError, match="no random-effects"):
        res.confint()
    assert res.to_dict()["tau2_ci_lb"] is None


def test_extreme_variance_ratio_is_refused() -> None:
    with pytest.raises(StatsInputError, match="ratio above") as info:
        rma([0.1, 0.2, 0.3], [1e-6, 1.0, 1e5])
    assert info.value.field == "vi"
    rma([0.1, 0.2, 0.3], [1e-4, 1.0, 1e5])  # a ratio of 1e9 is still fitted
