r"""Fit statistics of a fitted model: log-likelihood, deviance, AIC, BIC and AICc.

For a model with :math:`k` studies, :math:`p` coefficients, :math:`w_i = 1/(v_i+\hat\tau^2)`,
coefficients :math:`\hat\beta` and :math:`\mathrm{RSS} = \sum w_i (y_i - x_i'\hat\beta)^2`
(metafor 3.8, ``rma.uni``, ``fit.stats``):

.. math::
    \ell_{ML} &= -\tfrac{k}{2}\log 2\pi - \tfrac12\sum\log(v_i+\hat\tau^2) - \tfrac12\mathrm{RSS},\\
    \ell_{REML} &= -\tfrac{k-p}{2}\log 2\pi + \tfrac12\log|X'X| - \tfrac12\sum\log(v_i+\hat\tau^2)
      - \tfrac12\log|X'WX| - \tfrac12\mathrm{RSS}.

The ML deviance is :math:`-2(\ell_{ML} - \ell_{sat})` with the saturated model's
:math:`\ell_{sat} = \sum \log\phi(0; v_i)` (0 when :math:`k \le p`), the REML deviance
:math:`-2\ell_{REML}`. With ``parms`` :math:`= p + 1` (τ² estimated) or :math:`p` (equal
effects, or τ² fixed by the user), :math:`n = k` (ML) or :math:`k - p` (REML):

.. math::
    \mathrm{AIC} = -2\ell + 2\,\text{parms},\quad \mathrm{BIC} = -2\ell + \text{parms}\log n,
    \quad \mathrm{AICc} = -2\ell + 2\,\text{parms}\,\frac{m}{m - \text{parms} - 1},\
    m = \max(n, \text{parms} + 2).

:func:`fitstats` and :func:`loglik` report the REML values for a model fitted by REML and
the ML values otherwise (``logLik.rma``), unless ``reml`` says which.

References
----------
Viechtbauer, W. (2010). Conducting meta-analyses in R with the metafor package. *Journal of
Statistical Software*, 36(3). metafor 3.8 documentation: ``help(fitstats.rma)``.
Burnham, K. P., & Anderson, D. R. (2002). *Model Selection and Multimodel Inference* (2nd
ed.). Springer (AICc).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from alsatlas.stats.meta_inputs import FloatArray
    from alsatlas.stats.rma import RMAResult


@dataclass(frozen=True)
class FitStats:
    """Log-likelihood, deviance, AIC, BIC and AICc under ML or REML (``reml``)."""

    ll: float
    dev: float
    AIC: float
    BIC: float
    AICc: float
    reml: bool
    parms: int


def _residual_sum(result: RMAResult) -> float:
    w = 1.0 / (result.vi + result.tau2)
    r = result.yi - result.X @ result.beta
    return float(np.sum(w * r * r))


def loglik_ml(result: RMAResult) -> float:
    """ML log-likelihood at the fitted τ² and coefficients."""
    k = result.k
    return (
        -0.5 * k * math.log(2 * math.pi)
        - 0.5 * float(np.sum(np.log(result.vi + result.tau2)))
        - 0.5 * _residual_sum(result)
    )


def loglik_reml(result: RMAResult) -> float:
    """REML log-likelihood (with metafor's ``REMLf`` term :math:`\\frac12\\log|X'X|`)."""
    k, p, X = result.k, result.p, result.X
    w = 1.0 / (result.vi + result.tau2)
    return (
        -0.5 * (k - p) * math.log(2 * math.pi)
        + 0.5 * float(np.linalg.slogdet(X.T @ X)[1])
        - 0.5 * float(np.sum(np.log(result.vi + result.tau2)))
        - 0.5 * float(np.linalg.slogdet(X.T @ (w[:, None] * X))[1])
        - 0.5 * _residual_sum(result)
    )


def saturated_loglik(vi: FloatArray) -> float:
    """Log-likelihood of the saturated model, :math:`\\sum \\log\\phi(0; v_i)` (ML deviance)."""
    k = len(vi)
    return -0.5 * k * math.log(2 * math.pi) - 0.5 * float(np.sum(np.log(vi)))


def information_criteria(ll: float, dev: float, n: int, parms: int, *, reml: bool) -> FitStats:
    """AIC, BIC and AICc of log-likelihood ``ll`` with ``parms`` parameters and ``n``
    observations (:math:`k` for ML, :math:`k - p` for REML; formulas above)."""
    m = max(n, parms + 2)
    return FitStats(
        ll=ll,
        dev=dev,
        AIC=-2.0 * ll + 2.0 * parms,
        BIC=-2.0 * ll + parms * math.log(n),
        AICc=-2.0 * ll + 2.0 * parms * m / (m - parms - 1),
        reml=reml,
        parms=parms,
    )


def fitstats(result: RMAResult, *, reml: bool | None = None) -> FitStats:
    """Return the fit statistics (REML for a REML fit, else ML, unless ``reml`` is given)."""
    use_reml = result.method == "REML" if reml is None else reml
    k, p = result.k, result.p
    if use_reml:
        ll = loglik_reml(result)
        return information_criteria(ll, -2.0 * ll, k - p, result.parms, reml=True)
    ll = loglik_ml(result)
    dev = -2.0 * (ll - saturated_loglik(result.vi)) if k > p else 0.0
    return information_criteria(ll, dev, k, result.parms, reml=False)


def loglik(result: RMAResult, *, reml: bool | None = None) -> float:
    """Log-likelihood (``logLik.rma``): REML for a REML fit, else ML, unless ``reml`` is given."""
    return fitstats(result, reml=reml).ll


__all__ = [
    "FitStats",
    "fitstats",
    "information_criteria",
    "loglik",
    "loglik_ml",
    "loglik_reml",
    "saturated_loglik",
]
