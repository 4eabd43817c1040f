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

``pi_type`` (metafor 3.8's ``predict(..., pi.type=)``) changes only the prediction interval:

- ``"default"``: as above;
- ``"simple"``: :math:`\hat\mu \pm z_{1-\alpha/2}\hat\tau` (ignores the uncertainty in
  :math:`\hat\mu`, as in Higgins, Thompson & Spiegelhalter 2009);
- ``"t"``: the :math:`t_{k-p}` quantile whatever the test;
- ``"riley"``: the :math:`t` quantile with :math:`k - p - 1` df when τ² is estimated
  (:math:`k - \text{parms}`; Riley, Higgins & Deeks 2011), whatever the test.

The df of ``"t"`` and ``"riley"`` are at least 1, as in metafor.

References
----------
metafor documentation: ``help(predict.rma)``. Riley, R. D., Higgins, J. P. T., & Deeks, J. J.
(2011). Interpretation of random effects meta-analyses. *BMJ*, 342, d549.
Higgins, J. P. T., Thompson, S. G., & Spiegelhalter, D. J. (2009). A re-evaluation of
random-effects meta-analysis. *JRSS A*, 172, 137-159.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from alsatlas.errors import StatsInputError
from alsatlas.stats.inference import critical_value
from alsatlas.stats.meta_inputs import FloatArray, check_level

#: Prediction-interval types of metafor's ``predict.rma(pi.type=)``.
PI_TYPES: tuple[str, ...] = ("default", "simple", "t", "riley")

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
    result: RMAResult,
    newmods: ArrayLike | None = None,
    *,
    level: float | None = None,
    pi_type: str = "default",
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
    pi_type
        ``"default"``, ``"simple"``, ``"t"`` or ``"riley"`` (see the module docstring).
    """
    if pi_type not in PI_TYPES:
        raise StatsInputError(
            f"unknown pi_type {pi_type!r}; choose one of {', '.join(PI_TYPES)}",
            field="pi_type",
        )
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
    if pi_type == "simple":
        half_pi = critical_value(lev, "z", None) * np.sqrt(np.full_like(se, result.tau2))
    else:
        crit_pi = crit
        if pi_type in ("t", "riley"):
            df = result.k - result.p - (result.parms - result.p if pi_type == "riley" else 0)
            crit_pi = critical_value(lev, "t", max(df, 1))
        half_pi = crit_pi * np.sqrt(se**2 + result.tau2)
    return Prediction(
        pred=pred,
        se=se,
        ci_lb=pred - crit * se,
        ci_ub=pred + crit * se,
        pi_lb=pred - half_pi,
        pi_ub=pred + half_pi,
        level=lev,
    )


__all__ = ["PI_TYPES", "Prediction", "predict_rma"]
