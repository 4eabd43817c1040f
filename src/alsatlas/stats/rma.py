r"""Equal-, random- and mixed-effects meta-analysis: the equivalent of ``metafor::rma.uni``.

Given τ² (see :mod:`alsatlas.stats.tau2`), with :math:`w_i = 1/(v_i + \hat\tau^2)`:

.. math::
    \hat\beta = (X'WX)^{-1}X'Wy, \qquad \mathrm{Var}(\hat\beta) = s^2 (X'WX)^{-1}.

- ``test="z"``: :math:`s^2 = 1`, Wald z-tests and normal CIs;
- ``test="t"``: :math:`s^2 = 1`, t-tests with :math:`k-p` df;
- ``test="knha"``: Hartung-Knapp-Sidik-Jonkman (Knapp & Hartung 2003):
  :math:`s^2 = \sum w_i (y_i - x_i'\hat\beta)^2/(k-p)` and t-tests with :math:`k-p` df.
  As in metafor, :math:`s^2` is not truncated at 1 (and is 0 when the weighted residual sum
  is below machine epsilon);
- ``test="adhoc"``: as ``knha`` with :math:`s^2` truncated below at 1 (metafor's ad hoc
  correction; Knapp & Hartung 2003, Röver, Knapp & Friede 2015).

``tau2=`` fixes τ² at a value instead of estimating it, ``btt=`` chooses the coefficients of
the omnibus test (0-based indices; metafor's ``btt`` counts from 1), and ``method="PMM"``,
``"GENQ"`` or ``"GENQM"`` use the estimators of :mod:`alsatlas.stats.tau2_extra`.

With user ``weights`` :math:`a_i`, :math:`\hat\beta = (X'AX)^{-1}X'Ay` and
:math:`\mathrm{Var}(\hat\beta) = s^2 (X'AX)^{-1}X'AMAX(X'AX)^{-1}`, :math:`M =
\mathrm{diag}(v_i + \hat\tau^2)`; τ² and the Q test are unchanged (metafor's behaviour).

The defaults are metafor's: ``method="REML"``, ``test="z"``, ``level=95``.

References
----------
Viechtbauer, W. (2010). Conducting meta-analyses in R with the metafor package. *Journal of
Statistical Software*, 36(3). metafor documentation: ``help(rma.uni)``.
Knapp, G., & Hartung, J. (2003). Improved tests for a random effects meta-regression with a
single covariate. *Statistics in Medicine*, 22, 2693-2710.
Raudenbush, S. W. (2009). Analyzing effect sizes: random-effects models. In *The Handbook of
Research Synthesis and Meta-Analysis* (2nd ed.), 295-315.
Röver, C., Knapp, G., & Friede, T. (2015). Hartung-Knapp-Sidik-Jonkman approach and its
modification for random-effects meta-analysis with few studies. *BMC Medical Research
Methodology*, 15, 99.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from alsatlas.errors import ConvergenceError, StatsInputError
from alsatlas.stats.confint import HeterogeneityCI, confint_heterogeneity
from alsatlas.stats.control import check_control, standardise
from alsatlas.stats.heterogeneity import heterogeneity
from alsatlas.stats.inference import critical_value, two_sided_p
from alsatlas.stats.meta_inputs import FloatArray, check_level, check_meta_inputs
from alsatlas.stats.metareg import (
    check_btt,
    default_btt,
    omnibus_test,
    pseudo_r2,
    weighted_adjusted_r2,
)
from alsatlas.stats.predict import Prediction, predict_rma
from alsatlas.stats.tau2 import estimate_tau2
from alsatlas.stats.tau2_extra import estimate_tau2_ext

_EQUAL_EFFECTS = ("EE", "FE")


@dataclass(frozen=True, eq=False)
class RMAResult:
    """Result of :func:`rma`, with metafor's field names (``rma.uni`` object).

    Attributes
    ----------
    k, p
        Number of studies and of coefficients (intercept included).
    beta, se, zval, pval, ci_lb, ci_ub
        Coefficients, standard errors, test statistics (z or t), p-values and CI bounds.
    vb
        Covariance matrix of ``beta``.
    tau2, se_tau2
        τ² estimate and its standard error.
    I2, H2
        I² (percent) and H².
    QE, QEp
        Test of residual heterogeneity.
    QM, QMp, QMdf
        Omnibus test of moderators (chi-square under ``z``, F under ``t``/``knha``).
    R2
        Pseudo-R² in percent for meta-regressions, None for intercept-only models.
    weights
        Study weights in percent.
    yi, vi, X
        The analysed data and design matrix.
    method, test, level
        τ² estimator, test of fixed effects, confidence level in percent.
    dfs
        Degrees of freedom of the t-tests (``k - p``), None under ``z``.
    s2w
        Knapp-Hartung scale factor (1 unless ``test="knha"``).
    vt
        Typical within-study variance behind I² and H².
    iterations
        Iterations of the τ² estimator (0 for closed forms).
    control
        Stopping rules of the iterative estimators: ``"exact"`` or ``"metafor"`` (see
        :mod:`alsatlas.stats.control`); :meth:`confint` uses the same.
    tau2_fix
        True when τ² was given by the user (``tau2=``) rather than estimated.
    btt
        0-based indices of the coefficients in the omnibus test ``QM``.
    """

    k: int
    p: int
    beta: FloatArray
    se: FloatArray
    zval: FloatArray
    pval: FloatArray
    ci_lb: FloatArray
    ci_ub: FloatArray
    vb: FloatArray
    tau2: float
    se_tau2: float
    I2: float
    H2: float
    QE: float
    QEp: float
    QM: float
    QMp: float
    QMdf: tuple[int, ...]
    R2: float | None
    weights: FloatArray
    yi: FloatArray
    vi: FloatArray
    X: FloatArray
    method: str
    test: str
    level: float
    dfs: int | None
    s2w: float
    vt: float
    iterations: int
    user_weights: FloatArray | None = field(default=None, repr=False)
    control: str = "exact"
    tau2_fix: bool = False
    btt: tuple[int, ...] | None = None

    @property
    def parms(self) -> int:
        """Number of estimated parameters: p, plus 1 when τ² is estimated (metafor's ``parms``)."""
        return self.p + (0 if self.method in _EQUAL_EFFECTS or self.tau2_fix else 1)

    @property
    def estimate(self) -> float:
        """The pooled estimate (the intercept; the only coefficient without moderators)."""
        return float(self.beta[0])

    @property
    def stat(self) -> FloatArray:
        """Alias of ``zval`` (a z or t statistic, according to ``test``)."""
        return self.zval

    @property
    def crit(self) -> float:
        """Two-sided critical value used for the CIs."""
        return critical_value(self.level, self.test, self.dfs)

    def predict(
        self,
        newmods: ArrayLike | None = None,
        *,
        level: float | None = None,
        pi_type: str = "default",
    ) -> Prediction:
        """Predicted (pooled) effect with CI and prediction interval; see :mod:`.predict`."""
        return predict_rma(self, newmods, level=level, pi_type=pi_type)

    def confint(self, *, level: float | None = None, control: str | None = None) -> HeterogeneityCI:
        """Q-profile CIs of τ², τ, I² and H²; see :mod:`alsatlas.stats.confint`."""
        return confint_heterogeneity(self, level=level, control=control)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary with the keys of ``alsatlas meta --format json``.

        Keys: ``k, estimate, se, stat, pval, ci_lb, ci_ub, tau2, se_tau2, tau2_ci_lb,
        tau2_ci_ub, I2, H2, QE, QEp, pi_lb, pi_ub`` (the first coefficient's values, I² in
        percent), plus ``method``, ``test``, ``level``, ``dfs``. τ² CI bounds are None for
        equal-effects models, a fixed τ² and GENQ. Meta-regressions add ``beta``,
        ``se_beta``, ``pval_beta``, ``QM``, ``QMp``, ``QMdf`` and ``R2``; the prediction
        interval is then None.
        """
        out: dict[str, Any] = {
            "k": self.k,
            "estimate": self.estimate,
            "se": float(self.se[0]),
            "stat": float(self.zval[0]),
            "pval": float(self.pval[0]),
            "ci_lb": float(self.ci_lb[0]),
            "ci_ub": float(self.ci_ub[0]),
            "tau2": self.tau2,
            "se_tau2": None if self.method in _EQUAL_EFFECTS else self.se_tau2,
            "tau2_ci_lb": None,
            "tau2_ci_ub": None,
            "I2": self.I2,
            "H2": self.H2,
            "QE": self.QE,
            "QEp": self.QEp,
            "pi_lb": None,
            "pi_ub": None,
            "method": self.method,
            "test": self.test,
            "level": self.level,
            "dfs": self.dfs,
        }
        # Q-profile CIs exist for estimated tau2 (not a fixed one, nor GENQ's weighted Q).
        if self.method not in (*_EQUAL_EFFECTS, "GENQ", "GENQM") and not self.tau2_fix:
            ci = self.confint()
            out["tau2_ci_lb"] = ci.tau2_ci_lb
            out["tau2_ci_ub"] = ci.tau2_ci_ub
        if self.p == 1:
            pred = self.predict()
            out["pi_lb"] = float(pred.pi_lb[0])
            out["pi_ub"] = float(pred.pi_ub[0])
        else:
            out["beta"] = self.beta.tolist()
            out["se_beta"] = self.se.tolist()
            out["pval_beta"] = self.pval.tolist()
            out["QM"] = self.QM
            out["QMp"] = self.QMp
            out["QMdf"] = list(self.QMdf)
            out["R2"] = self.R2
        return out


def fit_rma(
    yi: FloatArray,
    vi: FloatArray,
    X: FloatArray,
    *,
    method: str,
    test: str,
    level: float,
    weights: FloatArray | None,
    control: str = "exact",
    tau2_fixed: float | None = None,
    btt: ArrayLike | None = None,
) -> RMAResult:
    """Fit the model to already checked arrays (see :func:`rma` for the public entry).

    Under ``control="exact"`` the model is fitted to the rescaled data of
    :func:`alsatlas.stats.control.standardise` and the results are scaled back.
    """
    k, p = int(X.shape[0]), int(X.shape[1])
    check_control(control)
    y_orig, v_orig = yi, vi
    c, e = standardise(yi, vi) if control == "exact" else (0.0, 0)
    if c != 0.0 or e != 0:
        yi, vi = np.ldexp(yi - c, -e), np.ldexp(vi, -2 * e)
    # the data are rescaled already: estimate on them as they are
    if tau2_fixed is not None and not (math.isfinite(tau2_fixed) and tau2_fixed >= 0.0):
        raise StatsInputError(f"must be finite and >= 0, got {tau2_fixed}", field="tau2")
    fixed = None if tau2_fixed is None else float(np.ldexp(tau2_fixed, -2 * e))
    est = estimate_tau2_ext(yi, vi, X, method, weights=weights, tau2=fixed, control=control)
    tau2 = est.tau2
    w = 1.0 / (vi + tau2)
    if p == 1:  # one column x: (X'WX)^-1 = 1 / sum(w x^2)
        wx = w * X[:, 0]
        sxx = float(wx @ X[:, 0])
        XtWX_inv = np.array([[1.0 / sxx]])
        beta_w = np.array([float(wx @ yi) / sxx])
    else:
        WX = w[:, None] * X
        XtWX_inv = np.asarray(np.linalg.inv(X.T @ WX), dtype=np.float64)
        beta_w = XtWX_inv @ (WX.T @ yi)
    if weights is None:
        beta = beta_w
        vb: FloatArray = XtWX_inv
        pct = 100.0 * w / w.sum()
    else:
        AX = weights[:, None] * X
        XtAX_inv = np.linalg.inv(X.T @ AX)
        beta = XtAX_inv @ (AX.T @ yi)
        bread = XtAX_inv @ AX.T
        vb = np.asarray((bread * (vi + tau2)[None, :]) @ bread.T, dtype=np.float64)
        pct = 100.0 * weights / weights.sum()
    s2w = 1.0
    if test in ("knha", "adhoc"):
        rss = float(np.sum(w * (yi - X @ beta_w) ** 2))
        s2w = 0.0 if rss <= np.finfo(np.float64).eps else rss / (k - p)
        if test == "adhoc":
            s2w = max(s2w, 1.0)
    vb = s2w * vb
    if c != 0.0 or e != 0:  # back to the data's units
        beta = np.ldexp(beta, e)
        beta[0] += c
        vb = np.ldexp(vb, 2 * e)
    dfs = k - p if test in ("t", "knha", "adhoc") else None
    se = np.sqrt(vb[0]) if p == 1 else np.sqrt(np.diag(vb))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # se = 0 only under knha with identical effects (metafor's s2w = 0): 0/0 reads as 0.
        zval = np.where((se == 0.0) & (beta == 0.0), 0.0, beta / se)
    pval = two_sided_p(zval, test, dfs)
    crit = critical_value(level, test, dfs)
    het = heterogeneity(yi, vi, X, tau2, equal_effects=method in _EQUAL_EFFECTS)
    vt = float(np.ldexp(het.vt, 2 * e))
    btt_idx = default_btt(p) if btt is None else check_btt(btt, p)
    omni = omnibus_test(beta, vb, btt_idx, test=test, df_resid=k - p)
    r2: float | None = None
    if p > 1:
        if method in _EQUAL_EFFECTS:
            r2 = weighted_adjusted_r2(yi, X, w if weights is None else weights)
        else:
            try:
                reduced = (
                    estimate_tau2_ext(yi, vi, X[:, :1], method, weights=weights, control=control)
                    if method in ("PMM", "GENQ", "GENQM")
                    else estimate_tau2(yi, vi, X[:, :1], method, control=control)
                )
            except (StatsInputError, ConvergenceError):  # metafor reports NA here
                r2 = math.nan
            else:
                r2 = pseudo_r2(reduced.tau2, tau2)
    return RMAResult(
        k=k,
        p=p,
        beta=beta,
        se=se,
        zval=zval,
        pval=pval,
        ci_lb=beta - crit * se,
        ci_ub=beta + crit * se,
        vb=vb,
        tau2=float(np.ldexp(tau2, 2 * e)),
        se_tau2=float(np.ldexp(est.se_tau2, 2 * e)),
        I2=het.I2,
        H2=het.H2,
        QE=het.QE,
        QEp=het.QEp,
        QM=omni.QM,
        QMp=omni.QMp,
        QMdf=omni.df,
        R2=r2,
        weights=pct,
        yi=y_orig,
        vi=v_orig,
        X=X,
        method=method,
        test=test,
        level=level,
        dfs=dfs,
        s2w=s2w,
        vt=vt,
        iterations=est.iterations,
        user_weights=weights,
        control=control,
        tau2_fix=tau2_fixed is not None and method not in _EQUAL_EFFECTS,
        btt=tuple(int(i) for i in btt_idx),
    )


def rma(
    yi: ArrayLike,
    vi: ArrayLike,
    *,
    method: str = "REML",
    test: str = "z",
    mods: ArrayLike | None = None,
    level: float = 95,
    weights: ArrayLike | None = None,
    control: str = "exact",
    tau2: float | None = None,
    btt: ArrayLike | None = None,
) -> RMAResult:
    """Fit an equal-, random- or mixed-effects meta-analysis (``metafor::rma.uni``).

    Parameters
    ----------
    yi
        Effect sizes on the analysis scale (e.g. log hazard ratios), length k.
    vi
        Sampling variances, length k, all positive.
    method
        τ² estimator: ``"EE"``/``"FE"`` (equal effects), ``"DL"``, ``"HE"``, ``"HS"``,
        ``"HSk"``, ``"SJ"``, ``"ML"``, ``"REML"`` (default), ``"EB"``, ``"PM"``, ``"PMM"``,
        ``"GENQ"`` or ``"GENQM"`` (these two need ``weights``).
    test
        ``"z"`` (default), ``"t"``, ``"knha"`` (Hartung-Knapp-Sidik-Jonkman) or ``"adhoc"``
        (knha with its variance factor truncated below at 1).
    mods
        Moderators, shape (k,) or (k, q); an intercept is added.
    level
        Confidence level in percent (95) or as a fraction (0.95).
    weights
        Optional user weights for a weighted least-squares fit.
    control
        ``"exact"`` (default): iterative estimators (ML, REML, EB, PM) and the Q-profile CI
        solved to machine precision on internally rescaled data. ``"metafor"``: metafor
        3.8.1's default stopping rules (Fisher scoring to a change below 1e-5, ``uniroot``
        with tol = eps^0.25), reproducing its printed numbers to 1e-8; see
        :mod:`alsatlas.stats.control` for the measured differences. PMM and GENQ are
        exact roots under either.
    tau2
        Fix τ² at this value instead of estimating it (ignored by equal-effects models).
    btt
        0-based indices of the coefficients in the omnibus test (default: all but the
        intercept).

    Returns
    -------
    RMAResult
        Frozen result with metafor's field names, ``predict()``, ``confint()`` and
        ``to_dict()``.

    Raises
    ------
    StatsInputError
        k < 2 (or k ≤ p where τ² or a t-test needs residual degrees of freedom), non-positive
        or non-finite variances, NaN effect sizes, mismatched lengths, unknown method/test.
    ConvergenceError
        An iterative τ² estimator did not converge (not an input error; metafor stops with
        an error there too).

    Examples
    --------
    >>> res = rma([-0.9, -1.6, -1.4, -1.5], [0.36, 0.19, 0.42, 0.02], method="DL")
    >>> round(res.estimate, 4)
    -1.4772
    """
    inputs = check_meta_inputs(yi, vi, mods=mods, weights=weights, method=method, test=test)
    return fit_rma(
        inputs.yi,
        inputs.vi,
        inputs.X,
        method=method,
        test=test,
        level=check_level(level),
        weights=inputs.weights,
        control=check_control(control),
        tau2_fixed=None if tau2 is None else float(tau2),
        btt=btt,
    )


__all__ = ["RMAResult", "fit_rma", "rma"]
