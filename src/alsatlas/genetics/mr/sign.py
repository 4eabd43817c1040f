"""Sign concordance test (TwoSampleMR ``mr_sign``).

Among the n variants with non-zero bx and by, x have sign(bx) = sign(by). The estimate is
b = 2(x/n − ½) and the p-value the exact two-sided binomial test of x against Bin(n, ½)
(R's ``binom.test``; with p = ½ the distribution is symmetric, so the p-value is
min(1, 2·P(X ≤ min(x, n − x))), and 1 when x = n/2). P is Cephes ``bdtr`` through
``scipy.special.cython_special`` (the scalar form of ``scipy.special.bdtr``, same values).
No standard error. At least 6 such variants are needed (TwoSampleMR returns NA below).

References
----------
Hemani G et al. eLife 2018;7:e34408 (TwoSampleMR). Clopper–Pearson/binomial test: R
``stats::binom.test``.
"""

from __future__ import annotations

import math

from scipy.special import cython_special

from alsatlas.errors import StatsInputError
from alsatlas.genetics.mr.inputs import FloatArray, MRArrays
from alsatlas.genetics.mr.results import MRMethodResult
from alsatlas.jit import njit

MIN_NONZERO = 6


@njit
def _counts(bx: FloatArray, by: FloatArray) -> tuple[int, int]:
    """n = #{bx_j·by_j ≠ 0} and x = #{bx_j·by_j > 0} (by signs, so no underflow)."""
    n = 0
    x = 0
    for j in range(bx.shape[0]):
        a, b = bx[j], by[j]
        if a != 0.0 and b != 0.0:
            n += 1
            if (a > 0.0) == (b > 0.0):
                x += 1
    return n, x


def sign_concordance_from_arrays(d: MRArrays) -> MRMethodResult:
    """Sign concordance estimate and binomial p-value (see the module docstring)."""
    n, x = _counts(d.bx, d.by)
    if n < MIN_NONZERO:
        raise StatsInputError(
            f"sign_concordance needs at least {MIN_NONZERO} variants with non-zero "
            f"associations, got {n}",
            field="methods",
        )
    m = min(x, n - x)
    p = 1.0 if 2 * x == n else min(1.0, 2.0 * cython_special.bdtr(m, n, 0.5))
    return MRMethodResult(
        method="sign_concordance",
        nsnp=n,
        b=(x / n - 0.5) * 2.0,
        se=math.nan,
        ci_lb=math.nan,
        ci_ub=math.nan,
        pval=p,
    )


__all__ = ["MIN_NONZERO", "sign_concordance_from_arrays"]
