"""Invariances of the escalc measures and of Mantel-Haenszel pooling (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from alsatlas.stats.escalc_means import escalc_means
from alsatlas.stats.rma_mh import rma_mh

means = st.floats(min_value=0.5, max_value=100.0)
sds = st.floats(min_value=0.1, max_value=50.0)
sizes = st.integers(min_value=3, max_value=500)
scale = st.floats(min_value=1e-3, max_value=1e3)


@settings(max_examples=60, deadline=None)
@given(means, sds, sizes, means, sds, sizes, scale)
def test_standardised_and_ratio_measures_ignore_the_unit(
    m1: float, s1: float, n1: int, m2: float, s2: float, n2: int, c: float
) -> None:
    for measure in ("SMD", "SMDH", "ROM"):
        base = escalc_means(measure, [m1], [s1], [n1], [m2], [s2], [n2])
        scaled = escalc_means(measure, [c * m1], [c * s1], [n1], [c * m2], [c * s2], [n2])
        np.testing.assert_allclose(scaled.yi, base.yi, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(scaled.vi, base.vi, rtol=1e-9)


@settings(max_examples=60, deadline=None)
@given(means, sds, sizes, means, sds, sizes)
def test_swapping_groups_flips_the_sign(
    m1: float, s1: float, n1: int, m2: float, s2: float, n2: int
) -> None:
    for measure in ("MD", "SMD", "SMDH", "ROM"):
        ab = escalc_means(measure, [m1], [s1], [n1], [m2], [s2], [n2])
        ba = escalc_means(measure, [m2], [s2], [n2], [m1], [s1], [n1])
        np.testing.assert_allclose(ba.yi, -ab.yi, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(ba.vi, ab.vi, rtol=1e-9)


tables = st.lists(
    st.tuples(*(st.integers(min_value=1, max_value=200) for _ in range(4))),
    min_size=2,
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(tables)
def test_mh_odds_ratio_is_symmetric_in_the_groups(rows: list[tuple[int, ...]]) -> None:
    a, b, c, d = (np.asarray(col, dtype=float) for col in zip(*rows, strict=True))
    ab = rma_mh("OR", a, b, c, d)
    ba = rma_mh("OR", c, d, a, b)
    np.testing.assert_allclose(ba.beta, -ab.beta, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ba.se, ab.se, rtol=1e-9)
    np.testing.assert_allclose(ba.BD, ab.BD, rtol=1e-6, atol=1e-9)
