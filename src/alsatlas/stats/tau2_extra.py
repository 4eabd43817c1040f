r"""More τ² estimators (PMM, GENQ) and τ² fixed by the user, as ``metafor::rma.uni`` 3.8.

With :math:`P_a = A - AX(X'AX)^{-1}X'A` for a diagonal weight matrix :math:`A`,
:math:`V = \mathrm{diag}(v_i)`, :math:`k` studies and :math:`p` coefficients:

============  =============================================================================
``PMM``       median-unbiased Paule-Mandel: the root of :math:`Q(\tau^2) =
              \chi^2_{k-p,\,0.5}` (the median of the chi-square distribution instead of
              its mean :math:`k-p`; Viechtbauer 2021, metafor ``method="PMM"``), 0 when
              :math:`Q(0)` is below that median
``GENQ``      generalised Q-statistic estimator with user weights :math:`a_i` (DerSimonian &
              Kacker 2007): :math:`(y'P_ay - \mathrm{tr}(P_aV)) / \mathrm{tr}(P_a)`,
              truncated at 0
``GENQM``     median-unbiased GENQ (Viechtbauer 2021): the :math:`\tau^2` at which the
              observed :math:`Q_a = y'P_ay` is the median of its distribution,
              :math:`\sum_j \lambda_j\chi^2_1` with :math:`\lambda_j` the non-zero
              eigenvalues of :math:`S P_a S`, :math:`S = \mathrm{diag}(\sqrt{v_i+\tau^2})`;
              0 when :math:`P(Q_a > y'P_ay) > 1/2` already at :math:`\tau^2 = 0`. The
              distribution function is Ruben's (1962) series, as in metafor's
              ``CompQuadForm::farebrother``, to an absolute error below :math:`10^{-15}`
============  =============================================================================

Standard errors, with :math:`t = \max(\hat\tau^2, 0)` (metafor 3.8):

- PMM (as PM and EB): :math:`\sqrt{2k^2/(k-p)}\,/\sum_i 1/(v_i + t)`;
- GENQ and GENQM: :math:`\sqrt{2\,\mathrm{tr}(P_aVP_aV) + 4t\,\mathrm{tr}(P_aVP_a) +
  2t^2\mathrm{tr}(P_a^2)}\,/\,\mathrm{tr}(P_a)`.

A τ² value given by the user (``rma(..., tau2=0.1)``, metafor's ``tau2`` argument) replaces
the estimate; its standard error is the chosen estimator's formula evaluated at that value
(as metafor reports it), and the model then has one parameter less (see
:mod:`alsatlas.stats.fitstats`).

References
----------
Ruben, H. (1962). Probability content of regions under spherical normal distributions, IV.
*Annals of Mathematical Statistics*, 33, 542-570. Farebrother, R. W. (1984). Algorithm AS
204. *Applied Statistics*, 33, 332-339.
DerSimonian, R., & Kacker, R. (2007). Random-effects model for meta-analysis of clinical
trials: an update. *Contemporary Clinical Trials*, 28, 105-114.
Paule, R. C., & Mandel, J. (1982). Consensus values and weighting factors. *Journal of
Research of the National Bureau of Standards*, 87, 377-385.
Viechtbauer, W. (2021). Median-unbiased estimators for the amount of heterogeneity in
meta-analysis. European Congress of Methodology. metafor 3.8 documentation: ``help(rma.uni)``.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize, signal, special

from alsatlas.errors import StatsInputError
from alsatlas.stats.meta_inputs import EXTRA_METHODS, FloatArray
from alsatlas.stats.tau2 import Tau2Estimate, estimate_tau2_as_given, projection, solve_q


def _genq_terms(vi: FloatArray, X: FloatArray, a: FloatArray) -> tuple[FloatArray, float, float]:
    P = projection(a, X)
    return P, float(np.trace(P)), float(np.sum(np.diag(P) * vi))


def genq(yi: FloatArray, vi: FloatArray, X: FloatArray, weights: FloatArray) -> float:
    r"""Untruncated GENQ: :math:`(y'P_ay - \mathrm{tr}(P_aV)) / \mathrm{tr}(P_a)`."""
    P, trP, trPV = _genq_terms(vi, X, weights)
    return (float(yi @ P @ yi) - trPV) / trP


#: Terms of Ruben's series before giving up (the series converges geometrically at rate
#: 1 - min(lambda)/max(lambda)).
RUBEN_MAX_TERMS = 200_000


def quadform_sf(x: float, lam: FloatArray) -> float:
    r""":math:`P(\sum_j \lambda_j \chi^2_1 > x)` for :math:`\lambda_j > 0` by Ruben's series.

    With :math:`\beta = \min_j \lambda_j`, :math:`\gamma_j = 1 - \beta/\lambda_j` and
    :math:`m` weights (Ruben 1962; the method of ``CompQuadForm::farebrother``),

    .. math:: P(Q \le x) = \sum_{k\ge0} a_k\,F_{\chi^2_{m+2k}}(x/\beta), \quad
              a_k = \prod_j(\beta/\lambda_j)^{1/2}\,c_k,\quad
              \sum_k c_kz^k = \prod_j (1-\gamma_jz)^{-1/2},

    summed until the weights left, :math:`1 - \sum a_k`, are below :math:`10^{-14}` (they
    bound the truncation error; the terms fall geometrically at rate
    :math:`\max_j\gamma_j`).
    """
    lam = np.asarray(lam, dtype=np.float64)
    m = lam.size
    beta = float(lam.min())
    gamma = 1.0 - beta / lam
    a0 = math.exp(0.5 * float(np.sum(np.log(beta / lam))))
    rate = float(gamma.max())
    # terms needed for the weights left to fall below 1e-16 (geometric bound, with margin)
    n = (
        64
        if rate <= 0.0
        else int(min(RUBEN_MAX_TERMS, 64 + 1.5 * math.log(1e-16) / math.log(rate)))
    )
    # c_k: coefficients of prod_j (1 - gamma_j z)^(-1/2), whose factors have the positive
    # coefficients binom(2k, k) (gamma_j / 4)^k; multiplied by FFT convolution.
    ks = np.arange(1, n + 1)
    half = (2.0 * ks - 1.0) / (2.0 * ks)
    c = np.zeros(n + 1)
    c[0] = 1.0
    for gj in gamma[gamma > 0.0]:
        b = np.concatenate([[1.0], np.cumprod(half * gj)])
        c = signal.fftconvolve(c, b)[: n + 1]
    a = a0 * c
    if 1.0 - float(a.sum()) > 1e-14:
        raise StatsInputError(
            "the weighted chi-square distribution did not converge; "
            "sampling variances or weights too unequal",
            field="weights",
        )
    dfs = m / 2.0 + np.arange(n + 1)
    cdf = float(np.dot(a, special.gammainc(dfs, x / (2.0 * beta))))
    return max(0.0, 1.0 - cdf)


def genqm(yi: FloatArray, vi: FloatArray, X: FloatArray, weights: FloatArray) -> float:
    """GENQM: τ² at which the observed generalised Q is the median of its distribution."""
    k, p = int(X.shape[0]), int(X.shape[1])
    P = projection(weights, X)
    q_obs = float(yi @ P @ yi)

    def upper(tau2: float) -> float:  # P(Q > q_obs) at tau2, minus 1/2
        s = np.sqrt(vi + tau2)
        lam = np.sort(np.linalg.eigvalsh(s[:, None] * P * s[None, :]))[::-1][: k - p]
        return quadform_sf(q_obs, lam) - 0.5

    if upper(0.0) >= 0.0:
        return 0.0
    hi = max(1.0, float(np.var(yi)))
    while upper(hi) < 0.0:
        hi *= 4.0
        if hi > 1e12:  # pragma: no cover - Q is unbounded in tau2
            raise StatsInputError("GENQM root search failed", field="yi")
    return float(optimize.brentq(upper, 0.0, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps))


def se_tau2_at(
    yi: FloatArray,
    vi: FloatArray,
    X: FloatArray,
    method: str,
    tau2: float,
    weights: FloatArray | None = None,
) -> float:
    """Standard error metafor reports for ``method`` with τ² at ``tau2`` (e.g. a fixed value).

    The formulas are those listed in :func:`alsatlas.stats.tau2.estimate_tau2` and above,
    evaluated at :math:`t = \\max(\\tau^2, 0)`.
    """
    k, p = int(X.shape[0]), int(X.shape[1])
    df = k - p
    t = max(tau2, 0.0)
    if method in ("EE", "FE"):
        return 0.0
    if method in ("DL", "HS", "HSk"):
        P = projection(1.0 / vi, X)
        trP = float(np.trace(P))
        num = math.sqrt(2 * df + 4 * t * trP + 2 * t * t * float(np.sum(P * P)))
        if method == "DL":
            return num / trP
        se = num / float(np.sum(1.0 / vi))
        return se * k / df if method == "HSk" else se
    if method in ("HE", "SJ", "GENQ", "GENQM"):
        if method == "HE":
            P, scale, div = projection(np.ones(k), X), 1.0, float(df)
        elif method == "SJ":
            t0 = float(np.mean((yi - yi.mean()) ** 2))
            P, scale, div = projection(1.0 / (vi + t0), X), t0, float(df)
        else:
            if weights is None:
                raise StatsInputError(f"method {method!r} needs weights", field="weights")
            P = projection(weights, X)
            scale, div = 1.0, float(np.trace(P))
        PV = P * vi[None, :]
        inner = (
            2 * float(np.sum(PV * PV.T))
            + 4 * t * float(np.sum(PV * P))
            + 2 * t * t * float(np.sum(P * P))
        )
        return scale * math.sqrt(inner) / div
    w = 1.0 / (vi + t)
    if method == "ML":
        return math.sqrt(2.0 / float(w @ w))
    if method == "REML":
        P = projection(w, X)
        return math.sqrt(2.0 / float(np.sum(P * P)))
    # EB, PM, PMM
    return math.sqrt(2.0 * k * k / df) / float(w.sum())


def estimate_tau2_ext(
    yi: FloatArray,
    vi: FloatArray,
    X: FloatArray,
    method: str,
    *,
    weights: FloatArray | None = None,
    tau2: float | None = None,
    control: str = "exact",
) -> Tau2Estimate:
    """τ² for :func:`alsatlas.stats.rma.fit_rma`: any estimator, or a value fixed by the user.

    Works on the data as given (``fit_rma`` has rescaled them already): dispatches to
    :func:`alsatlas.stats.tau2.estimate_tau2_as_given` for the estimators defined there;
    ``PMM`` and ``GENQ`` (which needs ``weights``) are computed here, as exact roots whatever
    ``control``. With ``tau2`` given (and a random-effects ``method``), that value is used and
    only its standard error computed.
    """
    k, p = int(X.shape[0]), int(X.shape[1])
    if method in ("EE", "FE"):
        return Tau2Estimate(0.0, 0.0, method)
    if method in ("GENQ", "GENQM") and weights is None:
        raise StatsInputError(f"method {method!r} needs weights", field="weights")
    if tau2 is not None:
        if not math.isfinite(tau2) or tau2 < 0.0:
            raise StatsInputError(f"must be finite and >= 0, got {tau2}", field="tau2")
        return Tau2Estimate(tau2, se_tau2_at(yi, vi, X, method, tau2, weights), method)
    if method == "PMM":
        target = float(special.chdtri(k - p, 0.5))  # median of chi2(k - p)
        t, iterations = solve_q(yi, vi, X, target)
        return Tau2Estimate(t, se_tau2_at(yi, vi, X, method, t), method, iterations)
    if method == "GENQ":
        assert weights is not None
        t = max(genq(yi, vi, X, weights), 0.0)
        return Tau2Estimate(t, se_tau2_at(yi, vi, X, method, t, weights), method)
    if method == "GENQM":
        assert weights is not None
        t = genqm(yi, vi, X, weights)
        return Tau2Estimate(t, se_tau2_at(yi, vi, X, method, t, weights), method)
    return estimate_tau2_as_given(yi, vi, X, method, control=control)


__all__ = ["EXTRA_METHODS", "estimate_tau2_ext", "genq", "se_tau2_at"]
