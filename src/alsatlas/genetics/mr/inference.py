"""Normal, t and χ² tail probabilities, quantiles and confidence limits of the estimators.

Computed with ``scipy.special`` (ndtr, stdtr, chdtrc and their inverses) rather than the
``scipy.stats`` distribution objects: the same numbers, without the per-call overhead that
dominates when thousands of exposure–outcome pairs are run.
"""

from __future__ import annotations

import math
from typing import Literal

from scipy import special

Distribution = Literal["normal", "t"]


def pvalue(
    b: float, se: float, distribution: Distribution = "normal", df: float = math.inf
) -> float:
    """Two-sided p-value of b/se: 2·Φ(−|b/se|), or 2·F_t(−|b/se|; df) for ``"t"``."""
    if not math.isfinite(b) or not math.isfinite(se) or se <= 0:
        return math.nan
    z = abs(b / se)
    if distribution == "t" and math.isfinite(df):
        return float(2.0 * special.stdtr(df, -z))
    return float(2.0 * special.ndtr(-z))


def critical_value(
    distribution: Distribution = "normal", df: float = math.inf, alpha: float = 0.05
) -> float:
    """Quantile 1 − α/2 of the standard normal or of t(df)."""
    if distribution == "t" and math.isfinite(df):
        return float(special.stdtrit(df, 1.0 - alpha / 2.0))
    return float(special.ndtri(1.0 - alpha / 2.0))


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


def chi2_sf(x: float, df: float) -> float:
    """Upper tail P(χ²_df > x)."""
    return float(special.chdtrc(df, x))


__all__ = ["Distribution", "chi2_sf", "confidence_limits", "critical_value", "pvalue"]
