"""MR-Lasso (Rees, Wood, Dudbridge & Burgess 2019), as MendelianRandomization's ``mr_lasso``.

Each variant gets its own pleiotropy parameter α_j in the IVW regression
S^½·by = S^½·bx·θ + α + ε (S = diag(byse⁻²), variants oriented to bx > 0); θ is profiled out
by projecting onto the complement of b = S^½bx: X = (I − bbᵀ/bᵀb)S^½, y = (I − bbᵀ/bᵀb)S^½by,
and α is fitted by the lasso along glmnet's default path (standardised columns without
centring the response, intercept omitted; 100 values of λ from λ_max down to 10⁻⁴λ_max on a
log scale, the path stopping early once the fraction of deviance explained changes by less
than 10⁻⁵ relative or exceeds 0.999, after at least 5 values; the first λ reported as
exp(2 log λ₂ − log λ₃)). The lasso is solved exactly along the path (homotopy: the
solution is piecewise linear in λ) rather than by glmnet's coordinate descent, so the sets of
variants with α_j = 0 are exact.

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
2004;32:407-499 (homotopy / LARS-lasso).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import special

from alsatlas.errors import StatsInputError
from alsatlas.genetics.mr.blas import single_threaded_blas
from alsatlas.genetics.mr.egger import orient
from alsatlas.genetics.mr.inputs import FloatArray, MRArrays
from alsatlas.genetics.mr.ivw import ivw_fit
from alsatlas.genetics.mr.penalised import MRDistribution
from alsatlas.genetics.mr.results import MRMethodResult

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


def _homotopy_path(
    g: FloatArray, c: FloatArray, lambdas: FloatArray, stop: Callable[[FloatArray], bool]
) -> list[FloatArray]:
    """Exact lasso solutions of ½βᵀGβ − cᵀβ + λ‖β‖₁ at the decreasing ``lambdas``, in order,
    until ``stop(β)`` returns True (that solution included)."""
    p = c.size
    out: list[FloatArray] = []
    lam = float(np.max(np.abs(c)))
    first = int(np.argmax(np.abs(c)))
    is_active = np.zeros(p, dtype=bool)
    is_active[first] = True
    active = [first]
    signs = np.zeros(p)
    signs[first] = float(np.sign(c[first]))
    li = 0
    while li < lambdas.size and lambdas[li] >= lam:
        beta = np.zeros(p)
        out.append(beta)
        li += 1
        if stop(beta):
            return out
    tol = 1e-12 * lam
    with np.errstate(divide="ignore", invalid="ignore"):
        _follow_path(g, c, lambdas, stop, out, lam, li, tol, active, is_active, signs)
    return out


def _follow_path(
    g: FloatArray,
    c: FloatArray,
    lambdas: FloatArray,
    stop: Callable[[FloatArray], bool],
    out: list[FloatArray],
    lam: float,
    li: int,
    tol: float,
    active: list[int],
    is_active: NDArray[np.bool_],
    signs: FloatArray,
) -> None:
    """The homotopy steps of `_homotopy_path` from its first breakpoint (appends to ``out``)."""
    p = c.size
    while li < lambdas.size:
        a = np.array(active)
        ga = g[:, a]
        rhs = np.empty((a.size, 2))
        rhs[:, 0] = c[a]
        rhs[:, 1] = signs[a]
        try:
            uv = np.linalg.solve(ga[a], rhs)
        except np.linalg.LinAlgError:
            break
        u, v = uv[:, 0], uv[:, 1]
        # β_A(λ) = u − λv; r_j(λ) = c_j − G_jA β_A = (c_j − G_jA u) + λ G_jA v
        inactive = np.flatnonzero(~is_active)
        nxt, event, who = 0.0, "", -1
        if inactive.size:
            gia = ga[inactive]
            pj = c[inactive] - gia @ u
            qj = gia @ v
            cand = np.concatenate([pj / (1.0 - qj), pj / (-1.0 - qj)])
            cand = np.where(np.isfinite(cand) & (cand < lam - tol), cand, -np.inf)
            i = int(np.argmax(cand))
            if cand[i] > nxt:
                nxt, event, who = float(cand[i]), "join", int(inactive[i % inactive.size])
        drop = u / v
        drop = np.where(np.isfinite(drop) & (drop < lam - tol), drop, -np.inf)
        i = int(np.argmax(drop))
        if drop[i] > nxt:
            nxt, event, who = float(drop[i]), "drop", int(a[i])
        while li < lambdas.size and lambdas[li] >= nxt:
            beta = np.zeros(p)
            beta[a] = u - lambdas[li] * v
            out.append(beta)
            li += 1
            if stop(beta):
                return
        if event == "":
            break
        lam = nxt
        if event == "join":
            r = c[who] - g[who, a] @ (u - lam * v)
            active.append(who)
            is_active[who] = True
            signs[who] = float(np.sign(r))
        else:
            active.remove(who)
            is_active[who] = False
            signs[who] = 0.0


@single_threaded_blas()
def lasso_from_arrays(
    d: MRArrays, *, distribution: MRDistribution = "normal", alpha: float = 0.05
) -> LassoResult:
    """MR-Lasso (see the module docstring); needs k ≥ 3."""
    o = orient(d)
    k = d.k
    sq = 1.0 / o.byse
    b = sq * o.bx
    proj = np.eye(k) - np.outer(b, b) / float(b @ b)
    x = proj * sq[None, :]
    y = proj @ (sq * o.by)
    w = 1.0 / k
    ys = math.sqrt(float(np.sum(y * y)) * w)
    yt = y / ys
    xm = x.sum(axis=0) * w
    vc = (x * x).sum(axis=0) * w - xm * xm
    xs = np.sqrt(vc)
    xt = x / xs[None, :]
    g = xt.T @ xt * w
    c = xt.T @ yt * w
    lam_max = float(np.max(np.abs(c)))
    if lam_max <= 0:
        raise StatsInputError("MR-Lasso: no heterogeneity to penalise", field="by")
    alf = max(1e-6, LAMBDA_MIN_RATIO) ** (1.0 / (N_LAMBDA - 1.0))
    grid = lam_max * alf ** np.arange(1, N_LAMBDA)
    # glmnet's path: m = 0 is the zero solution at λ = ∞; stop rules from m = 4 on
    state = {"m": 0, "rsq": 0.0}

    def stop(beta: FloatArray) -> bool:
        state["m"] += 1
        rsq = float(2.0 * c @ beta - beta @ g @ beta)
        change = math.inf if rsq == 0 else (rsq - state["rsq"]) / rsq
        state["rsq"] = rsq
        return state["m"] + 1 >= MNLAM and (change < FDEV or rsq > DEVMAX)

    betas = _homotopy_path(g, c, grid, stop)
    coefs = [np.zeros(k), *betas]
    lams = [math.inf, *(float(v) for v in grid[: len(betas)])]
    lam_user = [v * ys for v in lams]
    if len(lam_user) > 2:
        lam_user[0] = math.exp(2.0 * math.log(lam_user[1]) - math.log(lam_user[2]))
    alphas = [cf * ys / xs for cf in coefs]
    n_lam = len(alphas)
    # ascending λ: position i (0-based) ↔ path index n_lam − 1 − i
    asc = list(range(n_lam - 1, -1, -1))
    wy = o.byse**-2.0
    valid_mat = np.array([alphas[pi] == 0 for pi in asc])
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
