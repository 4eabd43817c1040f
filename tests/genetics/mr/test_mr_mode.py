"""Mode-based estimate: R density() grid emulation and point estimates against base R 4.2.

Reference values were produced by tests/reference/mr/density_reference.R and
mode_reference.R (base R only, printed with 15 significant digits), so the tolerance is
1e-13 relative. The weighted mode on BMI → CHD, 0.38882 with R 4.2.2, is also the value
recorded in the shared research notes (mr-methods.md, reproducibility trap 1).
"""

from __future__ import annotations

import csv

import numpy as np
import pytest
from mr_testdata import REF

from alsatlas.genetics.mr import mode_estimate, run_mr
from alsatlas.genetics.mr.density import density_argmax
from alsatlas.genetics.mr.mode import mode_bandwidth


def test_density_argmax_matches_r() -> None:
    with open(REF / "density_reference_r4.2.csv") as fh:
        lines = [ln for ln in fh.read().splitlines() if ln]
    assert len(lines) == 20
    for line in lines:
        v = np.array([float(t) for t in line.split(",")])
        k = (v.size - 2) // 2
        h, x, w, ref = v[0], v[1 : 1 + k], v[1 + k : 1 + 2 * k], v[-1]
        got = density_argmax(x[None, :], w, np.array([h]))[0]
        assert got == pytest.approx(ref, rel=1e-13, abs=1e-15)


def _data(name: str, ldl: dict[str, np.ndarray], bmi: dict[str, np.ndarray]) -> tuple:
    d = ldl if name == "waterworth_ldl_chd" else bmi
    return d["bx"], d["bxse"], d["by"], d["byse"]


def test_mode_point_estimates_match_r(
    ldl: dict[str, np.ndarray], bmi_chd: dict[str, np.ndarray]
) -> None:
    with open(REF / "mode_reference_r4.2.tsv") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert len(rows) == 8
    for row in rows:
        kind = "simple" if row["method"] == "simple_mode" else "weighted"
        r = mode_estimate(
            *_data(row["dataset"], ldl, bmi_chd), kind=kind, phi=float(row["phi"]), n_boot=20
        )
        assert r.b == pytest.approx(float(row["estimate"]), rel=1e-13), row


def test_weighted_mode_bmi_chd_research_note(bmi_chd: dict[str, np.ndarray]) -> None:
    r = mode_estimate(bmi_chd["bx"], bmi_chd["bxse"], bmi_chd["by"], bmi_chd["byse"], n_boot=20)
    assert round(r.b, 5) == 0.38882


def test_mode_conventions_share_estimate_differ_in_p(ldl: dict[str, np.ndarray]) -> None:
    args = (ldl["bx"], ldl["bxse"], ldl["by"], ldl["byse"])
    t = run_mr(*args, methods=["weighted_mode"], n_boot=200, seed=1)
    n = run_mr(
        *args, methods=["weighted_mode"], n_boot=200, seed=1, convention="mendelianrandomization"
    )
    a, b = t.result("weighted_mode"), n.result("weighted_mode")
    assert a.b == b.b and a.se == b.se
    assert a.pval > b.pval  # t(k - 1) is heavier-tailed than the normal
    # limits: TwoSampleMR's generate_odds_ratios uses 1.96, MendelianRandomization qnorm
    assert (a.ci_lb, a.ci_ub) == (a.b - 1.96 * a.se, a.b + 1.96 * a.se)
    assert b.ci_lb == pytest.approx(b.b - 1.959963984540054 * b.se, rel=1e-12)


@pytest.mark.parametrize("shape", ["normal", "bimodal", "cauchy"])
def test_windowed_argmax_equals_full_grid(shape: str) -> None:
    """The checked window around the densest bin picks the same grid point as interpolating
    on all 512 points, including two-peaked and heavy-tailed samples."""
    rng = np.random.default_rng(17)
    b, k = 300, 40
    if shape == "normal":
        x = rng.normal(size=(b, k))
    elif shape == "bimodal":
        x = np.concatenate([rng.normal(0, 0.3, (b, k // 2)), rng.normal(2, 0.3, (b, k // 2))], 1)
    else:
        x = rng.standard_cauchy(size=(b, k))
    w = rng.uniform(0.1, 1.0, k)
    h = mode_bandwidth(x)
    fast = density_argmax(x, w, h)
    full = density_argmax(x, w, h, exhaustive=True)
    np.testing.assert_array_equal(fast, full)
