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
from alsatlas.genetics.mr.inputs import FloatArray, MRArrays
from alsatlas.genetics.mr.npsum import pairwise_sum
from alsatlas.genetics.mr.results import MRMethodResult
from alsatlas.genetics.mr.rstream import r_rnorm
from alsatlas.jit import njit_ieee

_BLOCK = 256


@njit_ieee
def _replicates(
    zx: FloatArray,
    zy: FloatArray,
    bx: FloatArray,
    bxse: FloatArray,
    by: FloatArray,
    byse: FloatArray,
    wt: FloatArray,
    slopes: FloatArray,
    icpts: FloatArray,
) -> None:
    """Slope and intercept of every replicate; ``zx``/``zy`` k×n_boot (row j: variant j),
    ``wt`` the weights byse⁻².

    Blocks of replicates; sums run over the variants in order, the centred sums in a
    second pass over the same (recomputed) values.
    """
    k, n_boot = zx.shape
    sx = np.empty(_BLOCK)
    sy = np.empty(_BLOCK)
    sxw = np.empty(_BLOCK)
    syw = np.empty(_BLOCK)
    sxy = np.empty(_BLOCK)
    sxx = np.empty(_BLOCK)
    for s in range(0, n_boot, _BLOCK):
        e = min(n_boot, s + _BLOCK)
        nb = e - s
        sx[:nb] = 0.0
        sy[:nb] = 0.0
        sxw[:nb] = 0.0
        syw[:nb] = 0.0
        sxy[:nb] = 0.0
        sxx[:nb] = 0.0
        for j in range(k):
            w = wt[j]
            for r in range(nb):
                x = zx[j, s + r] * bxse[j] + bx[j]
                y = zy[j, s + r] * byse[j] + by[j]
                y = y * (1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0))
                x = abs(x)
                sx[r] += x
                sy[r] += y
                sxw[r] += x * w
                syw[r] += y * w
        for r in range(nb):
            sxw[r] = sxw[r] / k
            syw[r] = syw[r] / k
        for j in range(k):
            w = wt[j]
            for r in range(nb):
                x = zx[j, s + r] * bxse[j] + bx[j]
                y = zy[j, s + r] * byse[j] + by[j]
                y = y * (1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0))
                x = abs(x)
                xc = x * w - sxw[r]
                yc = y * w - syw[r]
                sxy[r] += xc * yc
                sxx[r] += xc * xc
        for r in range(nb):
            b = sxy[r] / sxx[r]
            slopes[s + r] = b
            icpts[s + r] = sy[r] / k - sx[r] / k * b


@njit_ieee
def _replicates_by_row(
    zx: FloatArray,
    zy: FloatArray,
    bx: FloatArray,
    bxse: FloatArray,
    by: FloatArray,
    byse: FloatArray,
    wt: FloatArray,
    slopes: FloatArray,
    icpts: FloatArray,
) -> None:
    """`_replicates` for draws laid out replicate by replicate (``zx``/``zy`` n_boot×k,
    numpy's stream): each sum over the variants in numpy's pairwise order (`pairwise_sum`),
    as numpy reduces such a layout."""
    n_boot, k = zx.shape
    xs, ys, xc, yc, t = np.empty(k), np.empty(k), np.empty(k), np.empty(k), np.empty(k)
    for r in range(n_boot):
        for j in range(k):
            x = zx[r, j] * bxse[j] + bx[j]
            y = zy[r, j] * byse[j] + by[j]
            ys[j] = y * (1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0))
            xs[j] = abs(x)
            xc[j] = xs[j] * wt[j]
            yc[j] = ys[j] * wt[j]
        mx = pairwise_sum(xc, k) / k
        my = pairwise_sum(yc, k) / k
        for j in range(k):
            xc[j] -= mx
            yc[j] -= my
            t[j] = xc[j] * yc[j]
        b = pairwise_sum(t, k)
        for j in range(k):
            t[j] = xc[j] * xc[j]
        b /= pairwise_sum(t, k)
        slopes[r] = b
        icpts[r] = pairwise_sum(ys, k) / k - pairwise_sum(xs, k) / k * b


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
    slopes = np.empty(n_boot)
    icpts = np.empty(n_boot)
    if stream == "r":
        # R's draws, variant by variant: row j holds variant j's n_boot replicates
        z = r_rnorm(seed, 2 * nk)
        zx, zy = z[:nk].reshape(d.k, n_boot), z[nk:].reshape(d.k, n_boot)
        _replicates(zx, zy, d.bx, d.bxse, d.by, d.byse, d.byse**-2.0, slopes, icpts)
    else:
        rng = np.random.default_rng(seed)
        zx, zy = rng.standard_normal((n_boot, d.k)), rng.standard_normal((n_boot, d.k))
        _replicates_by_row(zx, zy, d.bx, d.bxse, d.by, d.byse, d.byse**-2.0, slopes, icpts)
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
