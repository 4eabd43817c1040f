r"""Radial (Galbraith) plot coordinates (``metafor::radial``).

For an intercept-only model with estimate :math:`\hat\mu` and τ² estimate :math:`\hat\tau^2`
(0 for an equal-effects model), study :math:`i` is drawn at

.. math::
    x_i = \frac{1}{\sqrt{v_i + \hat\tau^2}}, \qquad z_i = \frac{y_i - c}{\sqrt{v_i + \hat\tau^2}},

with :math:`c = 0`, or :math:`c = \hat\mu` when centred. A study consistent with the pooled
estimate lies near the line :math:`z = (\hat\mu - c)\,x` through the origin, within the band
:math:`\pm z_{1-\alpha/2}` around it; the slope of the line from the origin to a point is that
study's estimate (Galbraith 1988, 1994).

References
----------
Galbraith, R. F. (1988). A note on graphical presentation of estimated odds ratios from
several clinical trials. *Statistics in Medicine*, 7, 889-894.
Galbraith, R. F. (1994). Some applications of radial plots. *Journal of the American
Statistical Association*, 89, 1232-1242. metafor 3.8: ``help(radial)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from alsatlas.errors import StatsInputError
from alsatlas.stats.meta_inputs import FloatArray, check_level
from alsatlas.stats.rma import RMAResult


@dataclass(frozen=True, eq=False)
class RadialPoints:
    """Coordinates of a radial plot.

    Attributes
    ----------
    x, z
        Precision :math:`1/\\sqrt{v_i+\\tau^2}` and standardised estimate, per study.
    slope
        Slope of the line through the origin: the pooled estimate (0 when centred).
    zcrit
        Half-width of the band around the line, :math:`z_{1-\\alpha/2}`.
    centre
        The value subtracted from every ``y_i`` (0, or the pooled estimate).
    """

    x: FloatArray
    z: FloatArray
    slope: float
    zcrit: float
    centre: float


def radial_points(
    fit: RMAResult, *, center: bool = False, level: float | None = None
) -> RadialPoints:
    """Radial plot coordinates of an intercept-only model (see the module docstring).

    Parameters
    ----------
    fit
        A model without moderators from :func:`alsatlas.stats.rma`.
    center
        Subtract the pooled estimate from every effect (metafor's ``center = TRUE``).
    level
        Level of the band in percent; the model's level by default.

    Raises
    ------
    StatsInputError
        The model has moderators.
    """
    if fit.p != 1:
        raise StatsInputError("a radial plot needs a model without moderators", field="fit")
    lev = fit.level if level is None else check_level(level)
    zcrit = float(-special.ndtri((1.0 - lev / 100.0) / 2.0))
    centre = fit.estimate if center else 0.0
    scale = np.sqrt(fit.vi + fit.tau2)
    return RadialPoints(
        x=1.0 / scale,
        z=(fit.yi - centre) / scale,
        slope=fit.estimate - centre,
        zcrit=zcrit,
        centre=centre,
    )


__all__ = ["RadialPoints", "radial_points"]
