"""Robust IVW and MR-Egger: MM-estimation as robustbase's ``lmrob`` (Burgess et al. 2016).

MendelianRandomization's ``mr_ivw(robust = TRUE)`` and ``mr_egger(robust = TRUE)`` fit the IVW
and MR-Egger regressions with ``lmrob`` (defaults, ``k.max = maxit.scale = 500``); the
regression weights w_j enter as √w_j times each row of the design and the response.

MM-estimate (Yohai 1987; Koller & Stahel 2011), Tukey bisquare ρ(u) = min(1, 3t − 3t² + t³),
t = (u/c)²:

1. S-estimate (robustbase's fast-S, Salibian-Barrera & Yohai 2006): candidates are exact
   fits to p-row subsamples: every one when there are at most 500 (p ≤ 2 here), else 500
   drawn with a fixed seed (robustbase draws ``nResample = 500`` with R's random stream, so
   its subsamples, and only they, differ). Each candidate takes one refinement step from
   its MAD scale s₀ = 1.4826·median|r|: s₁ = s₀·√(Σρ(r/s₀)/((n − p)b)), then weighted least
   squares with the bisquare weights of r/s₁ (c = 1.54764, b = ½). Its M-scale s
   (Σρ(r/s)/(n − p) = b, by fixed-point steps until they change it by ≤ 1e-10 s) is computed
   only when it can be among the two smallest so far: Σρ is decreasing in the scale, so
   s < s₂ exactly when Σρ(r/s₂)/(n − p) < b. The two candidates with the smallest M-scale
   are refined to convergence (‖Δβ‖₂ ≤ 1e-7‖β‖₂; one fixed-point scale step per
   iteration) and the smaller final scale wins. An exact fit (MAD 0 with more than
   (n + p)/2 zero residuals) returns that candidate with scale 0 and covariance 0, as
   robustbase does.
2. M-step: iteratively reweighted least squares with the bisquare weight
   (1 − (r/(cs))²)², c = 4.685061, at the fixed S-scale s, until ‖Δβ‖₁ ≤ 1e-7‖β‖₁.
3. Covariance ``.vcov.avar1`` (Croux, Dhaene & Hoorelbeke 2003 as in robustbase): with
   r̃ = r/s, r̃₀ = r₀/s (S residuals), A = s(XᵀW′X)⁻¹, W′ = diag(ψ′(r̃)),
   a = A·Xᵀ(ψ′(r̃)r̃)/mean(χ′(r̃₀)r̃₀), ψ, χ the M and S functions:
   V = [A XᵀΨ²X nA − a(XᵀΨX₀)ᵀA − A(XᵀΨX₀)aᵀ + mean(χ(r̃₀)² − ¼)aaᵀ]/n with XᵀΨX₀ =
   Xᵀ(ψ(r̃)χ(r̃₀)); negative eigenvalues are set to 0 and the diagonal restored.

The package then divides the SE by min(1, s) (random effects; s the S-scale, its ``RSE``) or
by s (fixed effect, IVW). The robust Egger's p-values and limits follow MR-Egger's rules
(`penalised.egger_limits`). Robust + penalised: the penalised weights of `penalised` are
used in the robust fit.

The loops are compiled (`alsatlas.jit`); the sums over variants may be reassociated into
SIMD lanes, so results can differ in the last bits between CPUs.

References
----------
Burgess S, Bowden J, Dudbridge F, Thompson SG. arXiv:1606.03729 (2016). Yohai VJ. Ann Stat
1987;15:642-656. Salibian-Barrera M, Yohai VJ. J Comput Graph Stat 2006;15:414-427.
Koller M, Stahel WA. Comput Stat Data Anal 2011;55:2504-2515. robustbase
``lmrob`` (Maechler et al.), MendelianRandomization 0.10.0.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from alsatlas.errors import DegenerateFitError, StatsInputError
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
from alsatlas.jit import njit, njit_reassoc

IntArray = NDArray[np.int64]

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
MAX_SUBSETS = 500
SUBSET_SEED = 20160609
MEDIAN_SAMPLE = 9
TINY = float(np.finfo(np.float64).tiny)


@njit
def _rho1(u: float) -> float:
    """Bisquare ρ at a = u/c (the argument already divided by c): t = a² clipped at 1, where
    the polynomial 3t − 3t² + t³ is exactly 1, so clipping equals the case split."""
    t = min(u * u, 1.0)
    return ((t - 3.0) * t + 3.0) * t


@njit
def _weight1(a: float) -> float:
    """Bisquare weight ((1 − a)(1 + a))² at a = u/c, a clipped to ±1 (where it is exactly 0)."""
    a = min(max(a, -1.0), 1.0)
    a = (1.0 - a) * (1.0 + a)
    return a * a


@njit_reassoc
def _rho_sum(res: FloatArray, s: float, c: float) -> float:
    """Σ_j ρ(res_j / s) with tuning c."""
    inv = 1.0 / (s * c)
    tot = 0.0
    for j in range(res.size):
        tot += _rho1(res[j] * inv)
    return tot


@njit
def _residuals(xt: FloatArray, y: FloatArray, beta: FloatArray, out: FloatArray) -> None:
    """out = y − Xβ (p ≤ 2; ``xt`` = Xᵀ, one row per column of X)."""
    if xt.shape[0] == 1:
        b0 = beta[0]
        x0 = xt[0]
        for j in range(y.size):
            out[j] = y[j] - x0[j] * b0
    else:
        b0 = beta[0]
        b1 = beta[1]
        x0 = xt[0]
        x1 = xt[1]
        for j in range(y.size):
            out[j] = y[j] - (x0[j] * b0 + x1[j] * b1)


@njit
def _cross(xt: FloatArray, y: FloatArray) -> FloatArray:
    """Products for the weighted least squares of `_wls_bisquare`, one row each: (x₀y, x₀²)
    for p = 1; (x₀², x₀x₁, x₁², x₀y, x₁y) for p = 2."""
    p, n = xt.shape
    x0 = xt[0]
    if p == 1:
        out = np.empty((2, n))
        for j in range(n):
            out[0, j] = x0[j] * y[j]
            out[1, j] = x0[j] * x0[j]
        return out
    x1 = xt[1]
    out = np.empty((5, n))
    for j in range(n):
        out[0, j] = x0[j] * x0[j]
        out[1, j] = x0[j] * x1[j]
        out[2, j] = x1[j] * x1[j]
        out[3, j] = x0[j] * y[j]
        out[4, j] = x1[j] * y[j]
    return out


@njit_reassoc
def _wls_bisquare(cross: FloatArray, res: FloatArray, s: float, c: float, out: FloatArray) -> None:
    """Weighted least squares (p ≤ 2, closed form, products from `_cross`) with the bisquare
    weights ((1 − a)(1 + a))², a = res/(sc) clipped to ±1, written to ``out``."""
    inv = 1.0 / (s * c)
    n = res.size
    if cross.shape[0] == 2:
        c0 = cross[0]
        c1 = cross[1]
        num = 0.0
        den = 0.0
        for j in range(n):
            w = _weight1(res[j] * inv)
            num += w * c0[j]
            den += w * c1[j]
        out[0] = num / den
        return
    c0 = cross[0]
    c1 = cross[1]
    c2 = cross[2]
    c3 = cross[3]
    c4 = cross[4]
    s00 = 0.0
    s01 = 0.0
    s11 = 0.0
    t0 = 0.0
    t1 = 0.0
    for j in range(n):
        w = _weight1(res[j] * inv)
        s00 += w * c0[j]
        s01 += w * c1[j]
        s11 += w * c2[j]
        t0 += w * c3[j]
        t1 += w * c4[j]
    det = s00 * s11 - s01 * s01
    out[0] = (s11 * t0 - s01 * t1) / det
    out[1] = (s00 * t1 - s01 * t0) / det


@njit
def _scale_step(res: FloatArray, s: float, denom: float) -> float:
    """One fixed-point step of the M-scale: s·√(Σρ(res/s; c = 1.54764)/(n − p)/b)."""
    return float(s * math.sqrt(_rho_sum(res, s, C_CHI) / denom / B))


@njit
def _refine(
    xt: FloatArray, y: FloatArray, cross: FloatArray, beta: FloatArray, s: float, res: FloatArray
) -> tuple[FloatArray, float]:
    """Refinement of an S candidate to convergence from scale ``s`` (``cross`` from `_cross`,
    ``res`` scratch)."""
    denom = float(y.size - xt.shape[0])
    beta = beta.copy()
    ref = beta.copy()
    _residuals(xt, y, beta, res)
    for _ in range(K_MAX):
        s = _scale_step(res, s, denom)
        _wls_bisquare(cross, res, s, C_CHI, ref)
        nb = 0.0
        diff = 0.0
        for q in range(beta.size):
            nb += beta[q] * beta[q]
            diff += (beta[q] - ref[q]) ** 2
        nb = math.sqrt(nb)
        diff = math.sqrt(diff)
        if diff <= REFINE_TOL * max(REFINE_TOL, nb):
            break
        _residuals(xt, y, ref, res)
        for q in range(beta.size):
            beta[q] = ref[q]
    return ref, s


@njit
def _select(src: FloatArray, dst: FloatArray, k: int) -> float:
    """The k-th smallest value (0-based) of ``src`` by quickselect with branch-free
    partitions (pivot: median of the first, middle and last values); ``src`` and ``dst`` are
    scratch of the same size, both overwritten."""
    size = src.size
    while True:
        if size == 1:
            return float(src[0])
        a = src[0]
        b = src[size >> 1]
        c = src[size - 1]
        pivot = max(min(a, b), min(max(a, b), c))
        lo = 0
        hi = size - 1
        for j in range(size):
            v = src[j]
            dst[lo] = v
            dst[hi] = v
            lo += v < pivot
            hi -= v > pivot
        # dst[:lo] < pivot, dst[hi + 1:size] > pivot, the lo..hi in between equal the pivot
        if k < lo:
            size = lo
            src, dst = dst, src
        elif k > hi:
            k -= hi + 1
            size -= hi + 1
            tmp = src
            src = dst[hi + 1 :]
            dst = tmp
        else:
            return float(pivot)


@njit
def _lower_middle(res: FloatArray, upper: float, k: int) -> float:
    """The k−1-th smallest |res_j| given the k-th, ``upper``: the largest value below it, or
    ``upper`` itself when fewer than k values lie below it (a repeated value)."""
    below = 0
    lower = -np.inf
    for j in range(res.size):
        v = abs(res[j])
        less = v < upper
        below += less
        lower = max(lower, v if less else -np.inf)
    return float(upper if below < k else lower)


@njit
def _count_below(buf: FloatArray, v: float) -> int:
    """#{j: buf_j < v}."""
    c = 0
    for j in range(buf.size):
        c += buf[j] < v
    return c


