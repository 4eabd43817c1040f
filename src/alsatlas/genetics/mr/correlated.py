"""IVW and MR-Egger for correlated variants given an LD matrix (generalised least squares)."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from alsatlas.errors import DegenerateFitError, StatsInputError
from alsatlas.genetics.mr.inference import Distribution, chi2_sf, confidence_limits, pvalue
from alsatlas.genetics.mr.inputs import FloatArray, MRArrays, as_mr_arrays
from alsatlas.genetics.mr.ivw import IVWModel, resolve_model
from alsatlas.genetics.mr.results import CochranQ, EggerIntercept, MRMethodResult


def as_ld_matrix(rho: ArrayLike, k: int) -> FloatArray:
    """Check that ``rho`` is a symmetric k×k matrix with unit diagonal and finite entries."""
    r = np.asarray(rho, dtype=np.float64)
    if r.shape != (k, k):
        raise StatsInputError(f"LD matrix has shape {r.shape}, expected ({k}, {k})", field="rho")
    if not np.all(np.isfinite(r)):
        raise StatsInputError("LD matrix has non-finite entries", field="rho")
    if not np.allclose(r, r.T, atol=1e-10):
        raise StatsInputError("LD matrix is not symmetric", field="rho")
    if not np.allclose(np.diag(r), 1.0, atol=1e-8):
        raise StatsInputError("LD matrix diagonal must be 1", field="rho")
    return r


def _gls(x: FloatArray, y: FloatArray, omega: FloatArray) -> tuple[FloatArray, FloatArray, float]:
    """GLS coefficients (XᵀΩ⁻¹X)⁻¹XᵀΩ⁻¹y, (XᵀΩ⁻¹X)⁻¹ and the residual form rᵀΩ⁻¹r.

    An Ω that is not positive definite (an LD matrix with variants in perfect LD, or not a
    correlation matrix) is an input error; a singular XᵀΩ⁻¹X a degenerate fit."""
    try:
        chol = np.linalg.cholesky(omega)
    except np.linalg.LinAlgError:
        raise StatsInputError(
            "LD matrix is not positive definite (variants in perfect LD, or not a "
            "correlation matrix)",
            field="rho",
        ) from None
    xs = np.linalg.solve(chol, x)
    ys = np.linalg.solve(chol, y)
    try:
        v = np.linalg.inv(xs.T @ xs)
    except np.linalg.LinAlgError:
        raise DegenerateFitError(
            "the correlated-variant regression is singular (the exposure associations are "
            "collinear with the intercept)",
            field="beta.exposure",
        ) from None
    coef = v @ xs.T @ ys
    r = ys - xs @ coef
    return np.asarray(coef, dtype=np.float64), np.asarray(v, dtype=np.float64), float(r @ r)


def _setup(
    bx: ArrayLike,
    bxse: ArrayLike,
    by: ArrayLike,
    byse: ArrayLike,
    rho: ArrayLike,
    k_min: int,
    method: str,
) -> tuple[MRArrays, FloatArray]:
    d = as_mr_arrays(bx, bxse, by, byse, min_snps=k_min, method=method)
    return d, as_ld_matrix(rho, d.k)


def ivw_correlated(
    bx: ArrayLike,
    bxse: ArrayLike,
    by: ArrayLike,
    byse: ArrayLike,
    rho: ArrayLike,
    *,
    model: IVWModel = "default",
    distribution: Distribution = "normal",
    alpha: float = 0.05,
    method: str | None = None,
) -> tuple[MRMethodResult, CochranQ]:
    """IVW with correlated variants (MendelianRandomization ``mr_ivw(correl = TRUE)``).

    Ω = (byse byseᵀ) ∘ ρ; b = (bxᵀΩ⁻¹bx)⁻¹bxᵀΩ⁻¹by; fixed se = (bxᵀΩ⁻¹bx)^{-1/2};
    random se = fixed se · max(1, σ̂) with σ̂² = rᵀΩ⁻¹r/(k − 1), r = by − b·bx;
    Q = rᵀΩ⁻¹r on k − 1 df.

    References
    ----------
    Burgess S, Dudbridge F, Thompson SG. Combining information on multiple instrumental
    variables in Mendelian randomization: comparison of allele score and summarized data
    methods. Stat Med 2016;35:1880-1906.
    """
    d, r = _setup(bx, bxse, by, byse, rho, 2, "ivw")
    return ivw_correlated_from_arrays(
        d, r, model=model, distribution=distribution, alpha=alpha, method=method
    )


def ivw_correlated_from_arrays(
    d: MRArrays,
    rho: FloatArray,
    *,
    model: IVWModel = "default",
    distribution: Distribution = "normal",
    alpha: float = 0.05,
    method: str | None = None,
) -> tuple[MRMethodResult, CochranQ]:
    """`ivw_correlated` on validated arrays."""
    omega = np.outer(d.byse, d.byse) * rho
    coef, v, q = _gls(d.bx[:, None], d.by, omega)
    df = d.k - 1
    sigma = math.sqrt(q / df)
    se_fixed = math.sqrt(v[0, 0])
    resolved = resolve_model(model, d.k)
    if resolved == "fixed":
        se = se_fixed
    elif resolved == "random":
        se = se_fixed * max(1.0, sigma)
    else:
        se = se_fixed * sigma
    name = method or ("ivw_fe" if model == "fixed" else "ivw")
    res = MRMethodResult.from_estimate(
        name, d.k, float(coef[0]), se, distribution=distribution, df=df, alpha=alpha
    )
    i2 = max(0.0, (q - df) / q) if q > 0 else 0.0
    return res, CochranQ(Q=q, Q_df=df, Q_pval=chi2_sf(q, df), I2=i2)


def egger_correlated(
    bx: ArrayLike,
    bxse: ArrayLike,
    by: ArrayLike,
    byse: ArrayLike,
    rho: ArrayLike,
    *,
    distribution: Distribution = "normal",
    alpha: float = 0.05,
) -> tuple[MRMethodResult, EggerIntercept, CochranQ]:
    """MR-Egger with correlated variants (MendelianRandomization ``mr_egger(correl = TRUE)``).

    Orient by sign(bx) (by ← sign(bx)·by, bx ← |bx|, ρ_ij ← ρ_ij·sign(bx_i)·sign(bx_j));
    Ω = (byse byseᵀ) ∘ ρ; GLS of by on (1, bx): θ = (XᵀΩ⁻¹X)⁻¹XᵀΩ⁻¹by;
    se = √diag((XᵀΩ⁻¹X)⁻¹) · max(1, σ̂), σ̂² = rᵀΩ⁻¹r/(k − 2); Q = rᵀΩ⁻¹r on k − 2 df.
    I²GX is not defined for correlated variants (NaN), as in the R package.

    References
    ----------
    Burgess S, Thompson SG. Interpreting findings from Mendelian randomization using the
    MR-Egger method. Eur J Epidemiol 2017;32:377-389.
    """
    d, r = _setup(bx, bxse, by, byse, rho, 3, "egger")
    return egger_correlated_from_arrays(d, r, distribution=distribution, alpha=alpha)


def egger_correlated_from_arrays(
    d: MRArrays,
    rho: FloatArray,
    *,
    distribution: Distribution = "normal",
    alpha: float = 0.05,
) -> tuple[MRMethodResult, EggerIntercept, CochranQ]:
    """`egger_correlated` on validated arrays."""
    s = np.where(d.bx < 0, -1.0, 1.0)
    omega = np.outer(d.byse, d.byse) * rho * np.outer(s, s)
    x = np.column_stack([np.ones(d.k), np.abs(d.bx)])
    coef, v, q = _gls(x, d.by * s, omega)
    df = d.k - 2
    scale = max(1.0, math.sqrt(q / df))
    se_i, se_b = math.sqrt(v[0, 0]) * scale, math.sqrt(v[1, 1]) * scale
    slope = MRMethodResult.from_estimate(
        "egger", d.k, float(coef[1]), se_b, distribution=distribution, df=df, alpha=alpha
    )
    lo, hi = confidence_limits(float(coef[0]), se_i, distribution, df, alpha)
    icpt = EggerIntercept(
        nsnp=d.k,
        intercept=float(coef[0]),
        se=se_i,
        ci_lb=lo,
        ci_ub=hi,
        pval=pvalue(float(coef[0]), se_i, distribution, df),
        I2GX=math.nan,
    )
    i2 = max(0.0, (q - df) / q) if q > 0 else 0.0
    return slope, icpt, CochranQ(Q=q, Q_df=df, Q_pval=chi2_sf(q, df), I2=i2)


__all__ = [
    "as_ld_matrix",
    "egger_correlated",
    "egger_correlated_from_arrays",
    "ivw_correlated",
    "ivw_correlated_from_arrays",
]
