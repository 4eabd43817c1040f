"""Simple and weighted mode-based estimates (Hartwig, Davey Smith & Bowden 2017)."""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from alsatlas.genetics.mr.bootstrap import RNGLike, as_rng
from alsatlas.genetics.mr.density import density_argmax
from alsatlas.genetics.mr.inference import Distribution
from alsatlas.genetics.mr.inputs import FloatArray, MRArrays, as_mr_arrays
from alsatlas.genetics.mr.results import MRMethodResult

ModeKind = Literal["simple", "weighted"]

MAD_CONSTANT = 1.4826
"""Scale constant of R's ``mad``."""

_CHUNK = 128


def _mad(x: FloatArray, axis: int = -1) -> FloatArray:
    med = np.median(x, axis=axis, keepdims=True)
    return np.asarray(MAD_CONSTANT * np.median(np.abs(x - med), axis=axis), dtype=np.float64)


def mode_bandwidth(beta: FloatArray, phi: float = 1.0) -> FloatArray:
    """Bandwidth h = max(10⁻⁸, φ·0.9·min(sd(β), mad(β))/k^{1/5}) per row of ``beta``.

    Modified Silverman rule (Bickel 2002) as in Hartwig et al. (2017); sd with n − 1
    denominator, mad with R's constant 1.4826.
    """
    b = np.atleast_2d(beta)
    k = b.shape[1]
    s = 0.9 * np.minimum(np.std(b, axis=1, ddof=1), _mad(b, axis=1)) / k**0.2
    return np.asarray(np.maximum(1e-8, s * phi), dtype=np.float64)


def mode_point(beta: FloatArray, weights: FloatArray, phi: float = 1.0) -> FloatArray:
    """Mode of the weighted kernel density of each row of ``beta`` (see `density_argmax`)."""
    b = np.atleast_2d(beta)
    return density_argmax(b, weights, mode_bandwidth(b, phi))


def mode_estimate(
    bx: ArrayLike,
    bxse: ArrayLike,
    by: ArrayLike,
    byse: ArrayLike,
    *,
    kind: ModeKind = "weighted",
    phi: float = 1.0,
    n_boot: int = 1000,
    rng: RNGLike = None,
    distribution: Distribution = "t",
    alpha: float = 0.05,
) -> MRMethodResult:
    """Mode-based estimate (MBE) of the ratio estimates β_j = by_j/bx_j.

    The estimate is the argmax of a Gaussian kernel density of the β_j with bandwidth
    `mode_bandwidth` and weights equal (``"simple"``) or proportional to se(β_j)⁻²
    (``"weighted"``), se(β_j) the second-order SE √(byse²/bx² + by²bxse²/bx⁴) (TwoSampleMR
    "not assuming NOME"; MendelianRandomization ``stderror = "delta"``). The density is
    evaluated on R's 512-point grid (`alsatlas.genetics.mr.density`).

    SE: R's ``mad`` of ``n_boot`` modes of β*_j ~ N(β_j, se(β_j)²), weights kept at their
    original values. Limits are normal; the p-value is t(k − 1) for ``distribution = "t"``
    (TwoSampleMR) or normal (MendelianRandomization). Requires k ≥ 3.

    References
    ----------
    Hartwig FP, Davey Smith G, Bowden J. Robust inference in summary data Mendelian
    randomization via the zero modal pleiotropy assumption. Int J Epidemiol
    2017;46:1985-1998.
    """
    method = "simple_mode" if kind == "simple" else "weighted_mode"
    d = as_mr_arrays(bx, bxse, by, byse, min_snps=3, method=method)
    return mode_from_arrays(
        d, kind=kind, phi=phi, n_boot=n_boot, rng=rng, distribution=distribution, alpha=alpha
    )


def mode_from_arrays(
    d: MRArrays,
    *,
    kind: ModeKind = "weighted",
    phi: float = 1.0,
    n_boot: int = 1000,
    rng: RNGLike = None,
    distribution: Distribution = "t",
    alpha: float = 0.05,
) -> MRMethodResult:
    """`mode_estimate` on validated arrays."""
    method = "simple_mode" if kind == "simple" else "weighted_mode"
    beta = d.ratio
    se = d.ratio_se_second
    w = np.full(d.k, 1.0 / d.k) if kind == "simple" else se**-2.0 / np.sum(se**-2.0)
    b = float(mode_point(beta, w, phi)[0])
    gen = as_rng(rng, method)
    draws = beta + se * gen.standard_normal((n_boot, d.k))
    boot = np.concatenate(
        [mode_point(draws[i : i + _CHUNK], w, phi) for i in range(0, n_boot, _CHUNK)]
    )
    se_b = float(_mad(boot))
    return MRMethodResult.from_estimate(
        method,
        d.k,
        b,
        se_b,
        distribution=distribution,
        df=d.k - 1,
        ci_distribution="normal",
        alpha=alpha,
    )


__all__ = [
    "MAD_CONSTANT",
    "ModeKind",
    "mode_bandwidth",
    "mode_estimate",
    "mode_from_arrays",
    "mode_point",
]
