"""The public contract of alsatlas.genetics.mr: names, run_mr dispatch and its JSON form."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import alsatlas.genetics.mr as mr
from alsatlas.errors import StatsInputError
from alsatlas.genetics.mr import METHOD_IDS, run_mr
from alsatlas.genetics.mr.extra_methods import EXTRA_METHODS
from alsatlas.genetics.mr.run import DEFAULT_SET


def test_public_names_are_sorted_and_exported() -> None:
    assert list(mr.__all__) == sorted(mr.__all__, key=lambda n: (not n.isupper(), n))
    for name in mr.__all__:
        assert hasattr(mr, name)


def test_method_ids_match_issue() -> None:
    assert {"penalised_mode", "simple_mode_nome", "weighted_mode_nome", "uwr", "raps"} <= set(
        METHOD_IDS
    )
    assert METHOD_IDS[:10] == (
        "wald_ratio",
        "ivw",
        "ivw_fe",
        "egger",
        "simple_median",
        "weighted_median",
        "penalised_weighted_median",
        "simple_mode",
        "weighted_mode",
        "presso",
    )
    assert set(EXTRA_METHODS) <= set(METHOD_IDS)


def test_single_variant_runs_wald_ratio() -> None:
    rep = run_mr([0.1], [0.01], [0.05], [0.02])
    assert [r.method for r in rep.results] == ["wald_ratio"]
    assert rep.heterogeneity is None and rep.egger_intercept is None


def test_json_form(ldl: dict[str, np.ndarray]) -> None:
    rep = run_mr(ldl["bx"], ldl["bxse"], ldl["by"], ldl["byse"], methods=["ivw", "egger"])
    d = rep.to_dict()
    text = json.dumps(d, allow_nan=False)
    back = json.loads(text)
    assert [r["method"] for r in back["results"]] == ["ivw", "egger"]
    assert set(back["results"][0]) == {"method", "nsnp", "b", "se", "ci_lb", "ci_ub", "pval"}
    assert back["heterogeneity"]["ivw"]["Q_df"] == 27
    assert back["heterogeneity"]["rucker"]["Q_egger"] == pytest.approx(
        back["heterogeneity"]["egger"]["Q"]
    )
    assert set(back["egger_intercept"]) >= {"intercept", "se", "pval", "I2GX"}
    assert back["steiger"] is None
    assert len(back["fstat"]["per_snp"]) == 28


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"methods": ["nope"]}, "methods"),
        ({"methods": ["egger"]}, "methods"),
        ({"convention": "stata"}, "convention"),
        ({"methods": []}, "methods"),
        ({"seed": -1}, "seed"),
        ({"n_boot": 1}, "n_boot"),
        ({"alpha": 1.5}, "alpha"),
    ],
)
def test_bad_requests_name_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(StatsInputError) as err:
        run_mr([0.1, 0.2], [0.01, 0.01], [0.05, 0.1], [0.02, 0.02], **kwargs)  # type: ignore[arg-type]
    assert err.value.field == field


def test_bad_arrays_name_field_and_row() -> None:
    with pytest.raises(StatsInputError) as err:
        run_mr([0.1, 0.2], [0.01, -0.01], [0.05, 0.1], [0.02, 0.02])
    assert (err.value.field, err.value.row) == ("bxse", 1)
    with pytest.raises(StatsInputError) as err:
        run_mr([0.1, np.nan], [0.01, 0.01], [0.05, 0.1], [0.02, 0.02])
    assert (err.value.field, err.value.row) == ("bx", 1)
    with pytest.raises(StatsInputError):
        run_mr([0.1, 0.2], [0.01, 0.01], [0.05], [0.02, 0.02])


@given(
    st.integers(min_value=3, max_value=40),
    st.integers(min_value=0, max_value=2**31),
    st.floats(min_value=-2.0, max_value=2.0),
)
@settings(max_examples=25, deadline=None)
def test_allele_coding_invariance_fuzzed(k: int, seed: int, theta: float) -> None:
    """Random data, random subset of flipped alleles: deterministic outputs unchanged."""
    rng = np.random.default_rng(seed)
    bx = rng.uniform(0.01, 0.2, k) * rng.choice([-1.0, 1.0], k)
    bxse = rng.uniform(0.002, 0.02, k)
    byse = rng.uniform(0.005, 0.05, k)
    by = theta * bx + rng.normal(0.0, byse)
    flip = rng.choice([-1.0, 1.0], k)
    methods = ["ivw", "ivw_fe", "egger", "simple_median", "weighted_median"]
    a = run_mr(bx, bxse, by, byse, methods=methods, n_boot=10)
    b = run_mr(bx * flip, bxse, by * flip, byse, methods=methods, n_boot=10)
    for ra, rb in zip(a.results, b.results, strict=True):
        assert rb.b == pytest.approx(ra.b, rel=1e-9, abs=1e-12)
    for ra, rb in zip(a.results[:3], b.results[:3], strict=True):
        assert rb.se == pytest.approx(ra.se, rel=1e-9)
    assert json.dumps(a.to_dict(), allow_nan=False)


def test_default_methods_and_full_json(ldl: dict[str, np.ndarray]) -> None:
    rep = run_mr(ldl["bx"], ldl["bxse"], ldl["by"], ldl["byse"], n_boot=50)
    assert [r.method for r in rep.results] == [
        m for m in METHOD_IDS if m != "wald_ratio" and m in DEFAULT_SET
    ]
    back = json.loads(json.dumps(rep.to_dict(), allow_nan=False))
    presso = back["presso"]
    assert set(presso) >= {"rss_obs", "global_pval", "outlier_indices", "distortion_pval"}
    assert presso["raw"]["method"] == "presso"
    assert back["results"][-1]["nsnp"] == 28 - len(presso["outlier_indices"])
    assert back["n_boot"] == 50 and back["seed"] == mr.DEFAULT_SEED


@pytest.mark.parametrize(
    ("method", "case"),
    [
        ("egger_penalised", "same |bx|"),
        ("egger_penalised", "exact line"),
        ("egger_robust_penalised", "same |bx|"),
    ],
)
def test_penalised_egger_degenerate_data_skip_the_method(method: str, case: str) -> None:
    """Sxx = 0 or σ̂ = 0 leave the penalised MR-Egger undefined: the method is left out with
    its reason, the others still run."""
    rng = np.random.default_rng(21)
    bx = np.full(8, 0.1) if case == "same |bx|" else rng.uniform(0.05, 0.2, 8)
    by = rng.normal(0.0, 0.01, 8) if case == "same |bx|" else np.zeros(8)
    rep = run_mr(bx, np.full(8, 0.01), by, np.full(8, 0.01), methods=["ivw", method])
    assert [r.method for r in rep.results] == ["ivw"]
    assert method in dict(rep.skipped)


def test_lasso_without_heterogeneity_skips_the_method() -> None:
    """Outcome associations all zero: every λ gives the zero solution, so MR-Lasso is left
    out with its reason (no 0/0 in the standardisation)."""
    bx = np.random.default_rng(22).uniform(0.05, 0.2, 8)
    rep = run_mr(bx, np.full(8, 0.01), np.zeros(8), np.full(8, 0.01), methods=["ivw", "lasso"])
    assert [r.method for r in rep.results] == ["ivw"]
    assert dict(rep.skipped)["lasso"] == "MR-Lasso: no heterogeneity to penalise"
