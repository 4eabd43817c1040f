r"""Standardised residuals and best linear unbiased predictions (metafor 3.8).

With :math:`w_i = 1/(v_i + \hat\tau^2)`, :math:`M = \mathrm{diag}(v_i + \hat\tau^2)` and the hat
matrix :math:`H = X(X'WX)^{-1}X'W` (:math:`A` in place of :math:`W` with user weights):

``rstandard`` (``rstandard.rma.uni``)
    marginal: :math:`e_i = y_i - x_i'\hat\beta`, :math:`\mathrm{SE} =
    \sqrt{[(I-H)M(I-H)']_{ii}}`; conditional (given the random effects):
    :math:`e_i = y_i - \hat\theta_i` with the BLUP :math:`\hat\theta_i` below and
    :math:`\mathrm{SE} = \sqrt{v_i^2 w_i (1 - h_{ii})}`. Residuals below
    :math:`100\epsilon` in absolute value are set to 0 (marginal), as in metafor.

``ranef`` (``ranef.rma.uni``)
    :math:`\hat u_i = \lambda_i (y_i - x_i'\hat\beta)`, :math:`\lambda_i =
    \hat\tau^2/(\hat\tau^2 + v_i)`, with variance :math:`\lambda_i v_i + \lambda_i^2
    x_i'V_bx_i` (0 for equal-effects models).

``blup`` (``blup.rma.uni``)
    :math:`\hat\theta_i = \lambda_i y_i + (1-\lambda_i)x_i'\hat\beta` with variance
    :math:`\lambda_i v_i + (1-\lambda_i)^2 x_i'V_bx_i`.

Prediction intervals of ``ranef`` and ``blup`` are :math:`\pm c\,\mathrm{SE}` with the model's
critical value (normal, or :math:`t_{k-p}` under ``t``/``knha``/``adhoc``). Conditional
residuals, ``ranef`` and ``blup`` are not defined for fits with user weights.

References
----------
Raudenbush, S. W., & Bryk, A. S. (1985). Empirical Bayes meta-analysis. *Journal of
Educational Statistics*, 10, 75-98.
Viechtbauer, W., & Cheung, M. W.-L. (2010). Outlier and influence diagnostics for
meta-analysis. *Research Synthesis Methods*, 1, 112-125. metafor 3.8 documentation:
``help(rstandard.rma.uni)``, ``help(blup.rma.uni)``, ``help(ranef.rma.uni)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from alsatlas.errors import StatsInputError
from alsatlas.stats.inference import critical_value
from alsatlas.stats.meta_inputs import FloatArray, check_level

if TYPE_CHECKING:
    from alsatlas.stats.rma import RMAResult


@dataclass(frozen=True, eq=False)
class Residuals:
    """Residuals ``resid``, their standard errors ``se`` and standardised values ``z``."""

    resid: FloatArray
    se: FloatArray
    z: FloatArray


@dataclass(frozen=True, eq=False)
class StudyPredictions:
    """Per-study predictions with standard errors and prediction intervals."""

    pred: FloatArray
    se: FloatArray
    pi_lb: FloatArray
    pi_ub: FloatArray
    level: float


def hat_matrix(result: RMAResult) -> FloatArray:
    """:math:`H = X(X'WX)^{-1}X'W`, or with the user weights :math:`A` in place of :math:`W`."""
    w = 1.0 / (result.vi + result.tau2) if result.user_weights is None else result.user_weights
    X = result.X
    WX = w[:, None] * X
    H: FloatArray = X @ np.linalg.solve(X.T @ WX, WX.T)
    return H


def _no_user_weights(result: RMAResult, what: str) -> None:
    if result.user_weights is not None:
        raise StatsInputError(f"{what} is not defined for fits with user weights", field="weights")


def rstandard(result: RMAResult, *, type: str = "marginal") -> Residuals:
    """Standardised residuals, ``type="marginal"`` (default) or ``"conditional"``."""
    H = hat_matrix(result)
    if type == "marginal":
        e = result.yi - result.X @ result.beta
        e = np.where(np.abs(e) < 100 * np.finfo(np.float64).eps, 0.0, e)
        ImH = np.eye(result.k) - H
        se = np.sqrt(np.einsum("ij,j,ij->i", ImH, result.vi + result.tau2, ImH))
    elif type == "conditional":
        _no_user_weights(result, "a conditional residual")
        e = result.yi - blup(result).pred
        se = np.sqrt(result.vi**2 / (result.vi + result.tau2) * (1.0 - np.diag(H)))
    else:
        raise StatsInputError(
            f"unknown type {type!r}; choose marginal or conditional", field="type"
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        z = e / se
    return Residuals(resid=e, se=se, z=z)


def _interval(
    result: RMAResult, pred: FloatArray, var: FloatArray, level: float | None
) -> StudyPredictions:
    lev = result.level if level is None else check_level(level)
    se = np.sqrt(var)
    crit = critical_value(lev, result.test, result.dfs)
    return StudyPredictions(
        pred=pred, se=se, pi_lb=pred - crit * se, pi_ub=pred + crit * se, level=lev
    )


def _xvx(result: RMAResult) -> FloatArray:
    out: FloatArray = np.einsum("ij,jk,ik->i", result.X, result.vb, result.X)
    return out


def ranef(result: RMAResult, *, level: float | None = None) -> StudyPredictions:
    """Predicted random effects :math:`\\hat u_i` (``ranef.rma.uni``)."""
    _no_user_weights(result, "ranef")
    if result.method in ("EE", "FE"):
        zero = np.zeros(result.k)
        return _interval(result, zero, zero, level)
    lam = result.tau2 / (result.tau2 + result.vi)
    pred = lam * (result.yi - result.X @ result.beta)
    return _interval(result, pred, lam * result.vi + lam**2 * _xvx(result), level)


def blup(result: RMAResult, *, level: float | None = None) -> StudyPredictions:
    """Best linear unbiased predictions of the true effects :math:`\\hat\\theta_i` (``blup``)."""
    _no_user_weights(result, "blup")
    lam = result.tau2 / (result.tau2 + result.vi)
    fitted = result.X @ result.beta
    pred = lam * result.yi + (1.0 - lam) * fitted
    return _interval(result, pred, lam * result.vi + (1.0 - lam) ** 2 * _xvx(result), level)


__all__ = ["Residuals", "StudyPredictions", "blup", "hat_matrix", "ranef", "rstandard"]
