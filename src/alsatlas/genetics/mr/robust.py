"""Robust IVW and MR-Egger: MM-estimation as robustbase's ``lmrob`` (Burgess et al. 2016).

MendelianRandomization's ``mr_ivw(robust = TRUE)`` and ``mr_egger(robust = TRUE)`` fit the IVW
and MR-Egger regressions with ``lmrob`` (defaults, ``k.max = maxit.scale = 500``); the
regression weights w_j enter as √w_j times each row of the design and the response.

MM-estimate (Yohai 1987; Koller & Stahel 2011), Tukey bisquare ρ(u) = min(1, 3t − 3t² + t³),
t = (u/c)²:

1. S-estimate: candidates from exact fits to p-row subsamples (robustbase draws 500 at
   random; alsatlas takes every subsample, p ≤ 2 here, or 1,000 drawn with a fixed seed
   when there are more). Each gets one refinement step from
   its MAD scale; of the 50 with the smallest scale after three fixed-point steps, the two
   with the smallest M-scale (Σρ(r/s; c = 1.54764)/(n − p) = ½) are
   refined to convergence (‖Δβ‖₂ ≤ 1e-7‖β‖₂; the scale takes one fixed-point step
   s ← s·√(Σρ/((n − p)/2)) per iteration) and the smaller final scale wins.
2. M-step: iteratively reweighted least squares with the bisquare weight
   (1 − (r/(cs))²)², c = 4.685061, at the fixed S-scale s, until ‖Δβ‖₁ ≤ 1e-7‖β‖₁.
3. Covariance ``.vcov.avar1`` (Croux, Dhaene & Hoorelbeke 2003 as in robustbase): with
   r̃ = r/s, r̃₀ = r₀/s (S residuals), A = s(XᵀW′X)⁻¹, W′ = diag(ψ′(r̃)),
   a = A Xᵀψ′... a = A·Xᵀ(ψ′(r̃)r̃)/mean(χ′(r̃₀)r̃₀), ψ, χ the M and S functions:
   V = [A XᵀΨ²X nA − a(XᵀΨX₀)ᵀA − A(XᵀΨX₀)aᵀ + mean(χ(r̃₀)² − ¼)aaᵀ]/n with XᵀΨX₀ =
   Xᵀ(ψ(r̃)χ(r̃₀)); negative eigenvalues are set to 0 and the diagonal restored.

The package then divides the SE by min(1, s) (random effects; s the S-scale, its ``RSE``) or
by s (fixed effect, IVW). The robust Egger's p-values and limits follow MR-Egger's rules
(`penalised.egger_limits`). Robust + penalised: the penalised weights of `penalised` are
used in the robust fit.

References
----------
Burgess S, Bowden J, Dudbridge F, Thompson SG. arXiv:1606.03729 (2016). Yohai VJ. Ann Stat
1987;15:642-656. Koller M, Stahel WA. Comput Stat Data Anal 2011;55:2504-2515. robustbase
``lmrob`` (Maechler et al.), MendelianRandomization 0.10.0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from alsatlas.errors import StatsInputError
from alsatlas.genetics.mr.blas import single_threaded_blas
from alsatlas.genetics.mr.egger import orient
from alsatlas.genetics.mr.inputs import FloatArray, MRArrays
from alsatlas.genetics.mr.ivw import IVWModel, resolve_model
from alsatlas.genetics.mr.penalised import (
    EggerVariant,
    MRDistribution,
    WLSIntercept,
    _chi2_1_sf,
    egger_result,
    penalised_ivw_weights,
    wls_intercept,
)
from alsatlas.genetics.mr.results import MRMethodResult

C_CHI = 1.54764
C_PSI = 4.685061
B = 0.5
REFINE_TOL = 1e-7
REL_TOL = 1e-7
SCALE_TOL = 1e-10
K_MAX = 500
MAXIT_SCALE = 500
MAX_IT = 50
BEST_R = 2
MAX_SUBSETS = 1_000
SUBSET_SEED = 20160609
SHORTLIST = 50
BLOCK_VALUES = 25_000


def _rho(u: FloatArray, c: float) -> FloatArray:
    """Bisquare ρ. For |u| > c, t = (u/c)² ≥ 1 and the polynomial at t = 1 is exactly 1, so
    clipping t at 1 gives the same numbers as the case split."""
    t = u / c
    t *= t
    np.minimum(t, 1.0, out=t)
    r = t - 3.0
    r *= t
    r += 3.0
    r *= t
    return r


def _rho_row_sums(res: FloatArray, s: FloatArray, c: float) -> FloatArray:
    """Σ_j ρ(res_ij / s_i) for each row i of ``res``."""
    m = res.shape[0]
    out = np.empty(m)
    step = max(1, BLOCK_VALUES // max(res.shape[1], 1))
    for i in range(0, m, step):
        u = res[i : i + step] / s[i : i + step, None]
        out[i : i + step] = _rho(u, c).sum(axis=1)
    return out


def _wgt_rows(res: FloatArray, s: FloatArray, c: float) -> FloatArray:
    """Bisquare weights of res_ij / s_i, row block by row block."""
    out = np.empty_like(res)
    step = max(1, BLOCK_VALUES // max(res.shape[1], 1))
    for i in range(0, res.shape[0], step):
        out[i : i + step] = _wgt(res[i : i + step] / s[i : i + step, None], c)
    return out


def _abs_median_rows(res: FloatArray) -> FloatArray:
    """median_j |res_ij| for each row i."""
    out = np.empty(res.shape[0])
    step = max(1, BLOCK_VALUES // max(res.shape[1], 1))
    for i in range(0, res.shape[0], step):
        out[i : i + step] = np.median(np.abs(res[i : i + step]), axis=1)
    return out


def _wgt(u: FloatArray, c: float) -> FloatArray:
    """Bisquare weight (1 − (u/c)²)²; |u| > c clips u/c to ±1, where the weight is exactly 0."""
    a = u / c
    np.clip(a, -1.0, 1.0, out=a)
    b = 1.0 + a
    np.subtract(1.0, a, out=a)
    a *= b
    a *= a
    return a


def _psi(u: FloatArray, c: float) -> FloatArray:
    return u * _wgt(u, c)


def _psi_prime(u: FloatArray, c: float) -> FloatArray:
    t = (u / c) ** 2
    return np.where(np.abs(u) > c, 0.0, (1.0 - t) * (1.0 - 5.0 * t))


def _chi_prime(u: FloatArray, c: float) -> FloatArray:
    t = (u / c) ** 2
    return np.where(np.abs(u) > c, 0.0, 6.0 * u / (c * c) * (1.0 - t) ** 2)


def _cross(x: FloatArray, y: FloatArray) -> tuple[FloatArray, ...]:
    """The per-row products the weighted least squares of `_wls_pre` sums (p ≤ 2)."""
    if x.shape[1] == 1:
        xx = x[:, 0]
        return (xx * y, xx * xx)
    x0, x1 = x[:, 0], x[:, 1]
    return (x0 * x0, x0 * x1, x1 * x1, x0 * y, x1 * y)


def _wls_pre(cross: tuple[FloatArray, ...], w: FloatArray) -> FloatArray:
    """Weighted least squares for each row of the weight matrix ``w`` from `_cross`."""
    if len(cross) == 2:
        return np.asarray(((w @ cross[0]) / (w @ cross[1]))[:, None], dtype=np.float64)
    s00, s01, s11 = w @ cross[0], w @ cross[1], w @ cross[2]
    t0, t1 = w @ cross[3], w @ cross[4]
    det = s00 * s11 - s01 * s01
    return np.column_stack([(s11 * t0 - s01 * t1) / det, (s00 * t1 - s01 * t0) / det])


def _refine(
    x: FloatArray, y: FloatArray, beta: FloatArray, steps: int, converge: bool, s0: float | None
) -> tuple[FloatArray, float]:
    p = x.shape[1]
    cross = _cross(x, y)
    denom = y.size - p
    res = y - x @ beta
    s = float(np.median(np.abs(res)) * 1.4826) if s0 is None else s0
    ref = beta
    for _ in range(K_MAX if converge else steps):
        s = s * math.sqrt(float(_rho(res / s, C_CHI).sum()) / denom / B)
        ref = _wls_pre(cross, _wgt(res / s, C_CHI)[None, :])[0]
        if converge:
            nb = math.sqrt(float(beta.dot(beta)))
            diff = beta - ref
            if math.sqrt(float(diff.dot(diff))) <= REFINE_TOL * max(REFINE_TOL, nb):
                break
        res = y - x @ ref
        beta = ref
    return ref, s


def _candidates(x: FloatArray, y: FloatArray) -> FloatArray:
    """Exact fits to p-row subsamples (p ≤ 2), one row per candidate."""
    n, p = x.shape
    if p == 1:
        ok = x[:, 0] != 0
        return np.asarray((y[ok] / x[ok, 0])[:, None], dtype=np.float64)
    if p != 2:
        raise StatsInputError("robust fit supports at most two coefficients", field="bx")
    total = math.comb(n, 2)
    if total <= MAX_SUBSETS:
        i, j = np.triu_indices(n, 1)
    else:
        rng = np.random.default_rng(SUBSET_SEED)
        i = rng.integers(0, n, MAX_SUBSETS)
        j = (i + rng.integers(1, n, MAX_SUBSETS)) % n
    a11, a12, a21, a22 = x[i, 0], x[i, 1], x[j, 0], x[j, 1]
    det = a11 * a22 - a12 * a21
    ok = np.abs(det) > 1e-12 * np.maximum(np.abs(a11 * a22), np.abs(a12 * a21))
    det, a11, a12, a21, a22 = det[ok], a11[ok], a12[ok], a21[ok], a22[ok]
    yi, yj = y[i][ok], y[j][ok]
    return np.column_stack([(yi * a22 - a12 * yj) / det, (a11 * yj - a21 * yi) / det])


def _wls_rows(x: FloatArray, y: FloatArray, w: FloatArray) -> FloatArray:
    """Weighted least squares for each row of the weight matrix ``w`` (p ≤ 2)."""
    return _wls_pre(_cross(x, y), w)


def _s_estimate(x: FloatArray, y: FloatArray) -> tuple[FloatArray, float]:
    n, p = x.shape
    cand = _candidates(x, y)
    if cand.shape[0] == 0:
        raise StatsInputError("robust fit: no non-singular subsample", field="bx")
    res = cand @ x.T
    np.subtract(y[None, :], res, out=res)
    s = _abs_median_rows(res) * 1.4826
    if np.any(s == 0):
        i = int(np.flatnonzero(s == 0)[0])
        zeros = int(np.sum(np.abs(res[i]) < 1e-10))
        if zeros > (n + p) / 2:
            return cand[i], 0.0
        s = np.where(s == 0, np.finfo(float).tiny, s)
    # one refinement step (scale step, then weighted least squares), all candidates at once
    s = s * np.sqrt(_rho_row_sums(res, s, C_CHI) / (n - p) / B)
    ref = _wls_rows(x, y, _wgt_rows(res, s, C_CHI))
    np.matmul(ref, x.T, out=res)
    np.subtract(y[None, :], res, out=res)
    # M-scale of each refined candidate: a few fixed-point steps for all, then the most
    # promising ones (those that can hold the two smallest scales) to convergence
    sc = s.copy()
    for _ in range(3):
        sc = sc * np.sqrt(_rho_row_sums(res, sc, C_CHI) / (n - p) / B)
    keep = np.argsort(sc, kind="stable")[:SHORTLIST]
    res, ref, sc = res[keep], ref[keep], sc[keep]
    todo = np.arange(sc.size)
    res_todo, sc_todo = res, sc.copy()
    for _ in range(MAXIT_SCALE):
        new = sc_todo * np.sqrt(_rho_row_sums(res_todo, sc_todo, C_CHI) / (n - p) / B)
        done = np.abs(new - sc_todo) <= SCALE_TOL * sc_todo
        sc[todo] = new
        if done.all():
            break
        if done.any():
            left = ~done
            todo, res_todo, new = todo[left], res_todo[left], new[left]
        sc_todo = new
    best = np.argsort(sc, kind="stable")[:BEST_R]
    out_b, out_s = None, math.inf
    for i in best:
        r, sc_i = _refine(x, y, ref[i], 0, True, float(sc[i]))
        if sc_i < out_s:
            out_b, out_s = r, sc_i
    assert out_b is not None
    return out_b, out_s


@dataclass(frozen=True, slots=True)
class MMFit:
    """MM regression: coefficients, their ``.vcov.avar1`` standard errors and the S-scale."""

    coef: FloatArray
    se: FloatArray
    scale: float


@single_threaded_blas()
def mm_regression(x: FloatArray, y: FloatArray, w: FloatArray) -> MMFit:
    """``lmrob(y ~ x, weights = w)`` (MM, bisquare, defaults; see the module docstring)."""
    sw = np.sqrt(w)
    xw, yw = x * sw[:, None], y * sw
    beta0, scale = _s_estimate(xw, yw)
    r0 = yw - xw @ beta0
    beta = beta0
    res = r0
    cross = _cross(xw, yw)
    for _ in range(MAX_IT - 1):
        new = _wls_pre(cross, _wgt(res / scale, C_PSI)[None, :])[0]
        res = yw - xw @ new
        d = float(np.abs(beta - new).sum())
        beta = new
        if d <= REL_TOL * max(REL_TOL, float(np.abs(new).sum())):
            break
    n = yw.size
    rs, r0s = res / scale, r0 / scale
    wp = _psi_prime(rs, C_PSI)
    w0p = _chi_prime(r0s, C_CHI)
    a_mat = np.linalg.inv(xw.T @ (xw * wp[:, None])) * scale
    a_vec = a_mat @ (xw.T @ (wp * rs)) / float(np.mean(w0p * r0s))
    psi = _psi(rs, C_PSI)
    chi = _rho(r0s, C_CHI)
    xww = xw.T @ (psi * chi)
    u1 = a_mat @ (xw.T @ (xw * (psi**2)[:, None])) @ (n * a_mat)
    u2 = np.outer(a_vec, xww @ a_mat)
    u3 = np.outer(a_mat @ xww, a_vec)
    u4 = float(np.mean(chi**2 - B * B)) * np.outer(a_vec, a_vec)
    v = (u1 - u2 - u3 + u4) / n
    v = (v + v.T) / 2.0
    vals, vecs = np.linalg.eigh(v)
    if np.any(vals < 0):
        diag = np.diag(v).copy()
        v = (vecs * np.maximum(vals, 0.0)) @ vecs.T
        dd = np.sqrt(np.maximum(diag, 0.0) / np.diag(v))
        v = dd[:, None] * v * dd[None, :]
    return MMFit(coef=beta, se=np.sqrt(np.diag(v)), scale=scale)


def ivw_robust_from_arrays(
    d: MRArrays,
    *,
    model: IVWModel = "default",
    penalised: bool = False,
    distribution: MRDistribution = "normal",
    alpha: float = 0.05,
) -> tuple[MRMethodResult, float]:
    """Robust (optionally penalised) IVW and the S-scale (the package's ``RSE``)."""
    w = penalised_ivw_weights(d) if penalised else d.byse**-2.0
    fit = mm_regression(d.bx[:, None], d.by, w)
    resolved = resolve_model(model, d.k)
    se_lm = float(fit.se[0])
    se = se_lm / min(fit.scale, 1.0) if resolved == "random" else se_lm / fit.scale
    name = "ivw_robust_penalised" if penalised else "ivw_robust"
    return (
        MRMethodResult.from_estimate(
            name, d.k, float(fit.coef[0]), se, distribution=distribution, df=d.k - 1, alpha=alpha
        ),
        fit.scale,
    )


def egger_robust_from_arrays(
    d: MRArrays,
    *,
    penalised: bool = False,
    distribution: MRDistribution = "normal",
    alpha: float = 0.05,
) -> EggerVariant:
    """Robust (optionally penalised) MR-Egger."""
    o = orient(d)
    w = o.byse**-2.0
    if penalised:
        first = wls_intercept(o.bx, o.by, w)
        resid = o.by - first.intercept - first.slope * o.bx
        w = w * np.minimum(1.0, 100.0 * _chi2_1_sf(w * resid**2))
    x = np.column_stack([np.ones(d.k), o.bx])
    fit = mm_regression(x, o.by, w)
    wf = WLSIntercept(
        slope=float(fit.coef[1]),
        slope_se_lm=float(fit.se[1]),
        intercept=float(fit.coef[0]),
        intercept_se_lm=float(fit.se[0]),
        sigma=fit.scale,
    )
    name = "egger_robust_penalised" if penalised else "egger_robust"
    return egger_result(name, d.k, wf, distribution=distribution, alpha=alpha)


__all__ = ["MMFit", "egger_robust_from_arrays", "ivw_robust_from_arrays", "mm_regression"]
