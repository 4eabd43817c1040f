"""Sign concordance test (TwoSampleMR ``mr_sign``).

Among the n variants with non-zero bx and by, x have sign(bx) = sign(by). The estimate is
b = 2(x/n − ½) and the p-value the exact two-sided binomial test of x against Bin(n, ½)
(R's ``binom.test``; with p = ½ the distribution is symmetric, so the p-value is
min(1, 2·P(X ≤ min(x, n − x))), and 1 when x = n/2). No standard error. At least 6 such
variants are needed (TwoSampleMR returns NA below).

References
----------
Hemani G et al. eLife 2018;7:e34408 (TwoSampleMR). Clopper–Pearson/binomial test: R
``stats::binom.test``.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from alsatlas.errors import StatsInputError
from alsatlas.genetics.mr.inputs import MRArrays
from alsatlas.genetics.mr.results import MRMethodResult

MIN_NONZERO = 6


def sign_concordance_from_arrays(d: MRArrays) -> MRMethodResult:
    """Sign concordance estimate and binomial p-value (see the module docstring)."""
    # sign(bx)·sign(by): 1 concordant, −1 discordant, 0 when either is zero
    concord = np.sign(d.bx)
    concord *= np.sign(d.by)
    n = int(np.count_nonzero(concord))
    if n < MIN_NONZERO:
        raise StatsInputError(
            f"sign_concordance needs at least {MIN_NONZERO} variants with non-zero "
            f"associations, got {n}",
            field="methods",
        )
    x = (n + int(concord.sum())) // 2
    m = min(x, n - x)
    p = 1.0 if 2 * x == n else min(1.0, 2.0 * float(special.bdtr(m, n, 0.5)))
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
