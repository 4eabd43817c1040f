"""τ² estimation on hard likelihoods, against metafor (hard block of rma_reference.json)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from alsatlas.stats import METHODS, estimate_tau2, rma, rma_batch

REFERENCE = Path(__file__).parents[1] / "reference" / "metafor" / "rma_reference.json"
DATA: dict[str, Any] = json.loads(REFERENCE.read_text())
HARD: dict[str, Any] = DATA["hard"]


@pytest.mark.parametrize("method", ["REML", "ML"])
def test_oscillating_fisher_scoring_converges(method: str) -> None:
    case = HARD["oscillating"]
    assert case["REML_default_fails"]  # metafor's default control stops without converging
    res = rma(case["yi"], case["vi"], method=method)
    assert math.isclose(res.tau2, case[method], rel_tol=1e-6)
    batch = rma_batch(np.array([case["yi"]]), np.array([case["vi"]]), method=method)
    assert math.isclose(float(batch.tau2[0]), case[method], rel_tol=1e-6)


def test_flat_likelihood_ends_at_its_maximum() -> None:
    case = HARD["flat"]
    assert case["REML_default_fails"]
    loglik = np.asarray(case["REML_loglik"])
    assert int(np.argmax(loglik)) == 0  # metafor's REML log-likelihood peaks at tau2 = 0
    assert rma(case["yi"], case["vi"]).tau2 == 0.0
    batch = rma_batch(np.array([case["yi"]]), np.array([case["vi"]]))
    assert float(batch.tau2[0]) == 0.0


@pytest.mark.parametrize("method", METHODS)
def test_estimate_tau2_is_what_rma_uses(method: str) -> None:
    case = next(c for c in DATA["cases"] if c["name"] == "bcg")
    ref = next(f for f in case["fits"] if f["method"] == method and f["test"] == "z")
    yi, vi = np.asarray(case["yi"]), np.asarray(case["vi"])
    est = estimate_tau2(yi, vi, np.ones((yi.size, 1)), method)
    assert math.isclose(est.tau2, ref["tau2"], rel_tol=1e-6, abs_tol=1e-10)
    if ref["se_tau2"] is not None:
        assert math.isclose(est.se_tau2, ref["se_tau2"], rel_tol=1e-6)
    assert est.method == method
