"""Leave-one-out and single-variant analyses."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from alsatlas.errors import StatsInputError
from alsatlas.genetics.mr.conventions import convention_defaults
from alsatlas.genetics.mr.egger import egger_from_arrays
from alsatlas.genetics.mr.inputs import MRArrays, as_mr_arrays
from alsatlas.genetics.mr.ivw import ivw_from_arrays
from alsatlas.genetics.mr.results import MRMethodResult, SNPwiseResults


def _labels(snps: Sequence[str] | None, k: int) -> tuple[str, ...]:
    if snps is None:
        return tuple(str(i + 1) for i in range(k))
    if len(snps) != k:
        raise StatsInputError(f"has {len(snps)} labels but there are {k} variants", field="snps")
    return tuple(str(s) for s in snps)


def _limits(r: MRMethodResult, convention: str) -> MRMethodResult:
    z = convention_defaults(convention).ci_z
    return r if z is None else r.with_z_limits(z)


def _ivw(d: MRArrays, convention: str) -> MRMethodResult:
    c = convention_defaults(convention)
    return _limits(ivw_from_arrays(d, model=c.ivw_model), convention)


def leave_one_out(
    bx: ArrayLike,
    bxse: ArrayLike,
    by: ArrayLike,
    byse: ArrayLike,
    *,
    snps: Sequence[str] | None = None,
    convention: str = "twosamplemr",
) -> SNPwiseResults:
    """IVW estimate with each variant left out in turn (TwoSampleMR ``mr_leaveoneout``).

    ``results[i]`` is the IVW fit (the convention's model) on all variants but i;
    ``overall`` is the fit on all variants. Requires k ≥ 3.
    """
    d = as_mr_arrays(bx, bxse, by, byse, min_snps=3, method="leave_one_out")
    labels = _labels(snps, d.k)
    out = []
    for i in range(d.k):
        keep = np.ones(d.k, dtype=bool)
        keep[i] = False
        out.append(_ivw(d.subset(keep), convention))
    return SNPwiseResults(
        kind="leave_one_out",
        labels=labels,
        results=tuple(out),
        overall=(_ivw(d, convention),),
    )


def single_snp(
    bx: ArrayLike,
    bxse: ArrayLike,
    by: ArrayLike,
    byse: ArrayLike,
    *,
    snps: Sequence[str] | None = None,
    convention: str = "twosamplemr",
) -> SNPwiseResults:
    """Wald ratio of every variant (TwoSampleMR ``mr_singlesnp``).

    b_j = by_j/bx_j, se_j = byse_j/|bx_j|, normal p-value. ``overall`` holds IVW (k ≥ 2)
    and MR-Egger (k ≥ 3) on all variants, as TwoSampleMR appends them.
    """
    d = as_mr_arrays(bx, bxse, by, byse, min_snps=1, method="single_snp")
    labels = _labels(snps, d.k)
    ratio = d.ratio
    se = d.ratio_se_first
    results = tuple(
        _limits(
            MRMethodResult.from_estimate("wald_ratio", 1, float(ratio[i]), float(se[i])),
            convention,
        )
        for i in range(d.k)
    )
    overall: list[MRMethodResult] = []
    if d.k >= 2:
        overall.append(_ivw(d, convention))
    if d.k >= 3:
        c = convention_defaults(convention)
        egger = egger_from_arrays(d, distribution=c.egger_distribution)[0]
        overall.append(_limits(egger, convention))
    return SNPwiseResults(kind="single_snp", labels=labels, results=results, overall=tuple(overall))


__all__ = ["leave_one_out", "single_snp"]
