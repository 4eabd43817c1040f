"""Cochran's Q of the IVW and MR-Egger fits and Rücker's Q'."""

from __future__ import annotations

from numpy.typing import ArrayLike

from alsatlas.errors import DegenerateFitError
from alsatlas.genetics.mr.egger import egger_fit
from alsatlas.genetics.mr.inference import chi2_sf
from alsatlas.genetics.mr.inputs import MRArrays, as_mr_arrays
from alsatlas.genetics.mr.ivw import ivw_fit, ivw_weights
from alsatlas.genetics.mr.results import CochranQ, Heterogeneity, RuckerQ


def _cochran(q: float, df: int) -> CochranQ:
    i2 = max(0.0, (q - df) / q) if q > 0 else 0.0
    return CochranQ(Q=q, Q_df=df, Q_pval=chi2_sf(q, df), I2=i2)


def heterogeneity_from_arrays(d: MRArrays) -> Heterogeneity:
    """`heterogeneity` on validated arrays."""
    q_ivw = ivw_fit(d, ivw_weights(d)).q
    ivw_q = _cochran(q_ivw, d.k - 1)
    if d.k < 3:
        return Heterogeneity(ivw=ivw_q, egger=None, rucker=None)
    try:
        q_egger = egger_fit(d).q
    except DegenerateFitError:  # no Egger fit, so no Egger Q nor Rücker's difference
        return Heterogeneity(ivw=ivw_q, egger=None, rucker=None)
    diff = q_ivw - q_egger
    rucker = RuckerQ(
        Q_ivw=q_ivw,
        Q_egger=q_egger,
        Q_diff=diff,
        Q_diff_pval=chi2_sf(diff, 1),
    )
    return Heterogeneity(ivw=ivw_q, egger=_cochran(q_egger, d.k - 2), rucker=rucker)


def heterogeneity(bx: ArrayLike, bxse: ArrayLike, by: ArrayLike, byse: ArrayLike) -> Heterogeneity:
    """Cochran's Q of the IVW fit (df k − 1) and of the MR-Egger fit (Rücker's Q', df k − 2).

    Q = Σ_j byse_j⁻² (by_j − fitted_j)² with first-order weights, p from χ²(df),
    I² = max(0, (Q − df)/Q). Rücker's test compares the two: Q − Q' ~ χ²(1).
    TwoSampleMR ``mr_heterogeneity`` and ``mr_rucker``; MendelianRandomization's
    ``Heter.Stat``.

    References
    ----------
    Rücker G et al. Treatment-effect estimates adjusted for small-study effects via a limit
    meta-analysis. Biostatistics 2011;12:122-142.
    Bowden J et al. Stat Med 2017;36:1783-1802.
    """
    return heterogeneity_from_arrays(as_mr_arrays(bx, bxse, by, byse, min_snps=2))


__all__ = ["heterogeneity", "heterogeneity_from_arrays"]
