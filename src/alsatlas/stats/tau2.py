r"""Estimators of the between-study variance τ² in the random/mixed-effects model.

The model is :math:`y_i = x_i'\beta + u_i + e_i`, :math:`u_i \sim N(0, \tau^2)`,
:math:`e_i \sim N(0, v_i)`, with :math:`k` studies and :math:`p` coefficients. Writing
:math:`W = \mathrm{diag}(w_i)` and

.. math:: P_w = W - W X (X' W X)^{-1} X' W,

the generalised Q statistic at :math:`\tau^2` is :math:`Q(\tau^2) = y' P_w y` with
:math:`w_i = 1/(v_i + \tau^2)`. Every estimator below follows the formula and the standard
error that ``metafor::rma.uni`` (version 3.8) uses, and is truncated at 0 as there:

============  =============================================================================
``DL``        :math:`(Q(0) - (k-p)) / \mathrm{tr}(P_{1/v})` (DerSimonian & Laird 1986)
``HE``        :math:`(y' P_I y - \mathrm{tr}(P_I V)) / (k-p)`, ordinary least squares
              (Hedges 1983)
``HS``        :math:`(Q(0) - k) / \sum 1/v_i` (Hunter & Schmidt 2004)
``HSk``       :math:`(k/(k-p)\,Q(0) - k) / \sum 1/v_i` (HS with the small-sample
              correction of Hartung & Makambi 2003)
``SJ``        :math:`\tau_0^2\, y' P_{w_0} y / (k-p)`, :math:`w_0 = 1/(v+\tau_0^2)`,
              :math:`\tau_0^2 = \frac{1}{k}\sum (y_i - \bar y)^2` (Sidik & Jonkman 2005)
``ML``        maximum likelihood (Viechtbauer 2005)
``REML``      restricted maximum likelihood (Viechtbauer 2005; Raudenbush 2009)
``EB``        empirical Bayes (Morris 1983); its estimating equation is ``PM``'s
``PM``        root of :math:`Q(\tau^2) = k - p` (Paule & Mandel 1982)
============  =============================================================================

metafor stops Fisher scoring when the change in τ² is below ``threshold = 1e-5`` and finds
the PM root with ``uniroot(tol = .Machine$double.eps^0.25)``. Here the iterations run to a
change below :math:`10^{-12}\max(1, \tau^2)` (Fisher scoring with Newton steps, see
:func:`fisher_scoring`) or to machine precision
(Newton's method on the convex, decreasing :math:`Q(\tau^2)`), so the results are the exact
roots that metafor approaches with a tight ``control``; the data are first rescaled by powers
of two (:func:`alsatlas.stats.control.standardise`) so that these criteria are relative.
``control="metafor"`` reproduces metafor's default stopping rules instead
(:mod:`alsatlas.stats.control`, with the measured differences). Nothing here forms a k × k
matrix: :class:`Projector` gives the products and traces of P in :math:`O(kp^2)` time and
:math:`O(kp)` memory.

References
----------
DerSimonian, R., & Laird, N. (1986). Meta-analysis in clinical trials. *Controlled Clinical
Trials*, 7, 177-188.
Hedges, L. V. (1983). A random effects model for effect sizes. *Psychological Bulletin*, 93,
388-395.
Hartung, J., & Makambi, K. H. (2003). Reducing the number of unjustified significant
results in meta-analysis. *Communications in Statistics - Simulation and Computation*, 32,
1179-1190.
Hunter, J. E., & Schmidt, F. L. (2004). *Methods of Meta-Analysis* (2nd ed.). Sage.
Morris, C. N. (1983). Parametric empirical Bayes inference. *Journal of the American
Statistical Association*, 78, 47-55.
Viechtbauer, W. (2005). Bias and efficiency of meta-analytic variance estimators in the
random-effects model. *Journal of Educational and Behavioral Statistics*, 30, 261-293.
Viechtbauer, W. (2010). Conducting meta-analyses in R with the metafor package. *Journal of
Statistical Software*, 36(3). metafor documentation: ``help(rma.uni)``.
Raudenbush, S. W. (2009). Analyzing effect sizes: random-effects models. In *The Handbook of
Research Synthesis and Meta-Analysis* (2nd ed.), 295-315.
Paule, R. C., & Mandel, J. (1982). Consensus values and weighting factors. *Journal of
Research of the National Bureau of Standards*, 87, 377-385.
Sidik, K., & Jonkman, J. N. (2005). Simple heterogeneity variance estimation for
meta-analysis. *Journal of the Royal Statistical Society C*, 54, 367-384.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from alsatlas.errors import ConvergenceError
from alsatlas.stats.control import check_control, metafor_fisher, metafor_pm, standardise
from alsatlas.stats.meta_inputs import FloatArray, check_method

#: Fisher scoring stops when |Δτ²| < FISHER_TOL · max(1, τ²).
FISHER_TOL = 1e-12
#: Iteration cap of Fisher scoring and of the Newton root search.
MAXITER = 1000
#: A halving path below this τ², with a non-positive score at 0, ends at τ² = 0.
BOUNDARY_SNAP = 1e-10
#: An expanded trace below this fraction of sum(w^2) is recomputed from P's entries.
CANCELLATION = 1e-8
#: Descending Fisher steps (score < 0, no positive score seen) before a grid scan.
DESCENT_SCAN = 10
#: The grid scan evaluates the score at tau2 * j / SCAN_POINTS, j = 1 .. SCAN_POINTS - 1.
SCAN_POINTS = 64
#: Entries per block when a k × k quantity must be summed entry by entry (bounded memory).
BLOCK_ELEMENTS = 1 << 20
#: metafor's ``control$tol``: the log-likelihood gap of its check against τ² = 0.
LL0_TOL = float(np.finfo(np.float64).eps ** 0.25)


@dataclass(frozen=True)
class Tau2Estimate:
    """An estimate of τ² with the standard error that metafor reports for its estimator.

    Attributes
    ----------
    tau2
        The estimate, truncated at 0.
    se_tau2
        Its standard error (0 for ``EE``/``FE``).
    method
        The estimator's metafor name.
    iterations
        Iterations used (0 for closed-form estimators).
    """

    tau2: float
    se_tau2: float
    method: str
    iterations: int = 0


def projection(w: FloatArray, X: FloatArray) -> FloatArray:
    r"""Return the dense :math:`P = W - WX(X'WX)^{-1}X'W` (k × k; for small k and tests).

    The estimators never form it: :class:`Projector` gives every product and trace they need
    in :math:`O(kp^2)` time and :math:`O(kp)` memory.
    """
    if X.shape[1] == 1:  # one column x: P = W - (w x)(w x)' / sum(w x^2), no inverse needed
        wx = w * X[:, 0]
        P1: FloatArray = np.diag(w) - np.outer(wx, wx / float(wx @ X[:, 0]))
        return P1
    WX = w[:, None] * X
    inv = np.linalg.inv(X.T @ WX)
    P: FloatArray = np.diag(w) - WX @ inv @ WX.T
    return P


class Projector:
    r"""Products with :math:`P = W - WXMX'W`, :math:`M = (X'WX)^{-1}`, without forming P.

    With :math:`S(f) = X'\mathrm{diag}(f)X` (a p × p matrix, :math:`O(kp^2)`) and a diagonal
    :math:`D = \mathrm{diag}(d)`:

    .. math::
        Pu = w \circ (u - X M X'Wu), \qquad
        \mathrm{tr}(PD) = \textstyle\sum w d - \mathrm{tr}(M S(w^2 d)),

        \mathrm{tr}(PDPD) = \textstyle\sum w^2 d^2 - 2\,\mathrm{tr}(M S(w^3 d^2))
            + \mathrm{tr}(M S(w^2 d) M S(w^2 d)),

        \mathrm{tr}(PDP) = \textstyle\sum w^2 d - 2\,\mathrm{tr}(M S(w^3 d))
            + \mathrm{tr}(M S(w^2 d) M S(w^2)),

    which follow from expanding the products and the cyclic property of the trace; with
    :math:`d = 1` they give :math:`\mathrm{tr}P` and :math:`\mathrm{tr}(P^2)`. Memory is
    :math:`O(kp)`: no k × k matrix is formed.
    """

    def __init__(self, w: FloatArray, X: FloatArray) -> None:
        self.w = w
        self.X = X
        self.M = np.linalg.inv(X.T @ (w[:, None] * X))

    def S(self, f: FloatArray) -> FloatArray:
        r""":math:`X'\mathrm{diag}(f)X`."""
        out: FloatArray = self.X.T @ (f[:, None] * self.X)
        return out

    def apply(self, u: FloatArray) -> FloatArray:
        r""":math:`Pu`."""
        w = self.w
        b = self.M @ (self.X.T @ (w * u))
        out: FloatArray = w * (u - self.X @ b)
        return out

    def quad(self, u: FloatArray) -> float:
        r""":math:`u'Pu`."""
        return float(u @ self.apply(u))

    def tr_d(self, d: FloatArray) -> float:
        r""":math:`\mathrm{tr}(PD)`."""
        w = self.w
        return float(w @ d) - float(np.sum(self.M * self.S(w * w * d).T))

    def tr(self) -> float:
        r""":math:`\mathrm{tr}P`."""
        return self.tr_d(np.ones_like(self.w))

    def tr_dd(self, d: FloatArray) -> float:
        r""":math:`\mathrm{tr}(PDPD)`."""
        w = self.w
        wd = w * d
        A = self.M @ self.S(w * wd)
        return (
            float(wd @ wd)
            - 2.0 * float(np.sum(self.M * self.S(w * wd * wd).T))
            + float(np.sum(A * A.T))
        )

    def tr_dp(self, d: FloatArray) -> float:
        r""":math:`\mathrm{tr}(PDP)`."""
        w = self.w
        A = self.M @ self.S(w * w * d)
        B = self.M @ self.S(w * w)
        return (
            float((w * w) @ d)
            - 2.0 * float(np.sum(self.M * self.S(w * w * w * d).T))
            + float(np.sum(A * B.T))
        )

    def tr_pp(self) -> float:
        r""":math:`\mathrm{tr}(P^2) = \sum_{ij} P_{ij}^2`, recomputed blockwise on cancellation."""
        w = self.w
        sw2 = float(w @ w)
        out = self.tr_dd(np.ones_like(w))
        if out > CANCELLATION * sw2:
            return out
        return self._tr_pp_blocks()

    def _tr_pp_blocks(self) -> float:
        r""":math:`\sum_{ij} P_{ij}^2` from the entries of P, a block of rows at a time."""
        w, X, M = self.w, self.X, self.M
        WX = w[:, None] * X
        k = w.shape[0]
        step = max(1, BLOCK_ELEMENTS // max(k, 1))
        total = 0.0
        for i0 in range(0, k, step):
            rows = -(WX[i0 : i0 + step] @ M) @ WX.T
            idx = np.arange(rows.shape[0])
            rows[idx, i0 + idx] += w[i0 : i0 + step]
            total += float(np.sum(rows * rows))
        return total


def _trace_p2_one_column(w: FloatArray, x: FloatArray, s: float) -> float:
    r""":math:`\mathrm{tr}(P^2)` of a one-column design without cancellation, in O(k).

    :math:`P_{ii} = w_i s_{(-i)}/s` with :math:`s_{(-i)} = \sum_{j \ne i} w_j x_j^2` (a
    prefix plus a suffix sum) and :math:`\sum_{i \ne j} P_{ij}^2 = 2\sum_j a_j
    \sum_{i<j} a_i / s^2`, :math:`a = (wx)^2`: sums of positive terms only, exact when one
    weight dominates (variance ratios near :math:`10^8`), where the expanded form
    :math:`\sum w^2 - 2\sum w^3x^2/s + (\sum w^2x^2/s)^2` loses every digit.
    """
    c = w * x * x
    before = np.concatenate(([0.0], np.cumsum(c)[:-1]))
    after = np.concatenate((np.cumsum(c[::-1])[::-1][1:], [0.0]))
    diag = w * (before + after) / s
    a = (w * x) ** 2
    a_before = np.concatenate(([0.0], np.cumsum(a)[:-1]))
    return float(diag @ diag) + 2.0 * float(a @ a_before) / (s * s)


def q_statistic(tau2: float, yi: FloatArray, vi: FloatArray, X: FloatArray) -> float:
    r"""Generalised Q: :math:`Q(\tau^2) = y' P y` with :math:`w_i = 1/(v_i + \tau^2)`."""
    w = 1.0 / (vi + tau2)
    if X.shape[1] == 1:
        x = X[:, 0]
        wx = w * x
        r = yi - x * (float(wx @ yi) / float(wx @ x))
        return float((w * r) @ r)
    return Projector(w, X).quad(yi)


def solve_q(yi: FloatArray, vi: FloatArray, X: FloatArray, target: float) -> tuple[float, int]:
    r"""Return the root of :math:`Q(\tau^2) = \mathrm{target}` on :math:`[0, \infty)`.

    :math:`Q` is decreasing and convex in :math:`\tau^2` (its derivatives are
    :math:`-y'P^2y` and :math:`2y'P^3y`), so Newton's method started at 0 climbs monotonically
    to the root. Returns 0 when :math:`Q(0) \le \mathrm{target}` (metafor's rule).

    Returns
    -------
    tuple
        The root and the number of Newton steps.
    """
    tau2 = 0.0
    one = X.shape[1] == 1
    x = X[:, 0]
    for it in range(MAXITER):
        w = 1.0 / (vi + tau2)
        if one:  # Py = w r with r the weighted least-squares residual
            wx = w * x
            Py = w * (yi - x * (float(wx @ yi) / float(wx @ x)))
        else:
            Py = Projector(w, X).apply(yi)
        q = float(yi @ Py)
        if it == 0 and q <= target:
            return 0.0, 0
        slope = float(Py @ Py)
        step = (q - target) / slope
        new = tau2 + step
        if new < 0.0:
            new = 0.0
        if abs(new - tau2) <= 1e-15 * max(1.0, new) or (it > 0 and step <= 0.0):
            return max(new, tau2), it + 1
        tau2 = new
    raise ConvergenceError(
        f"root search for tau2 did not converge in {MAXITER} steps", iterations=MAXITER
    )  # pragma: no cover - Newton on a convex decreasing function always converges


def _score_terms_one_column(
    w: FloatArray, yi: FloatArray, x: FloatArray, method: str
) -> tuple[float, float, float]:
    r""":func:`score_terms` for a single-column design, without forming P.

    With :math:`s = \sum w x^2`, :math:`b = \sum wxy/s` and :math:`r = y - xb`:
    :math:`Py = w r`, :math:`y'P^3y = \sum w^3r^2 - (\sum w^2xr)^2/s`,
    :math:`\mathrm{tr}P = \sum w - \sum w^2x^2/s` and
    :math:`\mathrm{tr}P^2 = \sum w^2 - 2\sum w^3x^2/s + (\sum w^2x^2/s)^2`.
    """
    wx = w * x
    s = float(wx @ x)
    r = yi - x * (float(wx @ yi) / s)
    wr = w * r
    yPPy = float(wr @ wr)
    yPPPy = float((w * wr) @ wr) - float(wx @ wr) ** 2 / s
    if method == "ML":
        info = float(w @ w)
        return yPPy - float(w.sum()), info, 2.0 * yPPPy - info
    wwx = w * wx
    a = float(wwx @ x) / s
    sw2 = float(w @ w)
    info = sw2 - 2.0 * float((w * wwx) @ x) / s + a * a
    if info <= CANCELLATION * sw2:
        info = _trace_p2_one_column(w, x, s)
    return yPPy - (float(w.sum()) - a), info, 2.0 * yPPPy - info


def score_terms(
    tau2: float, yi: FloatArray, vi: FloatArray, X: FloatArray, method: str
) -> tuple[float, float, float]:
    r"""Score, expected and observed information of the ML/REML likelihood in τ² (times 2).

    With :math:`w_i = 1/(v_i+\tau^2)` and :math:`P` as above (Viechtbauer 2005):

    - REML: :math:`S = y'P^2y - \mathrm{tr}P`, :math:`I = \mathrm{tr}(P^2)`,
      :math:`J = 2y'P^3y - \mathrm{tr}(P^2)`;
    - ML: :math:`S = y'P^2y - \sum w_i`, :math:`I = \sum w_i^2`,
      :math:`J = 2y'P^3y - \sum w_i^2`.

    The Fisher-scoring step is :math:`S/I` (metafor's), the Newton step :math:`S/J`.
    """
    w = 1.0 / (vi + tau2)
    if X.shape[1] == 1:
        return _score_terms_one_column(w, yi, X[:, 0], method)
    proj = Projector(w, X)
    Py = proj.apply(yi)
    yPPy = float(Py @ Py)
    yPPPy = proj.quad(Py)
    if method == "ML":
        info = float(w @ w)
        return yPPy - float(w.sum()), info, 2.0 * yPPPy - info
    info = proj.tr_pp()
    return yPPy - proj.tr(), info, 2.0 * yPPPy - info


def _loglik(tau2: float, yi: FloatArray, vi: FloatArray, X: FloatArray, method: str) -> float:
    """ML or REML log-likelihood at τ² (as metafor writes it, without the REMLf term)."""
    k, p = int(X.shape[0]), int(X.shape[1])
    w = 1.0 / (vi + tau2)
    if p == 1:  # one column x: X'WX = sum(w x^2), beta = sum(w x y) / sum(w x^2)
        x = X[:, 0]
        wx = w * x
        sxx = float(wx @ x)
        resid = yi - x * (float(wx @ yi) / sxx)
        rss = float((w * resid) @ resid)
        logdet = math.log(sxx)
    else:
        WX = w[:, None] * X
        XtWX = X.T @ WX
        beta = np.linalg.solve(XtWX, WX.T @ yi)
        rss = float(np.sum(w * (yi - X @ beta) ** 2))
        logdet = float(np.linalg.slogdet(XtWX)[1])
    if method == "ML":
        return -0.5 * k * math.log(2 * math.pi) - 0.5 * float(np.sum(np.log(vi + tau2))) - 0.5 * rss
    return (
        -0.5 * (k - p) * math.log(2 * math.pi)
        - 0.5 * float(np.sum(np.log(vi + tau2)))
        - 0.5 * logdet
        - 0.5 * rss
    )


def fisher_scoring(
    yi: FloatArray, vi: FloatArray, X: FloatArray, method: str, start: float
) -> tuple[float, int]:
    r"""ML/REML τ²: metafor's Fisher scoring, accelerated by Newton's method in a bracket.

    metafor takes Fisher-scoring steps :math:`S/I` (see :func:`score_terms`) from the HE
    estimate and halves a step that would cross 0. Here, from the same start, each step is
    Newton's :math:`S/J` where the observed information is positive and the step stays in
    :math:`[0, \infty)`, else metafor's step; once the score has been positive at some
    :math:`lo` and negative at some :math:`hi`, steps leaving :math:`(lo, hi)` are replaced by
    Fisher's or by bisection. The root metafor approaches is so reached to a change below
    :math:`10^{-12}\max(1, \tau^2)` where Fisher scoring alone may oscillate for hundreds of
    steps. A path that runs down to the boundary ends at τ² = 0 (the limit of metafor's
    halving); a descent still running after ``DESCENT_SCAN`` steps (metafor's Fisher scoring
    then typically fails to converge) is settled by scanning the score on a grid below the
    current value for the largest point where it is positive, which brackets the root, or
    else ends at 0 (the score is negative at every grid point). Finally metafor's check
    applies: if the likelihood at 0 exceeds that at the estimate by more than ``LL0_TOL``,
    τ² = 0.
    """
    tau2 = max(0.0, start)
    lo, hi = -1.0, math.inf  # lo < 0: no point with a positive score seen yet
    descents = 0
    iterations = 0
    for iterations in range(1, MAXITER + 1):  # noqa: B007
        score, info, obs = score_terms(tau2, yi, vi, X, method)
        if score > 0.0:
            lo = tau2
        elif score < 0.0:
            hi = tau2
        if score == 0.0 or (tau2 == 0.0 and score < 0.0):
            break
        fisher = tau2 + score / info
        if lo >= 0.0 and hi < math.inf:
            new = tau2 + score / obs if obs > 0.0 else fisher
            if not lo < new < hi:
                new = fisher if lo < fisher < hi else 0.5 * (lo + hi)
        elif score > 0.0:
            newton = tau2 + score / obs if obs > 0.0 else fisher
            new = max(newton, fisher)
        elif (descents := descents + 1) > DESCENT_SCAN:
            # Slow descent (a near-flat likelihood or the boundary): look for the largest
            # positive score below tau2 on a grid; none means the maximum is at 0.
            grid = tau2 * np.arange(1, SCAN_POINTS) / SCAN_POINTS
            scores = np.array([score_terms(g, yi, vi, X, method)[0] for g in grid])
            positive = np.flatnonzero(scores > 0.0)
            if positive.size == 0:
                tau2 = 0.0
                break
            j = int(positive[-1])
            lo = float(grid[j])
            hi = float(grid[j + 1]) if j + 1 < grid.size else tau2
            new = 0.5 * (lo + hi)
        else:
            step = score / obs if obs > 0.0 else score / info
            if tau2 + step < 0.0:
                step = score / info
            while tau2 + step < 0.0:
                step /= 2.0
            new = tau2 + step
            if new < BOUNDARY_SNAP and score_terms(0.0, yi, vi, X, method)[0] <= 0.0:
                new = 0.0
        change = abs(new - tau2)
        tau2 = new
        if change < FISHER_TOL * max(1.0, tau2):
            break
    else:
        raise ConvergenceError(
            f"Fisher scoring for {method} did not converge in {MAXITER} iterations; "
            "try method='DL' or 'PM'",
            method=method,
            iterations=MAXITER,
        )
    if tau2 > 0.0 and _loglik(0.0, yi, vi, X, method) - _loglik(tau2, yi, vi, X, method) > LL0_TOL:
        tau2 = 0.0
    return tau2, iterations


def estimate_tau2(
    yi: FloatArray, vi: FloatArray, X: FloatArray, method: str, *, control: str = "exact"
) -> Tau2Estimate:
    r"""Estimate τ² with ``method`` and return it with metafor's standard error.

    ``control="exact"`` (default) solves on internally rescaled data to machine precision;
    ``control="metafor"`` applies metafor 3.8.1's default stopping rules to the data as
    given (see :mod:`alsatlas.stats.control`).

    Parameters
    ----------
    yi, vi
        Checked effect sizes and sampling variances (see
        :func:`alsatlas.stats.meta_inputs.check_meta_inputs`).
    X
        Design matrix (k, p), first column the intercept.
    method
        ``EE``/``FE`` (τ² = 0), ``DL``, ``HE``, ``HS``, ``HSk``, ``SJ``, ``ML``, ``REML``,
        ``EB`` or ``PM``.

    Notes
    -----
    Standard errors, with :math:`t = \max(\hat\tau^2, 0)` (metafor 3.8, ``rma.uni``):

    - DL: :math:`\sqrt{2(k-p) + 4t\,\mathrm{tr}P + 2t^2\,\mathrm{tr}(P^2)}\,/\,\mathrm{tr}P`,
      :math:`P = P_{1/v}`.
    - HS: the same numerator over :math:`\sum 1/v_i`; HSk multiplies it by :math:`k/(k-p)`.
    - HE: :math:`\sqrt{2\,\mathrm{tr}(P_IVP_IV) + 4t\,\mathrm{tr}(P_IV) + 2t^2(k-p)}/(k-p)`.
    - SJ: :math:`\tau_0^2\sqrt{2\,\mathrm{tr}(PVPV) + 4t\,\mathrm{tr}(PVP) +
      2t^2\mathrm{tr}(P^2)}/(k-p)` with :math:`P = P_{w_0}`.
    - ML: :math:`\sqrt{2/\sum w_i^2}`; REML: :math:`\sqrt{2/\mathrm{tr}(P^2)}`, at
      :math:`\hat\tau^2`.
    - EB, PM: :math:`\sqrt{2k^2/(k-p)}/\sum w_i` at :math:`\hat\tau^2`.
    """
    check_method(method)
    check_control(control)
    if method in ("EE", "FE"):
        return Tau2Estimate(0.0, 0.0, method)
    if control == "exact":
        c, e = standardise(yi, vi)
        if c != 0.0 or e != 0:
            est = estimate_tau2_as_given(
                np.ldexp(yi - c, -e), np.ldexp(vi, -2 * e), X, method, control=control
            )
            return Tau2Estimate(
                float(np.ldexp(est.tau2, 2 * e)),
                float(np.ldexp(est.se_tau2, 2 * e)),
                method,
                est.iterations,
            )
    return estimate_tau2_as_given(yi, vi, X, method, control=control)


def estimate_tau2_as_given(
    yi: FloatArray, vi: FloatArray, X: FloatArray, method: str, *, control: str = "exact"
) -> Tau2Estimate:
    """:func:`estimate_tau2` on the data as given (no rescaling; for already rescaled data)."""
    if method in ("PMM", "GENQ", "GENQM"):  # alsatlas.stats.tau2_extra (GENQ* need weights)
        from alsatlas.stats.tau2_extra import estimate_tau2_ext

        return estimate_tau2_ext(yi, vi, X, method, control=control)
    if method in ("EE", "FE"):
        return Tau2Estimate(0.0, 0.0, method)
    k, p = int(X.shape[0]), int(X.shape[1])
    df = k - p
    if method in ("DL", "HS", "HSk"):
        w = 1.0 / vi
        proj = Projector(w, X)
        rss = proj.quad(yi)
        trP = proj.tr()
        sPP = proj.tr_dd(np.ones(k))
        if method == "DL":
            raw = (rss - df) / trP
            t = max(raw, 0.0)
            se = math.sqrt(2 * df + 4 * t * trP + 2 * t * t * sPP) / trP
        else:
            sw = float(w.sum())
            raw = (rss - k) / sw if method == "HS" else (k / df * rss - k) / sw
            t = max(raw, 0.0)
            se = math.sqrt(2 * df + 4 * t * trP + 2 * t * t * sPP) / sw
            if method == "HSk":
                se *= k / df
        return Tau2Estimate(t, se, method)
    if method in ("HE", "ML", "REML") or (method == "EB" and control == "metafor"):
        if p == 1 and method != "HE":  # the HE start value without forming P
            x = X[:, 0]
            resid = yi - x * (float(x @ yi) / float(x @ x))
            h = x * x / float(x @ x)  # diagonal of the hat matrix
            he = (float(resid @ resid) - float(vi @ (1.0 - h))) / df
        else:
            P0 = Projector(np.ones(k), X)
            rss = P0.quad(yi)
            trPV = P0.tr_d(vi)
            he = (rss - trPV) / df
        if method == "HE":
            t = max(he, 0.0)
            se = math.sqrt(2 * P0.tr_dd(vi) + 4 * t * trPV + 2 * t * t * df) / df
            return Tau2Estimate(t, se, method)
        if control == "metafor":
            t, iterations = metafor_fisher(yi, vi, X, method, he)
        else:
            t, iterations = fisher_scoring(yi, vi, X, method, he)
        # Expected information: sum(w^2) (ML) or tr(P^2) (REML); se = sqrt(2 / information).
        if method == "EB":
            se = math.sqrt(2.0 * k * k / df) / float(np.sum(1.0 / (vi + t)))
        else:
            se = math.sqrt(2.0 / score_terms(t, yi, vi, X, method)[1])
        return Tau2Estimate(t, se, method, iterations)
    if method == "SJ":
        t0 = float(np.mean((yi - yi.mean()) ** 2))
        w = 1.0 / (vi + t0)
        proj = Projector(w, X)
        rss = proj.quad(yi)
        t = max(t0 * rss / df, 0.0)
        se = (
            t0
            / df
            * math.sqrt(
                2 * proj.tr_dd(vi) + 4 * t * proj.tr_dp(vi) + 2 * t * t * proj.tr_dd(np.ones(k))
            )
        )
        return Tau2Estimate(t, se, method)
    # EB and PM: the root of Q(tau2) = k - p.
    if control == "metafor":
        t, iterations = metafor_pm(yi, vi, X)
    else:
        t, iterations = solve_q(yi, vi, X, float(df))
    sw = float(np.sum(1.0 / (vi + t)))
    se = math.sqrt(2.0 * k * k / df) / sw
    return Tau2Estimate(t, se, method, iterations)


__all__ = [
    "FISHER_TOL",
    "MAXITER",
    "Projector",
    "Tau2Estimate",
    "estimate_tau2",
    "estimate_tau2_as_given",
    "fisher_scoring",
    "projection",
    "q_statistic",
    "score_terms",
    "solve_q",
]
