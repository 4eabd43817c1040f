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
from alsatlas.genetics.mr.results import MRMethodResult
from alsatlas.genetics.mr.rstream import r_rnorm


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


def _cml_batch(
    bx: FloatArray,
    by: FloatArray,
    sx2: FloatArray,
    sy2: FloatArray,
    kk: NDArray[np.intp],
    maxit: int,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """The coordinate descent of `cml_fit` for many rows at once (row i: data ``bx[i]``,
    ``by[i]`` and K = ``kk[i]``), each row stopping on its own criterion. Returns θ, se,
    the negative log-likelihood and the pleiotropic effects r, per row."""
    g, p = bx.shape
    sx2, sy2 = sx2[None, :], sy2[None, :]
    theta = np.zeros(g)
    theta_old = theta - 1.0
    mu = np.zeros((g, p))
    r = np.zeros((g, p))
    it = np.zeros(g, dtype=np.intp)
    cols = np.arange(p)[None, :]
    while True:
        act = (np.abs(theta_old - theta) > 1e-7) & (it < maxit)
        if not act.any():
            break
        idx = np.flatnonzero(act)
        th = theta[idx][:, None]
        theta_old[idx] = theta[idx]
        it[idx] += 1
        bxi, byi = bx[idx], by[idx]
        resid = byi - th * mu[idx]
        imp = resid**2 / sy2
        order = np.argsort(-imp, axis=1, kind="stable")
        rank = np.empty_like(order)
        np.put_along_axis(rank, order, np.broadcast_to(cols, order.shape), axis=1)
        rr = np.where(rank < kk[idx][:, None], resid, 0.0)
        m = (bxi / sx2 + th * (byi - rr) / sy2) / (1.0 / sx2 + th * th / sy2)
        theta[idx] = np.sum((byi - rr) * m / sy2, axis=1) / np.sum(m * m / sy2, axis=1)
        mu[idx] = m
        r[idx] = rr
    nz = (r != 0) & (kk[:, None] > 0)
    th = theta[:, None]
    mu = np.where(nz, bx, mu)
    r = np.where(nz, by - th * mu, r)
    neg_l = np.sum((bx - mu) ** 2 / (2.0 * sx2), axis=1) + np.sum(
        (by - th * mu - r) ** 2 / (2.0 * sy2), axis=1
    )
    z = r == 0
    info = np.sum(np.where(z, mu**2 / sy2, 0.0), axis=1) - np.sum(
        np.where(z, (2.0 * mu * th - by) ** 2 / sy2**2 / (1.0 / sx2 + th * th / sy2), 0.0),
        axis=1,
    )
    with np.errstate(divide="ignore"):
        se = np.where(info > 0, np.sqrt(1.0 / np.where(info > 0, info, 1.0)), math.nan)
    return theta, se, neg_l, r


def cml_fits(d: MRArrays, ks: FloatArray | list[int], *, maxit: int = 100) -> tuple[CMLFit, ...]:
    """`cml_fit` for every K in ``ks`` at once: the same iterations, run as one array per
    K with each K stopping on its own criterion."""
    kk = np.asarray(ks, dtype=np.intp)
    g = kk.size
    bx = np.broadcast_to(d.bx, (g, d.k))
    by = np.broadcast_to(d.by, (g, d.k))
    theta, se, neg_l, r = _cml_batch(bx, by, d.bxse**2, d.byse**2, kk, maxit)
    return tuple(
        CMLFit(
            k_invalid=int(kk[i]),
            theta=float(theta[i]),
            se=float(se[i]),
            neg_loglik=float(neg_l[i]),
            invalid=tuple(int(j) for j in np.flatnonzero(r[i] != 0)),
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
    theta = np.empty((ks.size, num_pert))
    sd = np.empty((ks.size, num_pert))
    nl = np.empty((ks.size, num_pert))
    chunk = max(1, 2_000_000 // max(1, ks.size * d.k))
    sx2, sy2 = d.bxse**2, d.byse**2
    for s0 in range(0, num_pert, chunk):
        zz = z[s0 : s0 + chunk]
        c = zz.shape[0]
        bx = np.repeat(d.bx[None, :] + zz[:, 0, :] * d.bxse[None, :], ks.size, axis=0)
        by = np.repeat(d.by[None, :] + zz[:, 1, :] * d.byse[None, :], ks.size, axis=0)
        kk = np.tile(ks, c)
        t, e, l_, _ = _cml_batch(bx, by, sx2, sy2, kk, maxit)
        theta[:, s0 : s0 + c] = t.reshape(c, ks.size).T
        sd[:, s0 : s0 + c] = e.reshape(c, ks.size).T
        nl[:, s0 : s0 + c] = l_.reshape(c, ks.size).T
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
