"""Constrained maximum likelihood MR (MR-cML; Xue, Shen & Pan 2021), without data perturbation.

For a number K of invalid variants, the model bx_j ~ N(μ_j, bxse_j²), by_j ~ N(θμ_j + r_j,
byse_j²) with exactly K non-zero pleiotropic effects r_j is fitted by the package's block
coordinate descent from θ = 0, μ = 0: r ← (by − θμ) on the K variants with the largest
(by_j − θμ_j)²/byse_j² (0 elsewhere); μ_j ← (bx_j/bxse_j² + θ(by_j − r_j)/byse_j²)/(1/bxse_j² +
θ²/byse_j²); θ ← Σ(by − r)μ/byse² / Σμ²/byse²; until |Δθ| ≤ 1e-7 or 100 iterations; then μ_j =
bx_j and r_j = by_j − θbx_j on the invalid set. The negative log-likelihood
ℓ_K = Σ(bx − μ)²/(2bxse²) + Σ(by − θμ − r)²/(2byse²), and
Var(θ̂) = 1/(Σ_valid μ²/byse² − Σ_valid (2μθ − by)²/byse⁴ / (1/bxse² + θ²/byse²)) (NaN when not
positive).

BIC_K = log(n)·K + 2ℓ_K over K = 0, …, k − 2. cML-BIC takes the K with the smallest BIC;
cML-MA-BIC averages with weights w_K ∝ exp(−BIC_K/2): θ̄ = Σw_Kθ_K and
se = Σ_K w_K √(se_K² + (θ_K − θ̄)²) (terms with NaN se left out). Normal p-values and limits.

References
----------
Xue H, Shen X, Pan W. Constrained maximum likelihood-based Mendelian randomization robust
to both correlated and uncorrelated pleiotropic effects. Am J Hum Genet 2021;108:1251-1269.
R packages MRcML (xue-hr/MRcML) and MendelianRandomization 0.10.0 ``mr_cML`` (MA = TRUE or
FALSE, DP = FALSE, random_start = 0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy import special

from alsatlas.errors import StatsInputError
from alsatlas.genetics.mr.inputs import FloatArray, MRArrays
from alsatlas.genetics.mr.npsum import pairwise_sum
from alsatlas.genetics.mr.results import MRMethodResult
from alsatlas.genetics.mr.rstream import r_rnorm
from alsatlas.jit import njit_ieee


@dataclass(frozen=True, slots=True)
class CMLFit:
    """cML fit for one K: estimate, SE (NaN when the information is not positive),
    negative log-likelihood and the 0-based indices of the invalid variants."""

    k_invalid: int
    theta: float
    se: float
    neg_loglik: float
    invalid: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class CMLResult:
    """Both cML summaries and the per-K fits they are built from."""

    ma_bic: MRMethodResult
    bic: MRMethodResult
    bic_invalid: tuple[int, ...]
    fits: tuple[CMLFit, ...]
    n: float


def cml_fit(d: MRArrays, k_invalid: int, *, maxit: int = 100) -> CMLFit:
    """One cML fit with K = ``k_invalid`` invalid variants (see the module docstring)."""
    bx, by = d.bx, d.by
    sx2, sy2 = d.bxse**2, d.byse**2
    p = d.k
    theta, theta_old = 0.0, -1.0
    mu = np.zeros(p)
    r = np.zeros(p)
    it = 0
    while abs(theta_old - theta) > 1e-7 and it < maxit:
        theta_old = theta
        it += 1
        r = np.zeros(p)
        if k_invalid > 0:
            resid = by - theta * mu
            imp = resid**2 / sy2
            top = np.argsort(-imp, kind="stable")[:k_invalid]
            r[top] = resid[top]
        mu = (bx / sx2 + theta * (by - r) / sy2) / (1.0 / sx2 + theta * theta / sy2)
        theta = float(np.sum((by - r) * mu / sy2) / np.sum(mu * mu / sy2))
    if k_invalid > 0:
        nz = r != 0
        mu = np.where(nz, bx, mu)
        r = np.where(nz, by - theta * mu, r)
    neg_l = float(
        np.sum((bx - mu) ** 2 / (2.0 * sx2)) + np.sum((by - theta * mu - r) ** 2 / (2.0 * sy2))
    )
    z = r == 0
    info = float(np.sum((mu**2 / sy2)[z])) - float(
        np.sum(((2.0 * mu * theta - by) ** 2 / sy2**2 / (1.0 / sx2 + theta * theta / sy2))[z])
    )
    var = 1.0 / info if info != 0 else math.inf
    se = math.sqrt(var) if var > 0 and math.isfinite(var) else math.nan
    return CMLFit(
        k_invalid=k_invalid,
        theta=theta,
        se=se,
        neg_loglik=neg_l,
        invalid=tuple(int(i) for i in np.flatnonzero(r != 0)),
    )


@njit_ieee
def _ahead(imp: FloatArray, i: int, j: int) -> bool:
    """Whether variant i comes before j when sorted by decreasing imp, stably (ties by
    index, NaN last): the order of ``np.argsort(-imp, kind="stable")``."""
    a, b = float(imp[i]), float(imp[j])
    if a > b:
        return True
    if a == b:
        return i < j
    if math.isnan(a):
        return math.isnan(b) and i < j
    return math.isnan(b)


@njit_ieee
def _cml_rows(
    bx: FloatArray,
    by: FloatArray,
    sx2: FloatArray,
    sy2: FloatArray,
    src: NDArray[np.intp],
    kk: NDArray[np.intp],
    maxit: int,
    theta_out: FloatArray,
    se_out: FloatArray,
    nl_out: FloatArray,
    r_out: FloatArray,
) -> None:
    """The coordinate descent of `cml_fit` for every row i: data ``bx[src[i]]``,
    ``by[src[i]]`` and K = ``kk[i]``; θ, se, the negative log-likelihood and r per row.

    The variants are kept ordered by (by_j − θμ_j)²/byse_j² across iterations (insertion
    sort from the previous order, stable, ties by index), the K first taken as invalid;
    every sum runs in numpy's pairwise order (`pairwise_sum`) and the operations in
    `cml_fit`'s order, so the values equal those of the same formulas in numpy, bit for bit.
    """
    p = bx.shape[1]
    mu = np.empty(p)
    r = np.empty(p)
    resid = np.empty(p)
    imp = np.empty(p)
    m = np.empty(p)
    t1 = np.empty(p)
    t2 = np.empty(p)
    order = np.empty(p, dtype=np.intp)
    for g in range(kk.shape[0]):
        x, y, k = bx[src[g]], by[src[g]], kk[g]
        theta, theta_old = 0.0, -1.0
        mu[:] = 0.0
        r[:] = 0.0
        for j in range(p):
            order[j] = j
        it = 0
        while abs(theta_old - theta) > 1e-7 and it < maxit:
            th = theta
            theta_old = theta
            it += 1
            for j in range(p):
                resid[j] = y[j] - th * mu[j]
                imp[j] = resid[j] * resid[j] / sy2[j]
            if 0 < k < p:
                for a in range(1, p):
                    v = order[a]
                    b = a - 1
                    while b >= 0 and _ahead(imp, v, order[b]):
                        order[b + 1] = order[b]
                        b -= 1
                    order[b + 1] = v
            r[:] = 0.0
            for a in range(min(k, p)):
                r[order[a]] = resid[order[a]]
            for j in range(p):
                m[j] = (x[j] / sx2[j] + th * (y[j] - r[j]) / sy2[j]) / (
                    1.0 / sx2[j] + th * th / sy2[j]
                )
                t1[j] = (y[j] - r[j]) * m[j] / sy2[j]
                t2[j] = m[j] * m[j] / sy2[j]
            theta = pairwise_sum(t1, p) / pairwise_sum(t2, p)
            mu[:] = m
        th = theta
        for j in range(p):
            if k > 0 and r[j] != 0.0:
                mu[j] = x[j]
                r[j] = y[j] - th * mu[j]
            d1 = x[j] - mu[j]
            d2 = y[j] - th * mu[j] - r[j]
            t1[j] = d1 * d1 / (2.0 * sx2[j])
            t2[j] = d2 * d2 / (2.0 * sy2[j])
        nl_out[g] = pairwise_sum(t1, p) + pairwise_sum(t2, p)
        for j in range(p):
            if r[j] == 0.0:
                t1[j] = mu[j] * mu[j] / sy2[j]
                c = 2.0 * mu[j] * th - y[j]
                t2[j] = c * c / (sy2[j] * sy2[j]) / (1.0 / sx2[j] + th * th / sy2[j])
            else:
                t1[j] = 0.0
                t2[j] = 0.0
        info = pairwise_sum(t1, p) - pairwise_sum(t2, p)
        theta_out[g] = theta
        se_out[g] = math.sqrt(1.0 / info) if info > 0 else math.nan
        r_out[g] = r


def cml_fits(d: MRArrays, ks: FloatArray | list[int], *, maxit: int = 100) -> tuple[CMLFit, ...]:
    """`cml_fit` for every K in ``ks``: the same iterations, compiled (`_cml_rows`), each K
    stopping on its own criterion; the information sums run over all variants (zeros for
    the invalid ones), so se may differ from `cml_fit`'s in the last bits."""
    kk = np.asarray(ks, dtype=np.intp)
    g = kk.size
    theta, se, neg_l, r = np.empty(g), np.empty(g), np.empty(g), np.empty((g, d.k))
    _cml_rows(
        d.bx[None, :],
        d.by[None, :],
        d.bxse**2,
        d.byse**2,
        np.zeros(g, np.intp),
        kk,
        maxit,
        theta,
        se,
        neg_l,
        r,
    )
    invalid = r != 0
    return tuple(
        CMLFit(
            k_invalid=int(kk[i]),
            theta=float(theta[i]),
            se=float(se[i]),
            neg_loglik=float(neg_l[i]),
            invalid=tuple(np.flatnonzero(invalid[i]).tolist()),
        )
        for i in range(g)
    )


