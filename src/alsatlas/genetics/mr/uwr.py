"""Unweighted regression of the outcome on the exposure associations (TwoSampleMR ``mr_uwr``)."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from alsatlas.genetics.mr.inference import chi2_sf
from alsatlas.genetics.mr.inputs import MRArrays, as_mr_arrays
from alsatlas.genetics.mr.results import CochranQ, MRMethodResult


def uwr_from_arrays(d: MRArrays, *, alpha: float = 0.05) -> tuple[MRMethodResult, CochranQ]:
    """`mr_uwr` on validated arrays; see `mr_uwr`."""
    sxx = float(np.sum(d.bx**2))
    b = float(np.sum(d.bx * d.by)) / sxx
    df = d.k - 1
    rss = float(np.sum((d.by - b * d.bx) ** 2))
    sigma = math.sqrt(rss / df)
    se = sigma / math.sqrt(sxx) / min(1.0, sigma)
    q = sigma**2 * df
    result = MRMethodResult.from_estimate("uwr", d.k, b, se, alpha=alpha)
    het = CochranQ(Q=q, Q_df=df, Q_pval=chi2_sf(q, df), I2=max(0.0, (q - df) / q) if q > 0 else 0.0)
    return result, het


def mr_uwr(
    bx: ArrayLike, bxse: ArrayLike, by: ArrayLike, byse: ArrayLike, *, alpha: float = 0.05
) -> tuple[MRMethodResult, CochranQ]:
    """Unweighted regression through the origin, by_j = β·bx_j + e_j (no weights).

    β̂ = Σbx·by/Σbx², σ̂² = Σ(by − β̂bx)²/(k − 1); SE = σ̂/√Σbx² / min(1, σ̂) (the
    multiplicative random-effects correction of TwoSampleMR's IVW applied to the unweighted
    fit); p-value normal. Q = σ̂²(k − 1) on k − 1 df (an unweighted residual sum of squares,
    as TwoSampleMR reports it). The byse are unused. Requires k ≥ 2.

    References
    ----------
    TwoSampleMR (Hemani et al. 2018, eLife 7:e34408) ``mr_uwr``, "Unweighted regression".
    """
    d = as_mr_arrays(bx, bxse, by, byse, min_snps=2, method="uwr")
    return uwr_from_arrays(d, alpha=alpha)


__all__ = ["mr_uwr", "uwr_from_arrays"]
