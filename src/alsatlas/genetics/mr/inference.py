"""Normal and t-based p-values and confidence limits shared by the estimators."""

from __future__ import annotations

import math
from typing import Literal

from scipy import stats

Distribution = Literal["normal", "t"]


def pvalue(
    b: float, se: float, distribution: Distribution = "normal", df: float = math.inf
) -> float:
    """Two-sided p-value of b/se: 2·Φ(−|b/se|), or 2·F_t(−|b/se|; df) for ``"t"``."""
    if not math.isfinite(b) or not math.isfinite(se) or se <= 0:
        return math.nan
    z = abs(b / se)
    if distribution == "t":
        return float(2.0 * stats.t.sf(z, df))
    return float(2.0 * stats.norm.sf(z))


def critical_value(
    distribution: Distribution = "normal", df: float = math.inf, alpha: float = 0.05
) -> float:
    """Quantile 1 − α/2 of the standard normal or of t(df)."""
    if distribution == "t":
        return float(stats.t.ppf(1.0 - alpha / 2.0, df))
    return float(stats.norm.ppf(1.0 - alpha / 2.0))


def confidence_limits(
    b: float,
    se: float,
    distribution: Distribution = "normal",
    df: float = math.inf,
    alpha: float = 0.05,
) -> tuple[float, float]:
    """Limits b ± q·se with q the 1 − α/2 quantile of the normal or t(df) distribution."""
    q = critical_value(distribution, df, alpha)
    return b - q * se, b + q * se


__all__ = ["Distribution", "confidence_limits", "critical_value", "pvalue"]
