"""Penalised IVW/Egger, maximum likelihood, sign concordance, contamination mixture, MR-cML
and multivariable IVW/Egger/strength against the R packages' own code.

Reference: tests/reference/mr/mendelianrandomization_methods_r4.2.tsv, produced by
mendelianrandomization_methods.R, which sources MendelianRandomization 0.10.0, TwoSampleMR
(mr_sign) and MVMR (strength_mvmr) unchanged. Tolerance rtol 1e-6 (p-values also abs 1e-15:
the package's MR-Egger p-values are 2(1 − Φ(|z|)), which loses digits below ~1e-9; alsatlas
computes 2Φ(−|z|)).
"""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest
from mr_testdata import REF

from alsatlas.genetics.mr import TraitSample, run_mr
from alsatlas.genetics.mr.cml import cml_from_arrays
from alsatlas.genetics.mr.conmix import conmix_from_arrays
from alsatlas.genetics.mr.inputs import as_mr_arrays
from alsatlas.genetics.mr.maxlik import maxlik_from_arrays
from alsatlas.genetics.mr.mvmr import mvegger, mvivw, strength_mvmr
from alsatlas.genetics.mr.penalised import egger_penalised_from_arrays, ivw_penalised_from_arrays
from alsatlas.genetics.mr.sign import sign_concordance_from_arrays


def _load() -> dict[tuple[str, str], dict[str, float]]:
    out: dict[tuple[str, str], dict[str, float]] = {}
    with open(REF / "mendelianrandomization_methods_r4.2.tsv") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            out.setdefault((r["dataset"], r["method"]), {})[r["quantity"]] = float(r["value"])
    return out


Data = dict[str, np.ndarray]
R = _load()
DATASETS = ["waterworth_ldl_chd", "twosamplemr_bmi_chd"]
N = {"waterworth_ldl_chd": 17723.0, "twosamplemr_bmi_chd": None}
COUNT = {"n": 0}


def close(value: float, ref: float, what: str, *, p: bool = False) -> None:
    COUNT["n"] += 1
    assert value == pytest.approx(ref, rel=1e-6, abs=1e-15 if p else 0.0), what


def _data(ds: str, ldl: dict[str, np.ndarray], bmi: Data) -> Data:
    return ldl if ds == "waterworth_ldl_chd" else bmi


def _check_std(r: object, ref: dict[str, float], what: str) -> None:
    for f in ("b", "se", "ci_lb", "ci_ub"):
        close(getattr(r, f), ref[f], f"{what} {f}")
    close(r.pval, ref["pval"], f"{what} pval", p=True)  # type: ignore[attr-defined]


@pytest.mark.parametrize("ds", DATASETS)
def test_penalised_ivw(ds: str, ldl: Data, bmi_chd: Data) -> None:
    d = _data(ds, ldl, bmi_chd)
    a = as_mr_arrays(d["bx"], d["bxse"], d["by"], d["byse"])
    for model in ("random", "fixed"):
        r = ivw_penalised_from_arrays(a, model=model)
        _check_std(r, R[(ds, f"ivw_penalized_{model}")], f"ivw_penalised {model}")
    _check_std(
        ivw_penalised_from_arrays(a, weights="second"), R[(ds, "ivw_penalized_delta")], "delta"
    )
    _check_std(ivw_penalised_from_arrays(a, distribution="t"), R[(ds, "ivw_penalized_t")], "t")


@pytest.mark.parametrize("ds", DATASETS)
@pytest.mark.parametrize("dist", ["normal", "t"])
def test_penalised_egger(ds: str, dist: str, ldl: Data, bmi_chd: Data) -> None:
    d = _data(ds, ldl, bmi_chd)
    a = as_mr_arrays(d["bx"], d["bxse"], d["by"], d["byse"])
    e = egger_penalised_from_arrays(a, distribution=dist)  # type: ignore[arg-type]
    ref = R[(ds, "egger_penalized" + ("_t" if dist == "t" else ""))]
    _check_std(e.slope, ref, "egger_penalised")
    close(e.intercept, ref["intercept"], "intercept")
    close(e.intercept_se, ref["intercept_se"], "intercept se")
    close(e.intercept_ci_lb, ref["intercept_ci_lb"], "intercept lb")
    close(e.intercept_ci_ub, ref["intercept_ci_ub"], "intercept ub")
    close(e.intercept_pval, ref["intercept_pval"], "intercept p", p=True)
    close(e.rse, ref["rse"], "rse")