@njit
def _insertion_sort(a: FloatArray) -> None:
    """Sort a short array in place."""
    for i in range(1, a.size):
        v = a[i]
        r = i
        while r > 0 and a[r - 1] > v:
            a[r] = a[r - 1]
            r -= 1
        a[r] = v


@njit
def _median_abs(res: FloatArray, buf: FloatArray, tmp: FloatArray) -> float:
    """median_j |res_j| (``buf``, ``tmp``: scratch of the same size); for even n the mean of
    the two middle values, as R's ``median``.

    From n ≥ 36, a sorted sample of nine values brackets the middle: with c(v) = #{|res| < v}
    (non-decreasing), the k-th smallest value t (k = ⌊n/2⌋; and the k−1-th for even n) lies
    in [a, b), a the largest sample value with c(a) ≤ k − [n even], b the smallest with
    c(b) > k (binary searches over the sample, one counting pass each). The c(a) values below
    a are skipped; the few in [a, b) are sorted, or selected when many are equal."""
    n = res.size
    for j in range(n):
        buf[j] = abs(res[j])
    k = n // 2
    even = n % 2 == 0
    if n < 4 * MEDIAN_SAMPLE:
        upper = _select(buf, tmp, k)
        return upper if not even else (_lower_middle(res, upper, k) + upper) / 2.0
    smp = np.empty(MEDIAN_SAMPLE)
    for q in range(MEDIAN_SAMPLE):
        smp[q] = buf[((2 * q + 1) * n) // (2 * MEDIAN_SAMPLE)]
    _insertion_sort(smp)
    k0 = k - 1 if even else k
    lo, lo_c = -1, 0
    first, last = 0, MEDIAN_SAMPLE - 1
    while first <= last:
        mid = (first + last) >> 1
        c = _count_below(buf, smp[mid])
        if c <= k0:
            lo, lo_c, first = mid, c, mid + 1
        else:
            last = mid - 1
    hi = MEDIAN_SAMPLE
    first, last = lo + 1, MEDIAN_SAMPLE - 1
    while first <= last:
        mid = (first + last) >> 1
        if _count_below(buf, smp[mid]) > k:
            hi, last = mid, mid - 1
        else:
            first = mid + 1
    a = smp[lo] if lo >= 0 else -np.inf
    b = smp[hi] if hi < MEDIAN_SAMPLE else np.inf
    m = 0
    for j in range(n):
        v = buf[j]
        tmp[m] = v
        m += (v >= a) & (v < b)
    sub = tmp[:m]
    if m <= 4 * MEDIAN_SAMPLE:
        _insertion_sort(sub)
        upper = sub[k - lo_c]
        return float(upper if not even else (sub[k - 1 - lo_c] + upper) / 2.0)
    upper = _select(sub, buf[:m], k - lo_c)
    return upper if not even else (_lower_middle(res, upper, k) + upper) / 2.0


@njit
def _converge_scale(res: FloatArray, s: float, denom: float) -> float:
    """The M-scale by fixed-point steps from ``s`` until a step changes it by ≤ 1e-10·s."""
    for _ in range(MAXIT_SCALE):
        new = _scale_step(res, s, denom)
        done = abs(new - s) <= SCALE_TOL * s
        s = new
        if done:
            break
    return s


@njit
def _s_estimate(
    xt: FloatArray, y: FloatArray, cross: FloatArray, cand: FloatArray
) -> tuple[FloatArray, float]:
    """Fast-S over the candidates (see the module docstring; ``cross`` from `_cross`); scale 0
    for an exact fit."""
    p, n = xt.shape
    m = cand.shape[0]
    denom = float(n - p)
    res = np.empty(n)
    buf = np.empty(n)
    tmp = np.empty(n)
    ref = np.empty((m, p))
    # the two smallest M-scales so far (best_s[0] <= best_s[1]) and their candidates
    best_s = np.full(BEST_R, np.inf)
    best_i = np.full(BEST_R, -1)
    first_zero = True
    for i in range(m):
        _residuals(xt, y, cand[i], res)
        s = _median_abs(res, buf, tmp) * 1.4826
        if s == 0.0:
            if first_zero:
                first_zero = False
                zeros = 0
                for j in range(n):
                    if abs(res[j]) < 1e-10:
                        zeros += 1
                if zeros > (n + p) / 2:
                    return cand[i].copy(), 0.0
            s = TINY
        # one refinement step (scale step, then weighted least squares)
        s = _scale_step(res, s, denom)
        _wls_bisquare(cross, res, s, C_CHI, ref[i])
        # Σρ is decreasing in the scale, so the candidate's M-scale is below the current
        # second smallest one exactly when Σρ(r/s₂)/(n − p) < b: only then is it computed
        _residuals(xt, y, ref[i], res)
        below = _rho_sum(res, best_s[BEST_R - 1], C_CHI) / denom < B
        if best_i[BEST_R - 1] >= 0 and not below:
            continue
        s = _converge_scale(res, s, denom)
        q = BEST_R - 1
        if s < best_s[q]:
            while q > 0 and s < best_s[q - 1]:
                best_s[q] = best_s[q - 1]
                best_i[q] = best_i[q - 1]
                q -= 1
            best_s[q] = s
            best_i[q] = i
    out_b = ref[best_i[0]].copy()
    out_s = math.inf
    for q in range(BEST_R):
        if best_i[q] < 0:
            continue
        b, s = _refine(xt, y, cross, ref[best_i[q]], best_s[q], res)
        if s < out_s:
            out_b, out_s = b, s
    return out_b, out_s


@njit
def _mm_fit(
    xt: FloatArray, y: FloatArray, cand: FloatArray
) -> tuple[FloatArray, FloatArray, float]:
    """S-estimate, M-step and the ``.vcov.avar1`` covariance before its eigenvalue repair
    (module docstring); the covariance is 0 for an exact fit (scale 0), as in robustbase."""
    p, n = xt.shape
    cross = _cross(xt, y)
    beta0, scale = _s_estimate(xt, y, cross, cand)
    if scale == 0.0:
        return beta0, np.zeros((p, p)), scale
    r0 = np.empty(n)
    _residuals(xt, y, beta0, r0)
    beta = beta0.copy()
    new = beta0.copy()
    res = r0.copy()
    for _ in range(MAX_IT - 1):
        _wls_bisquare(cross, res, scale, C_PSI, new)
        _residuals(xt, y, new, res)
        d = 0.0
        nn = 0.0
        for q in range(p):
            d += abs(beta[q] - new[q])
            nn += abs(new[q])
            beta[q] = new[q]
        if d <= REL_TOL * max(REL_TOL, nn):
            break
    # covariance pieces: XᵀW′X, Xᵀ(ψ′(r̃)r̃), mean(χ′(r̃₀)r̃₀), XᵀΨ²X, Xᵀ(ψ(r̃)χ(r̃₀)), mean(χ² − b²)
    xwx = np.zeros((p, p))
    xpr = np.zeros(p)
    xpsi2 = np.zeros((p, p))
    xww = np.zeros(p)
    m0 = 0.0
    mchi = 0.0
    cp2 = C_PSI * C_PSI
    cc2 = C_CHI * C_CHI
    for j in range(n):
        u = res[j] / scale
        u0 = r0[j] / scale
        t = u * u / cp2
        inside = abs(u) <= C_PSI
        wp = (1.0 - t) * (1.0 - 5.0 * t) if inside else 0.0
        psi = u * _weight1(u / C_PSI)
        t0 = u0 * u0 / cc2
        w0p = 6.0 * u0 / cc2 * (1.0 - t0) ** 2 if abs(u0) <= C_CHI else 0.0
        chi = _rho1(u0 / C_CHI)
        m0 += w0p * u0
        mchi += chi * chi - B * B
        for a in range(p):
            xpr[a] += xt[a, j] * (wp * u)
            xww[a] += xt[a, j] * (psi * chi)
            for b in range(p):
                xwx[a, b] += xt[a, j] * xt[b, j] * wp
                xpsi2[a, b] += xt[a, j] * xt[b, j] * (psi * psi)
    m0 /= n
    mchi /= n
    a_mat = np.empty((p, p))
    if p == 1:
        a_mat[0, 0] = scale / xwx[0, 0]
    else:
        det = xwx[0, 0] * xwx[1, 1] - xwx[0, 1] * xwx[1, 0]
        a_mat[0, 0] = xwx[1, 1] / det * scale
        a_mat[1, 1] = xwx[0, 0] / det * scale
        a_mat[0, 1] = -xwx[0, 1] / det * scale
        a_mat[1, 0] = -xwx[1, 0] / det * scale
    # a = A·Xᵀ(ψ′r̃)/m₀, A·XᵀΨX₀ and V (p ≤ 2: explicit sums)
    a_vec = np.zeros(p)
    am = np.zeros(p)
    t = np.zeros((p, p))
    for i in range(p):
        for k in range(p):
            a_vec[i] += a_mat[i, k] * xpr[k]
            am[i] += a_mat[i, k] * xww[k]
            for c in range(p):
                t[i, c] += a_mat[i, k] * xpsi2[k, c]
        a_vec[i] /= m0
    v = np.zeros((p, p))
    for i in range(p):
        for c in range(p):
            u1 = 0.0
            for k in range(p):
                u1 += t[i, k] * (n * a_mat[k, c])
            v[i, c] = (u1 - a_vec[i] * am[c] - am[i] * a_vec[c] + mchi * (a_vec[i] * a_vec[c])) / n
    sym = np.empty((p, p))
    for i in range(p):
        for c in range(p):
            sym[i, c] = (v[i, c] + v[c, i]) / 2.0
    return beta, sym, scale


@functools.lru_cache(maxsize=64)
def _pairs(n: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Row pairs of the two-row subsamples: every pair when there are at most
    ``MAX_SUBSETS``, else that many drawn with a fixed seed (robustbase's ``nResample``)."""
    if math.comb(n, 2) <= MAX_SUBSETS:
        i, j = np.triu_indices(n, 1)
    else:
        rng = np.random.default_rng(SUBSET_SEED)
        i = rng.integers(0, n, MAX_SUBSETS)
        j = (i + rng.integers(1, n, MAX_SUBSETS)) % n
    i, j = i.astype(np.int64), j.astype(np.int64)
    i.flags.writeable = False
    j.flags.writeable = False
    return i, j


@njit
def _pair_fits(xt: FloatArray, y: FloatArray, rows_i: IntArray, rows_j: IntArray) -> FloatArray:
    """Exact fits through rows i and j (Cramer's rule), skipping near-singular pairs
    (|det| ≤ 1e-12 of the larger product)."""
    m = rows_i.size
    out = np.empty((m, 2))
    c = 0
    for q in range(m):
        i = rows_i[q]
        j = rows_j[q]
        a11 = xt[0, i]
        a12 = xt[1, i]
        a21 = xt[0, j]
        a22 = xt[1, j]
        det = a11 * a22 - a12 * a21
        if abs(det) > 1e-12 * max(abs(a11 * a22), abs(a12 * a21)):
            out[c, 0] = (y[i] * a22 - a12 * y[j]) / det
            out[c, 1] = (a11 * y[j] - a21 * y[i]) / det
            c += 1
    return out[:c].copy()


def _candidates(xt: FloatArray, y: FloatArray) -> FloatArray:
    """Exact fits to p-row subsamples (p ≤ 2), one row per candidate."""
    p, n = xt.shape
    if p == 1:
        ok = xt[0] != 0
        return np.ascontiguousarray((y[ok] / xt[0, ok])[:, None], dtype=np.float64)
    if p != 2:
        raise StatsInputError("robust fit supports at most two coefficients", field="bx")
    return _pair_fits(xt, y, *_pairs(n))


@dataclass(frozen=True, slots=True)
class MMFit:
    """MM regression: coefficients, their ``.vcov.avar1`` standard errors and the S-scale."""

    coef: FloatArray
    se: FloatArray
    scale: float


def mm_regression(x: FloatArray, y: FloatArray, w: FloatArray) -> MMFit:
    """``lmrob(y ~ x, weights = w)`` (MM, bisquare, defaults; see the module docstring).

    An exact fit (S-scale 0) returns the exact-fit coefficients with standard errors 0, as
    robustbase does (covariance matrix 0)."""
    sw = np.sqrt(w)
    xt = np.ascontiguousarray((x * sw[:, None]).T, dtype=np.float64)
    yw = np.ascontiguousarray(y * sw, dtype=np.float64)
    cand = _candidates(xt, yw)
    if cand.shape[0] == 0:
        raise DegenerateFitError(
            "the robust fit is undefined: every subsample is singular (the same "
            "|beta.exposure| for every variant)",
            field="beta.exposure",
        )
    beta, v, scale = _mm_fit(xt, yw, cand)
    diag = np.diag(v).copy()
    negative = diag[0] < 0 if v.shape[0] == 1 else np.linalg.det(v) < 0 or np.trace(v) < 0
    if negative:
        # negative eigenvalues set to 0, then the diagonal restored
        vals, vecs = np.linalg.eigh(v)
        v = (vecs * np.maximum(vals, 0.0)) @ vecs.T
        dd = np.sqrt(np.maximum(diag, 0.0) / np.diag(v))
        v = dd[:, None] * v * dd[None, :]
    return MMFit(coef=beta, se=np.sqrt(np.diag(v)), scale=scale)


def _robust_fit(x: FloatArray, y: FloatArray, w: FloatArray, name: str) -> MMFit:
    """`mm_regression`, refusing an exact fit: its S-scale is 0, so the package's standard
    error (divided by the scale) is undefined."""
    fit = mm_regression(x, y, w)
    if fit.scale == 0.0:
        raise DegenerateFitError(
            f"{name} is undefined: more than half of the variants lie exactly on one line "
            "(robust scale 0, no standard error)",
            field="beta.outcome",
        )
    return fit


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
    name = "ivw_robust_penalised" if penalised else "ivw_robust"
    fit = _robust_fit(d.bx[:, None], d.by, w, name)
    resolved = resolve_model(model, d.k)
    se_lm = float(fit.se[0])
    se = se_lm / min(fit.scale, 1.0) if resolved == "random" else se_lm / fit.scale
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
    name = "egger_robust_penalised" if penalised else "egger_robust"
    fit = _robust_fit(x, o.by, w, name)
    wf = WLSIntercept(
        slope=float(fit.coef[1]),
        slope_se_lm=float(fit.se[1]),
        intercept=float(fit.coef[0]),
        intercept_se_lm=float(fit.se[0]),
        sigma=fit.scale,
    )
    return egger_result(name, d.k, wf, distribution=distribution, alpha=alpha)


__all__ = ["MMFit", "egger_robust_from_arrays", "ivw_robust_from_arrays", "mm_regression"]
