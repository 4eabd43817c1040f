"""TwoSampleMR-side methods against the packages' own R functions.

Reference values: tests/reference/mr/twosamplemr_methods_reference.R sources TwoSampleMR
(mr_uwr, mr_mode, get_r_from_pn, directionality_test, steiger_filtering), mr.raps 0.4.2
(mr.raps) and psych's r.test unchanged and runs them on the TwoSampleMR vignette BMI → CHD
(79 variants) and Waterworth LDL-c → CHD (28) data; mendelianrandomization_mbe_reference.R
does the same for MendelianRandomization's mr_mbe. Deterministic values: rtol 1e-6.

Mode-based SEs are bootstrap MADs. Measured over 12 seeds at 10,000 draws, one alsatlas SE
has a Monte-Carlo relative SD of 1.1-1.3 %, so the difference between two independent
10,000-draw estimates (R's and ours) has a relative SD of about 1.8 %; the tolerance 8 %
is 4.4 of those SDs.
"""

from __future__ import annotations

import csv
import json
from typing import Any

import numpy as np
import pytest
from mr_testdata import REF

from alsatlas.genetics.mr import run_mr
from alsatlas.genetics.mr.mode import mode_estimate
from alsatlas.genetics.mr.raps import mr_raps
from alsatlas.genetics.mr.steiger import (
    TraitSample,
    f1_isf,
    r2_from_pn,
    steiger,
    steiger_filtering,
)
from alsatlas.genetics.mr.uwr import mr_uwr

RTOL = 1e-6
MC_RTOL = 0.08
N_BOOT = 10_000


@pytest.fixture(scope="module")
def ref() -> dict[str, Any]:
    with open(REF / "twosamplemr_methods_reference_r4.2.json") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


@pytest.fixture(scope="module")
def bmi_full(ref: dict[str, Any]) -> dict[str, np.ndarray]:
    with open(REF / "twosamplemr_vignette_bmi_ieu-a-2_exposure.tsv") as fh:
        ex = {r["SNP"]: r for r in csv.DictReader(fh, delimiter="\t")}
    with open(REF / "twosamplemr_vignette_chd_ieu-a-7_outcome.tsv") as fh:
        out = {r["SNP"]: r for r in csv.DictReader(fh, delimiter="\t")}
    snps = sorted(set(ex) & set(out))
    assert snps == ref["steiger"]["snps"]
    cols: dict[str, np.ndarray] = {}
    for c in ("beta", "se", "pval", "samplesize", "eaf"):
        cols[f"{c}.exposure"] = np.array([float(ex[s][f"{c}.exposure"]) for s in snps])
        cols[f"{c}.outcome"] = np.array([float(out[s][f"{c}.outcome"]) for s in snps])
    return cols


def _arrays(
    name: str, bmi_chd: dict[str, np.ndarray], ldl: dict[str, np.ndarray]
) -> tuple[np.ndarray, ...]:
    d = bmi_chd if name == "bmi_chd" else ldl
    return d["bx"], d["bxse"], d["by"], d["byse"]


def _close(got: float, want: float, rtol: float = RTOL) -> bool:
    return bool(abs(got - want) <= rtol * abs(want) + 1e-300)


DATASETS = ("bmi_chd", "waterworth_ldl_chd")


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("loss", ["l2", "huber", "tukey"])
@pytest.mark.parametrize("od", [False, True])
def test_raps_matches_mr_raps(
    name: str,
    loss: str,
    od: bool,
    ref: dict[str, Any],
    bmi_chd: dict[str, np.ndarray],
    ldl: dict[str, np.ndarray],
) -> None:
    want = ref[name][f"raps_{'od' if od else 'simple'}_{loss}"]
    fit = mr_raps(*_arrays(name, bmi_chd, ldl), over_dispersion=od, loss=loss)  # type: ignore[arg-type]
    assert _close(fit.beta, want["beta"]) and _close(fit.se, want["se"])
    if od:
        assert want["tau2"] > 0
        assert _close(fit.tau2, want["tau2"]) and _close(fit.tau2_se, want["tau2_se"])
    else:
        assert fit.tau2 == want["tau2"] == 0


def test_raps_exact_constants_move_se_only_slightly(bmi_chd: dict[str, np.ndarray]) -> None:
    args = (bmi_chd["bx"], bmi_chd["bxse"], bmi_chd["by"], bmi_chd["byse"])
    a = mr_raps(*args)
    b = mr_raps(*args, constants="exact")
    assert a.beta != b.beta and abs(a.beta - b.beta) < 1e-7 * abs(a.beta)
    assert abs(a.se - b.se) < 1e-5 * a.se


