"""leave1out against metafor 3.8 ``leave1out(rma(yi, vi, method, test))`` over 30 datasets.

Expected values: tests/reference/metafor/diagnostics_reference.json, made by
tests/reference/metafor/make_diagnostics_reference.R (REML/z, DL/z and REML/knha).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from alsatlas.errors import StatsInputError
from alsatlas.stats import rma
from alsatlas.stats.leave1out import leave1out

REFERENCE = Path(__file__).parents[1] / "reference" / "metafor" / "diagnostics_reference.json"
DATASETS: dict[str, Any] = json.loads(REFERENCE.read_text())["datasets"]
RTOL = 1e-6
CASES = [(name, config) for name in sorted(DATASETS) for config in DATASETS[name]["fits"]]
FIELDS = ("estimate", "se", "stat", "ci_lb", "ci_ub", "Q", "I2", "H2")


@pytest.mark.parametrize(("name", "config"), CASES, ids=[f"{n}-{c}" for n, c in CASES])
def test_leave1out_matches_metafor(name: str, config: str) -> None:
    data = DATASETS[name]
    entry = data["fits"][config]
    ref = entry["leave1out"]
    res = leave1out(data["yi"], data["vi"], method=entry["method"], test=entry["test"])
    for field in FIELDS:
        # metafor's Fisher scoring stops at tau^2 ~ 1e-12 instead of 0 at the boundary: I2
        # then differs by < 1e-9 percent
        atol = 1e-8 if field == "I2" else 1e-10
        np.testing.assert_allclose(
            getattr(res, field), ref[field], rtol=RTOL, atol=atol, err_msg=field
        )
    np.testing.assert_allclose(res.tau2, ref["tau2"], rtol=RTOL, atol=1e-10)
    np.testing.assert_allclose(res.pval, ref["pval"], rtol=RTOL, atol=1e-14)
    np.testing.assert_allclose(res.Qp, ref["Qp"], rtol=RTOL, atol=1e-14)


def test_each_row_is_the_fit_without_that_study() -> None:
    data = DATASETS["bcg"]
    res = leave1out(data["yi"], data["vi"], method="DL", test="knha")
    yi, vi = np.array(data["yi"]), np.array(data["vi"])
    for i in (0, 6, 12):
        fit = rma(np.delete(yi, i), np.delete(vi, i), method="DL", test="knha")
        assert res.estimate[i] == pytest.approx(fit.estimate, rel=1e-12)
        assert res.se[i] == pytest.approx(fit.se[0], rel=1e-12)
    records = res.to_records()
    assert len(records) == 13 and records[3]["omitted"] == 3


def test_too_few_studies() -> None:
    with pytest.raises(StatsInputError, match="at least 3"):
        leave1out([0.1, 0.2], [0.01, 0.02])
