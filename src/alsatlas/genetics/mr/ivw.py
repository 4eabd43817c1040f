"""Inverse-variance weighted (IVW) estimate: fixed and multiplicative random effects."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from alsatlas.genetics.mr.inference import Distribution
from alsatlas.genetics.mr.inputs import FloatArray, MRArrays, as_mr_arrays
from alsatlas.genetics.mr.results import MRMethodResult

IVWModel = Literal["random", "fixed", "default", "unscaled"]
Weights = Literal["first", "second"]


@dataclass(frozen=True, slots=True)
class IVWFit:
    """Weighted least squares of by on bx through the origin.

    Attributes
    ----------
    b
        Slope Σ w·bx·by / Σ w·bx².
    se_fixed
        1/√(Σ w·bx²).
    sigma
        Residual standard error σ̂ = √(Σ w (by − b·bx)² / (k − 1)); NaN when k = 1.
    q
        Cochran's Q = (k − 1)σ̂².
    k
        Number of variants.
    """

    b: float
    se_fixed: float
    sigma: float
    q: float
    k: int


def ivw_weights(d: MRArrays, weights: Weights = "first", psi: float = 0.0) -> FloatArray:
    """Regression weights of the IVW fit.

    first order: byse⁻²; second order (MendelianRandomization ``weights = "delta"``):
    (byse² + by²·bxse²/bx² − 2ψ·by·bxse·byse/bx)⁻¹, ψ the correlation of the two
    associations from sample overlap.
    """
    if weights == "first":
        return np.asarray(d.byse**-2.0, dtype=np.float64)
    v = d.byse**2 + d.by**2 * d.bxse**2 / d.bx**2 - 2.0 * psi * d.by * d.bxse * d.byse / d.bx
    return np.asarray(1.0 / v, dtype=np.float64)


def ivw_fit(d: MRArrays, w: FloatArray) -> IVWFit:
    """Closed-form weighted regression through the origin (see `IVWFit`)."""
    sxx = float(np.sum(w * d.bx * d.bx))
    b = float(np.sum(w * d.bx * d.by)) / sxx
    q = float(np.sum(w * (d.by - b * d.bx) ** 2))
    sigma = math.sqrt(q / (d.k - 1)) if d.k > 1 else math.nan
    return IVWFit(b=b, se_fixed=1.0 / math.sqrt(sxx), sigma=sigma, q=q, k=d.k)


def resolve_model(model: IVWModel, k: int) -> Literal["random", "fixed", "unscaled"]:
    """MendelianRandomization's ``"default"`` means fixed for k < 4 and random otherwise."""
    if model == "default":
        return "fixed" if k < 4 else "random"
    return model


def ivw(
    bx: ArrayLike,
    bxse: ArrayLike,
    by: ArrayLike,
    byse: ArrayLike,
    *,
    model: IVWModel = "random",
    weights: Weights = "first",
    psi: float = 0.0,
    distribution: Distribution = "normal",
    alpha: float = 0.05,
    method: str | None = None,
) -> MRMethodResult:
    """IVW estimate (Burgess et al. 2013), the slope of a weighted regression through 0.

    b = Σ w_j bx_j by_j / Σ w_j bx_j², w_j = byse_j⁻² (first order) or second order.
    With se_lm = σ̂/√(Σ w bx²) the lm standard error and σ̂ the residual standard error:

    - ``"fixed"``: se = se_lm/σ̂ = 1/√(Σ w bx²) (TwoSampleMR ``mr_ivw_fe``);
    - ``"random"``: multiplicative random effects, se = se_lm/min(1, σ̂) (TwoSampleMR
      ``mr_ivw``; MendelianRandomization ``model = "random"``);
    - ``"default"``: fixed for k < 4, random for k ≥ 4 (MendelianRandomization default);
    - ``"unscaled"``: se = se_lm (TwoSampleMR ``mr_ivw_mre``; it can fall below the fixed
      SE when σ̂ < 1).

    p-value and limits are normal, or t(k − 1) with ``distribution = "t"``. The method id is
    ``"ivw_fe"`` for the fixed model and ``"ivw"`` otherwise unless ``method`` is given.

    References
    ----------
    Burgess S, Butterworth A, Thompson SG. Mendelian randomization analysis with multiple
    genetic variants using summarized data. Genet Epidemiol 2013;37:658-665.
    """
    d = as_mr_arrays(bx, bxse, by, byse, min_snps=2, method="ivw")
    return ivw_from_arrays(
        d,
        model=model,
        weights=weights,
        psi=psi,
        distribution=distribution,
        alpha=alpha,
        method=method,
    )


def ivw_from_arrays(
    d: MRArrays,
    *,
    model: IVWModel = "random",
    weights: Weights = "first",
    psi: float = 0.0,
    distribution: Distribution = "normal",
    alpha: float = 0.05,
    method: str | None = None,
) -> MRMethodResult:
    """`ivw` on already validated arrays."""
    fit = ivw_fit(d, ivw_weights(d, weights, psi))
    resolved = resolve_model(model, d.k)
    if resolved == "fixed":
        se = fit.se_fixed
    elif resolved == "random":
        se = fit.se_fixed * max(1.0, fit.sigma)
    else:
        se = fit.se_fixed * fit.sigma
    name = method or ("ivw_fe" if model == "fixed" else "ivw")
    return MRMethodResult.from_estimate(
        name, d.k, fit.b, se, distribution=distribution, df=d.k - 1, alpha=alpha
    )


__all__ = ["IVWFit", "IVWModel", "Weights", "ivw", "ivw_fit", "ivw_from_arrays", "ivw_weights"]
