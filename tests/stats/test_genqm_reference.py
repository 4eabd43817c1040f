"""GENQM (median-unbiased generalised Q estimator) against metafor 3.8.1 with CompQuadForm
(tests/reference/metafor/make_genqm_reference.R)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats

from alsatlas.errors import StatsInputError
from alsatlas.stats import rma
from alsatlas.stats.tau2_extra import quadform_sf

REF = json.loads((Path(__file__).parents[1] / "reference/metafor/genqm_reference.json").read_text())
CASES = REF["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_genqm_matches_metafor(case: dict[str, Any]) -> None:
    """metafor's farebrother() works to eps = 1e-10 in the distribution function; the root
    and everything downstream agree at rtol 1e-6."""
    res = rma(
        case["yi"],
        case["vi"],
        method="GENQM",
        weights=case["weights"],
        mods=case["mods"],
        test=case["test"],
        tau2=None if case["tau2_fixed"] == "NA" else case["tau2_fixed"],
    )
    pairs = {"tau2": res.tau2, "se_tau2": res.se_tau2, "beta": res.beta, "se": res.se,
             "pval": res.pval, "I2": res.I2, "QM": res.QM}  # fmt: skip
    for key, ours in pairs.items():
        np.testing.assert_allclose(
            np.atleast_1d(ours), np.atleast_1d(case[key]), rtol=1e-6, atol=1e-12, err_msg=key
        )


def test_imhof_equals_chi_square_for_equal_weights() -> None:
    for df, x in ((1, 0.3), (5, 4.0), (12, 30.0)):
        assert abs(quadform_sf(x, np.ones(df)) - stats.chi2.sf(x, df)) < 1e-11
    assert abs(quadform_sf(6.0, np.full(4, 2.0)) - stats.chi2.sf(3.0, 4)) < 1e-11


def test_genqm_needs_weights() -> None:
    case = CASES[0]
    with pytest.raises(StatsInputError, match="GENQM"):
        rma(case["yi"], case["vi"], method="GENQM")
