"""ranktest against metafor 3.8 ``ranktest(rma(yi, vi))`` over 30 metadat datasets.

Expected values: tests/reference/metafor/diagnostics_reference.json (``datasets[*].ranktest``),
made by tests/reference/metafor/make_diagnostics_reference.R.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from alsatlas.errors import StatsInputError
from alsatlas.stats.ranktest import inversion_cdf, kendall_pvalue, ranktest

REFERENCE = Path(__file__).parents[1] / "reference" / "metafor" / "diagnostics_reference.json"
DATASETS: dict[str, Any] = json.loads(REFERENCE.read_text())["datasets"]


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_ranktest_matches_metafor(name: str) -> None:
    data = DATASETS[name]
    ref = data["ranktest"]
    res = ranktest(data["yi"], data["vi"])
    assert res.exact is not ref["ties"]
    np.testing.assert_allclose(res.tau, ref["tau"], rtol=1e-6)
    np.testing.assert_allclose(res.pval, ref["pval"], rtol=1e-6, atol=1e-14)


def test_reference_covers_exact_and_tied_cases() -> None:
    ties = [d["ranktest"]["ties"] for d in DATASETS.values()]
    assert any(ties) and not all(ties)


def test_inversion_distribution_matches_scipy_exact_kendall() -> None:
    rng = np.random.default_rng(1)
    for n in (4, 9, 23, 60):
        x = rng.normal(size=n)
        y = x + rng.normal(scale=2.0, size=n)
        tau, p, exact = kendall_pvalue(x, y)
        ref = stats.kendalltau(x, y, method="exact")
        assert exact
        np.testing.assert_allclose(tau, ref.statistic, rtol=1e-12)
        np.testing.assert_allclose(p, ref.pvalue, rtol=1e-9)


def test_inversion_cdf_small_n_by_enumeration() -> None:
    # permutations of 4 items: inversion counts 0..6 occur 1, 3, 5, 6, 5, 3, 1 times
    np.testing.assert_allclose(inversion_cdf(4), np.cumsum([1, 3, 5, 6, 5, 3, 1]) / 24)


def test_inexact_request_uses_normal_approximation() -> None:
    data = DATASETS["bcg"]
    res = ranktest(data["yi"], data["vi"], exact=False)
    assert not res.exact
    assert 0.0 < res.pval <= 1.0


@pytest.mark.parametrize(
    ("yi", "vi", "pattern"),
    [
        ([0.1, 0.2], [0.1, 0.2], "at least 3"),
        ([0.1, 0.2, 0.3], [0.1, 0.2], "lengths must match"),
        ([0.1, 0.2, 0.3], [0.1, 0.0, 0.2], "positive"),
        ([0.1, float("nan"), 0.3], [0.1, 0.1, 0.2], "row 1"),
        ([0.1, 0.2, 0.3], [0.1, 0.1, 0.1], "undefined"),
    ],
)
def test_bad_input(yi: list[float], vi: list[float], pattern: str) -> None:
    with pytest.raises(StatsInputError, match=pattern):
        ranktest(yi, vi)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(min_value=-3, max_value=3, allow_nan=False),
            st.floats(min_value=0.01, max_value=2.0, allow_nan=False),
        ),
        min_size=3,
        max_size=25,
    )
)
def test_mirroring_the_effects_flips_tau(studies: list[tuple[float, float]]) -> None:
    yi = np.array([s[0] for s in studies])
    vi = np.array([s[1] for s in studies])
    try:
        res = ranktest(yi, vi)
    except StatsInputError:
        assert np.ptp(vi) == 0 or np.ptp(yi) == 0
        return
    mirrored = ranktest(-yi, vi)
    assert -1.0 <= res.tau <= 1.0 or np.isnan(res.tau)
    assert 0.0 <= res.pval <= 1.0 or np.isnan(res.pval)
    np.testing.assert_allclose(mirrored.tau, -res.tau, atol=1e-12)
    np.testing.assert_allclose(mirrored.pval, res.pval, rtol=1e-9)