@pytest.mark.parametrize("name", DATASETS)
def test_uwr_matches_twosamplemr(
    name: str, ref: dict[str, Any], bmi_chd: dict[str, np.ndarray], ldl: dict[str, np.ndarray]
) -> None:
    want = ref[name]["uwr"]
    res, q = mr_uwr(*_arrays(name, bmi_chd, ldl))
    for got, key in ((res.b, "b"), (res.se, "se"), (res.pval, "pval"), (q.Q, "Q")):
        assert _close(got, want[key]), key
    assert q.Q_df == want["Q_df"] and _close(q.Q_pval, want["Q_pval"])


_MODE_KINDS = {
    "Simple mode": ("simple", "delta"),
    "Weighted mode": ("weighted", "delta"),
    "Penalised mode": ("penalised", "delta"),
    "Simple mode (NOME)": ("simple", "simple"),
    "Weighted mode (NOME)": ("weighted", "simple"),
}


@pytest.mark.parametrize("name", DATASETS)
@pytest.mark.parametrize("method", list(_MODE_KINDS))
def test_mode_family_matches_twosamplemr(
    name: str,
    method: str,
    ref: dict[str, Any],
    bmi_chd: dict[str, np.ndarray],
    ldl: dict[str, np.ndarray],
) -> None:
    rows = {r["method"]: r for r in ref[name]["mode"]}
    assert ref[name]["mode_nboot"] == N_BOOT
    kind, stderror = _MODE_KINDS[method]
    res = mode_estimate(
        *_arrays(name, bmi_chd, ldl),
        kind=kind,  # type: ignore[arg-type]
        stderror=stderror,  # type: ignore[arg-type]
        n_boot=N_BOOT,
        rng=7,
    )
    assert res.b == pytest.approx(rows[method]["b"], rel=1e-13)
    assert res.se == pytest.approx(rows[method]["se"], rel=MC_RTOL)


def test_mode_seeds_reproducible(ldl: dict[str, np.ndarray]) -> None:
    args = (ldl["bx"], ldl["bxse"], ldl["by"], ldl["byse"])
    a = run_mr(*args, methods=["penalised_mode", "simple_mode_nome"], n_boot=300, seed=5)
    b = run_mr(*args, methods=["simple_mode_nome", "penalised_mode"], n_boot=300, seed=5)
    assert a.result("penalised_mode") == b.result("penalised_mode")
    assert a.result("simple_mode_nome") == b.result("simple_mode_nome")


def test_unweighted_mode_first_order_se_matches_mendelianrandomization(
    ldl: dict[str, np.ndarray],
) -> None:
    """mr_mbe(weighting = "unweighted", stderror = "simple") gives SE 0.62 on these data; the
    bootstrap must resample with the first-order ratio SEs, not the second-order ones (which
    give about 1.2, the package's stderror = "delta" value)."""
    with open(REF / "mendelianrandomization_mbe_reference_r4.2.tsv") as fh:
        rows = {(r["weighting"], r["stderror"]): r for r in csv.DictReader(fh, delimiter="\t")}
    args = (ldl["bx"], ldl["bxse"], ldl["by"], ldl["byse"])
    for (weighting, stderror), row in rows.items():
        kind = "weighted" if weighting == "weighted" else "simple"
        res = mode_estimate(
            *args,
            kind=kind,  # type: ignore[arg-type]
            stderror=stderror,  # type: ignore[arg-type]
            n_boot=int(row["iterations"]),
            distribution="normal",
        )
        assert res.b == pytest.approx(float(row["estimate"]), rel=1e-13)
        assert res.se == pytest.approx(float(row["se"]), rel=MC_RTOL), (weighting, stderror)
    unweighted_simple = float(rows[("unweighted", "simple")]["se"])
    assert 0.55 < unweighted_simple < 0.7


def test_penalised_mode_refuses_first_order() -> None:
    from alsatlas.errors import StatsInputError

    with pytest.raises(StatsInputError):
        mode_estimate(
            [0.1, 0.2, 0.3],
            [0.01] * 3,
            [0.1, 0.1, 0.2],
            [0.02] * 3,
            kind="penalised",
            stderror="simple",
        )


def test_f_quantile_matches_r_qf_far_tail(ref: dict[str, Any]) -> None:
    st = ref["steiger"]
    p = np.array(st["pval_exposure"])
    n = np.array(st["n_exposure"])
    got = f1_isf(p, n - 1.0)
    want = np.array(st["qf_exposure"])
    assert np.min(p) < 1e-13  # the far tail where scipy.stats.f.isf is 3e-5 off
    np.testing.assert_allclose(got, want, rtol=1e-13)
    r = np.sqrt(r2_from_pn(p, n))
    np.testing.assert_allclose(r, st["r_from_pn_exposure"], rtol=1e-13)