@pytest.mark.parametrize("ds", DATASETS)
def test_maxlik_converged(ds: str, ldl: Data, bmi_chd: Data) -> None:
    d = _data(ds, ldl, bmi_chd)
    a = as_mr_arrays(d["bx"], d["bxse"], d["by"], d["byse"])
    ref = R[(ds, "maxlik_converged")]
    rnd, q = maxlik_from_arrays(a, model="random")
    fix, _ = maxlik_from_arrays(a, model="fixed")
    close(rnd.b, ref["b"], "maxlik b")
    close(q, ref["Q"], "maxlik Q")
    close(fix.se, ref["se_fixed"], "maxlik se fixed")
    close(rnd.se, ref["se_random"], "maxlik se random")
    # the package's own Nelder-Mead result lies on the far side of the optimum: ours has the
    # smaller objective
    assert q <= R[(ds, "maxlik_random")]["Q"] + 1e-9


@pytest.mark.parametrize("ds", DATASETS)
def test_sign_concordance(ds: str, ldl: Data, bmi_chd: Data) -> None:
    d = _data(ds, ldl, bmi_chd)
    r = sign_concordance_from_arrays(as_mr_arrays(d["bx"], d["bxse"], d["by"], d["byse"]))
    ref = R[(ds, "sign_concordance")]
    close(r.b, ref["b"], "sign b")
    close(r.pval, ref["pval"], "sign p", p=True)
    assert r.nsnp == ref["nsnp"] and math.isnan(r.se)


@pytest.mark.parametrize("ds", DATASETS)
def test_conmix(ds: str, ldl: Data, bmi_chd: Data) -> None:
    d = _data(ds, ldl, bmi_chd)
    c = conmix_from_arrays(as_mr_arrays(d["bx"], d["bxse"], d["by"], d["byse"]))
    ref = R[(ds, "conmix")]
    close(c.estimate, ref["b"], "conmix b")
    close(c.pval, ref["pval"], "conmix p", p=True)
    close(c.psi, ref["psi"], "conmix psi")
    lower = [v for k, v in sorted(ref.items()) if k.startswith("ci_lb")]
    upper = [v for k, v in sorted(ref.items()) if k.startswith("ci_ub")]
    assert len(c.ci_lower) == len(lower) and len(c.ci_upper) == len(upper)
    for x, y in zip(c.ci_lower + c.ci_upper, lower + upper, strict=True):
        close(x, y, "conmix limit")
    valid = [int(v) - 1 for k, v in ref.items() if k.startswith("valid")]
    assert sorted(c.valid) == sorted(valid) and len(valid) == ref["n_valid"]


@pytest.mark.parametrize("ds", DATASETS)
def test_cml(ds: str, ldl: Data, bmi_chd: Data) -> None:
    d = _data(ds, ldl, bmi_chd)
    n = N[ds] or float(np.min(d["ny"]))
    res = cml_from_arrays(as_mr_arrays(d["bx"], d["bxse"], d["by"], d["byse"]), n=n)
    _check_std(res.ma_bic, R[(ds, "cml_ma_bic")], "cml_ma_bic")
    _check_std(res.bic, R[(ds, "cml_bic")], "cml_bic")
    ref = R[(ds, "cml_bic")]
    invalid = sorted(int(v) - 1 for k, v in ref.items() if k.startswith("invalid"))
    assert list(res.bic_invalid) == invalid


def test_run_mr_registry(ldl: Data) -> None:
    """The methods run by id through run_mr, with MendelianRandomization's defaults."""
    ds = "waterworth_ldl_chd"
    rep = run_mr(
        ldl["bx"],
        ldl["bxse"],
        ldl["by"],
        ldl["byse"],
        methods=["ivw_penalised", "egger_penalised", "maxlik", "conmix", "cml_ma_bic"],
        convention="mendelianrandomization",
        exposure=TraitSample(n=17723.0),
    )
    close(rep.result("ivw_penalised").b, R[(ds, "ivw_penalized_random")]["b"], "ivw_pen")
    close(rep.result("egger_penalised").se, R[(ds, "egger_penalized")]["se"], "egger_pen")
    close(rep.result("maxlik").b, R[(ds, "maxlik_converged")]["b"], "maxlik")
    close(rep.result("cml_ma_bic").b, R[(ds, "cml_ma_bic")]["b"], "cml")
    cm = rep.result("conmix")
    close(cm.ci_lb, R[(ds, "conmix")]["ci_lb"], "conmix lb")
    tsmr = run_mr(ldl["bx"], ldl["bxse"], ldl["by"], ldl["byse"], methods=["conmix"])
    assert tsmr.result("conmix") == cm  # grid limits kept under the TwoSampleMR convention


