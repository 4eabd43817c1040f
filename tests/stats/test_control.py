"""control='metafor' reproduces metafor 3.8.1's default stopping rules (control_reference.json).

The reference file holds, for 67 data sets (metadat and seeded random sets) and the methods
ML, REML, EB, PM and DL, metafor's output with its default control and with a tight control
(the exact roots), and the abscissae R's ``uniroot`` evaluates on five test functions.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from alsatlas.errors import ConvergenceError, StatsInputError
from alsatlas.stats import rma, rma_batch
from alsatlas.stats.control import check_control, zeroin

REFERENCE = Path(__file__).parents[1] / "reference" / "metafor" / "control_reference.json"
DATA: dict[str, Any] = json.loads(REFERENCE.read_text())
CASES = [(s, f) for s in DATA["sets"] for f in s["fits"]]
FIELDS = ("tau2", "se_tau2", "beta", "se", "I2", "H2", "tau2_ci_lb", "tau2_ci_ub")
FUNCTIONS = {
    "cubic": lambda x: x**3 - 2 * x - 5,
    "cosine": lambda x: math.cos(x) - x,
    "exponential": lambda x: math.exp(x) - 10,
    "flat": lambda x: (x - 0.3) ** 9,
    "reciprocal": lambda x: 1 / (1 + x) - 0.013,
}


def _values(s: dict[str, Any], method: str, control: str) -> dict[str, Any]:
    res = rma(s["yi"], s["vi"], method=method, mods=s["mods"], control=control)
    ci = res.confint()
    return {
        "tau2": res.tau2,
        "se_tau2": res.se_tau2,
        "beta": res.beta,
        "se": res.se,
        "I2": res.I2,
        "H2": res.H2,
        "tau2_ci_lb": ci.tau2_ci_lb,
        "tau2_ci_ub": ci.tau2_ci_ub,
    }


def _ids() -> list[str]:
    return [f"{s['name']}-{f['method']}" for s, f in CASES]


@pytest.mark.parametrize(("s", "fit"), CASES, ids=_ids())
def test_metafor_control_matches_metafor_defaults(s: dict[str, Any], fit: dict[str, Any]) -> None:
    ref = fit["default"]
    if "error" in ref:  # metafor stops (Fisher scoring did not converge): so do we
        with pytest.raises(ConvergenceError):
            rma(s["yi"], s["vi"], method=fit["method"], mods=s["mods"], control="metafor")
        return
    got = _values(s, fit["method"], "metafor")
    for name in FIELDS:
        np.testing.assert_allclose(got[name], ref[name], rtol=1e-8, atol=1e-10, err_msg=name)


@pytest.mark.parametrize(("s", "fit"), CASES, ids=_ids())
def test_exact_control_matches_tight_metafor(s: dict[str, Any], fit: dict[str, Any]) -> None:
    ref = fit["tight"]
    if "error" in ref:  # metafor's Fisher scoring fails even with 10,000 iterations
        return
    got = _values(s, fit["method"], "exact")
    for name in FIELDS:
        # atol: metafor's tight Fisher scoring may stop at tau2 ~ 1e-14 where the root is 0
        np.testing.assert_allclose(got[name], ref[name], rtol=1e-6, atol=1e-8, err_msg=name)


def test_the_two_modes_differ_as_documented() -> None:
    """metafor's stopping rules move printed digits: PM's I² by 13 points on yusuf1985 (RD)."""
    s = next(x for x in DATA["sets"] if x["name"] == "yusuf1985_rd")
    exact = rma(s["yi"], s["vi"], method="PM")
    loose = rma(s["yi"], s["vi"], method="PM", control="metafor")
    assert abs(exact.I2 - 14.9246) < 1e-3 and abs(loose.I2 - 28.0102) < 1e-3
    assert exact.control == "exact" and loose.control == "metafor"
    # confint follows the fit's mode unless told otherwise
    assert loose.confint().tau2_ci_ub == loose.confint(control="metafor").tau2_ci_ub
    assert loose.confint().tau2_ci_ub != loose.confint(control="exact").tau2_ci_ub


@pytest.mark.parametrize("trace", DATA["uniroot"], ids=lambda t: t["name"])
def test_zeroin_steps_as_r_uniroot(trace: dict[str, Any]) -> None:
    f = FUNCTIONS[trace["name"]]
    xs: list[float] = []

    def g(x: float) -> float:
        xs.append(x)
        return float(f(x))

    lo, hi = trace["interval"]
    root, iterations = zeroin(g, lo, hi, g(lo), g(hi))
    assert root == trace["root"]
    assert iterations == trace["iter"]
    assert xs == trace["xs"][:-1]  # R evaluates f(root) once more to report it


@pytest.mark.parametrize("method", ["REML", "ML", "EB", "PM", "DL"])
def test_batch_metafor_control_equals_single_fits(method: str) -> None:
    ok = [
        s
        for s in DATA["sets"]
        if s["mods"] is None
        and "error" not in next(f for f in s["fits"] if f["method"] == method)["default"]
    ]
    sets = ok[:12]
    kmax = max(len(s["yi"]) for s in sets)
    Y = np.full((len(sets), kmax), np.nan)
    V = np.full((len(sets), kmax), np.nan)
    for i, s in enumerate(sets):
        Y[i, : len(s["yi"])] = s["yi"]
        V[i, : len(s["vi"])] = s["vi"]
    batch = rma_batch(Y, V, method=method, control="metafor")
    for i, s in enumerate(sets):
        single = rma(s["yi"], s["vi"], method=method, control="metafor")
        ci = single.confint()
        assert math.isclose(batch.tau2[i], single.tau2, rel_tol=1e-12, abs_tol=1e-15)
        assert math.isclose(batch.tau2_ci_ub[i], ci.tau2_ci_ub, rel_tol=1e-12, abs_tol=1e-15)


def test_batch_metafor_non_convergence_names_the_row() -> None:
    s = next(x for x in DATA["sets"] if x["name"] == "random36")
    good = np.array(DATA["sets"][0]["yi"])
    k = len(s["yi"])
    Y = np.full((2, max(k, good.size)), np.nan)
    V = np.full_like(Y, np.nan)
    Y[0, : good.size], V[0, : good.size] = good, DATA["sets"][0]["vi"]
    Y[1, :k], V[1, :k] = s["yi"], s["vi"]
    with pytest.raises(ConvergenceError) as info:
        rma_batch(Y, V, method="REML", control="metafor")
    assert info.value.row == 1 and info.value.method == "REML"
    assert "meta-analysis 1" in str(info.value)


def test_unknown_control_is_an_input_error() -> None:
    with pytest.raises(StatsInputError, match="unknown control"):
        check_control("tight")
    with pytest.raises(StatsInputError, match="unknown control"):
        rma([0.1, 0.2, 0.3], [0.1, 0.1, 0.1], control="R")
