r"""Comparing models: likelihood-ratio tests of nested models and Wald tests of coefficients.

Likelihood-ratio test (metafor 3.8, ``anova.rma(full, reduced)``): with the fit statistics of
:mod:`alsatlas.stats.fitstats` (REML for REML fits, else ML),

.. math:: \mathrm{LRT} = \max(0,\ \mathrm{dev}_r - \mathrm{dev}_f) \sim
          \chi^2_{\text{parms}_f - \text{parms}_r},

where the full model is the one with more parameters. REML likelihoods are comparable only
between models with the same fixed effects; models with different design matrices fitted by
REML are refitted by ML with ``refit=True`` (metafor's ``refit``), else rejected. The
pseudo-R² of the comparison is :math:`100\max(0, (\hat\tau^2_r - \hat\tau^2_f)/\hat\tau^2_r)`
(0 when :math:`\hat\tau^2_r = 0`); for equal-effects models it is the proportional reduction
in the residual variance :math:`s^2 = \sum w_i e_i^2/(k-p)` of the weighted least-squares
fits (:math:`w_i = 1/v_i`, or the user weights).

Wald test (``anova.rma(x, btt=)``): :math:`Q_M = b'V_b^{-1}b` over the coefficients ``btt``
(0-based here), :math:`\chi^2_m` under ``test="z"`` and :math:`F = Q_M/m \sim F_{m,k-p}`
otherwise (:func:`alsatlas.stats.metareg.omnibus_test`).

References
----------
Viechtbauer, W. (2010). Conducting meta-analyses in R with the metafor package. *Journal of
Statistical Software*, 36(3). metafor 3.8 documentation: ``help(anova.rma)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from alsatlas.errors import StatsInputError
from alsatlas.stats.fitstats import FitStats, fitstats
from alsatlas.stats.metareg import OmnibusTest, check_btt, omnibus_test
from alsatlas.stats.rma import RMAResult, fit_rma

_EQUAL = ("EE", "FE")


@dataclass(frozen=True)
class LRTResult:
    """Likelihood-ratio test of a reduced against a full model (``anova.rma``'s fields)."""

    fit_f: FitStats
    fit_r: FitStats
    parms_f: int
    parms_r: int
    LRT: float
    pval: float
    QE_f: float
    QE_r: float
    tau2_f: float
    tau2_r: float
    R2: float
    method: str


def wald_test(result: RMAResult, btt: ArrayLike) -> OmnibusTest:
    """Omnibus Wald test of the coefficients ``btt`` (0-based) of a fitted model."""
    idx = check_btt(btt, result.p)
    return omnibus_test(result.beta, result.vb, idx, test=result.test, df_resid=result.k - result.p)


def _lm_sigma2(res: RMAResult) -> float:
    w = 1.0 / res.vi if res.user_weights is None else res.user_weights
    X = res.X
    WX = w[:, None] * X
    b = np.linalg.solve(X.T @ WX, WX.T @ res.yi)
    e = res.yi - X @ b
    return float(np.sum(w * e * e)) / (res.k - res.p)


def _refit_ml(res: RMAResult) -> RMAResult:
    return fit_rma(
        res.yi,
        res.vi,
        res.X,
        method="ML",
        test=res.test,
        level=res.level,
        weights=res.user_weights,
        tau2_fixed=res.tau2 if res.tau2_fix else None,
        control=res.control,
    )


def lrt(model1: RMAResult, model2: RMAResult, *, refit: bool = False) -> LRTResult:
    """Likelihood-ratio test between two nested models fitted to the same data.

    The model with more parameters is taken as the full model. Raises
    :class:`~alsatlas.errors.StatsInputError` when the models have the same number of
    parameters, different data, mix ML and REML, or (without ``refit``) are REML fits with
    different fixed effects.
    """
    full, red = (model1, model2) if model1.parms >= model2.parms else (model2, model1)
    if full.parms == red.parms:
        raise StatsInputError(
            "models have the same number of parameters; an LRT is not meaningful", field="model"
        )
    if not (np.array_equal(full.yi, red.yi) and np.array_equal(full.vi, red.vi)):
        raise StatsInputError(
            "effect sizes or sampling variances differ between the models", field="model"
        )
    if full.method in _EQUAL and red.method not in _EQUAL:
        raise StatsInputError(
            "the full model is an equal-effects and the reduced a random-effects model",
            field="model",
        )
    if {full.method, red.method} == {"ML", "REML"}:
        raise StatsInputError("one model uses ML and the other REML", field="method")
    if full.method == "REML" and not (
        full.X.shape == red.X.shape and np.array_equal(full.X, red.X)
    ):
        if not refit:
            raise StatsInputError(
                "REML likelihoods of models with different fixed effects are not comparable; "
                "use refit=True (ML) or fit both models with method='ML'",
                field="method",
            )
        full, red = _refit_ml(full), _refit_ml(red)
    reml = full.method == "REML"  # both models' REML (or both ML) likelihoods
    fs_f, fs_r = fitstats(full, reml=reml), fitstats(red, reml=reml)
    if full.method in _EQUAL:
        s2f, s2r = _lm_sigma2(full), _lm_sigma2(red)
        r2 = 100.0 * max(0.0, (s2r - s2f) / s2r)
    elif red.tau2 == 0.0:
        r2 = 0.0
    else:
        r2 = 100.0 * max(0.0, (red.tau2 - full.tau2) / red.tau2)
    stat = max(0.0, fs_r.dev - fs_f.dev)
    df = full.parms - red.parms
    return LRTResult(
        fit_f=fs_f,
        fit_r=fs_r,
        parms_f=full.parms,
        parms_r=red.parms,
        LRT=stat,
        pval=float(special.chdtrc(df, stat)),
        QE_f=full.QE,
        QE_r=red.QE,
        tau2_f=full.tau2,
        tau2_r=red.tau2,
        R2=r2,
        method=full.method,
    )


__all__ = ["LRTResult", "lrt", "wald_test"]
