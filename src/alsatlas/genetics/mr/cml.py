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

import numpy as np

from alsatlas.errors import StatsInputError
from alsatlas.genetics.mr.inputs import FloatArray, MRArrays
from alsatlas.genetics.mr.results import MRMethodResult


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


def cml_fits(d: MRArrays, ks: FloatArray | list[int], *, maxit: int = 100) -> tuple[CMLFit, ...]:
    """`cml_fit` for every K in ``ks`` at once: the same iterations, run as one array per
    K with each K stopping on its own criterion."""
    kk = np.asarray(ks, dtype=np.intp)
    g, p = kk.size, d.k
    bx, by = d.bx[None, :], d.by[None, :]
    sx2, sy2 = (d.bxse**2)[None, :], (d.byse**2)[None, :]
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
        resid = by - th * mu[idx]
        imp = resid**2 / sy2
        order = np.argsort(-imp, axis=1, kind="stable")
        rank = np.empty_like(order)
        np.put_along_axis(rank, order, np.broadcast_to(cols, order.shape), axis=1)
        rr = np.where(rank < kk[idx][:, None], resid, 0.0)
        m = (bx / sx2 + th * (by - rr) / sy2) / (1.0 / sx2 + th * th / sy2)
        theta[idx] = np.sum((by - rr) * m / sy2, axis=1) / np.sum(m * m / sy2, axis=1)
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
    out = []
    for i in range(g):
        se = math.sqrt(1.0 / info[i]) if info[i] > 0 else math.nan
        out.append(
            CMLFit(
                k_invalid=int(kk[i]),
                theta=float(theta[i]),
                se=se,
                neg_loglik=float(neg_l[i]),
                invalid=tuple(int(j) for j in np.flatnonzero(r[i] != 0)),
            )
        )
    return tuple(out)


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


__all__ = ["CMLFit", "CMLResult", "cml_fit", "cml_fits", "cml_from_arrays"]
