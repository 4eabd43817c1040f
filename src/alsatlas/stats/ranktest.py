r"""Begg and Mazumdar's rank correlation test for funnel-plot asymmetry (``metafor::ranktest``).

With the common-effect estimate :math:`\hat\theta = \sum w_i y_i / \sum w_i`,
:math:`w_i = 1/v_i` and :math:`v = 1/\sum w_i`, the standardised deviates are

.. math:: y_i^* = (y_i - \hat\theta) / \sqrt{v_i - v},

and the test is Kendall's rank correlation :math:`\tau_b` between :math:`y_i^*` and
:math:`v_i` (Begg & Mazumdar 1994). metafor 3.8 calls ``cor.test(yi.star, vi, method =
"kendall", exact = TRUE)``, so, as there:

* without ties, the two-sided p-value is exact: with :math:`T` the number of concordant pairs,
  :math:`p = \min(1, 2 P(T \le q))` for :math:`q \le N/2` and
  :math:`\min(1, 2 P(T \ge q))` otherwise, :math:`N = k(k-1)/2`; the null distribution of
  :math:`T` is that of the number of inversions of a random permutation (Kendall 1970);
* with ties, the normal approximation with the tie-corrected variance of :math:`S` (Kendall
  1970, eq. 4.4; no continuity correction), :math:`z = S / \sqrt{\mathrm{Var}(S)}`.

The test uses the common-effect :math:`\hat\theta` whatever model was fitted, as metafor.

References
----------
Begg, C. B., & Mazumdar, M. (1994). Operating characteristics of a rank correlation test for
publication bias. *Biometrics*, 50, 1088-1101.
Kendall, M. G. (1970). *Rank Correlation Methods* (4th ed.). Griffin.
R Core Team: ``stats::cor.test`` (R 4.2), ``metafor::ranktest`` (metafor 3.8).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from alsatlas.errors import StatsInputError

FloatArray = NDArray[np.float64]

#: Largest k for which the exact null distribution is computed (O(k^3) work).
EXACT_MAX_K = 1000


@dataclass(frozen=True)
class RankTestResult:
    """Result of :func:`ranktest`.

    Attributes
    ----------
    tau
        Kendall's :math:`\\tau_b` between the standardised deviates and the variances.
    pval
        Two-sided p-value.
    exact
        Whether ``pval`` is exact (no ties and ``exact=True``) or the normal approximation.
    k
        Number of studies.
    """

    tau: float
    pval: float
    exact: bool
    k: int


def kendall_tau_b(x: FloatArray, y: FloatArray) -> tuple[float, float, bool]:
    r"""Kendall's :math:`\tau_b`, the score :math:`S` and whether there are ties.

    :math:`S = \sum_{i<j} \mathrm{sign}(x_j - x_i)\,\mathrm{sign}(y_j - y_i)` and
    :math:`\tau_b = S / \sqrt{(N - T_x)(N - T_y)}` with :math:`N = k(k-1)/2` and
    :math:`T_x, T_y` the numbers of tied pairs.
    """
    dx = np.sign(x[None, :] - x[:, None])
    dy = np.sign(y[None, :] - y[:, None])
    iu = np.triu_indices(x.shape[0], k=1)
    sx = dx[iu]
    sy = dy[iu]
    s = float(np.sum(sx * sy))
    n0 = float(sx.shape[0])
    tx = float(np.sum(sx == 0))
    ty = float(np.sum(sy == 0))
    denom = math.sqrt((n0 - tx) * (n0 - ty))
    tau = s / denom if denom > 0 else math.nan
    return tau, s, bool(tx > 0 or ty > 0)


def inversion_cdf(n: int) -> FloatArray:
    r"""Null distribution function :math:`P(T \le t)`, :math:`t = 0, \dots, n(n-1)/2`.

    :math:`T` is the number of inversions of a uniformly random permutation of ``n`` items,
    built by the recursion :math:`P_m(t) = \frac1m \sum_{j=0}^{m-1} P_{m-1}(t - j)`.
    """
    prob = np.ones(1)
    for m in range(2, n + 1):
        size = prob.shape[0] + m - 1
        csum = np.concatenate([[0.0], np.cumsum(np.concatenate([prob, np.zeros(m - 1)]))])
        idx = np.arange(size)
        prob = (csum[idx + 1] - csum[np.maximum(idx + 1 - m, 0)]) / m
    return np.minimum(np.cumsum(prob), 1.0)


def _tie_groups(values: FloatArray) -> FloatArray:
    _, counts = np.unique(values, return_counts=True)
    return counts[counts > 1].astype(np.float64)


def _normal_pvalue(x: FloatArray, y: FloatArray, s: float) -> float:
    n = float(x.shape[0])
    tx = _tie_groups(x)
    ty = _tie_groups(y)
    v0 = n * (n - 1) * (2 * n + 5)
    vt = float(np.sum(tx * (tx - 1) * (2 * tx + 5)))
    vu = float(np.sum(ty * (ty - 1) * (2 * ty + 5)))
    v1 = float(np.sum(tx * (tx - 1)) * np.sum(ty * (ty - 1)))
    v2 = float(np.sum(tx * (tx - 1) * (tx - 2)) * np.sum(ty * (ty - 1) * (ty - 2)))
    var_s = (v0 - vt - vu) / 18 + v1 / (2 * n * (n - 1)) + v2 / (9 * n * (n - 1) * (n - 2))
    z = s / math.sqrt(var_s)
    return float(2 * stats.norm.sf(abs(z)))


def kendall_pvalue(
    x: FloatArray, y: FloatArray, *, exact: bool = True
) -> tuple[float, float, bool]:
    """Kendall's :math:`\\tau_b` and its two-sided p-value as R's ``cor.test``.

    Returns ``(tau, pval, exact_used)``; the exact p-value is used when ``exact`` is true,
    there are no ties and ``k <= EXACT_MAX_K``.
    """
    tau, s, ties = kendall_tau_b(x, y)
    if math.isnan(tau):
        raise StatsInputError(
            "Kendall's tau is undefined: all values of one variable are tied", field="yi"
        )
    n = x.shape[0]
    if exact and not ties and n <= EXACT_MAX_K:
        npairs = n * (n - 1) // 2
        q = round((tau + 1) * n * (n - 1) / 4)
        cdf = inversion_cdf(n)
        # upper tail by symmetry: P(T >= q) = P(T <= N - q)
        p = float(cdf[npairs - q]) if q > n * (n - 1) / 4 else float(cdf[q])
        return tau, min(2 * p, 1.0), True
    return tau, _normal_pvalue(x, y, s), False


def ranktest(yi: ArrayLike, vi: ArrayLike, *, exact: bool = True) -> RankTestResult:
    """Begg and Mazumdar's rank correlation test (formula in the module docstring).

    Parameters
    ----------
    yi, vi
        Effect sizes and sampling variances (length k >= 3, finite, ``vi > 0``).
    exact
        Use the exact null distribution when there are no ties (metafor's default).

    Returns
    -------
    RankTestResult
        Kendall's tau and its two-sided p-value.

    Raises
    ------
    StatsInputError
        Fewer than 3 studies, mismatched lengths, NaN or non-positive variances, or all
        standardised effects (or all variances) equal, where tau is undefined (metafor: NA).
    """
    y, v = _check(yi, vi)
    w = 1.0 / v
    theta = float(np.sum(w * y) / np.sum(w))
    vb = 1.0 / float(np.sum(w))
    ystar = (y - theta) / np.sqrt(v - vb)
    tau, pval, used_exact = kendall_pvalue(ystar, v, exact=exact)
    return RankTestResult(tau=tau, pval=pval, exact=used_exact, k=int(y.shape[0]))


def _check(yi: ArrayLike, vi: ArrayLike) -> tuple[FloatArray, FloatArray]:
    y = np.asarray(yi, dtype=np.float64).reshape(-1)
    v = np.asarray(vi, dtype=np.float64).reshape(-1)
    if y.shape != v.shape:
        raise StatsInputError(
            f"yi has {y.shape[0]} values but vi has {v.shape[0]}; lengths must match", field="vi"
        )
    for arr, field in ((y, "yi"), (v, "vi")):
        bad = np.flatnonzero(~np.isfinite(arr))
        if bad.size:
            raise StatsInputError("value is NaN or infinite", row=int(bad[0]), field=field)
    nonpos = np.flatnonzero(v <= 0)
    if nonpos.size:
        raise StatsInputError(
            f"sampling variance must be positive, got {v[nonpos[0]]}",
            row=int(nonpos[0]),
            field="vi",
        )
    if y.shape[0] < 3:
        raise StatsInputError(
            f"the rank correlation test needs at least 3 studies, got k = {y.shape[0]}",
            field="yi",
        )
    return y, v


__all__ = ["EXACT_MAX_K", "RankTestResult", "inversion_cdf", "kendall_pvalue", "ranktest"]