def test_cml_needs_sample_size(ldl: Data) -> None:
    from alsatlas.errors import StatsInputError

    with pytest.raises(StatsInputError, match="sample size"):
        run_mr(ldl["bx"], ldl["bxse"], ldl["by"], ldl["byse"], methods=["cml_bic"])


def _lipids(ldl_rows: list[dict[str, str]]) -> tuple[np.ndarray, ...]:
    def g(c: str) -> np.ndarray:
        return np.array([float(r[c]) for r in ldl_rows])

    bx = np.column_stack([g("ldlc_beta"), g("hdlc_beta"), g("trig_beta")])
    bxse = np.column_stack([g("ldlc_se"), g("hdlc_se"), g("trig_se")])
    return bx, bxse, g("chd_logodds"), g("chd_logodds_se")


@pytest.fixture(scope="module")
def lipids() -> tuple[np.ndarray, ...]:
    with open(REF / "waterworth2010_lipids_chd.csv") as fh:
        return _lipids(list(csv.DictReader(fh)))


def _check_mv(r: object, ref: dict[str, float], what: str) -> None:
    for f in ("b", "se", "ci_lb", "ci_ub", "pval"):
        for i, v in enumerate(getattr(r, f)):
            close(v, ref[f"{f}_{i + 1}"], f"{what} {f}[{i}]", p=f == "pval")


@pytest.mark.parametrize("model", ["random", "fixed"])
@pytest.mark.parametrize("dist", ["normal", "t"])
def test_mvivw(lipids: tuple[np.ndarray, ...], model: str, dist: str) -> None:
    r = mvivw(*lipids, model=model, distribution=dist)  # type: ignore[arg-type]
    ref = R[("waterworth_lipids_chd", f"mvivw_{model}" + ("_t" if dist == "t" else ""))]
    _check_mv(r, ref, "mvivw")
    close(r.rse, ref["rse"], "rse")
    close(r.Q, ref["Q"], "Q")
    close(r.Q_pval, ref["Q_pval"], "Q p", p=True)


@pytest.mark.parametrize("orient", [1, 2, 3])
@pytest.mark.parametrize("dist", ["normal", "t"])
def test_mvegger(lipids: tuple[np.ndarray, ...], orient: int, dist: str) -> None:
    r = mvegger(*lipids, orientate=orient - 1, distribution=dist)  # type: ignore[arg-type]
    ref = R[("waterworth_lipids_chd", f"mvegger_orient{orient}" + ("_t" if dist == "t" else ""))]
    _check_mv(r, ref, "mvegger")
    assert r.intercept is not None and r.intercept_se is not None
    close(r.intercept, ref["intercept"], "intercept")
    close(r.intercept_se, ref["intercept_se"], "intercept se")
    close(r.intercept_ci_lb or math.nan, ref["intercept_ci_lb"], "intercept lb")
    close(r.intercept_ci_ub or math.nan, ref["intercept_ci_ub"], "intercept ub")
    close(r.intercept_pval or math.nan, ref["intercept_pval"], "intercept p", p=True)
    close(r.rse, ref["rse"], "rse")


def test_strength_mvmr(lipids: tuple[np.ndarray, ...]) -> None:
    f = strength_mvmr(lipids[0], lipids[1])
    ref = R[("waterworth_lipids_chd", "strength_mvmr")]
    for i, v in enumerate(f):
        close(v, ref[f"f_{i + 1}"], f"F[{i}]")


def test_cml_vectorised_equals_single_fits(ldl: Data) -> None:
    from alsatlas.genetics.mr.cml import cml_fit, cml_fits

    a = as_mr_arrays(ldl["bx"], ldl["bxse"], ldl["by"], ldl["byse"])
    many = cml_fits(a, list(range(a.k - 1)))
    for f in many:
        one = cml_fit(a, f.k_invalid)
        assert f.invalid == one.invalid
        assert f.theta == pytest.approx(one.theta, rel=1e-12)
        assert f.neg_loglik == pytest.approx(one.neg_loglik, rel=1e-12)


