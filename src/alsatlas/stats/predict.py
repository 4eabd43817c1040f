r"""Predicted (pooled) effects with confidence and prediction intervals (``predict.rma``).

For a row :math:`x` of moderator values (the intercept alone without moderators),

.. math::
    \hat\mu = x'\hat\beta,\quad \mathrm{SE} = \sqrt{x' V_b x},\quad
    \hat\mu \pm c\,\mathrm{SE}\ \text{(CI)},\quad
    \hat\mu \pm c\sqrt{\mathrm{SE}^2 + \hat\tau^2}\ \text{(prediction interval)},

where :math:`c` is the normal quantile for ``test="z"`` and the :math:`t_{k-p}` quantile for
``test="t"``/``"knha"`` (metafor's default ``pi.type``; Riley, Higgins & Deeks 2011 suggest
:math:`k-2` df, which metafor offers as an option only). Under an equal-effects model τ² = 0
and the prediction interval equals the CI.

References
----------
metafor documentation: ``help(predict.rma)``. Riley, R. D., Higgins, J. P. T., & Deeks, J. J.
(2011). Interpretation of random effects meta-analyses. *BMJ*, 342, d549.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from alsatlas.errors import StatsInputError
from alsatlas.stats.inference import critical_value
from alsatlas.stats.meta_inputs import FloatArray, check_level

if TYPE_CHECKING:
    from alsatlas.stats.rma import RMAResult


@dataclass(frozen=True, eq=False)
class Prediction:
    """Predicted values with CI (``ci_lb``, ``ci_ub``) and prediction interval (``pi_*``).

    Each field is an array with one entry per row of ``newmods`` (one entry without
    moderators).
    """

    pred: FloatArray
    se: FloatArray
    ci_lb: FloatArray
    ci_ub: FloatArray
    pi_lb: FloatArray
    pi_ub: FloatArray
    level: float


def predict_rma(
    result: RMAResult, newmods: ArrayLike | None = None, *, level: float | None = None
) -> Prediction:
    """Return predictions of a fitted model (``metafor::predict.rma``).

    Parameters
    ----------
    result
        A fitted :class:`~alsatlas.stats.rma.RMAResult`.
    newmods
        Moderator values, shape (n, q) or (q,) for one row (no intercept column). Without it,
        an intercept-only model predicts the pooled effect and a meta-regression predicts the
        fitted value of each study.
    level
        Confidence level in percent; defaults to the model's.
    """
    lev = result.level if level is None else check_level(level)
    q = result.p - 1
    if newmods is None:
        Xn = result.X[:1] if q == 0 else result.X
    else:
        m = np.asarray(newmods, dtype=np.float64)
        if m.ndim <= 1:
            m = m.reshape(1, -1)
        if m.shape[1] != q or m.ndim != 2:
            raise StatsInputError(
                f"needs {q} moderator column(s), got shape {m.shape}", field="newmods"
            )
        if not np.all(np.isfinite(m)):
            raise StatsInputError("values must be finite", field="newmods")
        Xn = np.hstack([np.ones((m.shape[0], 1)), m])
    pred = Xn @ result.beta
    se = np.sqrt(np.einsum("ij,jk,ik->i", Xn, result.vb, Xn))
    crit = critical_value(lev, result.test, result.dfs)
    half_pi = crit * np.sqrt(se**2 + result.tau2)
    return Prediction(
        pred=pred,
        se=se,
        ci_lb=pred - crit * se,
        ci_ub=pred + crit * se,
        pi_lb=pred - half_pi,
        pi_ub=pred + half_pi,
        level=lev,
    )


__all__ = ["Prediction", "predict_rma"]
