r"""Effect sizes of correlation coefficients: ``COR`` (raw) and ``ZCOR`` (Fisher's z).

For a correlation :math:`r_i` from a sample of :math:`n_i`, as ``metafor::escalc`` (3.8):

- ``COR``: :math:`y_i = r_i`, ``vtype="LS"`` (default) :math:`v_i = (1 - r_i^2)^2/(n_i - 1)`,
  ``"AV"`` :math:`v_i = (1 - \bar r^2)^2/(n_i - 1)` with :math:`\bar r` the
  :math:`n`-weighted mean correlation;
- ``ZCOR``: :math:`y_i = \tfrac12 \log\frac{1 + r_i}{1 - r_i}` (Fisher 1921),
  :math:`v_i = 1/(n_i - 3)`.

Pooled ``ZCOR`` estimates are back-transformed with :math:`\tanh` for display.

References
----------
Fisher, R. A. (1921). On the "probable error" of a coefficient of correlation deduced from
a small sample. *Metron*, 1, 1-32. metafor 3.8 documentation: ``help(escalc)``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from alsatlas.stats.escalc_common import (
    EffectSizes,
    check_choice,
    finish,
    require,
    vector,
    weighted_mean,
)

#: Correlation measures, with metafor's names.
MEASURES_COR: tuple[str, ...] = ("COR", "ZCOR")


def escalc_cor(measure: str, ri: ArrayLike, ni: ArrayLike, *, vtype: str = "LS") -> EffectSizes:
    """Effect sizes of correlations, as ``metafor::escalc`` (formulas above).

    Parameters
    ----------
    measure
        ``"COR"`` or ``"ZCOR"``.
    ri, ni
        Correlations (in [-1, 1]) and sample sizes.
    vtype
        ``"LS"`` (default) or ``"AV"`` for ``COR``; ``ZCOR`` has one variance.

    Raises
    ------
    StatsInputError
        Unknown measure or vtype, a correlation outside [-1, 1], a sample size not above 1
        (``ZCOR``: not above 3), or a correlation of ±1 (no finite effect or variance).

    Examples
    --------
    >>> es = escalc_cor("ZCOR", [0.3], [50])
    >>> round(float(es.yi[0]), 6), round(float(es.vi[0]), 6)
    (0.30952, 0.021277)
    """
    check_choice(measure, MEASURES_COR, "measure")
    check_choice(vtype, ("LS", "AV") if measure == "COR" else ("LS",), "vtype")
    r = vector(ri, "ri")
    n = vector(ni, "ni", r.shape[0])
    require(np.abs(r) <= 1, "a correlation must lie in [-1, 1]", "ri")
    if measure == "COR":
        require(n > 1, "sample size must be above 1", "ni")
        yi = r.copy()
        rbar = weighted_mean(r, n) if vtype == "AV" else None
        vi = (1.0 - (r**2 if rbar is None else rbar**2)) ** 2 / (n - 1.0)
    else:
        require(n > 3, "ZCOR needs a sample size above 3", "ni")
        with np.errstate(all="ignore"):
            yi = np.arctanh(r)
        vi = 1.0 / (n - 3.0)
    return finish(yi, vi, measure, np.zeros(r.shape[0], dtype=bool), "ri")


__all__ = ["MEASURES_COR", "escalc_cor"]