@dataclass(frozen=True, slots=True)
class CMLDPResult:
    """MR-cML with data perturbation: cML-MA-BIC-DP and cML-BIC-DP and the two
    goodness-of-fit p-values (GOF1, GOF2) of the package."""

    ma_bic: MRMethodResult
    bic: MRMethodResult
    gof1_pval: float
    gof2_pval: float
    num_pert: int
    seed: int


def cml_dp_from_arrays(
    d: MRArrays,
    *,
    n: float,
    num_pert: int = 200,
    seed: int = 314,
    stream: Literal["r", "numpy"] = "r",
    alpha: float = 0.05,
    maxit: int = 100,
) -> CMLDPResult:
    """MR-cML with data perturbation (MendelianRandomization ``mr_cML(DP = TRUE)``).

    Each of ``num_pert`` perturbed data sets bx + z₁·bxse, by + z₂·byse (z standard normal:
    by default R's stream after ``set.seed(seed)``, drawn in the package's order, so the
    package's default seed 314 gives its numbers; ``stream="numpy"``: numpy's PCG64) is
    fitted for every K;
    per K, θ̄_K and sd_K are the mean and standard deviation of the perturbed estimates and
    ℓ̄_K the mean negative log-likelihood. MA-BIC-DP averages θ̄_K with weights ∝
    exp(−(log(n)K + 2ℓ̄_K)/2), se = Σw√(sd_K² + (θ̄_K − θ̄)²); BIC-DP takes the K with the
    smallest such BIC. GOF1/GOF2 compare, at the K chosen by the unperturbed BIC, the
    unperturbed SE² with the perturbed variance (Xue et al. 2021, supplementary).
    """
    if num_pert < 4:
        raise StatsInputError("num_pert must be at least 4", field="num_pert")
    if not n > 1:
        raise StatsInputError("cML needs the GWAS sample size n > 1", field="n")
    ks = np.arange(d.k - 1, dtype=np.intp)
    base = cml_fits(d, list(ks), maxit=maxit)
    if stream == "r":
        z = r_rnorm(seed, num_pert * 2 * d.k).reshape(num_pert, 2, d.k)
    else:
        z = np.random.default_rng(seed).standard_normal((num_pert, 2, d.k))
    bx = d.bx[None, :] + z[:, 0, :] * d.bxse[None, :]
    by = d.by[None, :] + z[:, 1, :] * d.byse[None, :]
    g = num_pert * ks.size
    t, e, l_ = np.empty(g), np.empty(g), np.empty(g)
    src = np.repeat(np.arange(num_pert, dtype=np.intp), ks.size)
    _cml_rows(
        bx,
        by,
        d.bxse**2,
        d.byse**2,
        src,
        np.tile(ks, num_pert),
        maxit,
        t,
        e,
        l_,
        np.empty((g, d.k)),
    )
    theta = np.ascontiguousarray(t.reshape(num_pert, ks.size).T)
    sd = np.ascontiguousarray(e.reshape(num_pert, ks.size).T)
    nl = np.ascontiguousarray(l_.reshape(num_pert, ks.size).T)
    var_mat = sd**2
    l_pt = nl.mean(axis=1)
    sd_pt = theta.std(axis=1, ddof=1)
    th_pt = theta.mean(axis=1)
    logn = math.log(n)
    bic0 = logn * ks + 2.0 * np.array([f.neg_loglik for f in base])
    i0 = int(np.argmin(bic0 - np.min(bic0)))
    pt_sd, origin_sd = float(sd_pt[i0]), base[i0].se
    more_var = float(np.var(var_mat[i0], ddof=1))
    x = theta[i0]
    nn = num_pert
    sd_x = math.sqrt(
        (float(np.mean((x - x.mean()) ** 4)) - (nn - 3) / (nn - 1) * float(np.var(x, ddof=1)) ** 2)
        / nn
        + more_var
    )
    gof1 = float(2.0 * special.ndtr(-abs((origin_sd**2 - pt_sd**2) / sd_x)))
    gof2 = float(
        2.0
        * special.ndtr(
            -abs((origin_sd**2 - pt_sd**2) / math.sqrt(2.0 / (nn - 1) * pt_sd**4 + more_var))
        )
    )
    bic = logn * ks + 2.0 * l_pt
    bic = bic - np.min(bic)
    w = np.exp(-0.5 * bic)
    w = w / np.sum(w)
    ma_theta = float(np.sum(th_pt * w))
    terms = w * np.sqrt(sd_pt**2 + (th_pt - ma_theta) ** 2)
    ma_se = float(np.sum(terms[np.isfinite(terms)]))
    best = int(np.argmin(bic))
    return CMLDPResult(
        ma_bic=MRMethodResult.from_estimate("cml_ma_bic_dp", d.k, ma_theta, ma_se, alpha=alpha),
        bic=MRMethodResult.from_estimate(
            "cml_bic_dp", d.k, float(th_pt[best]), float(sd_pt[best]), alpha=alpha
        ),
        gof1_pval=gof1,
        gof2_pval=gof2,
        num_pert=num_pert,
        seed=seed,
    )


