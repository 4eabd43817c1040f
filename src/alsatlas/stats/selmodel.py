r"""Selection models for publication bias (``metafor::selmodel``, step function and beta).

Each study's effect :math:`y_i \sim N(\mu_i, v_i + \tau^2)`, :math:`\mu_i = x_i'\beta`, is
published with a probability proportional to a function :math:`w(p_i; \delta)` of its
one-sided p-value :math:`p_i = 1 - \Phi(y_i/\sqrt{v_i})` (``alternative="greater"``;
:math:`\Phi(y_i/\sqrt{v_i})` for ``"less"``, :math:`2(1-\Phi(|y_i|/\sqrt{v_i}))` for
``"two.sided"``). The log-likelihood of the published studies is (Iyengar & Greenhouse 1988;
Hedges 1992; Vevea & Hedges 1995)

.. math:: \ell(\beta, \tau^2, \delta) = \sum_i \Bigl[\log w(p_i; \delta)
          + \log\phi(y_i; \mu_i, v_i+\tau^2) - \log A_i\Bigr], \qquad
          A_i = \int w(p(y); \delta)\, \phi(y; \mu_i, v_i+\tau^2)\, dy .

- ``type="stepfun"`` (Vevea & Hedges 1995): cut points :math:`0 < a_1 < \dots < a_N = 1`
  (``steps``), :math:`w(p) = \delta_j` for :math:`a_{j-1} < p \le a_j`, :math:`\delta_1 = 1`;
  :math:`A_i` is a sum of normal probabilities of the intervals of :math:`y` that map to
  each p-value interval.
- ``type="beta"`` (Citkowicz & Vevea 2017): :math:`w(p) = p^{\delta_1-1}(1-p)^{\delta_2-1}`,
  with p-values truncated to :math:`[10^{-5}, 1-10^{-5}]` as in metafor; :math:`A_i` is
  integrated numerically (the truncated tails in closed form, the middle by a composite
  Gauss-Legendre rule, over :math:`\log|y|` for two-sided p-values).

The parameters maximise :math:`\ell` (τ² ≥ 0; δ within metafor's bounds: stepfun
:math:`[0, 100]`, beta :math:`[10^{-5}, 100]`), starting from the ML fit without selection.
Standard errors are the square roots of the diagonal of the inverse of the observed
information (the Hessian of :math:`-\ell` in :math:`(\beta, \tau^2, \delta)`, by central
differences with Richardson extrapolation), as metafor's ``numDeriv::hessian``. The
likelihood-ratio test compares :math:`\ell` with the ML log-likelihood of the model without
selection, with as many df as δ's estimated; tests of δ are against 1 (no selection).

References
----------
Vevea, J. L., & Hedges, L. V. (1995). A general linear model for estimating effect size in
the presence of publication bias. *Psychometrika*, 60, 419-435.
Citkowicz, M., & Vevea, J. L. (2017). A parsimonious weight function for modeling publication
bias. *Psychological Methods*, 22, 28-41.
Iyengar, S., & Greenhouse, J. B. (1988). Selection models and the file drawer problem.
*Statistical Science*, 3, 109-117.
metafor 3.8 documentation: ``help(selmodel)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize, special

from alsatlas.errors import StatsInputError
from alsatlas.stats.fitstats import loglik_ml
from alsatlas.stats.meta_inputs import FloatArray
from alsatlas.stats.rma import RMAResult, fit_rma

#: p-values are truncated to [PVAL_MIN, 1 - PVAL_MIN] in the beta model (metafor's pval.min).
PVAL_MIN_BETA = 1e-5
#: metafor's bounds of the δ's.
DELTA_BOUNDS = {"stepfun": (0.0, 100.0), "beta": (1e-5, 100.0)}
TYPES = ("stepfun", "beta")
ALTERNATIVES = ("greater", "less", "two.sided")


@dataclass(frozen=True, eq=False)
class SelModelResult:
    """Fitted selection model, with metafor's field names (``rma.uni.selmodel``)."""

    type: str
    alternative: str
    steps: FloatArray | None
    beta: FloatArray
    se: FloatArray
    zval: FloatArray
    pval: FloatArray
    ci_lb: FloatArray
    ci_ub: FloatArray
    tau2: float
    se_tau2: float
    delta: FloatArray
    se_delta: FloatArray
    zval_delta: FloatArray
    pval_delta: FloatArray
    ll: float
    ll0: float
    LRT: float
    LRTdf: int
    LRTp: float
    parms: int
    k: int
    ptable: tuple[int, ...] | None

    @property
    def fit_stats(self) -> dict[str, float]:
        """ML log-likelihood, deviance (:math:`-2\\ell`), AIC, BIC and AICc."""
        k, parms, ll = self.k, self.parms, self.ll
        m = max(k, parms + 2)
        return {
            "ll": ll,
            "dev": -2.0 * ll,
            "AIC": -2.0 * ll + 2 * parms,
            "BIC": -2.0 * ll + parms * math.log(k),
            "AICc": -2.0 * ll + 2 * parms * m / (m - parms - 1),
        }


