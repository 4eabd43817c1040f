"""PMM, GENQ, adhoc, fixed tau2, pi_type, fit statistics, anova, btt, rstandard, blup, ranef
and permutest against metafor 3.8.1 (tests/reference/metafor/make_inference_reference.R)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from alsatlas.errors import StatsInputError
from alsatlas.stats import rma
from alsatlas.stats.anova import lrt, wald_test
from alsatlas.stats.blup import blup, ranef, rstandard
from alsatlas.stats.fitstats import fitstats, loglik
from alsatlas.stats.permutest import permutest
from alsatlas.stats.rma import RMAResult

REF = json.loads(
    (Path(__file__).parents[1] / "reference/metafor/inference_reference.json").read_text()
)
RTOL = 1e-6
ATOL = 1e-10


def _arr(x: Any) -> np.ndarray:
    vals = x if isinstance(x, list) else [x]
    return np.array([math.nan if v in ("NA", None) else v for v in vals], dtype=float)


def close(ours: Any, theirs: Any) -> None:
    np.testing.assert_allclose(
        np.atleast_1d(np.asarray(ours, dtype=float)), _arr(theirs), rtol=RTOL, atol=ATOL
    )


def _fit(
    dname: str, method: str, test: str, tau2: Any = None, weights: bool = False, btt: Any = None
) -> RMAResult:
    d = REF["datasets"][dname]
    return rma(
        d["yi"],
        d["vi"],
        method=method,
        test=test,
        mods=None if d["mods"] is None else np.array(d["mods"]),
        weights=d["weights"] if weights else None,
        tau2=None if tau2 in (None, "NA") else tau2,
        btt=None if btt in (None, "NA") else btt,
    )


CASES = REF["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_rma_extras_match_metafor(case: dict[str, Any]) -> None:
    assert "error" not in case
    ref = case["result"]
    res = _fit(
        case["dataset"],
        case["method"],
        case["test"],
        case["tau2_fixed"],
        case["weights"],
        case["btt"],
    )
    for ours, key in [
        (res.beta, "beta"),
        (res.se, "se"),
        (res.zval, "zval"),
        (res.pval, "pval"),
        (res.ci_lb, "ci_lb"),
        (res.ci_ub, "ci_ub"),
        (res.tau2, "tau2"),
        (res.se_tau2, "se_tau2"),
        (res.I2, "I2"),
        (res.H2, "H2"),
        (res.QE, "QE"),
        (res.QM, "QM"),
        (res.QMp, "QMp"),
    ]:
        if key == "se_tau2" and case["method"] == "EE":
            continue  # metafor: NA
        close(ours, ref[key])
    if res.R2 is not None:
        close(res.R2, ref["R2"])
    assert res.parms == ref["parms"]
    close(
        [fitstats(res, reml=False).__dict__[f] for f in ("ll", "dev", "AIC", "BIC", "AICc")],
        ref["fit_ML"],
    )
    close(
        [fitstats(res, reml=True).__dict__[f] for f in ("ll", "dev", "AIC", "BIC", "AICc")],
        ref["fit_REML"],
    )
    fs = fitstats(res)
    close(loglik(res), ref["logLik"])
    close([fs.dev, fs.AIC, fs.BIC], [ref["deviance"], ref["AIC"], ref["BIC"]])
    d = REF["datasets"][case["dataset"]]
    newmods = None if d["newmods"] is None else np.array(d["newmods"]).reshape(-1, res.p - 1)
    for pi_type in ("default", "simple", "t", "riley"):
        pr = res.predict(newmods, pi_type=pi_type)
        want = ref[f"pred_{pi_type}"]
        for f in ("pred", "se", "ci_lb", "ci_ub", "pi_lb", "pi_ub"):
            if f.startswith("pi") and case["method"] == "EE":
                continue  # metafor prints no prediction interval for equal-effects models
            close(getattr(pr, f), want[f])
    rs = rstandard(res)
    for f in ("resid", "se", "z"):
        close(getattr(rs, f), ref["rstandard"][f])
    if "blup" in ref:
        rc = rstandard(res, type="conditional")
        for f in ("resid", "se", "z"):
            close(getattr(rc, f), ref["rstandard_conditional"][f])
        for fn, key in ((blup, "blup"), (ranef, "ranef")):
            got = fn(res)
            for f in ("pred", "se", "pi_lb", "pi_ub"):
                close(getattr(got, f), ref[key][f])


def _model(name: str) -> RMAResult:
    dname, method, *rest = name.split()
    tau2 = float(rest[0].split("=")[1]) if rest else None
    return _fit(dname, method, "z", tau2)


LRT_MODELS = {
    "ML int vs ablat": ("bcg ML", "bcg_ablat ML"),
    "ML ablat+year vs ablat": ("bcg_ablat_year ML", "bcg_ablat ML"),
    "REML refit int vs ablat+year": ("bcg REML", "bcg_ablat_year REML"),
    "REML vs EE same X": ("bcg_ablat REML", "bcg_ablat EE"),
    "EE int vs ablat": ("bcg EE", "bcg_ablat EE"),
    "REML vs tau2 fixed 0.1": ("bcg_ablat REML", "bcg_ablat REML tau2=0.1"),
}
ANOVAS = [a for a in REF["anova"] if a["type"] == "LRT"]


@pytest.mark.parametrize("case", ANOVAS, ids=[a["name"] for a in ANOVAS])
def test_lrt_matches_metafor(case: dict[str, Any]) -> None:
    m1, m2 = (_model(n) for n in LRT_MODELS[case["name"]])
    out = lrt(m1, m2, refit="refit" in case["name"])
    close([out.fit_f.__dict__[f] for f in ("ll", "dev", "AIC", "BIC", "AICc")], case["fit_f"])
    close([out.fit_r.__dict__[f] for f in ("ll", "dev", "AIC", "BIC", "AICc")], case["fit_r"])
    assert (out.parms_f, out.parms_r) == (case["parms_f"], case["parms_r"])
    close(
        [out.LRT, out.pval, out.QE_f, out.QE_r, out.tau2_f, out.tau2_r, out.R2],
        [case[k] for k in ("LRT", "pval", "QE_f", "QE_r", "tau2_f", "tau2_r", "R2")],
    )


WALDS = [a for a in REF["anova"] if a["type"] == "Wald"]
WALD_FITS = {
    "REML z btt 2:3": ("REML", "z"),
    "REML knha btt 3": ("REML", "knha"),
    "DL adhoc btt 1:2": ("DL", "adhoc"),
}


@pytest.mark.parametrize("case", WALDS, ids=[a["name"] for a in WALDS])
def test_wald_btt_matches_metafor(case: dict[str, Any]) -> None:
    method, test = WALD_FITS[case["name"]]
    res = _fit("bcg_ablat_year", method, test)
    out = wald_test(res, case["btt"])
    close([out.QM, out.QMp], [case["QM"], case["QMp"]])
    assert list(out.df) == [int(v) for v in _arr(case["QMdf"]) if not math.isnan(v)]


PERMS = REF["permutest"]


@pytest.mark.parametrize("case", PERMS, ids=[p["name"] for p in PERMS])
def test_permutest_matches_metafor(case: dict[str, Any]) -> None:
    mods = None if case["mods"] is None else np.array(case["mods"])
    res = rma(case["yi"], case["vi"], method=case["method"], test=case["test"], mods=mods)
    out = permutest(res, exact=case["exact"], iterations=case["iter"], seed=20261202)
    if case["exact"]:
        assert out.exact and out.iterations == case["n_perm"]
        close(out.pval, case["pval"])
        close(out.QMp, case["QMp"])
    else:
        # Different generators: agree within 4 Monte-Carlo standard errors of both runs.
        for ours, theirs in zip(
            np.append(out.pval, out.QMp),
            np.append(_arr(case["pval"]), case["QMp"]),
            strict=True,
        ):
            mc = math.sqrt(2 * max(theirs * (1 - theirs), 1e-4) / case["iter"])
            assert abs(ours - theirs) <= 4 * mc


def test_permutest_seed_reproducible() -> None:
    d = REF["datasets"]["bcg_ablat"]
    res = rma(d["yi"], d["vi"], mods=np.array(d["mods"]))
    a = permutest(res, iterations=200, seed=7)
    b = permutest(res, iterations=200, seed=7)
    c = permutest(res, iterations=200, seed=8)
    np.testing.assert_array_equal(a.QM_perm, b.QM_perm)
    assert not np.array_equal(a.QM_perm, c.QM_perm)
    assert a.QM_perm[0] == res.QM


def test_genq_needs_weights_and_bad_inputs() -> None:
    d = REF["datasets"]["bcg"]
    with pytest.raises(StatsInputError, match="GENQ"):
        rma(d["yi"], d["vi"], method="GENQ")
    with pytest.raises(StatsInputError) as exc:
        rma(d["yi"], d["vi"], tau2=-1.0)
    assert exc.value.field == "tau2"
    with pytest.raises(StatsInputError) as exc:
        rma(d["yi"], d["vi"], btt=[3])
    assert exc.value.field == "btt"
    res = rma(d["yi"], d["vi"])
    with pytest.raises(StatsInputError) as exc:
        res.predict(pi_type="wide")
    assert exc.value.field == "pi_type"
    with pytest.raises(StatsInputError):
        lrt(res, rma(d["yi"], d["vi"], method="DL"))  # same number of parameters
    with pytest.raises(StatsInputError, match="refit"):
        lrt(res, _fit("bcg_ablat", "REML", "z"))


@pytest.mark.parametrize("test", ["z", "adhoc"])
def test_batch_pmm_and_adhoc_equal_single_fits(test: str) -> None:
    """rma_batch's PMM and adhoc equal rma's, which match metafor above."""
    from alsatlas.stats import rma_batch

    names = ["bcg", "hackshaw"]
    rows = [REF["datasets"][n] for n in names]
    kmax = max(len(d["yi"]) for d in rows)
    Y = np.full((2, kmax), np.nan)
    V = np.full((2, kmax), np.nan)
    for i, d in enumerate(rows):
        Y[i, : len(d["yi"])], V[i, : len(d["vi"])] = d["yi"], d["vi"]
    out = rma_batch(Y, V, method="PMM", test=test)
    for i, d in enumerate(rows):
        one = rma(d["yi"], d["vi"], method="PMM", test=test)
        close(
            [out.tau2[i], out.se_tau2[i], out.estimate[i], out.se[i], out.pval[i]],
            [one.tau2, one.se_tau2, one.estimate, float(one.se[0]), float(one.pval[0])],
        )
    with pytest.raises(StatsInputError, match="GENQ"):
        rma_batch(Y, V, method="GENQ")
