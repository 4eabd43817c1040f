r"""Contours of a contour-enhanced funnel plot (``metafor::funnel(..., level = c(90, 95, 99),
refline = 0)``).

For each level :math:`100(1-\alpha)\%` the contour is the pair of lines

.. math:: x = r \pm z_{1-\alpha/2}\sqrt{\mathrm{se}^2 + \tau^2}

over the standard errors :math:`\mathrm{se}` of the plot (:math:`r` the reference value, 0
by default; :math:`\tau^2 = 0` unless added as with metafor's ``addtau2``). A study outside
the contour of level :math:`1-\alpha` has a two-sided Wald p-value below :math:`\alpha`
against :math:`r`, so the shaded bands show where studies would be "significant" and help to
tell publication bias from other causes of asymmetry (Peters et al. 2008).

References
----------
Peters, J. L., Sutton, A. J., Jones, D. R., Abrams, K. R., & Rushton, L. (2008).
Contour-enhanced meta-analysis funnel plots help distinguish publication bias from other
causes of asymmetry. *Journal of Clinical Epidemiology*, 61, 991-996.
metafor 3.8: ``help(funnel)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from alsatlas.errors import StatsInputError
from alsatlas.stats.meta_inputs import FloatArray, check_level

#: The levels of ``--funnel-contours``: metafor's usual choice.
DEFAULT_LEVELS: tuple[float, ...] = (90.0, 95.0, 99.0)


@dataclass(frozen=True, eq=False)
class FunnelContour:
    """One contour: level in percent, critical value and its bounds over ``se``."""

    level: float
    z: float
    se: FloatArray
    lower: FloatArray
    upper: FloatArray


def funnel_contours(
    se: ArrayLike,
    levels: Sequence[float] = DEFAULT_LEVELS,
    *,
    refline: float = 0.0,
    tau2: float = 0.0,
) -> list[FunnelContour]:
    """Contour lines at the standard errors ``se``, one per level, widest first.

    Raises
    ------
    StatsInputError
        No level, a level outside (0, 100), a repeated level, negative ``se`` or ``tau2``.
    """
    if not levels:
        raise StatsInputError("give at least one level", field="levels")
    checked = sorted((check_level(lev) for lev in levels), reverse=True)
    if len(set(checked)) != len(checked):
        raise StatsInputError("levels must differ", field="levels")
    grid = np.atleast_1d(np.asarray(se, dtype=np.float64))
    if np.any(~np.isfinite(grid) | (grid < 0)) or not np.isfinite(tau2) or tau2 < 0:
        raise StatsInputError("standard errors and tau2 must be finite and >= 0", field="se")
    half = np.sqrt(grid**2 + tau2)
    out = []
    for lev in checked:
        z = float(-special.ndtri((1.0 - lev / 100.0) / 2.0))
        out.append(
            FunnelContour(
                level=lev, z=z, se=grid, lower=refline - z * half, upper=refline + z * half
            )
        )
    return out


__all__ = ["DEFAULT_LEVELS", "FunnelContour", "funnel_contours"]