def selection_pvalues(yi: FloatArray, vi: FloatArray, alternative: str) -> FloatArray:
    """One- or two-sided p-values of :math:`y_i/\\sqrt{v_i}` (metafor's ``.selmodel.pval``)."""
    z = yi / np.sqrt(vi)
    if alternative == "two.sided":
        return np.asarray(2.0 * special.ndtr(-np.abs(z)), dtype=np.float64)
    if alternative == "less":
        return np.asarray(special.ndtr(z), dtype=np.float64)
    return np.asarray(special.ndtr(-z), dtype=np.float64)


def _step_groups(pvals: FloatArray, steps: FloatArray) -> FloatArray:
    return np.searchsorted(steps, pvals, side="left").astype(np.float64)


def _stepfun_log_a(
    mu: FloatArray, tau2: float, vi: FloatArray, delta: FloatArray, steps: FloatArray, alt: str
) -> FloatArray:
    r""":math:`\log A_i` of the step function.

    :math:`A_i = \sum_j \delta_j P(a_{j-1} < p(Y) \le a_j)`, :math:`Y \sim N(\mu_i, v_i+\tau^2)`.
    """
    s = np.sqrt(vi + tau2)
    sv = np.sqrt(vi)
    bounds = np.concatenate([[0.0], steps])
    total = np.zeros_like(mu)
    for j in range(steps.size):
        lo, hi = bounds[j], bounds[j + 1]
        if alt == "greater":  # p in (lo, hi]  <=>  y in [sv z_{1-hi}, sv z_{1-lo})
            ya = sv * special.ndtri(1.0 - hi) if hi < 1.0 else -np.inf
            yb = sv * special.ndtri(1.0 - lo) if lo > 0.0 else np.inf
            prob = _norm_interval(ya, yb, mu, s)
        elif alt == "less":
            ya = sv * special.ndtri(lo) if lo > 0.0 else -np.inf
            yb = sv * special.ndtri(hi) if hi < 1.0 else np.inf
            prob = _norm_interval(ya, yb, mu, s)
        else:  # |y| in [sv z_{1-hi/2}, sv z_{1-lo/2})
            ca = sv * special.ndtri(1.0 - hi / 2.0) if hi < 1.0 else 0.0 * sv
            cb = sv * special.ndtri(1.0 - lo / 2.0) if lo > 0.0 else np.inf
            prob = _norm_interval(ca, cb, mu, s) + _norm_interval(-cb, -ca, mu, s)
        total = total + delta[j] * prob
    return np.asarray(np.log(total), dtype=np.float64)


def _norm_interval(a: ArrayLike, b: ArrayLike, mu: FloatArray, s: FloatArray) -> FloatArray:
    """:math:`P(a \\le Y < b)` for :math:`Y \\sim N(\\mu, s^2)`, accurate in both tails."""
    za = (np.asarray(a) - mu) / s
    zb = (np.asarray(b) - mu) / s
    upper = za > 0  # both in the upper tail: difference of survival functions
    out = np.where(
        upper, special.ndtr(-za) - special.ndtr(-zb), special.ndtr(zb) - special.ndtr(za)
    )
    return np.asarray(out, dtype=np.float64)


#: Composite Gauss-Legendre rule of the beta model's normalising constants: panels x nodes.
GL_PANELS = 16
GL_NODES = 16


