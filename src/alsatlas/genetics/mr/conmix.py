"""Contamination mixture method (Burgess et al. 2020), as MendelianRandomization's ``mr_conmix``.

Each ratio estimate θ_j = by_j/bx_j (SE s_j = byse_j/|bx_j|) is either valid, θ_j ~ N(θ, s_j²),
or invalid, θ_j ~ N(0, ψ² + s_j²). For a candidate θ each variant takes the more likely of the
two, giving the profile log-likelihood

    ℓ(θ) = Σ_j max(log φ(θ_j; θ, s_j²), log φ(θ_j; 0, ψ² + s_j²)),

evaluated on the grid θ = θ_min + m·step, m = 0, 1, … (θ_min = min_j (by_j − 2byse_j)/bx_j,
θ_max = max_j (by_j + 2byse_j)/bx_j, step 0.01, ψ = 1.5·sd(θ_j) unless given). The estimate
is the (first) grid maximiser; the valid variants are those classified valid there. With
φ̂ = max(1, √(Q_valid/(n_valid − 1))) (Q of the valid ratio estimates; φ̂ = 1 when at most one
is valid), the confidence set is {θ : 2ℓ(θ) > 2ℓ_max − χ²₁,₁₋α·φ̂²}, which can be a union of
intervals, and the p-value is P(χ²₁ > 2(ℓ_max − ℓ₀)φ̂²) with ℓ₀ the classification likelihood
at θ = 0. (The package multiplies by φ̂² in the p-value and divides nowhere; reproduced as is.)

References
----------
Burgess S, Foley CN, Allara E, Staley JR, Howson JMM. A robust and efficient method for
Mendelian randomization with hundreds of genetic variants. Nat Commun 2020;11:376.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from alsatlas.errors import StatsInputError
from alsatlas.genetics.mr.inputs import FloatArray, MRArrays
from alsatlas.genetics.mr.results import MRMethodResult

_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


@dataclass(frozen=True, slots=True)
class ConMixResult:
    """Contamination mixture fit.

    ``ci_lower``/``ci_upper`` list the limits of each interval of the confidence set (usually
    one); ``valid`` the 0-based indices of the variants classified valid at the estimate.
    ``result`` summarises it as one `MRMethodResult` (limits: the outermost ones; no SE).
    """

    estimate: float
    pval: float
    psi: float
    ci_lower: tuple[float, ...]
    ci_upper: tuple[float, ...]
    valid: tuple[int, ...]
    grid_min: float
    grid_max: float
    step: float
    result: MRMethodResult


def _log_normal(x: FloatArray, mean: FloatArray | float, var: FloatArray) -> FloatArray:
    return np.asarray(-((mean - x) ** 2) / 2.0 / var - np.log(np.sqrt(2.0 * math.pi * var)))


def conmix_from_arrays(
    d: MRArrays,
    *,
    psi: float = 0.0,
    ci_min: float | None = None,
    ci_max: float | None = None,
    step: float = 0.01,
    alpha: float = 0.05,
) -> ConMixResult:
    """Contamination mixture estimate on the grid (see the module docstring)."""
    ratio = d.by / d.bx
    ratio_se = np.abs(d.byse / d.bx)
    lo = float(np.min((d.by - 2.0 * d.byse) / d.bx)) if ci_min is None else float(ci_min)
    hi = float(np.max((d.by + 2.0 * d.byse) / d.bx)) if ci_max is None else float(ci_max)
    if not step > 0 or not hi >= lo:
        raise StatsInputError("conmix needs step > 0 and ci_max >= ci_min", field="conmix")
    if psi <= 0:
        psi = 1.5 * float(np.std(ratio, ddof=1))
    n = math.floor((hi - lo) / step + 1e-10)
    if n > 10_000_000:
        raise StatsInputError("conmix grid too fine (over 10^7 points)", field="conmix")
    theta = lo + np.arange(n + 1, dtype=np.float64) * step
    v_in = ratio_se**2
    v_out = psi * psi + ratio_se**2
    lik_exc = _log_normal(ratio, 0.0, v_out)
    c_in = np.log(np.sqrt(2.0 * math.pi * v_in))
    # A variant counts as valid only where (θ − θ_j)² < 2v_j(−c_j − e_j); elsewhere it adds
    # its constant invalid term. Add the excess over each variant's window (widened by one
    # grid point each side and decided by the direct comparison, so the classification is
    # exactly the package's).
    lik = np.full(theta.size, float(np.sum(lik_exc)))
    half2 = 2.0 * v_in * (-c_in - lik_exc)
    half = np.sqrt(np.maximum(half2, 0.0))
    starts = np.searchsorted(theta, ratio - half) - 1
    stops = np.searchsorted(theta, ratio + half) + 1
    for j in np.flatnonzero(half2 > 0):
        a, b = max(int(starts[j]), 0), min(int(stops[j]) + 1, theta.size)
        if a >= b:
            continue
        diff = theta[a:b] - ratio[j]
        inc = -(diff * diff) / 2.0 / v_in[j] - c_in[j]
        lik[a:b] += np.maximum(inc - lik_exc[j], 0.0)
    best = int(np.argmax(lik))
    t_best = theta[best]
    lik_inc_best = -((t_best - ratio) ** 2) / 2.0 / v_in - np.log(np.sqrt(2.0 * math.pi * v_in))
    valid = lik_inc_best > lik_exc
    nv = int(np.sum(valid))
    if nv < 1.5:
        phi = 1.0
    else:
        r, w = ratio[valid], ratio_se[valid] ** -2.0
        mean = float(np.sum(r * w) / np.sum(w))
        phi = max(math.sqrt(float(np.sum((r - mean) ** 2 * w)) / (nv - 1)), 1.0)
    lik_inc0 = -(ratio**2) / 2.0 / v_in - np.log(np.sqrt(2.0 * math.pi * v_in))
    lik0 = float(np.where(lik_inc0 > lik_exc, lik_inc0, lik_exc).sum())
    crit = float(special.chdtri(1.0, alpha))
    lmax = float(lik[best])
    inside = np.flatnonzero(2.0 * lik > 2.0 * lmax - crit * phi * phi)
    ci_range = lo + step * inside
    gaps = np.flatnonzero(np.diff(ci_range) > 1.01 * step)
    lower = (float(np.min(ci_range)), *(float(ci_range[g + 1]) for g in gaps))
    upper = (*(float(ci_range[g]) for g in gaps), float(np.max(ci_range)))
    estimate = lo + step * best
    pval = float(special.chdtrc(1.0, 2.0 * (lmax - lik0) * phi * phi))
    result = MRMethodResult(
        method="conmix",
        nsnp=d.k,
        b=estimate,
        se=math.nan,
        ci_lb=lower[0],
        ci_ub=upper[-1],
        pval=pval,
    )
    return ConMixResult(
        estimate=estimate,
        pval=pval,
        psi=psi,
        ci_lower=lower,
        ci_upper=upper,
        valid=tuple(int(i) for i in np.flatnonzero(valid)),
        grid_min=lo,
        grid_max=hi,
        step=step,
        result=result,
    )


__all__ = ["ConMixResult", "conmix_from_arrays"]
