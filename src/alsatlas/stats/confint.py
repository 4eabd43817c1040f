r"""Q-profile confidence intervals for τ², τ, I² and H² (``confint.rma.uni``, ``type="QP"``).

The generalised Q statistic :math:`Q(\tau^2) = y'P_{w}y`, :math:`w_i = 1/(v_i+\tau^2)`, follows
:math:`\chi^2_{k-p}` at the true τ² and decreases in τ². The :math:`100(1-\alpha)\%` CI is

.. math::
    \{\tau^2 \ge 0 : \chi^2_{k-p,\,\alpha/2} \le Q(\tau^2) \le \chi^2_{k-p,\,1-\alpha/2}\},

i.e. the lower bound solves :math:`Q(\tau^2) = \chi^2_{k-p,1-\alpha/2}` and the upper bound
:math:`Q(\tau^2) = \chi^2_{k-p,\alpha/2}`; a bound whose equation has no root in
:math:`[0, \tau^2_{max}]` is set to 0 (or to :math:`\tau^2_{max} = \max(100, 10\hat\tau^2)`),
as in metafor. The bounds for I² and H² follow from
:math:`I^2 = 100\,\tau^2/(\tilde v + \tau^2)` and :math:`H^2 = \tau^2/\tilde v + 1`.

The roots are found with Newton's method on the convex, decreasing :math:`Q(\tau^2)`
(:func:`alsatlas.stats.tau2.solve_q`), to machine precision; metafor uses ``uniroot`` with
``tol = .Machine$double.eps^0.25`` unless told otherwise.

References
----------
Viechtbauer, W. (2007). Confidence intervals for the amount of heterogeneity in
meta-analysis. *Statistics in Medicine*, 26, 37-52. metafor documentation:
``help(confint.rma.uni)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import special

from alsatlas.errors import StatsInputError
from alsatlas.stats.control import check_control, metafor_q_profile, standardise
from alsatlas.stats.meta_inputs import FloatArray, check_level
from alsatlas.stats.tau2 import q_statistic, solve_q

if TYPE_CHECKING:
    from alsatlas.stats.rma import RMAResult


@dataclass(frozen=True)
class HeterogeneityCI:
    """Estimates and Q-profile CI bounds of τ², τ, I² (percent) and H²."""

    tau2: float
    tau2_ci_lb: float
    tau2_ci_ub: float
    tau: float
    tau_ci_lb: float
    tau_ci_ub: float
    I2: float
    I2_ci_lb: float
    I2_ci_ub: float
    H2: float
    H2_ci_lb: float
    H2_ci_ub: float
    level: float


def q_profile_bounds(
    yi: FloatArray, vi: FloatArray, X: FloatArray, *, level: float, tau2_max: float
) -> tuple[float, float]:
    """Return the Q-profile bounds of τ² (see the module docstring)."""
    df = X.shape[0] - X.shape[1]
    alpha = 1.0 - level / 100.0
    crit_u = float(special.chdtri(df, alpha / 2.0))
    crit_l = float(special.chdtri(df, 1.0 - alpha / 2.0))
    q_min = q_statistic(0.0, yi, vi, X)
    q_max = q_statistic(tau2_max, yi, vi, X)
    lb = ub = 0.0
    if q_min >= crit_l:
        ub = tau2_max if q_max > crit_l else solve_q(yi, vi, X, crit_l)[0]
    if q_max > crit_u:
        lb = ub = tau2_max
    elif q_min >= crit_u:
        lb = solve_q(yi, vi, X, crit_u)[0]
    return lb, ub


def confint_heterogeneity(
    result: RMAResult, *, level: float | None = None, control: str | None = None
) -> HeterogeneityCI:
    r"""Q-profile CIs for τ², τ, I² and H² of a random/mixed-effects fit.

    Parameters
    ----------
    result
        A fitted :class:`~alsatlas.stats.rma.RMAResult` with an estimated τ².
    level
        Confidence level in percent; defaults to the model's.
    control
        ``"exact"`` or ``"metafor"`` (see :mod:`alsatlas.stats.control`); defaults to the
        model's. Both keep metafor's cap :math:`\tau^2_{max} = \max(100, 10\hat\tau^2)` (in
        the data's units); exact bounds are found on the rescaled data of
        :func:`~alsatlas.stats.control.standardise`, so that below the cap they scale with
        the units; metafor's by ``uniroot`` on :math:`[0, \tau^2_{max}]`.

    Raises
    ------
    StatsInputError
        For equal-effects models, which have no τ².
    """
    if result.method in ("EE", "FE"):
        raise StatsInputError(
            "an equal-effects model has no random-effects component to profile", field="method"
        )
    lev = result.level if level is None else check_level(level)
    ctl = check_control(result.control if control is None else control)
    if ctl == "metafor":
        lb, ub = metafor_q_profile(result.yi, result.vi, result.X, level=lev, tau2=result.tau2)
    else:
        c, e = standardise(result.yi, result.vi)
        ys, vs = np.ldexp(result.yi - c, -e), np.ldexp(result.vi, -2 * e)
        t = float(np.ldexp(result.tau2, -2 * e))
        tau2_max = max(float(np.ldexp(100.0, -2 * e)), 10.0 * t)
        lb_s, ub_s = q_profile_bounds(ys, vs, result.X, level=lev, tau2_max=tau2_max)
        lb, ub = float(np.ldexp(lb_s, 2 * e)), float(np.ldexp(ub_s, 2 * e))
    vt = result.vt
    return HeterogeneityCI(
        tau2=result.tau2,
        tau2_ci_lb=lb,
        tau2_ci_ub=ub,
        tau=math.sqrt(result.tau2),
        tau_ci_lb=math.sqrt(lb),
        tau_ci_ub=math.sqrt(ub),
        I2=result.I2,
        I2_ci_lb=100.0 * lb / (vt + lb),
        I2_ci_ub=100.0 * ub / (vt + ub),
        H2=result.H2,
        H2_ci_lb=lb / vt + 1.0,
        H2_ci_ub=ub / vt + 1.0,
        level=lev,
    )


__all__ = ["HeterogeneityCI", "confint_heterogeneity", "q_profile_bounds"]