def test_f_quantile_extremes() -> None:
    assert np.isinf(f1_isf(0.0, 100.0))
    assert f1_isf(1.0, 100.0) == 0.0
    # beyond where scipy.stats.f.isf overflows, still finite and decreasing in p
    q = f1_isf(np.array([1e-300, 1e-200, 1e-100]), 3e5)
    assert np.all(np.isfinite(q)) and q[0] > q[1] > q[2]


def test_directionality_matches_twosamplemr(
    ref: dict[str, Any], bmi_full: dict[str, np.ndarray]
) -> None:
    b = bmi_full
    want = ref["steiger"]["directionality"]
    res = steiger(
        b["beta.exposure"],
        b["se.exposure"],
        b["beta.outcome"],
        b["se.outcome"],
        TraitSample(n=b["samplesize.exposure"], pval=b["pval.exposure"]),
        TraitSample(n=b["samplesize.outcome"], pval=b["pval.outcome"]),
    )
    assert res.r2_source_exposure == "pn"
    assert _close(res.r2_exposure, want["snp_r2.exposure"], 1e-12)
    assert _close(res.r2_outcome, want["snp_r2.outcome"], 1e-12)
    assert res.correct_causal_direction is want["correct_causal_direction"]
    assert _close(res.steiger_pval, want["steiger_pval"], 1e-9)


@pytest.mark.parametrize("units", ["bsen", "sd"])
def test_steiger_filtering_matches_twosamplemr(
    units: str, ref: dict[str, Any], bmi_full: dict[str, np.ndarray]
) -> None:
    b = bmi_full
    want = ref["steiger"][f"filtering_{units}"]
    assert want["snps"] == ref["steiger"]["snps"]
    sd = units == "sd"
    res = steiger_filtering(
        b["beta.exposure"],
        b["se.exposure"],
        b["beta.outcome"],
        b["se.outcome"],
        TraitSample(
            n=b["samplesize.exposure"], pval=b["pval.exposure"], eaf=b["eaf.exposure"], sd_units=sd
        ),
        TraitSample(
            n=b["samplesize.outcome"], pval=b["pval.outcome"], eaf=b["eaf.outcome"], sd_units=sd
        ),
    )
    assert res.r2_source_exposure == ("sd_eaf" if sd else "bsen")
    np.testing.assert_allclose(res.rsq_exposure, want["rsq_exposure"], rtol=1e-12)
    np.testing.assert_allclose(res.rsq_outcome, want["rsq_outcome"], rtol=1e-12)
    assert res.steiger_dir.tolist() == want["steiger_dir"]
    np.testing.assert_allclose(res.steiger_pval, want["steiger_pval"], rtol=1e-9)
    assert res.keep().sum() == sum(want["steiger_dir"])


def test_methods_all_runs_what_applies(ldl: dict[str, np.ndarray]) -> None:
    args = (ldl["bx"], ldl["bxse"], ldl["by"], ldl["byse"])
    rep = run_mr(*args, methods="all", n_boot=50)
    ran = {r.method for r in rep.results}
    assert {"raps", "uwr", "penalised_mode", "weighted_mode_nome", "presso"} <= ran
    assert dict(rep.skipped)["wald_ratio"].startswith("takes exactly one variant")
    small = run_mr(args[0][:3], args[1][:3], args[2][:3], args[3][:3], methods="all", n_boot=20)
    assert "presso" in dict(small.skipped) and "presso" not in {r.method for r in small.results}


def test_presso_rss_obs_match_mr_presso(bmi_chd: dict[str, np.ndarray]) -> None:
    """Global and per-variant RSSobs (observed, not simulated) against MR-PRESSO's own code
    (presso_rssobs_reference.R)."""
    from alsatlas.genetics.mr import mr_presso

    with open(REF / "presso_rssobs_reference_r4.2.tsv") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert rows[0]["SNP"] == "global" and len(rows) == 80
    res = mr_presso(
        bmi_chd["bx"],
        bmi_chd["bxse"],
        bmi_chd["by"],
        bmi_chd["byse"],
        n_distribution=100,
        signif_threshold=1.0,
        rng=1,
    )
    assert res.rss_obs == pytest.approx(float(rows[0]["rss_obs"]), rel=1e-12)
    assert res.snp_rss_obs is not None
    np.testing.assert_allclose(res.snp_rss_obs, [float(r["rss_obs"]) for r in rows[1:]], rtol=1e-10)