@pytest.mark.parametrize("ds", DATASETS)
@pytest.mark.parametrize("model", ["random", "fixed"])
def test_robust_ivw(ds: str, model: str, ldl: Data, bmi_chd: Data) -> None:
    from alsatlas.genetics.mr.robust import ivw_robust_from_arrays

    d = _data(ds, ldl, bmi_chd)
    a = as_mr_arrays(d["bx"], d["bxse"], d["by"], d["byse"])
    r, scale = ivw_robust_from_arrays(a, model=model)  # type: ignore[arg-type]
    _check_std(r, R[(ds, f"ivw_robust_{model}")], f"ivw_robust {model}")
    close(scale, R[(ds, f"ivw_robust_{model}")]["rse"], "rse")
    rp, _ = ivw_robust_from_arrays(a, model=model, penalised=True)  # type: ignore[arg-type]
    _check_std(rp, R[(ds, f"ivw_robust_penalized_{model}")], f"ivw_robust_penalised {model}")


@pytest.mark.parametrize("ds", DATASETS)
@pytest.mark.parametrize("dist", ["normal", "t"])
@pytest.mark.parametrize("pen", [False, True])
def test_robust_egger(ds: str, dist: str, pen: bool, ldl: Data, bmi_chd: Data) -> None:
    from alsatlas.genetics.mr.robust import egger_robust_from_arrays

    d = _data(ds, ldl, bmi_chd)
    a = as_mr_arrays(d["bx"], d["bxse"], d["by"], d["byse"])
    e = egger_robust_from_arrays(a, penalised=pen, distribution=dist)  # type: ignore[arg-type]
    name = "egger_robust" + ("_penalized" if pen else "") + ("_t" if dist == "t" else "")
    ref = R[(ds, name)]
    _check_std(e.slope, ref, name)
    close(e.intercept, ref["intercept"], "intercept")
    close(e.intercept_se, ref["intercept_se"], "intercept se")
    close(e.intercept_ci_lb, ref["intercept_ci_lb"], "intercept lb")
    close(e.intercept_ci_ub, ref["intercept_ci_ub"], "intercept ub")
    close(e.intercept_pval, ref["intercept_pval"], "intercept p", p=True)
    close(e.rse, ref["rse"], "rse")


@pytest.mark.parametrize("ds", DATASETS)
def test_lasso(ds: str, ldl: Data, bmi_chd: Data) -> None:
    from alsatlas.genetics.mr.lasso import lasso_from_arrays

    d = _data(ds, ldl, bmi_chd)
    r = lasso_from_arrays(as_mr_arrays(d["bx"], d["bxse"], d["by"], d["byse"]))
    ref = R[(ds, "lasso")]
    _check_std(r.result, ref, "lasso")
    close(r.lam, ref["lambda"], "lambda")
    close(r.reg_estimate, ref["reg_estimate"], "regularised estimate")
    assert len(r.valid) == ref["n_valid"]


def test_all_skips_cml_without_sample_size_and_slow_dp() -> None:
    rng = np.random.default_rng(3)
    k = 160
    bx = rng.uniform(0.02, 0.1, k)
    bxse = np.full(k, 0.01)
    by = 0.3 * bx + rng.normal(0.0, 0.02, k)
    byse = np.full(k, 0.02)
    rep = run_mr(bx, bxse, by, byse, methods="all", presso_n_distribution=200)
    skipped = dict(rep.skipped)
    assert "sample size" in skipped["cml_ma_bic"] and "sample size" in skipped["cml_bic_dp"]
    ran = {r.method for r in rep.results}
    assert {"ivw_penalised", "ivw_robust", "lasso", "conmix", "maxlik"} <= ran
    rep_n = run_mr(
        bx,
        bxse,
        by,
        byse,
        methods="all",
        presso_n_distribution=200,
        exposure=TraitSample(n=50000.0),
    )
    assert "cml_ma_bic" in {r.method for r in rep_n.results}
    assert "name it to run it" in dict(rep_n.skipped)["cml_ma_bic_dp"]
