"""Mode-based estimates (Hartwig, Davey Smith & Bowden 2017): simple, weighted and penalised,
with or without the NOME assumption."""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from alsatlas.errors import StatsInputError
from alsatlas.genetics.mr.bootstrap import RNGLike, as_rng
from alsatlas.genetics.mr.density import density_argmax
from alsatlas.genetics.mr.inference import Distribution
from alsatlas.genetics.mr.inputs import FloatArray, MRArrays, as_mr_arrays
from alsatlas.genetics.mr.results import MRMethodResult

ModeKind = Literal["simple", "weighted", "penalised"]
RatioSE = Literal["delta", "simple"]
"""SE of the ratio estimates: second order (``"delta"``) or first order byse/|bx|
(``"simple"``, the NOME assumption)."""

PENALTY_K = 20.0
"""TwoSampleMR ``default_parameters()$penk``."""

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


def mode_method_id(kind: ModeKind, stderror: RatioSE = "delta") -> str:
    """Method id of a mode-based estimate: ``simple_mode``, ``weighted_mode``,
    ``penalised_mode``, ``simple_mode_nome`` or ``weighted_mode_nome``."""
    base = f"{kind}_mode"
    if stderror == "simple":
        if kind == "penalised":
            raise StatsInputError(
                "the penalised mode is defined with second-order ratio SEs only", field="stderror"
            )
        return base + "_nome"
    return base


def mode_estimate(
    bx: ArrayLike,
    bxse: ArrayLike,
    by: ArrayLike,
    byse: ArrayLike,
    *,
    kind: ModeKind = "weighted",
    stderror: RatioSE = "delta",
    phi: float = 1.0,
    n_boot: int = 1000,
    rng: RNGLike = None,
    distribution: Distribution = "t",
    alpha: float = 0.05,
    penalty_k: float = PENALTY_K,
) -> MRMethodResult:
    """Mode-based estimate (MBE) of the ratio estimates β_j = by_j/bx_j.

    The estimate is the argmax of a Gaussian kernel density of the β_j with bandwidth
    `mode_bandwidth` and weights

    - ``"simple"``: equal;
    - ``"weighted"``: proportional to w_j = se(β_j)⁻²;
    - ``"penalised"``: w_j·min(1, K·P_j), P_j the upper χ²₁ tail of w_j(β_j − β_WM)², β_WM
      the weighted mode, K = ``penalty_k`` (20) (TwoSampleMR "Penalised mode").

    se(β_j) is the second-order SE √(byse²/bx² + by²bxse²/bx⁴) for ``stderror = "delta"``
    (TwoSampleMR "not assuming NOME"; MendelianRandomization default) or the first-order
    byse/|bx| for ``stderror = "simple"`` (TwoSampleMR "(NOME)" variants; MendelianRandomization
    ``stderror = "simple"``). The density is evaluated on R's 512-point grid
    (`alsatlas.genetics.mr.density`).

    SE: R's ``mad`` of ``n_boot`` modes of β*_j ~ N(β_j, se(β_j)²), the same se(β_j) as the
    weights (so the NOME variants resample with first-order SEs); weights w_j are kept at their
    original values, and the penalised mode penalises each draw against that draw's weighted
    mode. Limits are normal; the p-value is t(k − 1) for ``distribution = "t"`` (TwoSampleMR)
    or normal (MendelianRandomization). Requires k ≥ 3.

    References
    ----------
    Hartwig FP, Davey Smith G, Bowden J. Robust inference in summary data Mendelian
    randomization via the zero modal pleiotropy assumption. Int J Epidemiol
    2017;46:1985-1998.
    """
    method = mode_method_id(kind, stderror)
    d = as_mr_arrays(bx, bxse, by, byse, min_snps=3, method=method)
    return mode_from_arrays(
        d,
        kind=kind,
        stderror=stderror,
        phi=phi,
        n_boot=n_boot,
        rng=rng,
        distribution=distribution,
        alpha=alpha,
        penalty_k=penalty_k,
    )


def _penalised_weights(
    beta: FloatArray, w: FloatArray, b_wm: FloatArray, penalty_k: float
) -> FloatArray:
    """w·min(1, K·P) with P the upper χ²₁ tail of w(β − β_WM)², row-wise."""
    b = np.atleast_2d(beta)
    stat = w * (b - b_wm[:, None]) ** 2
    return np.asarray(w * np.minimum(1.0, penalty_k * special.erfc(np.sqrt(stat / 2.0))))


def _modes(
    beta: FloatArray, kind: ModeKind, w: FloatArray, phi: float, penalty_k: float
) -> FloatArray:
    b = np.atleast_2d(beta)
    if kind == "simple":
        return mode_point(b, np.full(b.shape[1], 1.0 / b.shape[1]), phi)
    wm = mode_point(b, w / np.sum(w), phi)
    if kind == "weighted":
        return wm
    return mode_point(b, _penalised_weights(b, w, wm, penalty_k), phi)


def mode_from_arrays(
    d: MRArrays,
    *,
    kind: ModeKind = "weighted",
    stderror: RatioSE = "delta",
    phi: float = 1.0,
    n_boot: int = 1000,
    rng: RNGLike = None,
    distribution: Distribution = "t",
    alpha: float = 0.05,
    penalty_k: float = PENALTY_K,
) -> MRMethodResult:
    """`mode_estimate` on validated arrays."""
    method = mode_method_id(kind, stderror)
    beta = d.ratio
    se = d.ratio_se_second if stderror == "delta" else d.ratio_se_first
    w = se**-2.0
    b = float(_modes(beta, kind, w, phi, penalty_k)[0])
    gen = as_rng(rng, method)
    draws = beta + se * gen.standard_normal((n_boot, d.k))
    boot = np.concatenate(
        [_modes(draws[i : i + _CHUNK], kind, w, phi, penalty_k) for i in range(0, n_boot, _CHUNK)]
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
    "PENALTY_K",
    "ModeKind",
    "RatioSE",
    "mode_bandwidth",
    "mode_estimate",
    "mode_from_arrays",
    "mode_method_id",
    "mode_point",
]
