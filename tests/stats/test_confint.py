"""Q-profile CIs, prediction and the JSON summary: behaviour at the edges.

Numbers come from tests/reference/metafor/rma_reference.json (metafor 3.8), as elsewhere.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from alsatlas.errors import StatsInputError
from alsatlas.stats import rma

REFERENCE = Path(__file__).parents[1] / "reference" / "metafor" / "rma_reference.json"
CASES: dict[str, dict[str, Any]] = {
    c["name"]: c for c in json.loads(REFERENCE.read_text())["cases"]
}
JSON_KEYS = {
    "k",
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
}


def _ref(name: str, method: str, test: str) -> dict[str, Any]:
    return next(f for f in CASES[name]["fits"] if f["method"] == method and f["test"] == test)


def test_to_dict_has_the_cli_keys_and_metafor_values() -> None:
    case = CASES["bcg"]
    ref = _ref("bcg", "REML", "knha")
    out = rma(case["yi"], case["vi"], test="knha").to_dict()
    assert set(out) >= JSON_KEYS
    pairs = {
        "estimate": ref["beta"],
        "se": ref["se"],
        "stat": ref["zval"],
        "pval": ref["pval"],
        "tau2_ci_lb": ref["tau2_ci_lb"],
        "tau2_ci_ub": ref["tau2_ci_ub"],
        "pi_lb": ref["pi_lb"],
        "pi_ub": ref["pi_ub"],
        "I2": ref["I2"],
    }
    for key, expected in pairs.items():
        assert math.isclose(out[key], expected, rel_tol=1e-6), key
    json.dumps(out)  # plain Python types only


def test_homogeneous_data_give_a_null_tau2_interval() -> None:
    case = CASES["bcg_k3"]  # Q < k - 1: both Q-profile bounds are 0
    ref = _ref("bcg_k3", "DL", "z")
    ci = rma(case["yi"], case["vi"], method="DL").confint()
    assert ci.tau2_ci_lb == ref["tau2_ci_lb"] == 0.0
    assert math.isclose(ci.tau2_ci_ub, ref["tau2_ci_ub"], rel_tol=1e-6, abs_tol=1e-10)
    assert ci.tau == 0.0


def test_confint_level_and_derived_bounds() -> None:
    case = CASES["bcg"]
    res = rma(case["yi"], case["vi"])
    ci95, ci80 = res.confint(), res.confint(level=80)
    assert ci80.tau2_ci_lb > ci95.tau2_ci_lb and ci80.tau2_ci_ub < ci95.tau2_ci_ub
    assert math.isclose(ci95.tau_ci_ub, math.sqrt(ci95.tau2_ci_ub))
    assert ci95.I2_ci_lb < ci95.I2 < ci95.I2_ci_ub
    assert ci95.H2_ci_lb < ci95.H2 < ci95.H2_ci_ub


def test_predict_newmods_shapes_and_errors() -> None:
    case = CASES["bcg ~ ablat"]
    mods = np.asarray(case["mods"][0])
    res = rma(case["yi"], case["vi"], mods=mods)
    one = res.predict(40)
    two = res.predict([[10], [40]])
    assert one.pred.shape == (1,) and two.pred.shape == (2,)
    assert one.pred[0] == two.pred[1]
    fitted = res.predict()
    assert fitted.pred.shape == (len(case["yi"]),)
    with pytest.raises(StatsInputError, match="moderator column"):
        res.predict([[1.0, 2.0]])
    with pytest.raises(StatsInputError, match="finite"):
        res.predict([math.nan])
    assert res.to_dict()["pi_lb"] is None and res.to_dict()["R2"] == res.R2


def test_equal_effects_prediction_interval_is_the_ci() -> None:
    case = CASES["bcg"]
    res = rma(case["yi"], case["vi"], method="EE")
    pred = res.predict()
    assert pred.pi_lb[0] == pred.ci_lb[0] and pred.pi_ub[0] == pred.ci_ub[0]
    assert res.to_dict()["se_tau2"] is None
