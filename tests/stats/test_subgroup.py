"""subgroup_analysis() against metafor (subgroups block of rma_reference.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from alsatlas.errors import StatsInputError
from alsatlas.stats.subgroup import subgroup_analysis

REFERENCE = Path(__file__).parents[1] / "reference" / "metafor" / "rma_reference.json"
SUBGROUPS: list[dict[str, Any]] = json.loads(REFERENCE.read_text())["subgroups"]
PAIRS = [(case, fit) for case in SUBGROUPS for fit in case["fits"]]
RTOL, ATOL = 1e-6, 1e-10


@pytest.mark.parametrize(
    "pair", PAIRS, ids=[f"{c['name']}-{f['method']}-{f['test']}" for c, f in PAIRS]
)
def test_subgroups_match_metafor(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    case, ref = pair
    res = subgroup_analysis(
        case["yi"],
        case["vi"],
        case["groups"],
        method=ref["method"],
        test=ref["test"],
        common_tau2=True,
    )
    assert list(res.groups) == case["levels"]
    assert [f.k for f in res.fits] == ref["k"]
    np.testing.assert_allclose(res.estimates, ref["estimate"], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(res.ses, ref["se"], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose([f.tau2 for f in res.fits], ref["tau2"], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(res.Q_between, ref["Q_between"], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(res.Q_between_p, ref["Q_between_p"], rtol=RTOL, atol=ATOL)
    assert res.Q_between_df == len(case["levels"]) - 1
    assert res.common is not None
    np.testing.assert_allclose(res.common.QM, ref["common_QM"], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(res.common.QMp, ref["common_QMp"], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(res.common.tau2, ref["common_tau2"], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(res.common.beta, ref["common_beta"], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(res.common.se, ref["common_se"], rtol=RTOL, atol=ATOL)
    assert res.fit(case["levels"][0]).estimate == res.estimates[0]


def test_subgroup_errors() -> None:
    y = [0.1, 0.2, 0.3, 0.4, 0.5]
    v = [0.1] * 5
    with pytest.raises(StatsInputError, match="at least 2 subgroups"):
        subgroup_analysis(y, v, ["a"] * 5)
    with pytest.raises(StatsInputError, match="labels"):
        subgroup_analysis(y, v, ["a", "b"])
    with pytest.raises(StatsInputError, match="subgroup 'b' \\(1 studies\\)"):
        subgroup_analysis(y, v, ["a", "a", "a", "a", "b"])
