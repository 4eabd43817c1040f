"""Benjamini–Hochberg and Bonferroni against R's ``p.adjust``.

Expected values: ``tests/reference/p_adjust/p_adjust_reference.json``, written by
``p_adjust_reference.R`` in the same folder (R 4.2, ``stats::p.adjust``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from alsatlas.errors import StatsInputError
from alsatlas.stats.multiple_testing import p_adjust

REFERENCE = Path(__file__).parents[1] / "reference" / "p_adjust" / "p_adjust_reference.json"
CASES = {k: v for k, v in json.loads(REFERENCE.read_text()).items() if k != "R"}


def _arr(values: list[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("method", ["BH", "bonferroni"])
def test_matches_r_p_adjust(case: str, method: str) -> None:
    ref = CASES[case]
    got = p_adjust(_arr(ref["p"]), method)  # type: ignore[arg-type]
    want = _arr(ref[method])
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_allclose(got[~np.isnan(got)], want[~np.isnan(want)], rtol=1e-12, atol=0)


@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=40))
def test_bh_is_monotone_and_bounded(p: list[float]) -> None:
    values = np.array(p)
    bh = p_adjust(values, "BH")
    bonf = p_adjust(values, "bonferroni")
    assert np.all(bh >= values - 1e-15) and np.all(bh <= 1.0)
    assert np.all(bh <= bonf + 1e-15)
    order = np.argsort(values, kind="stable")
    assert np.all(np.diff(bh[order]) >= -1e-15)


def test_rejects_out_of_range_and_unknown() -> None:
    with pytest.raises(StatsInputError):
        p_adjust([0.2, 1.5])
    with pytest.raises(StatsInputError):
        p_adjust([0.2], "holm")  # type: ignore[arg-type]
