"""Selection models (step function, beta) against metafor 3.8.1 selmodel()
(tests/reference/metafor/make_selmodel_reference.R)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from alsatlas.errors import StatsInputError
from alsatlas.stats import rma
from alsatlas.stats.selmodel import _beta_log_a, _stepfun_log_a, selection_pvalues, selmodel

REF = json.loads(
    (Path(__file__).parents[1] / "reference/metafor/selmodel_reference.json").read_text()
)
FIELDS = (
    "beta",
    "se",
    "pval",
    "ci_lb",
    "tau2",
    "se_tau2",
    "delta",
    "se_delta",
    "ll",
    "ll0",
    "LRT",
    "LRTp",
)


def _arr(x: Any) -> np.ndarray:
    vals = x if isinstance(x, list) else [x]
    return np.array([math.nan if v in ("NA", None) else v for v in vals], dtype=float)


def _fit(case: dict[str, Any]) -> Any:
    d = REF["datasets"][case["dataset"]]
    mods = d["mods"] if case.get("mods") else None
    res = rma(d["yi"], d["vi"], method=case["method"], mods=mods)
    steps = None if case["steps"] == "NA" else case["steps"]
    return selmodel(res, type=case["type"], steps=steps, alternative=case["alternative"])


STEP = [c for c in REF["cases"] if c["type"] == "stepfun"]
BETA = [c for c in REF["cases"] if c["type"] == "beta"]


@pytest.mark.parametrize("case", STEP, ids=[c["name"] for c in STEP])
def test_stepfun_matches_metafor(case: dict[str, Any]) -> None:
    """Closed-form likelihood: every field at rtol 1e-6 (measured max 2.2e-7)."""
    out = _fit(case)
    ref = case["result"]
    for f in FIELDS:
        np.testing.assert_allclose(
            np.atleast_1d(getattr(out, f)), _arr(ref[f]), rtol=1e-6, atol=1e-12, err_msg=f
        )
    np.testing.assert_allclose(list(out.fit_stats.values()), _arr(ref["fit_ML"]), rtol=1e-6)
    assert out.ptable == tuple(int(v) for v in _arr(ref["ptable"]))
    assert out.LRTdf == ref["LRTdf"]


POINTS = REF["points"]


@pytest.mark.parametrize("pt", POINTS, ids=[p["name"] for p in POINTS])
def test_loglik_at_fixed_parameters_matches_metafor(pt: dict[str, Any]) -> None:
    """The likelihood itself (metafor integrating at rel.tol 1e-10): rtol 1e-7."""
    d = REF["datasets"][pt["dataset"]]
    yi, vi = np.array(d["yi"]), np.array(d["vi"])
    mu = np.full(yi.size, pt["beta"])
    tau2, delta, alt = pt["tau2"], np.array(pt["delta"]), pt["alternative"]
    p = selection_pvalues(yi, vi, alt)
    s2 = vi + tau2
    logdens = -0.5 * np.log(2 * math.pi * s2) - 0.5 * (yi - mu) ** 2 / s2
    if pt["type"] == "beta":
        p = np.clip(p, 1e-5, 1 - 1e-5)
        logw = (delta[0] - 1) * np.log(p) + (delta[1] - 1) * np.log1p(-p)
        log_a = _beta_log_a(mu, tau2, vi, delta, alt)
    else:
        steps = np.array(pt["steps"])
        logw = np.log(delta[np.searchsorted(steps, p)])
        log_a = _stepfun_log_a(mu, tau2, vi, delta, steps, alt)
    assert math.isclose(float(np.sum(logw + logdens - log_a)), pt["ll"], rel_tol=1e-7)


@pytest.mark.parametrize("case", BETA, ids=[c["name"] for c in BETA])
def test_beta_matches_metafor_within_its_integration_error(case: dict[str, Any]) -> None:
    """metafor integrates A_i at rel.tol = eps^0.25 (tighter settings make integrate() fail),
    so its estimates carry errors up to ~5e-5 (measured) and its numerical-Hessian SEs up to
    ~1e-2; the estimates agree at rtol 2e-4, the SEs at 2e-2, and the maximum found here is at
    least as high as the likelihood at metafor's estimates."""
    out = _fit(case)
    ref = case["result"]
    for f in ("beta", "tau2", "delta"):
        np.testing.assert_allclose(getattr(out, f), _arr(ref[f]), rtol=2e-4, err_msg=f)
    for f in ("se", "se_tau2", "se_delta"):
        np.testing.assert_allclose(getattr(out, f), _arr(ref[f]), rtol=2e-2, err_msg=f)
    assert math.isclose(out.ll, ref["ll"], rel_tol=1e-4)
    # our log-likelihood at metafor's estimates is not above our maximum
    d = REF["datasets"][case["dataset"]]
    yi, vi = np.array(d["yi"]), np.array(d["vi"])
    b, t2, dl = _arr(ref["beta"]), float(ref["tau2"]), _arr(ref["delta"])
    p = np.clip(selection_pvalues(yi, vi, case["alternative"]), 1e-5, 1 - 1e-5)
    mu = np.full(yi.size, b[0])
    s2 = vi + t2
    ll_at_ref = float(
        np.sum(
            (dl[0] - 1) * np.log(p)
            + (dl[1] - 1) * np.log1p(-p)
            - 0.5 * np.log(2 * math.pi * s2)
            - 0.5 * (yi - mu) ** 2 / s2
            - _beta_log_a(mu, t2, vi, dl, case["alternative"])
        )
    )
    assert out.ll >= ll_at_ref - 1e-12


def test_selmodel_input_errors() -> None:
    d = REF["datasets"]["hackshaw"]
    res = rma(d["yi"], d["vi"], method="ML")
    with pytest.raises(StatsInputError) as exc:
        selmodel(res, type="stepfun")
    assert exc.value.field == "steps"
    with pytest.raises(StatsInputError) as exc:
        selmodel(res, type="stepfun", steps=[0.025, 0.0251])  # an empty interval
    assert exc.value.field == "steps"
    with pytest.raises(StatsInputError) as exc:
        selmodel(res, type="power")
    assert exc.value.field == "type"
    weighted = rma(d["yi"], d["vi"], weights=np.ones(len(d["yi"])))
    with pytest.raises(StatsInputError):
        selmodel(weighted, type="beta")
