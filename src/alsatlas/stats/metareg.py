r"""Meta-regression summaries: the omnibus test of moderators (QM) and pseudo-R².

Omnibus test (metafor ``rma.uni``, argument ``btt``; Raudenbush 2009): for the coefficients
:math:`b` indexed by ``btt`` with covariance :math:`V_b`,

.. math:: Q_M = b' V_b^{-1} b \sim \chi^2_m \quad (\text{test} = z),
          \qquad F = Q_M / m \sim F_{m,\,k-p} \quad (\text{test} = t \text{ or knha}).

By default ``btt`` holds every coefficient but the intercept (the intercept alone in an
intercept-only model).

Pseudo-R² (Raudenbush 2009; metafor's default definition): the proportional reduction in τ²
relative to the random-effects model without moderators fitted with the same estimator,

.. math:: R^2 = \max\bigl(0,\; 100\,(\hat\tau^2_{RE} - \hat\tau^2_{ME})/\hat\tau^2_{RE}\bigr),

set to 0 when :math:`\hat\tau^2_{RE} = 0`. For equal-effects models metafor reports the
adjusted :math:`R^2` of the weighted least-squares regression, truncated at 0.

References
----------
Raudenbush, S. W. (2009). Analyzing effect sizes: random-effects models. In *The Handbook of
Research Synthesis and Meta-Analysis* (2nd ed.), 295-315.
Viechtbauer, W. (2010). Conducting meta-analyses in R with the metafor package. *Journal of
Statistical Software*, 36(3).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from alsatlas.errors import StatsInputError
from alsatlas.stats.meta_inputs import FloatArray

IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class OmnibusTest:
    """Omnibus (Wald-type) test of a set of coefficients.

    ``QM`` is the chi-square statistic under ``test="z"`` and the F statistic under ``t`` or
    ``knha``; ``df`` is ``(m,)`` or ``(m, k - p)`` accordingly.
    """

    QM: float
    QMp: float
    df: tuple[int, ...]


def default_btt(p: int) -> IntArray:
    """Indices of the coefficients tested by default: all but the intercept (or the intercept)."""
    return np.arange(1, p, dtype=np.int64) if p > 1 else np.zeros(1, dtype=np.int64)


def check_btt(btt: ArrayLike, p: int) -> IntArray:
    """Return sorted unique 0-based coefficient indices, or raise for an index outside 0..p-1."""
    idx = np.unique(np.atleast_1d(np.asarray(btt)).astype(np.int64))
    if idx.size == 0 or idx[0] < 0 or idx[-1] >= p:
        raise StatsInputError(
            f"coefficient indices must lie in 0..{p - 1}, got {np.asarray(btt).tolist()}",
            field="btt",
        )
    return idx


def omnibus_test(
    beta: FloatArray, vb: FloatArray, btt: IntArray, *, test: str, df_resid: int
) -> OmnibusTest:
    """Return :math:`Q_M` (or F) and its p-value for the coefficients ``btt``."""
    idx = np.asarray(btt, dtype=np.int64)
    b = beta[idx]
    m = int(idx.size)
    if m == 1:
        var = float(vb[idx[0], idx[0]])
        # se = 0 (knha with identical effects): 0/0 reads as 0, as for the z statistic.
        zero = 0.0 if float(b[0]) == 0.0 else float("inf")
        z = float(b[0]) / math.sqrt(var) if var > 0.0 else zero
        qm = z * z  # inf, not OverflowError, for estimates near the float limit
    else:
        try:
            qm = float(b @ np.linalg.solve(vb[np.ix_(idx, idx)], b))
        except np.linalg.LinAlgError:
            qm = float("inf")
    if test in ("t", "knha", "adhoc"):
        f = qm / m
        return OmnibusTest(QM=f, QMp=float(special.fdtrc(m, df_resid, f)), df=(m, df_resid))
    return OmnibusTest(QM=qm, QMp=float(special.chdtrc(m, qm)), df=(m,))


def pseudo_r2(tau2_reduced: float, tau2_full: float) -> float:
    """Return metafor's pseudo-R² in percent from τ² without and with moderators."""
    if tau2_reduced == 0.0:
        return 0.0
    return max(0.0, 100.0 * (tau2_reduced - tau2_full) / tau2_reduced)


def weighted_adjusted_r2(yi: FloatArray, X: FloatArray, w: FloatArray) -> float:
    """Adjusted R² (percent, truncated at 0) of the weighted least-squares fit of ``yi`` on X.

    This is ``summary(lm(yi ~ X, weights = w))$adj.r.squared``, which metafor reports as R²
    for equal-effects meta-regressions.
    """
    k, p = int(X.shape[0]), int(X.shape[1])
    if np.all(yi == yi[0]):
        return 0.0
    WX = w[:, None] * X
    beta = np.linalg.solve(X.T @ WX, WX.T @ yi)
    rss = float(np.sum(w * (yi - X @ beta) ** 2))
    mean = float(np.sum(w * yi) / np.sum(w))
    tss = float(np.sum(w * (yi - mean) ** 2))
    r2 = 1.0 - rss / tss
    adj = 1.0 - (1.0 - r2) * (k - 1) / (k - p)
    return max(0.0, 100.0 * adj)


__all__ = [
    "OmnibusTest",
    "check_btt",
    "default_btt",
    "omnibus_test",
    "pseudo_r2",
    "weighted_adjusted_r2",
]
