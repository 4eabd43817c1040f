"""MR-Egger with bootstrap standard errors (TwoSampleMR ``mr_egger_regression_bootstrap``).

Each of ``n_boot`` replicates draws bx*_j ~ N(bx_j, bxse_j²) and by*_j ~ N(by_j, byse_j²),
orients the variants (by* ← sign(bx*)·by*, bx* ← |bx*|) and fits TwoSampleMR's weighted line
with w_j = byse_j⁻² entering both axes: slope β̂ = cov(w·bx*, w·by*)/var(w·bx*) and intercept
â = mean(by*) − mean(bx*)·β̂ (the package's formula, not weighted least squares). The
estimate is the mean of the replicate slopes, the SE their standard deviation, and the
p-value the fraction of replicates on the other side of zero from the mean,
#{sign(b̄)·β̂_r < 0}/n_boot (likewise for the intercept).

Draws: by default R's normal stream after ``set.seed(seed)`` (`rstream`), laid out as the
package lays them out (all n_boot·k exposure draws, variant by variant, then the outcome
draws), so a seed gives the package's numbers; ``stream="numpy"`` uses numpy's PCG64 instead
(equal within Monte Carlo error). Equal seeds give equal numbers.

References
----------
Bowden J, Davey Smith G, Burgess S. Int J Epidemiol 2015;44:512-525. Hemani G et al. eLife
2018;7:e34408 (TwoSampleMR).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from alsatlas.errors import StatsInputError
from alsatlas.genetics.mr.inputs import MRArrays
from alsatlas.genetics.mr.results import MRMethodResult
from alsatlas.genetics.mr.rstream import r_rnorm

_BLOCK_VALUES = 16_384


@dataclass(frozen=True, slots=True)
class EggerBootstrapResult:
    """Bootstrap MR-Egger: the slope as an `MRMethodResult` (b ± 1.96·se limits) and the
    intercept's mean, SD and bootstrap p-value."""

    slope: MRMethodResult
    intercept: float
    intercept_se: float
    intercept_pval: float
    n_boot: int
    seed: int


def egger_bootstrap_from_arrays(
    d: MRArrays,
    *,
    n_boot: int = 1000,
    seed: int = 314159265,
    stream: Literal["r", "numpy"] = "r",
) -> EggerBootstrapResult:
    """Bootstrap MR-Egger (see the module docstring); k ≥ 3, n_boot ≥ 2."""
    if n_boot < 2:
        raise StatsInputError("n_boot must be at least 2", field="n_boot")
    if n_boot * d.k > 50_000_000:
        raise StatsInputError("n_boot × variants over 5·10⁷", field="n_boot")
    nk = n_boot * d.k
    # draws laid out variant by variant: row j holds variant j's n_boot replicates
    if stream == "r":
        z = r_rnorm(seed, 2 * nk)
        zx, zy = z[:nk].reshape(d.k, n_boot), z[nk:].reshape(d.k, n_boot)
    else:
        rng = np.random.default_rng(seed)
        zx, zy = rng.standard_normal((n_boot, d.k)).T, rng.standard_normal((n_boot, d.k)).T
    w = (d.byse**-2.0)[:, None]
    bx, bxse = d.bx[:, None], d.bxse[:, None]
    by, byse = d.by[:, None], d.byse[:, None]
    slopes = np.empty(n_boot)
    icpts = np.empty(n_boot)
    # blocks of replicates small enough to stay in cache; sums run over variants in order
    chunk = max(1, _BLOCK_VALUES // d.k)
    for s in range(0, n_boot, chunk):
        e = min(n_boot, s + chunk)
        xs = zx[:, s:e] * bxse
        xs += bx
        ys = zy[:, s:e] * byse
        ys += by
        ys *= np.sign(xs)
        np.abs(xs, out=xs)
        xc = xs * w
        yc = ys * w
        xc -= xc.mean(axis=0)
        yc -= yc.mean(axis=0)
        b = (xc * yc).sum(axis=0)
        xc *= xc
        b /= xc.sum(axis=0)
        slopes[s:e] = b
        icpts[s:e] = ys.mean(axis=0) - xs.mean(axis=0) * b
    b = float(np.mean(slopes))
    se = float(np.std(slopes, ddof=1))
    a = float(np.mean(icpts))
    pval = float(np.sum(math.copysign(1.0, b) * slopes < 0) / n_boot) if b != 0 else 0.0
    pval_i = float(np.sum(math.copysign(1.0, a) * icpts < 0) / n_boot) if a != 0 else 0.0
    slope = MRMethodResult(
        method="egger_bootstrap",
        nsnp=d.k,
        b=b,
        se=se,
        ci_lb=b - 1.96 * se,
        ci_ub=b + 1.96 * se,
        pval=pval,
    )
    return EggerBootstrapResult(
        slope=slope,
        intercept=a,
        intercept_se=float(np.std(icpts, ddof=1)),
        intercept_pval=pval_i,
        n_boot=n_boot,
        seed=seed,
    )


__all__ = ["EggerBootstrapResult", "egger_bootstrap_from_arrays"]
