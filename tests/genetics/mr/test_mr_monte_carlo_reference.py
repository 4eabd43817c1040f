"""Monte Carlo methods against the R packages.

The reference scripts run each method with several seeds (twosamplemr_egger_bootstrap.R:
seeds 1..10; mendelianrandomization_cml_dp.R: seeds 314 and 1..8). With R's normal stream
(`alsatlas.genetics.mr.rstream`, the default) every seed reproduces R's numbers at rtol 1e-6.
With numpy's stream the stated tolerance is Monte Carlo error: each draw lies within 5
between-seed standard deviations (s_R) of the R mean, |x − mean_R| ≤ 5·s_R·√(1 + 1/n_R).
Equal seeds give equal numbers.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict

import numpy as np
import pytest
from mr_testdata import REF

from alsatlas.genetics.mr.cml import cml_dp_from_arrays
from alsatlas.genetics.mr.egger_bootstrap import egger_bootstrap_from_arrays
from alsatlas.genetics.mr.inputs import as_mr_arrays

Data = dict[str, np.ndarray]


def _load(name: str) -> dict[tuple[str, str, str], list[float]]:
    out: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    with open(REF / name) as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            out[(r["dataset"], r["method"], r["quantity"])].append(float(r["value"]))
    return out


def within_mc(value: float, draws: list[float], what: str) -> None:
    arr = np.asarray(draws)
    spread = float(np.std(arr, ddof=1))
    tol = 5.0 * spread * math.sqrt(1.0 + 1.0 / arr.size) + 1e-12
    assert abs(value - float(arr.mean())) <= tol, (what, value, arr.mean(), spread)


@pytest.mark.parametrize("ds", ["waterworth_ldl_chd", "twosamplemr_bmi_chd"])
def test_egger_bootstrap_within_mc_error(ds: str, ldl: Data, bmi_chd: Data) -> None:
    ref = _load("twosamplemr_egger_bootstrap_r4.2.tsv")
    d = ldl if ds == "waterworth_ldl_chd" else bmi_chd
    a = as_mr_arrays(d["bx"], d["bxse"], d["by"], d["byse"])
    for seed in (1, 2, 3):
        r = egger_bootstrap_from_arrays(a, n_boot=1000, seed=seed, stream="numpy")
        within_mc(r.slope.b, ref[(ds, "egger_bootstrap", "b")], "b")
        within_mc(r.slope.se, ref[(ds, "egger_bootstrap", "se")], "se")
        within_mc(r.intercept, ref[(ds, "egger_bootstrap", "b_i")], "b_i")
        within_mc(r.intercept_se, ref[(ds, "egger_bootstrap", "se_i")], "se_i")
        p_draws = ref[(ds, "egger_bootstrap", "pval")]
        assert abs(r.slope.pval - float(np.mean(p_draws))) <= 5 * max(
            float(np.std(p_draws, ddof=1)), 1e-3
        )


def test_egger_bootstrap_seeded(ldl: Data) -> None:
    a = as_mr_arrays(ldl["bx"], ldl["bxse"], ldl["by"], ldl["byse"])
    one = egger_bootstrap_from_arrays(a, n_boot=200, seed=7)
    assert egger_bootstrap_from_arrays(a, n_boot=200, seed=7) == one
    assert egger_bootstrap_from_arrays(a, n_boot=200, seed=8).slope.b != one.slope.b


def test_cml_dp_within_mc_error(ldl: Data) -> None:
    ref = _load("mendelianrandomization_cml_dp_r4.2.tsv")
    a = as_mr_arrays(ldl["bx"], ldl["bxse"], ldl["by"], ldl["byse"])
    for seed in (314, 1):
        r = cml_dp_from_arrays(a, n=17723.0, seed=seed, stream="numpy")
        key = ("waterworth_ldl_chd", "cml_ma_bic_dp")
        within_mc(r.ma_bic.b, ref[(*key, "b")], "MA-BIC-DP b")
        within_mc(r.ma_bic.se, ref[(*key, "se")], "MA-BIC-DP se")
        within_mc(r.gof1_pval, ref[(*key, "gof1_p")], "GOF1")
        within_mc(r.gof2_pval, ref[(*key, "gof2_p")], "GOF2")
        # BIC-DP: one R draw; use the MA spread as its Monte Carlo scale
        bic_b = ref[("waterworth_ldl_chd", "cml_bic_dp", "b")][0]
        spread = float(np.std(ref[(*key, "b")], ddof=1))
        assert abs(r.bic.b - bic_b) <= 5 * spread * math.sqrt(2)


def test_cml_dp_seeded(ldl: Data) -> None:
    a = as_mr_arrays(ldl["bx"], ldl["bxse"], ldl["by"], ldl["byse"])
    one = cml_dp_from_arrays(a, n=17723.0, num_pert=20, seed=5)
    assert cml_dp_from_arrays(a, n=17723.0, num_pert=20, seed=5) == one
    assert cml_dp_from_arrays(a, n=17723.0, num_pert=20, seed=6).ma_bic.b != one.ma_bic.b


def _by_seed(name: str) -> dict[tuple[str, str, int], dict[str, float]]:
    out: dict[tuple[str, str, int], dict[str, float]] = defaultdict(dict)
    with open(REF / name) as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            out[(r["dataset"], r["method"], int(r["seed"]))][r["quantity"]] = float(r["value"])
    return out


@pytest.mark.parametrize("ds", ["waterworth_ldl_chd", "twosamplemr_bmi_chd"])
def test_egger_bootstrap_equals_r_with_r_stream(ds: str, ldl: Data, bmi_chd: Data) -> None:
    ref = _by_seed("twosamplemr_egger_bootstrap_r4.2.tsv")
    d = ldl if ds == "waterworth_ldl_chd" else bmi_chd
    a = as_mr_arrays(d["bx"], d["bxse"], d["by"], d["byse"])
    for seed in range(1, 11):
        r = egger_bootstrap_from_arrays(a, n_boot=1000, seed=seed)
        q = ref[(ds, "egger_bootstrap", seed)]
        assert r.slope.b == pytest.approx(q["b"], rel=1e-6)
        assert r.slope.se == pytest.approx(q["se"], rel=1e-6)
        assert r.slope.pval == pytest.approx(q["pval"], abs=1e-12)
        assert r.intercept == pytest.approx(q["b_i"], rel=1e-6)
        assert r.intercept_se == pytest.approx(q["se_i"], rel=1e-6)
        assert r.intercept_pval == pytest.approx(q["pval_i"], abs=1e-12)


def test_cml_dp_equals_r_with_r_stream(ldl: Data) -> None:
    ref = _by_seed("mendelianrandomization_cml_dp_r4.2.tsv")
    a = as_mr_arrays(ldl["bx"], ldl["bxse"], ldl["by"], ldl["byse"])
    for seed in (314, 1, 2, 3, 4, 5, 6, 7, 8):
        r = cml_dp_from_arrays(a, n=17723.0, seed=seed)
        q = ref[("waterworth_ldl_chd", "cml_ma_bic_dp", seed)]
        assert r.ma_bic.b == pytest.approx(q["b"], rel=1e-6)
        assert r.ma_bic.se == pytest.approx(q["se"], rel=1e-6)
        assert r.ma_bic.pval == pytest.approx(q["pval"], rel=1e-6)
        for got, key in ((r.gof1_pval, "gof1_p"), (r.gof2_pval, "gof2_p")):
            if math.isnan(q[key]):
                assert math.isnan(got)
            else:
                assert got == pytest.approx(q[key], rel=1e-6)
        if seed == 314:
            bic = ref[("waterworth_ldl_chd", "cml_bic_dp", 314)]
            assert r.bic.b == pytest.approx(bic["b"], rel=1e-6)
            assert r.bic.se == pytest.approx(bic["se"], rel=1e-6)


def test_r_stream_first_normals() -> None:
    from alsatlas.genetics.mr.rstream import r_rnorm

    # set.seed(1); rnorm(3) and set.seed(314); rnorm(2) in R 4.2
    assert r_rnorm(1, 3) == pytest.approx(
        [-0.62645381074233242, 0.18364332422208224, -0.83562861241004716], rel=1e-14
    )
    assert r_rnorm(314, 2) == pytest.approx([-1.28823580319190656, 0.72746101566645460], rel=1e-14)