def _gl_rule(a: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Nodes (k, n) and weights (k, n) of the composite Gauss-Legendre rule on [a_i, b_i]."""
    x, w = np.polynomial.legendre.leggauss(GL_NODES)
    edges = np.linspace(0.0, 1.0, GL_PANELS + 1)
    half = (edges[1:] - edges[:-1]) / 2.0
    mid = (edges[1:] + edges[:-1]) / 2.0
    t = (mid[:, None] + half[:, None] * x[None, :]).ravel()  # nodes on [0, 1]
    wt = (half[:, None] * w[None, :]).ravel()
    span = (b - a)[:, None]
    return a[:, None] + span * t[None, :], span * wt[None, :]


def _beta_log_a(
    mu: FloatArray, tau2: float, vi: FloatArray, delta: FloatArray, alt: str
) -> FloatArray:
    r""":math:`\log A_i` of the beta model.

    Where the p-value is truncated (:math:`p < 10^{-5}` or :math:`p > 1 - 10^{-5}`) the
    weight is constant and the integral a normal probability; between, a composite
    Gauss-Legendre rule (``GL_PANELS`` x ``GL_NODES`` nodes) integrates the smooth integrand
    to about machine precision; for two-sided p-values, whose weight behaves like
    :math:`|y|^{\delta_2-1}` near the truncation at :math:`|y| = c_0`, the rule runs over
    :math:`\log|y|`.
    """
    d1, d2 = float(delta[0]), float(delta[1])
    pmin = PVAL_MIN_BETA
    s = np.sqrt(vi + tau2)
    sv = np.sqrt(vi)

    def logw(p: FloatArray) -> FloatArray:
        p = np.clip(p, pmin, 1.0 - pmin)
        return np.asarray((d1 - 1.0) * np.log(p) + (d2 - 1.0) * np.log1p(-p), dtype=np.float64)

    w_lo = math.exp(float(logw(np.array(pmin))))
    w_hi = math.exp(float(logw(np.array(1.0 - pmin))))

    def integral(y: FloatArray, wt: FloatArray) -> FloatArray:
        p = selection_pvalues(y, np.broadcast_to(vi[:, None], y.shape), alt)
        z = (y - mu[:, None]) / s[:, None]
        dens = np.exp(logw(p) - 0.5 * z * z) / (s[:, None] * math.sqrt(2 * math.pi))
        out: FloatArray = np.sum(wt * dens, axis=1)
        return out

    if alt == "two.sided":
        # |y| > c: p < pmin; |y| < c0: p > 1 - pmin. Between, (1 - p) ~ |y| near c0 makes
        # the weight behave like |y|^(d2 - 1): integrate over log|y| there.
        c = sv * float(special.ndtri(1.0 - pmin / 2.0))
        c0 = sv * float(special.ndtri(0.5 + pmin / 2.0))
        tails = w_lo * (_norm_interval(c, np.inf, mu, s) + _norm_interval(-np.inf, -c, mu, s))
        tails = tails + w_hi * _norm_interval(-c0, c0, mu, s)
        u, wu = _gl_rule(np.log(c0), np.log(c))
        y = np.exp(u)
        mid = integral(y, wu * y) + integral(-y, wu * y)
    else:
        c = sv * float(special.ndtri(1.0 - pmin))  # greater: y > c gives p < pmin
        lo_w, hi_w = (w_lo, w_hi) if alt == "greater" else (w_hi, w_lo)
        tails = lo_w * _norm_interval(c, np.inf, mu, s) + hi_w * _norm_interval(-np.inf, -c, mu, s)
        y, wt = _gl_rule(-c, c)
        mid = integral(y, wt)
    return np.asarray(np.log(tails + mid), dtype=np.float64)


def _richardson_hessian(f: Callable[[FloatArray], float], x: FloatArray) -> FloatArray:
    """Hessian by central differences with Richardson extrapolation (as ``numDeriv::hessian``).

    Steps start at :math:`0.1|x_i|` (:math:`10^{-4}` for :math:`|x_i| < 10^{-4}`), are halved
    twice, and the three estimates are extrapolated to cancel the :math:`h^2` and :math:`h^4`
    error terms.
    """
    n = x.size
    base = np.where(np.abs(x) < 1e-4, 1e-4, 0.1 * np.abs(x))

    def at(h: FloatArray) -> FloatArray:
        H = np.empty((n, n))
        f0 = f(x)
        for i in range(n):
            ei = np.zeros(n)
            ei[i] = h[i]
            H[i, i] = (f(x + ei) - 2 * f0 + f(x - ei)) / h[i] ** 2
            for j in range(i):
                ej = np.zeros(n)
                ej[j] = h[j]
                H[i, j] = H[j, i] = (
                    f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)
                ) / (4 * h[i] * h[j])
        return H

    with np.errstate(invalid="ignore", over="ignore"):  # a step off the support gives NaN
        H1, H2, H3 = at(base), at(base / 2), at(base / 4)
        R1 = (4 * H2 - H1) / 3
        R2 = (4 * H3 - H2) / 3
        out: FloatArray = (16 * R2 - R1) / 15
    return out


def selmodel(
    result: RMAResult,
    *,
    type: str,
    steps: ArrayLike | None = None,
    alternative: str = "greater",
) -> SelModelResult:
    """Fit a step-function or beta selection model to a fitted model (``metafor::selmodel``).

    Parameters
    ----------
    result
        A model from :func:`alsatlas.stats.rma.rma` (without user weights). Models not fitted
        by ML (or EE) are refitted by ML for the starting values and the LRT, as metafor does.
    type
        ``"stepfun"`` (needs ``steps``) or ``"beta"``.
    steps
        Cut points of the step function in (0, 1]; 1 is appended when missing.
    alternative
        Direction of the p-values: ``"greater"`` (default), ``"less"`` or ``"two.sided"``.
    """
    if type not in TYPES:
        raise StatsInputError(f"unknown type {type!r}; choose stepfun or beta", field="type")
    if alternative not in ALTERNATIVES:
        raise StatsInputError(
            f"unknown alternative {alternative!r}; choose one of {', '.join(ALTERNATIVES)}",
            field="alternative",
        )
    if result.user_weights is not None:
        raise StatsInputError("selection models need inverse-variance weights", field="weights")
    if result.method not in ("EE", "FE", "ML"):
        result = fit_rma(
            result.yi,
            result.vi,
            result.X,
            method="ML",
            test=result.test,
            level=result.level,
            weights=None,
            tau2_fixed=result.tau2 if result.tau2_fix else None,
        )
    yi, vi, X = result.yi, result.vi, result.X
    k, p = result.k, result.p
    tau2_free = result.method not in ("EE", "FE") and not result.tau2_fix
    pvals = selection_pvalues(yi, vi, alternative)
    steps_arr: FloatArray | None = None
    ptable: tuple[int, ...] | None = None
    if type == "stepfun":
        if steps is None:
            raise StatsInputError("type 'stepfun' needs steps", field="steps")
        st = np.unique(np.atleast_1d(np.asarray(steps, dtype=np.float64)))
        if st.size == 0 or np.any((st <= 0.0) | (st > 1.0)):
            raise StatsInputError("steps must lie in (0, 1]", field="steps")
        if st[-1] != 1.0:
            st = np.append(st, 1.0)
        steps_arr = st
        groups = _step_groups(pvals, st).astype(np.int64)
        counts = np.bincount(groups, minlength=st.size)
        ptable = tuple(int(c) for c in counts)
        if np.any(counts[1:] == 0):
            raise StatsInputError(
                "one or more p-value intervals of the step function hold no study",
                field="steps",
            )
        n_delta = st.size - 1  # delta_1 = 1 is fixed
    else:
        pv = np.clip(pvals, PVAL_MIN_BETA, 1.0 - PVAL_MIN_BETA)
        log_p, log_1mp = np.log(pv), np.log1p(-pv)
        n_delta = 2
    lo_d, hi_d = DELTA_BOUNDS[type]
    n_free = p + int(tau2_free) + n_delta
    if k < n_free:
        raise StatsInputError(
            f"k = {k} studies are too few for a selection model with {n_free} parameters",
            field="yi",
        )

    def unpack(theta: FloatArray) -> tuple[FloatArray, float, FloatArray]:
        beta = theta[:p]
        tau2 = float(theta[p]) if tau2_free else result.tau2
        d = theta[p + int(tau2_free) :]
        delta = np.concatenate([[1.0], d]) if type == "stepfun" else d
        return beta, tau2, delta

    def negll(theta: FloatArray) -> float:
        beta, tau2, delta = unpack(theta)
        if tau2 < 0.0 or np.any(delta < lo_d) or np.any(delta > hi_d):
            return math.inf
        mu = X @ beta
        s2 = vi + tau2
        logdens = -0.5 * np.log(2 * math.pi * s2) - 0.5 * (yi - mu) ** 2 / s2
        if type == "stepfun":
            assert steps_arr is not None
            with np.errstate(divide="ignore"):
                logw = np.log(delta[groups])
            log_a = _stepfun_log_a(mu, tau2, vi, delta, steps_arr, alternative)
        else:
            logw = (delta[0] - 1.0) * log_p + (delta[1] - 1.0) * log_1mp
            log_a = _beta_log_a(mu, tau2, vi, delta, alternative)
        val = float(np.sum(logw + logdens - log_a))
        return -val if math.isfinite(val) else math.inf

    # Optimise on an unconstrained scale: log tau2 and logit-mapped deltas (as metafor).
    def to_theta(phi: FloatArray) -> FloatArray:
        parts = [phi[:p]]
        if tau2_free:
            parts.append(np.array([math.exp(phi[p])]))
        d = phi[p + int(tau2_free) :]
        parts.append(lo_d + (hi_d - lo_d) / (1.0 + np.exp(-d)))
        return np.concatenate(parts)

    phi0 = [*result.beta.tolist()]
    if tau2_free:
        phi0.append(math.log(result.tau2 + 0.001))
    phi0 += [math.log((1.0 - lo_d) / (hi_d - 1.0))] * n_delta
    phi = np.asarray(phi0)
    for method in ("Nelder-Mead", "BFGS"):
        opt = optimize.minimize(
            lambda f: negll(to_theta(f)),
            phi,
            method=method,
            options={"xatol": 1e-7, "fatol": 1e-11, "maxiter": 20000, "maxfev": 20000}
            if method == "Nelder-Mead"
            else {"gtol": 1e-9, "maxiter": 2000},
        )
        if np.isfinite(opt.fun) and opt.fun <= negll(to_theta(phi)):
            phi = opt.x
    theta = to_theta(phi)
    # Polish in the natural parameters with Newton steps on the Richardson Hessian.
    for _ in range(5):
        H = _richardson_hessian(negll, theta)
        g = _gradient(negll, theta)
        if not (np.all(np.isfinite(H)) and np.all(np.isfinite(g))):
            break
        try:
            step = np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            break
        cand = theta - step
        if not negll(cand) <= negll(theta):
            break
        theta = cand
        if np.max(np.abs(step) / np.maximum(np.abs(theta), 1e-8)) < 1e-12:
            break
    beta, tau2, delta = unpack(theta)
    if tau2 < 10 * np.finfo(np.float64).eps:
        tau2 = 0.0
    H = _richardson_hessian(negll, theta)
    try:
        cov = np.linalg.inv(H) if np.all(np.isfinite(H)) else np.full_like(H, np.nan)
    except np.linalg.LinAlgError:
        cov = np.full_like(H, np.nan)
    with np.errstate(invalid="ignore"):
        var = np.where(np.diag(cov) >= 0.0, np.diag(cov), np.nan)
    se = np.sqrt(var[:p])
    se_tau2 = math.sqrt(var[p]) if tau2_free else math.nan
    se_d = np.sqrt(var[p + int(tau2_free) :])
    if type == "stepfun":
        se_d = np.concatenate([[math.nan], se_d])
    ll = -negll(theta)
    ll0 = loglik_ml(result)
    zcrit = float(special.ndtri(1.0 - (1.0 - result.level / 100.0) / 2.0))
    zval = beta / se
    zd = (delta - 1.0) / se_d
    lrt = max(0.0, -2.0 * (ll0 - ll))
    return SelModelResult(
        type=type,
        alternative=alternative,
        steps=steps_arr,
        beta=beta,
        se=se,
        zval=zval,
        pval=2.0 * special.ndtr(-np.abs(zval)),
        ci_lb=beta - zcrit * se,
        ci_ub=beta + zcrit * se,
        tau2=tau2,
        se_tau2=se_tau2,
        delta=delta,
        se_delta=se_d,
        zval_delta=zd,
        pval_delta=2.0 * special.ndtr(-np.abs(zd)),
        ll=ll,
        ll0=ll0,
        LRT=lrt,
        LRTdf=n_delta,
        LRTp=float(special.chdtrc(n_delta, lrt)),
        parms=p + int(tau2_free) + n_delta,
        k=k,
        ptable=ptable,
    )


def _gradient(f: Callable[[FloatArray], float], x: FloatArray) -> FloatArray:
    """Central-difference gradient with one Richardson step."""
    g = np.empty_like(x)
    for i in range(x.size):
        h = 1e-5 * max(abs(x[i]), 0.05)
        e = np.zeros_like(x)
        e[i] = h
        with np.errstate(invalid="ignore"):
            d1 = (f(x + e) - f(x - e)) / (2 * h)
            d2 = (f(x + e / 2) - f(x - e / 2)) / h
            g[i] = (4 * d2 - d1) / 3
    return g


__all__ = ["SelModelResult", "selection_pvalues", "selmodel"]