def _bic(fits: tuple[CMLFit, ...], n: float) -> FloatArray:
    ks = np.array([f.k_invalid for f in fits], dtype=np.float64)
    ls = np.array([f.neg_loglik for f in fits])
    b = math.log(n) * ks + 2.0 * ls
    return np.asarray(b - np.min(b))


def cml_from_arrays(
    d: MRArrays, *, n: float, k_max: int | None = None, alpha: float = 0.05, maxit: int = 100
) -> CMLResult:
    """cML-MA-BIC and cML-BIC over K = 0, …, k_max (default k − 2); ``n`` the sample size
    entering the BIC (the smaller of the exposure and outcome GWAS sizes is recommended)."""
    if not n > 1:
        raise StatsInputError("cML needs the GWAS sample size n > 1", field="n")
    top = d.k - 2 if k_max is None else int(k_max)
    if top < 0 or top > d.k - 1:
        raise StatsInputError(f"k_max must lie in 0..{d.k - 1}", field="k_max")
    fits = cml_fits(d, list(range(top + 1)), maxit=maxit)
    bic = _bic(fits, n)
    w = np.exp(-0.5 * bic)
    w = w / np.sum(w)
    thetas = np.array([f.theta for f in fits])
    ses = np.array([f.se for f in fits])
    ma_theta = float(np.sum(thetas * w))
    terms = w * np.sqrt(ses**2 + (thetas - ma_theta) ** 2)
    ma_se = float(np.sum(terms[np.isfinite(terms)]))
    best = int(np.argmin(bic))
    ma = MRMethodResult.from_estimate("cml_ma_bic", d.k, ma_theta, ma_se, alpha=alpha)
    single = MRMethodResult.from_estimate(
        "cml_bic", d.k, fits[best].theta, fits[best].se, alpha=alpha
    )
    return CMLResult(ma_bic=ma, bic=single, bic_invalid=fits[best].invalid, fits=fits, n=n)


__all__ = [
    "CMLDPResult",
    "CMLFit",
    "CMLResult",
    "cml_dp_from_arrays",
    "cml_fit",
    "cml_fits",
    "cml_from_arrays",
]
