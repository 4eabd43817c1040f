"""Speed rewrites of the MR helpers: χ²₁ tail (erfc form), sign-concordance counts, the
compiled Φ⁻¹ and R normal stream, numpy's summation order, the compiled cML descent, the
bootstrap MR-Egger replicates and the multivariable least squares (all equal to the array
forms they replace, bit for bit)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

from alsatlas.genetics.mr.penalised import _chi2_1_sf


def test_chi2_1_sf_matches_incomplete_gamma() -> None:
    x = np.concatenate([[0.0], np.logspace(-12, np.log10(1390.0), 5000), [1400.5, 1450.0, 1e4]])
    got, ref = _chi2_1_sf(x), special.chdtrc(1.0, x)
    assert got[0] == 1.0
    pos = ref > 0
    assert np.all(np.abs(got[pos] - ref[pos]) <= 1e-12 * ref[pos])
    assert np.array_equal(got[-3:], ref[-3:])


def test_sign_concordance_counts_with_zeros() -> None:
    """Concordant / non-zero counts match a direct count, zeros in either association skipped."""
    from alsatlas.genetics.mr.inputs import MRArrays
    from alsatlas.genetics.mr.sign import sign_concordance_from_arrays

    rng = np.random.default_rng(3)
    for _ in range(50):
        k = int(rng.integers(8, 40))
        bx = rng.normal(size=k) * (rng.random(k) > 0.15)
        by = rng.normal(size=k) * (rng.random(k) > 0.15)
        keep = (bx != 0) & (by != 0)
        n = int(keep.sum())
        if n < 6:
            continue
        x = int((((bx > 0) == (by > 0)) & keep).sum())
        r = sign_concordance_from_arrays(MRArrays(bx, np.ones(k), by, np.ones(k)))
        assert r.nsnp == n
        assert r.b == (x / n - 0.5) * 2.0
        m = min(x, n - x)
        assert r.pval == (1.0 if 2 * x == n else min(1.0, 2.0 * float(special.bdtr(m, n, 0.5))))


def test_ndtri_equals_scipy_bit_for_bit() -> None:
    from alsatlas.genetics.mr.ndtri import ndtri

    rng = np.random.default_rng(11)
    e2 = 0.13533528323661269189
    edges = [0.0, 1.0, -0.5, 1.5, np.nan, 5e-324, 1e-300, 1e-15, 1.2664165549e-14, 0.5]
    edges += [e2, 1 - e2, np.nextafter(e2, 0), np.nextafter(e2, 1), np.nextafter(1 - e2, 0)]
    edges += [np.nextafter(1 - e2, 1), np.nextafter(1.0, 0)]
    for y in (
        rng.random(300_000),
        rng.random(100_000) ** 40,
        1.0 - rng.random(100_000) ** 40,
        (rng.integers(0, 2**27, 100_000) + rng.random(100_000)) / 2**27,
        np.array(edges),
    ):
        with np.errstate(invalid="ignore"):
            ref = special.ndtri(y)
        assert np.array_equal(ndtri(y), ref, equal_nan=True)


def test_r_rnorm_equals_numpy_mt19937_route() -> None:
    """The compiled generator gives the words of numpy's MT19937 in R's seeded state."""
    from alsatlas.genetics.mr.rstream import r_rnorm, r_seeded_mt

    for seed in (0, 1, 314, 314159265, -7, 2**31 - 1):
        for n in (0, 1, 311, 312, 313, 5000, 19969, 40000):
            raw = r_seeded_mt(seed).random_raw(2 * n).reshape(n, 2).astype(np.uint64)
            u2 = np.maximum(raw[:, 1] * 2.3283064365386963e-10, 0.5 * 2.328306437080797e-10)
            ref = special.ndtri(((raw[:, 0] >> np.uint64(5)) + u2) / 134217728.0)
            assert np.array_equal(r_rnorm(seed, n), ref)


def test_pairwise_sum_is_numpys() -> None:
    from alsatlas.genetics.mr.npsum import pairwise_sum

    rng = np.random.default_rng(5)
    for n in [*range(300), 1000, 1001, 4099, 100_003]:
        a = rng.standard_normal(n) * 10.0 ** rng.uniform(-6, 6, n)
        assert pairwise_sum(a, n) == np.sum(a)


def test_cml_rows_equal_single_fits_with_ties() -> None:
    """Tied importances (repeated variants) pick the invalid set in argsort's stable order."""
    from alsatlas.genetics.mr.cml import cml_fit, cml_fits
    from alsatlas.genetics.mr.inputs import MRArrays

    rng = np.random.default_rng(8)
    for _ in range(20):
        k = int(rng.integers(5, 30))
        bx = rng.uniform(0.05, 0.2, k) * rng.choice([-1.0, 1.0], k)
        by = 0.3 * bx + rng.normal(0.0, 0.05, k)
        bxse, byse = rng.uniform(0.01, 0.02, k), rng.uniform(0.01, 0.03, k)
        rep = rng.integers(0, k, k // 3)
        bx[rep[1:]], by[rep[1:]] = bx[rep[0]], by[rep[0]]
        bxse[rep[1:]], byse[rep[1:]] = bxse[rep[0]], byse[rep[0]]
        d = MRArrays(bx, bxse, by, byse)
        for f in cml_fits(d, list(range(k - 1))):
            one = cml_fit(d, f.k_invalid)
            assert (f.theta, f.neg_loglik, f.invalid) == (one.theta, one.neg_loglik, one.invalid)


def _egger_bootstrap_array_form(
    zx: np.ndarray,
    zy: np.ndarray,
    bx: np.ndarray,
    bxse: np.ndarray,
    by: np.ndarray,
    byse: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Replicate slopes and intercepts of the bootstrap MR-Egger as whole-array numpy
    (``zx``/``zy`` k×n_boot, column r: replicate r), the form the compiled loops replace."""
    w = byse**-2.0
    xs = zx * bxse[:, None] + bx[:, None]
    ys = (zy * byse[:, None] + by[:, None]) * np.sign(xs)
    xs = np.abs(xs)
    xc, yc = xs * w[:, None], ys * w[:, None]
    xc -= xc.mean(axis=0)
    yc -= yc.mean(axis=0)
    b = (xc * yc).sum(axis=0) / (xc * xc).sum(axis=0)
    return b, ys.mean(axis=0) - xs.mean(axis=0) * b


def test_egger_bootstrap_replicates_equal_array_form() -> None:
    from alsatlas.genetics.mr.egger_bootstrap import _replicates

    rng = np.random.default_rng(2)
    k, nb = 37, 700
    bx, by = rng.normal(0.0, 0.1, k), rng.normal(0.0, 0.1, k)
    bxse, byse = rng.uniform(0.002, 0.03, k), rng.uniform(0.005, 0.05, k)
    zx, zy = rng.standard_normal((k, nb)), rng.standard_normal((k, nb))
    zx[3, :5] = -bx[3] / bxse[3]  # bx* = 0: sign 0
    b, a = _egger_bootstrap_array_form(zx, zy, bx, bxse, by, byse)
    slopes, icpts = np.empty(nb), np.empty(nb)
    _replicates(zx, zy, bx, bxse, by, byse, byse**-2.0, slopes, icpts)
    assert np.array_equal(slopes, b)
    assert np.array_equal(icpts, a)


def test_egger_bootstrap_numpy_stream_replicates_equal_array_form() -> None:
    """Draws n_boot×k (numpy's stream): numpy reduces each replicate's column pairwise."""
    from alsatlas.genetics.mr.egger_bootstrap import _replicates_by_row

    rng = np.random.default_rng(6)
    k, nb = 150, 300
    bx, by = rng.normal(0.0, 0.1, k), rng.normal(0.0, 0.1, k)
    bxse, byse = rng.uniform(0.002, 0.03, k), rng.uniform(0.005, 0.05, k)
    zx, zy = rng.standard_normal((nb, k)), rng.standard_normal((nb, k))
    b, a = _egger_bootstrap_array_form(zx.T, zy.T, bx, bxse, by, byse)
    slopes, icpts = np.empty(nb), np.empty(nb)
    _replicates_by_row(zx, zy, bx, bxse, by, byse, byse**-2.0, slopes, icpts)
    assert np.array_equal(slopes, b)
    assert np.array_equal(icpts, a)


def test_mv_least_squares_equal_numpy_linalg() -> None:
    from alsatlas.genetics.mr.mvmr import _wls, as_mv_inputs

    rng = np.random.default_rng(4)
    for _ in range(30):
        k, m = int(rng.integers(6, 80)), int(rng.integers(1, 5))
        bx = rng.normal(0.0, 0.1, (k, m))
        d = as_mv_inputs(
            bx, rng.uniform(0.01, 0.02, (k, m)), rng.normal(0, 0.1, k), rng.uniform(0.01, 0.05, k)
        )
        for orient in (-1, 0, m - 1):
            s = np.ones(k) if orient < 0 else np.sign(bx[:, orient])
            x = d.bx * s[:, None]
            if orient >= 0:
                x = np.column_stack([np.ones(k), x])
            sw = np.sqrt(d.byse**-2.0)
            xw, yw = x * sw[:, None], d.by * s * sw
            q, r = np.linalg.qr(xw)
            coef = np.linalg.solve(r, q.T @ yw)
            rinv = np.linalg.inv(r)
            res = yw - xw @ coef
            sigma = float(np.sqrt(float(res @ res) / (k - x.shape[1])))
            got = _wls(d, orient)
            assert got == (coef.tolist(), np.diag(rinv @ rinv.T).tolist(), sigma)


def test_mv_least_squares_public_linalg_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without numpy's private gufunc module, the public np.linalg route gives equal values."""
    from alsatlas.genetics.mr import mvmr

    rng = np.random.default_rng(12)
    for _ in range(30):
        k, m = int(rng.integers(6, 80)), int(rng.integers(1, 5))
        d = mvmr.as_mv_inputs(
            rng.normal(0.0, 0.1, (k, m)),
            rng.uniform(0.01, 0.02, (k, m)),
            rng.normal(0, 0.1, k),
            rng.uniform(0.01, 0.05, k),
        )
        fast = [mvmr._wls(d, orient) for orient in (-1, 0, m - 1)]
        with monkeypatch.context() as mp:
            mp.setattr(mvmr, "_LAPACK", None)
            assert [mvmr._wls(d, orient) for orient in (-1, 0, m - 1)] == fast


@pytest.mark.parametrize("lapack", ["private", "public"])
def test_mv_singular_design_is_an_input_error(monkeypatch: pytest.MonkeyPatch, lapack: str) -> None:
    from alsatlas.errors import StatsInputError
    from alsatlas.genetics.mr import mvmr

    if lapack == "public":
        monkeypatch.setattr(mvmr, "_LAPACK", None)
    rng = np.random.default_rng(13)
    bx = np.column_stack([rng.normal(0.0, 0.1, 10), np.zeros(10)])
    with pytest.raises(StatsInputError, match="singular"):
        mvmr.run_mvmr(bx, np.full((10, 2), 0.01), rng.normal(0.0, 0.1, 10), np.full(10, 0.02))
