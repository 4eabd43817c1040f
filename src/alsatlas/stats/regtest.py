r"""Regression tests for funnel-plot asymmetry (Egger-type; ``metafor::regtest``).

A predictor of study precision :math:`s_i` is added to the model and its coefficient tested:

.. math:: y_i = \beta_0 + \beta_1 s_i + u_i + e_i .

``model="rma"`` (metafor's default) fits the mixed-effects meta-regression with the model's own
τ² estimator and test (:func:`alsatlas.stats.rma`, ``mods = s``); ``model="lm"`` fits the
weighted least-squares regression with weights :math:`1/v_i` and a multiplicative residual
variance (classic Egger test: Egger et al. 1997, in the weighted form of Sterne & Egger 2005),
tested with :math:`t_{k-2}`. The predictors are metafor's: ``"sei"`` (:math:`\sqrt{v_i}`,
default), ``"vi"`` (PEESE-type), ``"ni"``, ``"ninv"`` (:math:`1/n_i`), ``"sqrtni"`` and
``"sqrtninv"``. For ``sei``, ``vi``, ``ninv`` and ``sqrtninv`` the intercept
:math:`\hat\beta_0` is the "limit estimate" (the effect as precision goes to infinity, the
PET/PEESE estimate) and is reported with its CI. With moderators the predictor is added as the
last column of the meta-regression (metafor's behaviour for a model with ``mods``) and no
limit estimate is reported.

References
----------
Egger, M., Davey Smith, G., Schneider, M., & Minder, C. (1997). Bias in meta-analysis detected
by a simple, graphical test. *BMJ*, 315, 629-634.
Sterne, J. A. C., & Egger, M. (2005). Regression methods to detect publication and other bias
in meta-analysis. In *Publication Bias in Meta-Analysis*, 99-110. Wiley.
Stanley, T. D., & Doucouliagos, H. (2014). Meta-regression approximations to reduce
publication selection bias. *Research Synthesis Methods*, 5, 60-78.
metafor 3.8 documentation: ``help(regtest)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from alsatlas.errors import StatsInputError
from alsatlas.stats.inference import critical_value
from alsatlas.stats.meta_inputs import FloatArray, as_vector, check_level, check_meta_inputs
from alsatlas.stats.rma import RMAResult, rma

PREDICTORS: tuple[str, ...] = ("sei", "vi", "ni", "ninv", "sqrtni", "sqrtninv")
MODELS: tuple[str, ...] = ("rma", "lm")
_LIMIT_PREDICTORS = ("sei", "vi", "ninv", "sqrtninv")


@dataclass(frozen=True, eq=False)
class RegTestResult:
    """Result of :func:`regtest`.

    Attributes
    ----------
    model, predictor
        ``"rma"`` or ``"lm"``; the precision predictor.
    stat
        z (``test="z"``) or t statistic of the predictor's coefficient (metafor's ``zval``).
    pval
        Its two-sided p-value.
    ddf
        Degrees of freedom of the t statistic, None for a z statistic.
    est, ci_lb, ci_ub
        Limit estimate (the intercept) and its CI; None for ``ni`` and ``sqrtni``.
    beta, se
        All coefficients (intercept, moderators, predictor last) and their standard errors.
    fit
        The meta-regression (``model="rma"``), None for ``model="lm"``.
    """

    model: str
    predictor: str
    stat: float
    pval: float
    ddf: int | None
    est: float | None
    ci_lb: float | None
    ci_ub: float | None
    beta: FloatArray
    se: FloatArray
    fit: RMAResult | None


def _predictor(vi: FloatArray, ni: FloatArray | None, predictor: str) -> FloatArray:
    if predictor == "sei":
        return np.sqrt(vi)
    if predictor == "vi":
        return vi
    if ni is None:
        raise StatsInputError(
            f"predictor {predictor!r} needs the sample sizes ni", field="predictor"
        )
    if predictor == "ni":
        return ni
    if predictor == "ninv":
        return 1.0 / ni
    if predictor == "sqrtni":
        return np.sqrt(ni)
    return 1.0 / np.sqrt(ni)


def regtest(
    yi: ArrayLike,
    vi: ArrayLike,
    *,
    model: str = "rma",
    predictor: str = "sei",
    mods: ArrayLike | None = None,
    method: str = "REML",
    test: str = "z",
    ni: ArrayLike | None = None,
    level: float = 95,
) -> RegTestResult:
    r"""Egger-type regression test for funnel-plot asymmetry (formulas in the module docstring).

    Parameters
    ----------
    yi, vi
        Effect sizes and sampling variances (length k >= 3).
    model
        ``"rma"`` (default: mixed-effects meta-regression with ``method`` and ``test``) or
        ``"lm"`` (weighted least squares, classic Egger test).
    predictor
        ``"sei"`` (default), ``"vi"``, ``"ni"``, ``"ninv"``, ``"sqrtni"`` or ``"sqrtninv"``.
    mods
        Moderators of the model, shape (k,) or (k, q); the predictor is added after them.
    method, test
        τ² estimator and test of the meta-regression (``model="rma"`` only).
    ni
        Sample sizes, needed by the ``ni``-based predictors.
    level
        Confidence level of the limit estimate's CI, in percent.

    Returns
    -------
    RegTestResult

    Raises
    ------
    StatsInputError
        Fewer than 3 studies, bad ``yi``/``vi``/``ni``, an unknown model or predictor, or a
        predictor that is constant (the model matrix is then not of full rank).
    """
    if model not in MODELS:
        raise StatsInputError(
            f"unknown model {model!r}; choose one of {', '.join(MODELS)}", field="model"
        )
    if predictor not in PREDICTORS:
        raise StatsInputError(
            f"unknown predictor {predictor!r}; choose one of {', '.join(PREDICTORS)}",
            field="predictor",
        )
    y = as_vector(yi, "yi")
    v = as_vector(vi, "vi")
    if y.shape != v.shape:
        raise StatsInputError(
            f"yi has {y.shape[0]} values but vi has {v.shape[0]}; lengths must match", field="vi"
        )
    nonpos = np.flatnonzero(v <= 0)
    if nonpos.size:
        raise StatsInputError(
            f"sampling variance must be positive, got {v[nonpos[0]]}",
            row=int(nonpos[0]),
            field="vi",
        )
    k = y.shape[0]
    if k < 3:
        raise StatsInputError(
            f"the regression test needs at least 3 studies, got k = {k}", field="yi"
        )
    n: FloatArray | None = None
    if ni is not None:
        n = as_vector(ni, "ni")
        if n.shape != y.shape:
            raise StatsInputError(f"has {n.shape[0]} values but there are {k} studies", field="ni")
        bad = np.flatnonzero(n <= 0)
        if bad.size:
            raise StatsInputError("sample size must be positive", row=int(bad[0]), field="ni")
    x = _predictor(v, n, predictor)
    if np.ptp(x) == 0:
        raise StatsInputError(
            f"predictor {predictor!r} is constant across studies; the test cannot be fitted",
            field="predictor",
        )
    lev = check_level(level)
    base = check_meta_inputs(y, v, mods=mods, method="EE", test="z").X
    X = np.column_stack([base, x])
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise StatsInputError(
            "the model matrix is not of full rank after adding the predictor", field="predictor"
        )
    j = X.shape[1] - 1
    has_limit = predictor in _LIMIT_PREDICTORS and j == 1
    if model == "rma":
        fit = rma(y, v, method=method, test=test, mods=X[:, 1:], level=lev)
        return RegTestResult(
            model=model,
            predictor=predictor,
            stat=float(fit.zval[j]),
            pval=float(fit.pval[j]),
            ddf=fit.dfs,
            est=float(fit.beta[0]) if has_limit else None,
            ci_lb=float(fit.ci_lb[0]) if has_limit else None,
            ci_ub=float(fit.ci_ub[0]) if has_limit else None,
            beta=fit.beta,
            se=fit.se,
            fit=fit,
        )
    df = k - X.shape[1]
    if df < 1:
        raise StatsInputError(
            f"the classic Egger test needs more than {X.shape[1]} studies, got k = {k}",
            field="yi",
        )
    w = 1.0 / v
    XtWX_inv = np.linalg.inv(X.T @ (w[:, None] * X))
    beta = XtWX_inv @ (X.T @ (w * y))
    sigma2 = float(np.sum(w * (y - X @ beta) ** 2)) / df
    se = np.sqrt(sigma2 * np.diag(XtWX_inv))
    tval = float(beta[j] / se[j])
    pval = float(2.0 * special.stdtr(df, -abs(tval)))
    crit = critical_value(lev, "t", df)
    return RegTestResult(
        model=model,
        predictor=predictor,
        stat=tval,
        pval=pval,
        ddf=df,
        est=float(beta[0]) if has_limit else None,
        ci_lb=float(beta[0] - crit * se[0]) if has_limit else None,
        ci_ub=float(beta[0] + crit * se[0]) if has_limit else None,
        beta=np.asarray(beta, dtype=np.float64),
        se=np.asarray(se, dtype=np.float64),
        fit=None,
    )


__all__ = ["MODELS", "PREDICTORS", "RegTestResult", "regtest"]
