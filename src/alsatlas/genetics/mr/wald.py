"""Wald ratio estimate for a single variant."""

from __future__ import annotations

from numpy.typing import ArrayLike

from alsatlas.errors import StatsInputError
from alsatlas.genetics.mr.inputs import as_mr_arrays
from alsatlas.genetics.mr.results import MRMethodResult


def wald_ratio(
    bx: ArrayLike,
    bxse: ArrayLike,
    by: ArrayLike,
    byse: ArrayLike,
    *,
    second_order: bool = False,
    alpha: float = 0.05,
) -> MRMethodResult:
    """Ratio estimate of one variant, b = by/bx.

    se = byse/|bx| (first order, TwoSampleMR ``mr_wald_ratio`` and MendelianRandomization's
    default), or with ``second_order`` √(byse²/bx² + by²·bxse²/bx⁴). p-value and interval are
    normal.

    References
    ----------
    Burgess S, Butterworth A, Thompson SG. Genet Epidemiol 2013;37:658-665.
    """
    d = as_mr_arrays(bx, bxse, by, byse, min_snps=1, method="wald_ratio")
    if d.k != 1:
        raise StatsInputError(
            f"wald_ratio takes exactly one variant, got {d.k}; use ivw or single_snp()",
            field="bx",
        )
    b = float(d.ratio[0])
    se = float(d.ratio_se_second[0] if second_order else d.ratio_se_first[0])
    return MRMethodResult.from_estimate("wald_ratio", 1, b, se, alpha=alpha)


__all__ = ["wald_ratio"]
