"""Simple, weighted and penalised weighted median estimators (Bowden et al. 2016)."""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from alsatlas.genetics.mr.bootstrap import RNGLike, as_rng, resample_associations
from alsatlas.genetics.mr.inference import Distribution
from alsatlas.genetics.mr.inputs import FloatArray, MRArrays, as_mr_arrays
from alsatlas.genetics.mr.results import MRMethodResult

MedianKind = Literal["simple", "weighted", "penalised"]
MedianWeights = Literal["first", "second"]

PENALTY_K = 20.0
"""Penalisation constant of the penalised weighted median (both R packages use 20)."""


def weighted_median(theta: ArrayLike, weights: ArrayLike, *, stable: bool = True) -> FloatArray:
    """Weighted median of the last axis, interpolated as Bowden et al. (2016).

    Sort β_j; with standardised weights w_j, s_j = Σ_{i≤j} w_i − w_j/2; let m be the last
    position with s_m < 0.5; the estimate is β_m + (β_{m+1} − β_m)(0.5 − s_m)/(s_{m+1} − s_m).
    ``theta`` may be (k,) or (n, k); ``weights`` is (k,) (the same for every row) or matches
    ``theta``. Ties keep their input order (R's ``order``) unless ``stable`` is False, which
    is faster and safe for continuous bootstrap draws.
    """
    t = np.asarray(theta, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    t2 = np.atleast_2d(t)
    nrow, k = t2.shape
    order = np.argsort(t2, axis=-1, kind="stable" if stable else None)
    rows = np.arange(nrow)[:, None]
    ts = t2[rows, order]
    ws = w[order] if w.ndim == 1 else np.atleast_2d(w)[rows, order]
    cs = np.cumsum(ws, axis=-1)
    cs -= 0.5 * ws
    half = 0.5 * (cs[:, -1] + 0.5 * ws[:, -1])
    below = np.clip(np.sum(cs < half[:, None], axis=-1) - 1, 0, k - 2)
    r = np.arange(nrow)
    lo_t, hi_t = ts[r, below], ts[r, below + 1]
    lo_s, hi_s = cs[r, below], cs[r, below + 1]
    gap = hi_s - lo_s
    frac = np.divide(half - lo_s, gap, out=np.zeros_like(gap), where=gap > 0)
    est = lo_t + (hi_t - lo_t) * frac
    return np.asarray(est if t.ndim > 1 else est[:1], dtype=np.float64)


def median_weights(d: MRArrays, order: MedianWeights) -> FloatArray:
    """Inverse-variance weights of the ratio estimates.

    first order (MendelianRandomization): (bx/byse)²; second order (TwoSampleMR):
    1/(byse²/bx² + by²·bxse²/bx⁴).
    """
    se = d.ratio_se_first if order == "first" else d.ratio_se_second
    return np.asarray(se**-2.0, dtype=np.float64)


def median_point_weights(d: MRArrays, kind: MedianKind, order: MedianWeights) -> FloatArray:
    """Weights used by ``kind``: equal, inverse-variance, or penalised inverse-variance.

    Penalised: w_j ← w_j·min(1, 20·q_j), q_j the upper χ²₁ tail of w_j(β_j − β̂_WM)².
    """
    if kind == "simple":
        return np.full(d.k, 1.0 / d.k)
    w = median_weights(d, order)
    if kind == "weighted":
        return w
    bwm = float(weighted_median(d.ratio, w)[0])
    penalty = special.chdtrc(1.0, w * (d.ratio - bwm) ** 2)
    return np.asarray(w * np.minimum(1.0, PENALTY_K * penalty), dtype=np.float64)


def median_bootstrap_se(
    d: MRArrays, weights: FloatArray, n_boot: int, rng: np.random.Generator
) -> float:
    """SD (n − 1 denominator) of weighted medians of parametric bootstrap ratio estimates.

    bx* ~ N(bx, bxse²) and by* ~ N(by, byse²) independently; the weights stay at their
    original values (both R packages).
    """
    bx, by = resample_associations(d, n_boot, rng)
    meds = weighted_median(by / bx, weights, stable=False)
    return float(np.std(meds, ddof=1))


_METHOD: dict[str, str] = {
    "simple": "simple_median",
    "weighted": "weighted_median",
    "penalised": "penalised_weighted_median",
}


def median_estimate(
    bx: ArrayLike,
    bxse: ArrayLike,
    by: ArrayLike,
    byse: ArrayLike,
    *,
    kind: MedianKind = "weighted",
    weights: MedianWeights = "second",
    n_boot: int = 1000,
    rng: RNGLike = None,
    distribution: Distribution = "normal",
    alpha: float = 0.05,
) -> MRMethodResult:
    """Simple, weighted or penalised weighted median of the ratio estimates by_j/bx_j.

    Point estimate: `weighted_median` with equal weights (simple), inverse-variance weights
    (``weights = "second"``: TwoSampleMR; ``"first"``: MendelianRandomization), or penalised
    weights (`median_point_weights`). SE: `median_bootstrap_se` with ``n_boot`` draws
    (TwoSampleMR 1000, MendelianRandomization 10000). p-value and limits are normal.
    Requires k ≥ 3.

    References
    ----------
    Bowden J, Davey Smith G, Haycock PC, Burgess S. Consistent estimation in Mendelian
    randomization with some invalid instruments using a weighted median estimator.
    Genet Epidemiol 2016;40:304-314.
    Burgess S et al. Eur J Epidemiol 2016;31:1151-1161 (penalised weights).
    """
    d = as_mr_arrays(bx, bxse, by, byse, min_snps=3, method=_METHOD[kind])
    return median_from_arrays(
        d,
        kind=kind,
        weights=weights,
        n_boot=n_boot,
        rng=rng,
        distribution=distribution,
        alpha=alpha,
    )


def median_from_arrays(
    d: MRArrays,
    *,
    kind: MedianKind = "weighted",
    weights: MedianWeights = "second",
    n_boot: int = 1000,
    rng: RNGLike = None,
    distribution: Distribution = "normal",
    alpha: float = 0.05,
) -> MRMethodResult:
    """`median_estimate` on validated arrays."""
    method = _METHOD[kind]
    w = median_point_weights(d, kind, weights)
    b = float(weighted_median(d.ratio, w)[0])
    se = median_bootstrap_se(d, w, n_boot, as_rng(rng, method))
    return MRMethodResult.from_estimate(
        method, d.k, b, se, distribution=distribution, df=d.k - 1, alpha=alpha
    )


__all__ = [
    "PENALTY_K",
    "MedianKind",
    "MedianWeights",
    "median_bootstrap_se",
    "median_estimate",
    "median_from_arrays",
    "median_point_weights",
    "median_weights",
    "weighted_median",
]
