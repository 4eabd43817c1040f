"""Reference distributions of the tests of fixed effects: normal (``z``) or Student t.

metafor (``rma.uni``) uses the standard normal for ``test="z"`` and a t distribution with
:math:`k - p` degrees of freedom for ``test="t"`` and ``test="knha"``, both for CIs and for
prediction intervals (``predict.rma``). Special functions are used directly
(:func:`scipy.special.ndtri`, :func:`scipy.special.stdtrit`) because they are fast scalars.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from alsatlas.stats.meta_inputs import FloatArray


def critical_value(level: float, test: str, df: int | None) -> float:
    """Two-sided critical value at ``level`` percent: normal for ``z``, t(df) otherwise."""
    alpha = 1.0 - level / 100.0
    if test == "z" or df is None:
        return float(special.ndtri(1.0 - alpha / 2.0))
    return float(special.stdtrit(df, 1.0 - alpha / 2.0))


def two_sided_p(stat: FloatArray, test: str, df: int | None) -> FloatArray:
    """Two-sided p-values of z (normal) or t (``df`` degrees of freedom) statistics."""
    a = np.abs(stat)
    if test == "z" or df is None:
        p: FloatArray = 2.0 * special.ndtr(-a)
    else:
        p = 2.0 * special.stdtr(df, -a)
    return p


__all__ = ["critical_value", "two_sided_p"]
