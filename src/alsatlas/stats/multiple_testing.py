"""Multiple-testing adjustment of p-values across a family of tests (R's ``p.adjust``).

- Bonferroni: ``p̃ᵢ = min(1, n·pᵢ)``.
- Benjamini–Hochberg (false discovery rate): with the p-values sorted decreasingly,
  ``p(n) ≥ … ≥ p(1)``, ``p̃(i) = min(1, min_{j ≥ i} n·p(j)/j)`` (Benjamini Y, Hochberg Y. J R Stat
  Soc B 1995;57:289–300; the step-up form of R ``stats::p.adjust(method = "BH")``).

``n`` is the number of p-values that are not missing: as in ``p.adjust``, a NaN stays NaN and does
not count towards ``n``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

from alsatlas.errors import StatsInputError

AdjustMethod = Literal["BH", "bonferroni"]
"""Adjustments offered, named as in R's ``p.adjust``."""

FloatArray = npt.NDArray[np.float64]


def p_adjust(p: npt.ArrayLike, method: AdjustMethod = "BH") -> FloatArray:
    """Adjusted p-values of ``p`` (same order, NaN kept), as R ``p.adjust(p, method)``.

    Parameters
    ----------
    p
        P-values in [0, 1]; NaN marks a test that was not done.
    method
        ``"BH"`` (Benjamini–Hochberg) or ``"bonferroni"``.

    Raises
    ------
    StatsInputError
        A p-value outside [0, 1], or an unknown method.
    """
    values = np.asarray(p, dtype=np.float64).reshape(-1)
    out = np.full(values.shape, np.nan)
    present = ~np.isnan(values)
    q = values[present]
    if np.any((q < 0.0) | (q > 1.0)):
        raise StatsInputError("p-values must lie in [0, 1]", field="p")
    n = q.size
    if method == "bonferroni":
        out[present] = np.minimum(1.0, n * q)
    elif method == "BH":
        if n:
            order = np.argsort(-q, kind="stable")
            rank = np.arange(n, 0, -1, dtype=np.float64)
            stepped = np.minimum.accumulate(n / rank * q[order])
            adjusted = np.empty(n)
            adjusted[order] = np.minimum(1.0, stepped)
            out[present] = adjusted
    else:
        raise StatsInputError(
            f"unknown adjustment {method!r}; use BH or bonferroni", field="method"
        )
    return out


__all__ = ["AdjustMethod", "p_adjust"]
