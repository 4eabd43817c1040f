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


__all__ = ["f_statistics"]
