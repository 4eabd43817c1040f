"""Instrument strength: per-variant and mean F-statistics."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from alsatlas.genetics.mr.results import FStatistics


def f_statistics(bx: ArrayLike, bxse: ArrayLike) -> FStatistics:
    """F_j = (bx_j / bxse_j)², with their mean and minimum.

    The mean is the F reported by MendelianRandomization's ``mr_ivw`` for uncorrelated
    variants; F < 10 flags a weak instrument (Staiger & Stock 1997; Burgess & Thompson 2011).
    """
    f = (np.asarray(bx, dtype=np.float64) / np.asarray(bxse, dtype=np.float64)) ** 2
    return FStatistics(
        mean=float(np.mean(f)), min=float(np.min(f)), per_snp=tuple(float(v) for v in f)
    )


def f_statistic_correlated(bx: ArrayLike, bxse: ArrayLike, rho: ArrayLike) -> float:
    """Mean F for correlated variants: bxᵀΣ⁻¹bx / k with Σ = (bxse bxseᵀ) ∘ ρ.

    Reduces to mean((bx/bxse)²) when ρ = I; it is the F that MendelianRandomization prints
    for the correlated calcium example (11.5).
    """
    b = np.asarray(bx, dtype=np.float64)
    se = np.asarray(bxse, dtype=np.float64)
    sigma = np.outer(se, se) * np.asarray(rho, dtype=np.float64)
    quad = float(np.dot(b, np.linalg.solve(sigma, b)))
    return quad / float(b.shape[0])


__all__ = ["f_statistic_correlated", "f_statistics"]
