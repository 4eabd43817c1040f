"""MR-Egger regression, its intercept test and Bowden's I²GX."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from alsatlas.errors import DegenerateFitError
from alsatlas.genetics.mr.inference import Distribution, confidence_limits, pvalue
from alsatlas.genetics.mr.inputs import MRArrays, as_mr_arrays
from alsatlas.genetics.mr.results import EggerIntercept, MRMethodResult


@dataclass(frozen=True, slots=True)
class EggerFit:
    """Weighted regression of sign(bx)·by on |bx| with an intercept, weights byse⁻².

    ``slope_se`` and ``intercept_se`` are the lm standard errors divided by min(1, σ̂)
    (Bowden et al. 2015; both R packages). ``q`` = (k − 2)σ̂² is the residual Cochran's Q
    (Rücker's Q').
    """

    slope: float
    slope_se: float
    intercept: float
    intercept_se: float
    sigma: float
    q: float
    k: int


def orient(d: MRArrays) -> MRArrays:
    """Orient every variant so that its exposure association is positive.

    by ← sign(bx)·by and bx ← |bx| (TwoSampleMR's ``sign0``: a zero bx counts as +; zero
    bx values are rejected by input validation anyway).
    """
    s = np.where(d.bx < 0, -1.0, 1.0)
    return MRArrays(np.abs(d.bx), d.bxse, d.by * s, d.byse)


def egger_fit(d: MRArrays) -> EggerFit:
    """Closed-form weighted least squares with intercept on oriented data (see `EggerFit`).

    With weighted means x̄, ȳ and Sxx = Σ w (x − x̄)²: slope = Σ w (x − x̄)(y − ȳ)/Sxx,
    intercept = ȳ − slope·x̄, unscaled variances 1/Sxx and 1/Σw + x̄²/Sxx.
    """
    o = orient(d)
    w = o.byse**-2.0
    sw = float(np.sum(w))
    xbar = float(np.sum(w * o.bx)) / sw
    ybar = float(np.sum(w * o.by)) / sw
    xc = o.bx - xbar
    sxx = float(np.sum(w * xc * xc))
    if not sxx > 1e-12 * float(np.sum(w * o.bx * o.bx)):
        raise DegenerateFitError(
            "MR-Egger is undefined: every variant has the same |beta.exposure| (Sxx = 0)",
            field="beta.exposure",
        )
    slope = float(np.sum(w * xc * (o.by - ybar))) / sxx
    intercept = ybar - slope * xbar
    resid = o.by - intercept - slope * o.bx
    q = float(np.sum(w * resid * resid))
    sigma = math.sqrt(q / (d.k - 2)) if d.k > 2 else math.nan
    scale = max(1.0, sigma)
    return EggerFit(
        slope=slope,
        slope_se=scale / math.sqrt(sxx),
        intercept=intercept,
        intercept_se=scale * math.sqrt(1.0 / sw + xbar * xbar / sxx),
        sigma=sigma,
        q=q,
        k=d.k,
    )


def i2_gx(d: MRArrays) -> float:
    """Bowden's I²GX = max(0, (Q_GX − (k − 1))/Q_GX).

    Q_GX is Cochran's Q of |bx_j|/byse_j with standard errors bxse_j/byse_j, i.e. weights
    (byse_j/bxse_j)² (Bowden et al. 2016, as TwoSampleMR's ``Isq``).
    """
    y = np.abs(d.bx) / d.byse
    w = (d.byse / d.bxse) ** 2
    mu = float(np.sum(w * y) / np.sum(w))
    q = float(np.sum(w * (y - mu) ** 2))
    if q <= 0:
        return 0.0
    return max(0.0, (q - (d.k - 1)) / q)


def egger(
    bx: ArrayLike,
    bxse: ArrayLike,
    by: ArrayLike,
    byse: ArrayLike,
    *,
    distribution: Distribution = "t",
    alpha: float = 0.05,
) -> tuple[MRMethodResult, EggerIntercept]:
    """MR-Egger slope and intercept (Bowden, Davey Smith & Burgess 2015).

    Model sign(bx_j)·by_j = β₀ + β₁|bx_j| + ε_j, weights byse_j⁻², residual variance
    scaled by max(1, σ̂²). p-values and limits use t(k − 2) (TwoSampleMR) or the normal
    (MendelianRandomization default). Requires k ≥ 3.

    References
    ----------
    Bowden J, Davey Smith G, Burgess S. Int J Epidemiol 2015;44:512-525.
    Bowden J et al. Int J Epidemiol 2016;45:1961-1974 (I²GX).
    """
    d = as_mr_arrays(bx, bxse, by, byse, min_snps=3, method="egger")
    return egger_from_arrays(d, distribution=distribution, alpha=alpha)


def egger_from_arrays(
    d: MRArrays, *, distribution: Distribution = "t", alpha: float = 0.05
) -> tuple[MRMethodResult, EggerIntercept]:
    """`egger` on already validated arrays."""
    fit = egger_fit(d)
    df = d.k - 2
    slope = MRMethodResult.from_estimate(
        "egger", d.k, fit.slope, fit.slope_se, distribution=distribution, df=df, alpha=alpha
    )
    lo, hi = confidence_limits(fit.intercept, fit.intercept_se, distribution, df, alpha)
    icpt = EggerIntercept(
        nsnp=d.k,
        intercept=fit.intercept,
        se=fit.intercept_se,
        ci_lb=lo,
        ci_ub=hi,
        pval=pvalue(fit.intercept, fit.intercept_se, distribution, df),
        I2GX=i2_gx(d),
    )
    return slope, icpt


__all__ = ["EggerFit", "egger", "egger_fit", "egger_from_arrays", "i2_gx", "orient"]
