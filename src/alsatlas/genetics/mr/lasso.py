"""MR-Lasso (Rees, Wood, Dudbridge & Burgess 2019), as MendelianRandomization's ``mr_lasso``.

Each variant gets its own pleiotropy parameter α_j in the IVW regression
S^½·by = S^½·bx·θ + α + ε (S = diag(byse⁻²), variants oriented to bx > 0); θ is profiled out
by projecting onto the complement of b = S^½bx: X = (I − bbᵀ/bᵀb)S^½, y = (I − bbᵀ/bᵀb)S^½by,
and α is fitted by the lasso along glmnet's default path (standardised columns without
centring the response, intercept omitted; 100 values of λ from λ_max down to 10⁻⁴λ_max on a
log scale, the path stopping early once the fraction of deviance explained changes by less
than 10⁻⁵ relative or exceeds 0.999, after at least 5 values; the first λ reported as
exp(2 log λ₂ − log λ₃); the fraction of deviance explained is R² = 2cᵀβ − βᵀGβ for the
standardised Gram matrix G and correlations c). The lasso is solved exactly along the path
(homotopy: the solution is piecewise linear in λ) rather than by glmnet's coordinate descent,
so the sets of variants with α_j = 0 are exact. G is a scaled projection, diagonal minus rank
one (G = HPH/k, H diagonal, P = I − nnᵀ), so no k × k matrix is formed: each breakpoint
costs O(k), the active-set systems being solved by Sherman–Morrison in a compiled loop.

λ is chosen by the package's heterogeneity rule: going from the smallest λ upwards, at the
first step where the residual standard error of the IVW fit on the variants with α_j = 0
exceeds 1 and rises by more than χ²₁,₀.₉₅/(number of those variants); the largest λ when
there is none; never a λ with fewer than two such variants. The estimate is the post-lasso
IVW (random effects, se/min(1, σ̂)) on the variants with α_j = 0; normal or t(n_valid − 1)
p-values and limits.

References
----------
Rees JMB, Wood AM, Dudbridge F, Burgess S. Robust methods in Mendelian randomization via
penalization of heterogeneous causal estimates. PLoS One 2019;14:e0222362. Friedman J,
Hastie T, Tibshirani R. J Stat Softw 2010;33:1-22 (glmnet path). Efron B et al. Ann Stat
2004;32:407-499 (homotopy / LARS-lasso). Sherman J, Morrison WJ. Ann Math Stat
1950;21:124-127 (rank-one inverse).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from alsatlas.errors import DegenerateFitError, StatsInputError
from alsatlas.genetics.mr.blas import single_threaded_blas
from alsatlas.genetics.mr.egger import orient
from alsatlas.genetics.mr.inputs import FloatArray, MRArrays
from alsatlas.genetics.mr.ivw import ivw_fit
from alsatlas.genetics.mr.penalised import MRDistribution
from alsatlas.genetics.mr.results import MRMethodResult
from alsatlas.jit import njit

N_LAMBDA = 100
LAMBDA_MIN_RATIO = 1e-4
FDEV = 1e-5
DEVMAX = 0.999
MNLAM = 5


@dataclass(frozen=True, slots=True)
class LassoResult:
    """MR-Lasso fit: the post-lasso estimate, the chosen λ (response scale), the valid
    variants (0-based), the lasso-regularised θ and the number of λ values on the path."""

    result: MRMethodResult
    lam: float
    valid: tuple[int, ...]
    reg_estimate: float
    n_lambda: int


@njit
def _homotopy_path(
    c: FloatArray, h: FloatArray, n: FloatArray, w: float, lambdas: FloatArray
) -> tuple[FloatArray, int]:
    """Exact lasso solutions of ½βᵀGβ − cᵀβ + λ‖β‖₁ with G = w·H(I − nnᵀ)H (H = diag(h),
    ‖n‖ = 1) at the decreasing ``lambdas``, in order, until glmnet's stop rule holds (that
    solution included): rows of the first array, their number second.

    On the active set A with signs s, β_A(λ) = u − λv, G_AA u = c_A, G_AA v = s_A; by
    Sherman–Morrison, G_AA⁻¹r = H_A⁻¹(e + n_A·(n_Aᵀe)/ρ) with e = r/(w·h_A) and
    ρ = 1 − ‖n_A‖² = Σ_{j∉A} n_j² (summed directly, without cancellation), and for j ∉ A,
    c_j − G_jAβ_A = c_j + w·h_j·n_j·(n_Aᵀe)/ρ. Each step costs O(p); the next breakpoint is
    the largest λ below the current one at which an inactive |c_j − G_jAβ_A| reaches λ
    (joins) or an active β_j reaches 0 (leaves); ties go to the first variable, joins before
    leaves. glmnet's stop rule uses R² = 2cᵀβ − βᵀGβ, βᵀGβ = w(‖Hβ‖² − (nᵀHβ)²). The path
    ends early if every variable is active (G_AA singular).
    """
    p = c.size
    out = np.zeros((lambdas.size, p))
    active = np.empty(p, dtype=np.int64)
    is_active = np.zeros(p, dtype=np.bool_)
    signs = np.zeros(p)
    u = np.empty(p)
    v = np.empty(p)
    first = 0
    for j in range(p):
        if abs(c[j]) > abs(c[first]):
            first = j
    lam = abs(c[first])
    active[0] = first
    na = 1
    is_active[first] = True
    signs[first] = np.sign(c[first])
    prev = 0.0
    li = 0
    while li < lambdas.size and lambdas[li] >= lam:
        li += 1  # β = 0: R² = 0, the path goes on
    tol = 1e-12 * lam
    while li < lambdas.size:
        rho = 0.0
        for j in range(p):
            if not is_active[j]:
                rho += n[j] * n[j]
        if not rho > 0.0:
            break
        # u, v first hold e = r/(w·h_A) for r = c_A, s_A, then G_AA⁻¹r
        su = 0.0
        sv = 0.0
        for t in range(na):
            j = active[t]
            u[t] = c[j] / (w * h[j])
            v[t] = signs[j] / (w * h[j])
            su += n[j] * u[t]
            sv += n[j] * v[t]
        fu = su / rho
        fv = sv / rho
        for t in range(na):
            j = active[t]
            u[t] = (u[t] + n[j] * fu) / h[j]
            v[t] = (v[t] + n[j] * fv) / h[j]
        # r_j(λ) = c_j − G_jAβ_A(λ) = p_j + λq_j for j ∉ A
        nxt = 0.0
        event = 0
        who = -1
        for side in (1.0, -1.0):
            for j in range(p):
                if is_active[j]:
                    continue
                gj = w * h[j] * n[j]
                den = side + gj * fv
                if den != 0.0:
                    cand = (c[j] + gj * fu) / den
                    if math.isfinite(cand) and cand < lam - tol and cand > nxt:
                        nxt, event, who = cand, 1, j
        for t in range(na):
            if v[t] != 0.0:
                cand = u[t] / v[t]
                if math.isfinite(cand) and cand < lam - tol and cand > nxt:
                    nxt, event, who = cand, 2, t
        while li < lambdas.size and lambdas[li] >= nxt:
            beta = out[li]
            cb = 0.0
            gg = 0.0
            ng = 0.0
            for t in range(na):
                j = active[t]
                bj = u[t] - lambdas[li] * v[t]
                beta[j] = bj
                gj = h[j] * bj
                cb += c[j] * bj
                gg += gj * gj
                ng += n[j] * gj
            li += 1
            rsq = 2.0 * cb - w * (gg - ng * ng)
            change = math.inf if rsq == 0.0 else (rsq - prev) / rsq
            prev = rsq
            if li + 1 >= MNLAM and (change < FDEV or rsq > DEVMAX):
                return out, li
        if event == 0:
            break
        lam = nxt
        if event == 1:
            gj = w * h[who] * n[who]
            r = c[who] + gj * fu - lam * gj * fv
            active[na] = who
            na += 1
            is_active[who] = True
            signs[who] = np.sign(r)
        else:
            j = active[who]
            for t in range(who, na - 1):
                active[t] = active[t + 1]
            na -= 1
            is_active[j] = False
            signs[j] = 0.0
    return out, li


def _others(v: FloatArray) -> FloatArray:
    """Σ_{i≠j} v_i for every j, as a sum before j plus a sum after j (no cancellation)."""
    before = np.concatenate(([0.0], np.cumsum(v)[:-1]))
    after = np.concatenate((np.cumsum(v[::-1])[::-1][1:], [0.0]))
    return np.asarray(before + after)


def _standardised(o: MRArrays) -> tuple[FloatArray, FloatArray, FloatArray, float, FloatArray]:
    """glmnet's standardised problem for oriented data, from the projection's structure.

    With S^½ = diag(sq), sq = 1/byse, b = S^½bx, n = b/‖b‖ and P = I − nnᵀ: X = PS^½ and
    y = PS^½by, y_j = P_jj·z_j − n_j·Σ_{i≠j} n_i z_i (z = sq·by; P_jj = Σ_{i≠j} n_i², free of
    the cancellation in 1 − n_j² when one variant dominates). Column j of X has mean
    sq_j·(P_jj − n_j·Σ_{i≠j} n_i)/k and mean square sq_j²·P_jj/k (P is idempotent), hence
    its scale xs_j (glmnet's standard deviation, divisor k); ys = (yᵀy/k)^½. With h = sq/xs
    the standardised Gram matrix is G = XₛᵀXₛ/k = HPH/k and c = Xₛᵀyₛ/k = h·y/(k·ys)
    (Py = y). Returns c, h, n, ys and xs.
    """
    k = o.bx.size
    w = 1.0 / k
    sq = 1.0 / o.byse
    b = sq * o.bx
    n = b / math.sqrt(float(b @ b))
    z = sq * o.by
    pjj = _others(n * n)
    y = pjj * z - n * _others(n * z)
    ys = math.sqrt(float(np.sum(y * y)) * w)
    if not ys > 0.0:  # y = 0: every λ gives the zero solution
        raise DegenerateFitError("MR-Lasso: no heterogeneity to penalise", field="by")
    xm = sq * (pjj - n * _others(n)) * w
    xs = np.sqrt(sq * sq * pjj * w - xm * xm)
    h = sq / xs
    return w * h * y / ys, h, n, ys, xs


@single_threaded_blas()
def lasso_from_arrays(
    d: MRArrays, *, distribution: MRDistribution = "normal", alpha: float = 0.05
) -> LassoResult:
    """MR-Lasso (see the module docstring); needs k ≥ 3."""
    o = orient(d)
    k = d.k
    c, h, n, ys, xs = _standardised(o)
    lam_max = float(np.max(np.abs(c)))
    alf = max(1e-6, LAMBDA_MIN_RATIO) ** (1.0 / (N_LAMBDA - 1.0))
    grid = lam_max * alf ** np.arange(1, N_LAMBDA)
    path, n_path = _homotopy_path(c, h, n, 1.0 / k, grid)
    # glmnet's path: the zero solution at λ = ∞ first, then the grid
    lam_user = [math.inf, *(float(v) * ys for v in grid[:n_path])]
    if len(lam_user) > 2:
        lam_user[0] = math.exp(2.0 * math.log(lam_user[1]) - math.log(lam_user[2]))
    alphas = np.zeros((n_path + 1, k))
    alphas[1:] = path[:n_path] * ys / xs[None, :]
    n_lam = n_path + 1
    # ascending λ: position i (0-based) ↔ path index n_lam − 1 − i
    asc = list(range(n_lam - 1, -1, -1))
    wy = o.byse**-2.0
    valid_mat = alphas[asc] == 0
    nvalid = valid_mat.sum(axis=1)
    vw = valid_mat * wy[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        th = (vw @ (o.bx * o.by)) / (vw @ (o.bx * o.bx))
        q = (vw * (o.by[None, :] - th[:, None] * o.bx[None, :]) ** 2).sum(axis=1)
        rse = np.where(nvalid > 1, np.sqrt(q / (nvalid - 1)), math.nan)
    crit = float(special.chdtri(1.0, 0.05))
    inc = rse[1:] - rse[:-1]
    with np.errstate(invalid="ignore"):
        het = np.flatnonzero((rse[1:] > 1) & (inc > crit / nvalid[1:]))
    lam_pos = int(het[0]) if het.size else n_lam - 1
    enough = np.flatnonzero(nvalid > 1)
    if enough.size == 0:
        raise StatsInputError("MR-Lasso: fewer than two valid variants on the path", field="bx")
    lam_pos = max(lam_pos, int(enough[0]))
    a_hat = alphas[asc[lam_pos]]
    lam_sel = lam_user[asc[lam_pos]]
    valid = np.flatnonzero(a_hat == 0)
    e = o.by - a_hat
    reg = float(np.sum(wy * o.bx * e) / np.sum(wy * o.bx * o.bx))
    sub = MRArrays(o.bx[valid], o.bxse[valid], o.by[valid], o.byse[valid])
    fit = ivw_fit(sub, sub.byse**-2.0)
    se = fit.se_fixed * max(1.0, fit.sigma)
    res = MRMethodResult.from_estimate(
        "lasso", d.k, fit.b, se, distribution=distribution, df=valid.size - 1, alpha=alpha
    )
    return LassoResult(
        result=res,
        lam=lam_sel,
        valid=tuple(int(v) for v in valid),
        reg_estimate=reg,
        n_lambda=n_lam,
    )


__all__ = ["LassoResult", "lasso_from_arrays"]
