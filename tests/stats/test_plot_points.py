"""Plot coordinates (Baujat, radial, L'Abbé, funnel contours, GOSH) equal metafor's.

Reference values: ``tests/reference/metafor/plots_reference.json``, written by
``make_plots_reference.R`` (metafor 3.8-1).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from alsatlas.errors import StatsInputError
from alsatlas.stats import rma
from alsatlas.stats.baujat import baujat_points
from alsatlas.stats.funnel_contours import funnel_contours
from alsatlas.stats.gosh import gosh
from alsatlas.stats.labbe import labbe_points
from alsatlas.stats.radial import radial_points

REFERENCE = Path(__file__).parents[1] / "reference" / "metafor" / "plots_reference.json"
REF: dict[str, Any] = json.loads(REFERENCE.read_text())
DATA: dict[str, Any] = REF["data"]
RTOL = 1e-6


def _close(actual: Any, expected: Any, rtol: float = RTOL, atol: float = 1e-12) -> None:
    np.testing.assert_allclose(np.asarray(actual, dtype=float), expected, rtol=rtol, atol=atol)


@pytest.mark.parametrize("case", sorted(REF["baujat"]))
def test_baujat_matches_metafor(case: str) -> None:
    ref = REF["baujat"][case]
    d = DATA[ref["data"]]
    mods = np.asarray(d[ref["mods"]]) if ref["mods"] else None
    fit = rma(d["yi"], d["vi"], method=ref["method"], test=ref["test"], mods=mods)
    pts = baujat_points(fit)
    _close(pts.x, ref["x"])
    _close(pts.y, ref["y"])


def test_baujat_x_sums_to_q_for_equal_effects() -> None:
    d = DATA["hackshaw1998"]
    fit = rma(d["yi"], d["vi"], method="EE")
    pts = baujat_points(fit)
    assert pts.equal_effects
    assert np.sum(pts.x) == pytest.approx(fit.QE, rel=1e-12)


@pytest.mark.parametrize("case", sorted(REF["radial"]))
def test_radial_matches_metafor(case: str) -> None:
    ref = REF["radial"][case]
    d = DATA[ref["data"]]
    fit = rma(d["yi"], d["vi"], method=ref["method"])
    pts = radial_points(fit, center=ref["center"])
    _close(pts.x, ref["x"])
    _close(pts.z, ref["y"])
    assert pts.slope == (0.0 if ref["center"] else fit.estimate)


def test_radial_refuses_moderators() -> None:
    d = DATA["bcg"]
    fit = rma(d["yi"], d["vi"], mods=np.asarray(d["ablat"]))
    with pytest.raises(StatsInputError, match="without moderators"):
        radial_points(fit)


@pytest.mark.parametrize("case", sorted(REF["labbe"]))
def test_labbe_matches_metafor(case: str) -> None:
    ref = REF["labbe"][case]
    d = DATA[ref["data"]]
    pts = labbe_points(d["ai"], d["bi"], d["ci"], d["di"], measure=ref["measure"])
    assert pts.kept.all()
    _close(pts.x, ref["x"])
    _close(pts.y, ref["y"])
    _close(pts.size, ref["cex"])


def test_labbe_refuses_peto() -> None:
    with pytest.raises(StatsInputError, match="measure"):
        labbe_points([1], [2], [3], [4], measure="PETO")


@pytest.mark.parametrize("case", sorted(REF["funnel"]))
def test_funnel_contours_match_metafor(case: str) -> None:
    ref = REF["funnel"][case]
    d = DATA[ref["data"]]
    _close(d["yi"], ref["x"])
    _close(np.sqrt(d["vi"]), ref["y"])
    contours = funnel_contours(ref["se_grid"], ref["levels"])
    by_level = {c.level: c for c in contours}
    assert [c.level for c in contours] == sorted(ref["levels"], reverse=True)
    for expected in ref["contours"]:
        got = by_level[expected["level"]]
        _close(got.lower, expected["lower"])
        _close(got.upper, expected["upper"])


@pytest.mark.parametrize("case", sorted(REF["gosh"]))
def test_gosh_matches_metafor_subset_by_subset(case: str) -> None:
    ref = REF["gosh"][case]
    d = DATA[ref["data"]]
    rows = np.asarray(ref["rows"]) - 1
    fit = rma(np.asarray(d["yi"])[rows], np.asarray(d["vi"])[rows], method=ref["method"])
    res = gosh(fit, chunk_elements=64)  # several chunks
    assert res.exact and res.n == len(ref["k"]) == 2 ** len(rows) - 1
    incl = np.array([[c == "1" for c in row] for row in ref["incl"]])
    np.testing.assert_array_equal(res.included(), incl)
    np.testing.assert_array_equal(res.k, ref["k"])
    for name in ("QE", "I2", "H2", "tau2", "estimate"):
        # On the boundary (exact root tau2 = 0) metafor's Fisher scoring stops at tau2 of
        # order 1e-12, which shows as I2 of order 1e-10 percent: an absolute allowance.
        _close(getattr(res, name), ref[name], atol=1e-8 if name == "I2" else 1e-10)


def test_gosh_random_sample_is_seeded_and_each_row_is_its_subsets_fit() -> None:
    d = DATA["hackshaw1998"]
    fit = rma(d["yi"], d["vi"])
    a = gosh(fit, subsets=400, seed=3, chunk_elements=500)
    b = gosh(fit, subsets=400, seed=3)
    assert not a.exact and a.n == 400
    np.testing.assert_array_equal(a.incl_packed, b.incl_packed)
    np.testing.assert_allclose(a.estimate, b.estimate, rtol=1e-12)  # chunking: ulps
    assert np.all(np.diff(a.k) >= 0)  # ordered by size, as metafor
    incl = a.included()
    np.testing.assert_array_equal(incl.sum(axis=1), a.k)
    yi, vi = np.asarray(d["yi"]), np.asarray(d["vi"])
    for row in (0, 150, 399):
        one = rma(yi[incl[row]], vi[incl[row]])
        assert a.estimate[row] == pytest.approx(one.estimate, rel=1e-9)
        assert a.I2[row] == pytest.approx(one.I2, rel=1e-9, abs=1e-9)
        assert a.QE[row] == pytest.approx(one.QE, rel=1e-9)
    assert not np.array_equal(gosh(fit, subsets=400, seed=4).incl_packed, a.incl_packed)


def test_gosh_refuses_moderators_and_tiny_subsets() -> None:
    d = DATA["bcg"]
    with pytest.raises(StatsInputError, match="without moderators"):
        gosh(rma(d["yi"], d["vi"], mods=np.asarray(d["ablat"])))
    with pytest.raises(StatsInputError, match=">= 2"):
        gosh(rma(d["yi"], d["vi"]), subsets=1)
