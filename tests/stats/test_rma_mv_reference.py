"""Multilevel models (~ 1 | outer/inner) against metafor 3.8.1 rma.mv()
(tests/reference/metafor/make_rma_mv_reference.R)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from alsatlas.errors import ConvergenceError, StatsInputError
from alsatlas.stats.rma_mv import rma_mv

REF = json.loads(
    (Path(__file__).parents[1] / "reference/metafor/rma_mv_reference.json").read_text()
)
CASES = REF["cases"]


def _fit(case: dict[str, Any]) -> Any:
    d = REF["datasets"][case["dataset"]]
    return rma_mv(
        d["yi"],
        d["vi"],
        random=[d["outer"], d["inner"]],
        mods=np.array(d["mods"]) if case["mods"] else None,
        method=case["method"],
        test=case["test"],
    )


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_rma_mv_matches_metafor(case: dict[str, Any]) -> None:
    """rtol 1e-6 (p-values 5e-6); metafor's nlminb optimum is itself off the exact maximum
    by up to 8e-7 relative in the variance components (measured), which small p-values
    amplify by about z^2; the likelihood maximum found here is never below metafor's."""
    res = _fit(case)
    assert res.fitstats().ll >= case["logLik"] - 1e-10
    for ours, key in [
        (res.beta, "beta"),
        (res.se, "se"),
        (res.zval, "zval"),
        (res.pval, "pval"),
        (res.ci_lb, "ci_lb"),
        (res.ci_ub, "ci_ub"),
        (res.sigma2, "sigma2"),
        (res.QE, "QE"),
        (res.QEp, "QEp"),
        (res.QM, "QM"),
        (res.QMp, "QMp"),
        (res.fitstats().ll, "logLik"),
    ]:
        np.testing.assert_allclose(
            np.atleast_1d(ours),
            np.atleast_1d(case[key]),
            rtol=5e-6 if key == "pval" else 1e-6,
            atol=1e-12,
            err_msg=key,
        )
    assert list(res.s_nlevels) == case["s_nlevels"]
    assert res.parms == case["parms"]
    for reml, key in ((False, "fit_ML"), (True, "fit_REML")):
        fs = res.fitstats(reml=reml)
        np.testing.assert_allclose(
            [fs.ll, fs.dev, fs.AIC, fs.BIC, fs.AICc], case[key], rtol=1e-6, err_msg=key
        )
    pr = res.predict()
    np.testing.assert_allclose(
        [pr["pred"][0], pr["pi_lb"][0], pr["pi_ub"][0]],
        [case["pred"], case["pi_lb"], case["pi_ub"]],
        rtol=1e-6,
    )


def test_rma_mv_single_level_equals_rma() -> None:
    """One nesting level with one estimate per cluster is the random-effects model."""
    from alsatlas.stats import rma

    d = REF["datasets"]["konstantopoulos2011"]
    ids = np.arange(len(d["yi"]))
    for method in ("REML", "ML"):
        mv = rma_mv(d["yi"], d["vi"], random=[ids], method=method)
        uni = rma(d["yi"], d["vi"], method=method)
        np.testing.assert_allclose(mv.sigma2[0], uni.tau2, rtol=1e-9)
        np.testing.assert_allclose(mv.beta, uni.beta, rtol=1e-9)
        np.testing.assert_allclose(mv.se, uni.se, rtol=1e-9)


def test_rma_mv_input_errors() -> None:
    d = REF["datasets"]["konstantopoulos2011"]
    with pytest.raises(StatsInputError) as exc:
        rma_mv(d["yi"], d["vi"], random=[d["outer"][:-1]])
    assert exc.value.field == "random"
    with pytest.raises(StatsInputError) as exc:
        rma_mv(d["yi"], d["vi"], random=[d["outer"]], method="DL")
    assert exc.value.field == "method"


def test_rma_mv_non_convergence_is_a_convergence_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Running out of iterations is not an input error: it raises ConvergenceError."""
    d = REF["datasets"]["konstantopoulos2011"]
    monkeypatch.setattr("alsatlas.stats.rma_mv.MAXITER", 1)
    with pytest.raises(ConvergenceError) as exc:
        rma_mv(d["yi"], d["vi"], random=[d["outer"], d["inner"]])
    assert exc.value.method == "REML" and exc.value.iterations == 1
