"""Penalised IVW and MR-Egger (Burgess et al. 2016), as MendelianRandomization computes them.

Variants whose ratio estimate is heterogeneous get their regression weight shrunk by a factor
min(1, c·p_j), p_j the χ²₁ upper tail of the variant's contribution to Cochran's Q, so that
outlying variants count less without being dropped.

- IVW, first-order weights: p_j = P(χ²₁ > bx_j²/byse_j² · (by_j/bx_j − θ̃)²), θ̃ the simple
  median of the ratio estimates; weights byse_j⁻² · min(1, 100 p_j).
- IVW, second-order weights: the same with the second-order ratio variance
  v_j = byse²/bx² + by²bxse²/bx⁴ − 2ψ·by·bxse·byse/bx³ in place of byse²/bx², and weights
  (byse² + by²bxse²/bx² − 2ψ·by·bxse·byse/bx)⁻¹ · min(1, 20 p_j) (the package's factor 20).
- MR-Egger: p_j = P(χ²₁ > (y_j − β̂₀ − β̂₁x_j)²/byse_j²) with the ordinary MR-Egger fit on
  variants oriented to bx > 0; weights byse_j⁻² · min(1, 100 p_j).

The weighted regression is then fitted as usual and its standard errors divided by min(1, σ̂)
(random effects) or by σ̂ (fixed effect, IVW only). Cochran's Q is not reported (NaN), as in
the package.

References
----------
Burgess S, Bowden J, Dudbridge F, Thompson SG. Robust instrumental variable methods using
multiple candidate instruments with application to Mendelian randomization. arXiv:1606.03729
(2016). MendelianRandomization 0.10.0, ``mr_ivw(penalized = TRUE)`` and
``mr_egger(penalized = TRUE)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import special

from alsatlas.errors import DegenerateFitError
from alsatlas.genetics.mr.egger import orient
from alsatlas.genetics.mr.inference import confidence_limits, critical_value, pvalue
from alsatlas.genetics.mr.inputs import FloatArray, MRArrays
from alsatlas.genetics.mr.ivw import IVWModel, Weights, ivw_fit, resolve_model
from alsatlas.genetics.mr.results import MRMethodResult

MRDistribution = Literal["normal", "t"]


_ERFC_MAX_X = 1400.0


def _chi2_1_sf(x: FloatArray) -> FloatArray:
    """P(χ²₁ > x) = erfc(√(x/2)) (Abramowitz & Stegun 26.4.4 with 7.1.2), an elementwise
    ufunc far cheaper than the incomplete gamma; above x = 1400, where erfc(√(x/2)) underflows
    before the tail does, the incomplete gamma ``chdtrc``."""
    p = special.erfc(np.sqrt(x * 0.5))
    big = x > _ERFC_MAX_X
    if big.any():
        p[big] = special.chdtrc(1.0, x[big])
    return np.asarray(p, dtype=np.float64)


def penalised_ivw_weights(d: MRArrays, weights: Weights = "first", psi: float = 0.0) -> FloatArray:
    """Penalised IVW regression weights (see the module docstring)."""
    ratio = d.by / d.bx
    theta = float(np.median(ratio))
    if weights == "first":
        p = _chi2_1_sf(d.bx**2 / d.byse**2 * (ratio - theta) ** 2)
        return np.asarray(d.byse**-2.0 * np.minimum(1.0, 100.0 * p), dtype=np.float64)
    v_ratio = (
        d.byse**2 / d.bx**2
        + d.by**2 * d.bxse**2 / d.bx**4
        - 2.0 * psi * d.by * d.bxse * d.byse / d.bx**3
    )
    p = _chi2_1_sf((ratio - theta) ** 2 / v_ratio)
    v = d.byse**2 + d.by**2 * d.bxse**2 / d.bx**2 - 2.0 * psi * d.by * d.bxse * d.byse / d.bx
    return np.asarray(np.minimum(1.0, 20.0 * p) / v, dtype=np.float64)


def ivw_penalised_from_arrays(
    d: MRArrays,
    *,
    model: IVWModel = "default",
    weights: Weights = "first",
    psi: float = 0.0,
    distribution: MRDistribution = "normal",
    alpha: float = 0.05,
    method: str = "ivw_penalised",
) -> MRMethodResult:
    """Penalised IVW: weighted regression through the origin with penalised weights.

    se = se_lm / min(1, σ̂) (``"random"``) or se_lm/σ̂ (``"fixed"``); ``"default"`` is fixed
    for k < 4 and random otherwise. p-value and limits from the normal or t(k − 1).
    """
    fit = ivw_fit(d, penalised_ivw_weights(d, weights, psi))
    resolved = resolve_model(model, d.k)
    se = fit.se_fixed * max(1.0, fit.sigma) if resolved == "random" else fit.se_fixed
    if resolved == "unscaled":
        se = fit.se_fixed * fit.sigma
    return MRMethodResult.from_estimate(
        method, d.k, fit.b, se, distribution=distribution, df=d.k - 1, alpha=alpha
    )


@dataclass(frozen=True, slots=True)
class WLSIntercept:
    """Weighted least squares of y on x with an intercept.

    ``*_se_lm`` are the lm standard errors σ̂·√(unscaled variance); ``sigma`` the residual
    standard error √(Σ w r²/(k − 2)).
    """

    slope: float
    slope_se_lm: float
    intercept: float
    intercept_se_lm: float
    sigma: float


def wls_intercept(x: FloatArray, y: FloatArray, w: FloatArray) -> WLSIntercept:
    """Closed-form weighted regression with intercept (centred sums); `DegenerateFitError`
    when the weighted x have no spread (Sxx = 0, the test of `egger.egger_fit`)."""
    sw = float(np.sum(w))
    xbar = float(np.sum(w * x)) / sw
    ybar = float(np.sum(w * y)) / sw
    xc = x - xbar
    sxx = float(np.sum(w * xc * xc))
    if not sxx > 1e-12 * float(np.sum(w * x * x)):
        raise DegenerateFitError(
            "MR-Egger is undefined: the weighted variants have the same |beta.exposure| (Sxx = 0)",
            field="beta.exposure",
        )
    slope = float(np.sum(w * xc * (y - ybar))) / sxx
    intercept = ybar - slope * xbar
    r = y - intercept - slope * x
    k = x.shape[0]
    sigma = math.sqrt(float(np.sum(w * r * r)) / (k - 2))
    return WLSIntercept(
        slope=slope,
        slope_se_lm=sigma / math.sqrt(sxx),
        intercept=intercept,
        intercept_se_lm=sigma * math.sqrt(1.0 / sw + xbar * xbar / sxx),
        sigma=sigma,
    )


def egger_limits(
    b: float, se: float, rse: float, distribution: MRDistribution, df: int, alpha: float
) -> tuple[float, float]:
    """MendelianRandomization's MR-Egger limits (``egger.bounds``).

    normal: b ± z·se. t: b ± t_df·se when σ̂ ≥ 1; when σ̂ < 1 the wider of b ± z·se and
    b ± t_df·se·σ̂.
    """
    if distribution == "normal":
        return confidence_limits(b, se, "normal", math.inf, alpha)
    q = critical_value("t", df, alpha)
    if rse < 1.0:
        z = critical_value("normal", math.inf, alpha)
        return min(b - z * se, b - q * se * rse), max(b + z * se, b + q * se * rse)
    return b - q * se, b + q * se


def egger_pvalue(b: float, se: float, rse: float, distribution: MRDistribution, df: int) -> float:
    """MendelianRandomization's MR-Egger p-value: normal, or t(df) on b/se (σ̂ ≥ 1) and the
    larger of the normal and t(df) on b/se/σ̂ p-values when σ̂ < 1."""
    if distribution == "normal":
        return pvalue(b, se, "normal")
    if rse < 1.0:
        return max(pvalue(b, se, "normal"), pvalue(b, se * rse, "t", df))
    return pvalue(b, se, "t", df)


@dataclass(frozen=True, slots=True)
class EggerVariant:
    """An MR-Egger variant fit: slope (the causal estimate) and intercept with SEs, limits and
    p-values, and the residual standard error ``rse``."""

    slope: MRMethodResult
    intercept: float
    intercept_se: float
    intercept_ci_lb: float
    intercept_ci_ub: float
    intercept_pval: float
    rse: float


def egger_result(
    method: str,
    k: int,
    fit: WLSIntercept,
    *,
    distribution: MRDistribution,
    alpha: float,
) -> EggerVariant:
    """Scale a `WLSIntercept` by 1/min(1, σ̂) and attach MendelianRandomization's limits;
    `DegenerateFitError` when σ̂ = 0 (the variants lie exactly on the line: 0/0 in R)."""
    scale = min(fit.sigma, 1.0)
    if not scale > 0.0:
        raise DegenerateFitError(
            f"{method} is undefined: the residual standard error is 0 (the variants lie "
            "exactly on the fitted line)",
            field="beta.outcome",
        )
    b, se = fit.slope, fit.slope_se_lm / scale
    a, ase = fit.intercept, fit.intercept_se_lm / scale
    df = k - 2
    lo, hi = egger_limits(b, se, fit.sigma, distribution, df, alpha)
    alo, ahi = egger_limits(a, ase, fit.sigma, distribution, df, alpha)
    slope = MRMethodResult(
        method=method,
        nsnp=k,
        b=b,
        se=se,
        ci_lb=lo,
        ci_ub=hi,
        pval=egger_pvalue(b, se, fit.sigma, distribution, df),
    )
    return EggerVariant(
        slope=slope,
        intercept=a,
        intercept_se=ase,
        intercept_ci_lb=alo,
        intercept_ci_ub=ahi,
        intercept_pval=egger_pvalue(a, ase, fit.sigma, distribution, df),
        rse=fit.sigma,
    )


def egger_penalised_from_arrays(
    d: MRArrays, *, distribution: MRDistribution = "normal", alpha: float = 0.05
) -> EggerVariant:
    """Penalised MR-Egger (see the module docstring); requires k ≥ 3."""
    o = orient(d)
    w = o.byse**-2.0
    first = wls_intercept(o.bx, o.by, w)
    resid = o.by - first.intercept - first.slope * o.bx
    p = _chi2_1_sf(w * resid**2)
    fit = wls_intercept(o.bx, o.by, w * np.minimum(1.0, 100.0 * p))
    return egger_result("egger_penalised", d.k, fit, distribution=distribution, alpha=alpha)


__all__ = [
    "EggerVariant",
    "WLSIntercept",
    "egger_limits",
    "egger_penalised_from_arrays",
    "egger_pvalue",
    "egger_result",
    "ivw_penalised_from_arrays",
    "penalised_ivw_weights",
    "wls_intercept",
]
