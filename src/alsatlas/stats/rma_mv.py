r"""Multilevel meta-analysis with nested random effects (``metafor::rma.mv``, ``~ 1 | a/b``).

For registers or studies that contribute several estimates, estimate :math:`i` of cluster
:math:`a` (e.g. a study) and sub-cluster :math:`b` within it (e.g. the estimate itself):

.. math:: y_i = x_i'\beta + u_{a(i)} + u_{a(i)b(i)} + e_i, \quad
          u_a \sim N(0, \sigma^2_1),\ u_{ab} \sim N(0, \sigma^2_2),\ e_i \sim N(0, v_i),

so :math:`\mathrm{Var}(y) = M = V + \sum_j \sigma^2_j Z_jZ_j'` with :math:`Z_j` the indicator
matrix of the :math:`j`-th nesting level (level :math:`j` groups estimates sharing the first
:math:`j` labels). Any number of nested levels may be given. With :math:`P = M^{-1} -
M^{-1}X(X'M^{-1}X)^{-1}X'M^{-1}` and :math:`A_j = Z_jZ_j'`, the ML and REML log-likelihoods
are those of :mod:`alsatlas.stats.fitstats` with :math:`M` in place of
:math:`\mathrm{diag}(v_i + \tau^2)` (Viechtbauer 2010; Harville 1977); their scores and
expected information in :math:`\sigma^2`:

.. math::
    S_j = -\tfrac12\mathrm{tr}(Q A_j) + \tfrac12 y'PA_jPy, \qquad
    \mathcal I_{jl} = \tfrac12\mathrm{tr}(QA_jQA_l),

with :math:`Q = P` (REML) or :math:`M^{-1}` (ML); the observed information is
:math:`y'PA_jPA_lPy - \mathcal I_{jl}`. The variance components are found by Fisher scoring
from an equal split of the one-level REML τ², switching to Newton steps (observed
information) once it is positive definite (halving any step that lowers the likelihood),
with components that reach 0 with a negative score held at 0; the iteration stops at a
relative change below :math:`10^{-12}`: the exact maximum, which metafor's ``nlminb``
approaches to within about :math:`10^{-6}` relative (measured on the reference data).

Then :math:`\hat\beta = (X'M^{-1}X)^{-1}X'M^{-1}y`, :math:`\mathrm{Var}(\hat\beta) =
(X'M^{-1}X)^{-1}`, z-tests (or t-tests with :math:`k - p` df, metafor's
``dfs="residual"``), the omnibus test of moderators as in :mod:`alsatlas.stats.metareg`, the
test of residual heterogeneity :math:`Q_E = y'P_Vy` with :math:`W = V^{-1}`, and a prediction
interval :math:`\hat\mu \pm c\sqrt{\mathrm{SE}^2 + \sum_j\sigma^2_j}`.

References
----------
Konstantopoulos, S. (2011). Fixed effects and variance components estimation in three-level
meta-analysis. *Research Synthesis Methods*, 2, 61-76.
Harville, D. A. (1977). Maximum likelihood approaches to variance component estimation and
to related problems. *JASA*, 72, 320-338.
Viechtbauer, W. (2010). Conducting meta-analyses in R with the metafor package. *Journal of
Statistical Software*, 36(3). metafor 3.8 documentation: ``help(rma.mv)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from alsatlas.errors import ConvergenceError, StatsInputError
from alsatlas.stats.fitstats import FitStats, information_criteria, saturated_loglik
from alsatlas.stats.inference import critical_value, two_sided_p
from alsatlas.stats.meta_inputs import FloatArray, check_level, check_meta_inputs
from alsatlas.stats.metareg import OmnibusTest, check_btt, default_btt, omnibus_test
from alsatlas.stats.tau2 import estimate_tau2

#: Stop when every component changes by less than this, relative to max(1e-8, sigma2).
REL_TOL = 1e-12
MAXITER = 1000


@dataclass(frozen=True, eq=False)
class RMAMVResult:
    """Result of :func:`rma_mv`, with metafor's field names (``rma.mv`` object)."""

    k: int
    p: int
    beta: FloatArray
    se: FloatArray
    zval: FloatArray
    pval: FloatArray
    ci_lb: FloatArray
    ci_ub: FloatArray
    vb: FloatArray
    sigma2: FloatArray
    s_nlevels: tuple[int, ...]
    QE: float
    QEp: float
    QM: float
    QMp: float
    QMdf: tuple[int, ...]
    method: str
    test: str
    level: float
    dfs: int | None
    iterations: int
    yi: FloatArray
    vi: FloatArray
    X: FloatArray
    ll_ml: float
    ll_reml: float

    @property
    def parms(self) -> int:
        """Number of parameters: p coefficients and the variance components."""
        return self.p + int(self.sigma2.size)

    def fitstats(self, *, reml: bool | None = None) -> FitStats:
        """ML or REML log-likelihood, deviance, AIC, BIC and AICc (metafor's conventions)."""
        use_reml = self.method == "REML" if reml is None else reml
        if use_reml:
            ll = self.ll_reml
            return information_criteria(ll, -2.0 * ll, self.k - self.p, self.parms, reml=True)
        dev = -2.0 * (self.ll_ml - saturated_loglik(self.vi))
        return information_criteria(self.ll_ml, dev, self.k, self.parms, reml=False)

    def predict(self, newmods: ArrayLike | None = None) -> dict[str, FloatArray]:
        """Predicted effect(s) with CI and prediction interval (``predict.rma``)."""
        if newmods is None:
            Xn = self.X[:1] if self.p == 1 else self.X
        else:
            m = np.atleast_2d(np.asarray(newmods, dtype=np.float64))
            if m.shape[1] != self.p - 1:
                raise StatsInputError(f"needs {self.p - 1} moderator column(s)", field="newmods")
            Xn = np.hstack([np.ones((m.shape[0], 1)), m])
        pred = Xn @ self.beta
        se = np.sqrt(np.einsum("ij,jk,ik->i", Xn, self.vb, Xn))
        crit = critical_value(self.level, self.test, self.dfs)
        half = crit * np.sqrt(se**2 + float(self.sigma2.sum()))
        return {
            "pred": pred,
            "se": se,
            "ci_lb": pred - crit * se,
            "ci_ub": pred + crit * se,
            "pi_lb": pred - half,
            "pi_ub": pred + half,
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "k": self.k,
            "beta": self.beta.tolist(),
            "se": self.se.tolist(),
            "pval": self.pval.tolist(),
            "ci_lb": self.ci_lb.tolist(),
            "ci_ub": self.ci_ub.tolist(),
            "sigma2": self.sigma2.tolist(),
            "s_nlevels": list(self.s_nlevels),
            "QE": self.QE,
            "QEp": self.QEp,
            "QM": self.QM,
            "QMp": self.QMp,
            "method": self.method,
            "test": self.test,
        }


def _level_indicators(groups: Sequence[ArrayLike], k: int) -> list[FloatArray]:
    """Indicator matrices Z_j of the nested levels (labels combined from the outside in)."""
    keys: list[tuple[str, ...]] = [() for _ in range(k)]
    out = []
    for j, g in enumerate(groups):
        labels = np.asarray(g).astype(str)
        if labels.shape != (k,):
            raise StatsInputError(
                f"nesting level {j} has {labels.size} labels but there are {k} estimates",
                field="random",
            )
        keys = [(*key, lab) for key, lab in zip(keys, labels, strict=True)]
        uniq = {key: i for i, key in enumerate(dict.fromkeys(keys))}
        Z = np.zeros((k, len(uniq)))
        Z[np.arange(k), [uniq[key] for key in keys]] = 1.0
        out.append(Z)
    return out


def _profile(
    s2: FloatArray, yi: FloatArray, vi: FloatArray, X: FloatArray, A: list[FloatArray]
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, float, float, float]:
    """M^-1, P, beta, (X'M^-1X)^-1, RSS, log|M|, log|X'M^-1X| at sigma2 = s2."""
    M = np.diag(vi) + sum(s * a for s, a in zip(s2, A, strict=True))
    L = np.linalg.cholesky(M)
    Linv = np.linalg.inv(L)
    Minv = Linv.T @ Linv
    logdetM = 2.0 * float(np.sum(np.log(np.diag(L))))
    MX = Minv @ X
    XtMX = X.T @ MX
    vb = np.asarray(np.linalg.inv(XtMX), dtype=np.float64)
    beta = vb @ (MX.T @ yi)
    P = Minv - MX @ vb @ MX.T
    r = yi - X @ beta
    rss = float(r @ Minv @ r)
    return Minv, P, beta, vb, rss, logdetM, float(np.linalg.slogdet(XtMX)[1])


def _loglik(
    s2: FloatArray, yi: FloatArray, vi: FloatArray, X: FloatArray, A: list[FloatArray], method: str
) -> float:
    """ML or REML log-likelihood (up to constants) at sigma2 = s2."""
    _, _, _, _, rss, logdet_m, logdet_xmx = _profile(s2, yi, vi, X, A)
    extra = logdet_xmx if method == "REML" else 0.0
    return -0.5 * (logdet_m + extra + rss)


def _fit_components(
    yi: FloatArray,
    vi: FloatArray,
    X: FloatArray,
    A: list[FloatArray],
    method: str,
    start: FloatArray,
) -> tuple[FloatArray, int]:
    s2 = start.copy()
    it = 0
    for it in range(1, MAXITER + 1):  # noqa: B007 - the count is returned
        Minv, P, *_ = _profile(s2, yi, vi, X, A)
        Q = P if method == "REML" else Minv
        Py = P @ yi
        QA = [Q @ a for a in A]
        PA = [P @ a for a in A]
        score = np.array(
            [-0.5 * np.trace(qa) + 0.5 * float(Py @ a @ Py) for qa, a in zip(QA, A, strict=True)]
        )
        n = s2.size
        info = np.empty((n, n))
        obs = np.empty((n, n))
        for j in range(n):
            for m in range(j, n):
                info[j, m] = info[m, j] = 0.5 * float(np.sum(QA[j] * QA[m].T))
                cross = float(Py @ A[j] @ PA[m] @ Py)
                obs[j, m] = obs[m, j] = cross - info[j, m]
        # components at 0 with a negative score stay there
        free = ~((s2 <= 0.0) & (score <= 0.0))
        if not free.any():
            break
        f = np.flatnonzero(free)
        try:
            np.linalg.cholesky(obs[np.ix_(f, f)])
            step = np.linalg.solve(obs[np.ix_(f, f)], score[f])
        except np.linalg.LinAlgError:
            step = np.linalg.solve(info[np.ix_(f, f)], score[f])
        new = s2.copy()
        new[f] = np.maximum(s2[f] + step, 0.0)
        # a step that lowers the likelihood is halved (up to 50 times)
        current = _loglik(s2, yi, vi, X, A, method)
        for _ in range(50):
            if _loglik(new, yi, vi, X, A, method) >= current - 1e-12 * abs(current):
                break
            step = step / 2.0
            new[f] = np.maximum(s2[f] + step, 0.0)
        change = np.max(np.abs(new - s2) / np.maximum(np.abs(new), 1e-8))
        s2 = new
        if change < REL_TOL:
            break
    else:
        raise ConvergenceError(
            f"{method} estimation of the variance components did not converge in "
            f"{MAXITER} iterations",
            method=method,
            iterations=MAXITER,
        )
    return s2, it


def rma_mv(
    yi: ArrayLike,
    vi: ArrayLike,
    *,
    random: Sequence[ArrayLike],
    mods: ArrayLike | None = None,
    method: str = "REML",
    test: str = "z",
    level: float = 95,
    btt: ArrayLike | None = None,
) -> RMAMVResult:
    """Fit a multilevel model with nested random intercepts (``rma.mv(random = ~ 1 | a/b)``).

    Parameters
    ----------
    yi, vi
        Effect sizes and sampling variances (independent sampling errors), length k.
    random
        Labels of the nesting levels from the outside in, e.g. ``[study, estimate]`` for
        metafor's ``~ 1 | study/estimate``; one variance component per level.
    mods
        Moderators, shape (k,) or (k, q); an intercept is added.
    method
        ``"REML"`` (default) or ``"ML"``.
    test
        ``"z"`` or ``"t"`` (k - p df).
    level
        Confidence level in percent.
    btt
        0-based indices of the coefficients in the omnibus test.

    Raises
    ------
    StatsInputError
        Bad inputs (see :func:`alsatlas.stats.meta_inputs.check_meta_inputs`), nesting labels
        of the wrong length, an unsupported method or test.
    ConvergenceError
        The variance components did not converge in ``MAXITER`` iterations.
    """
    if method not in ("REML", "ML"):
        raise StatsInputError(f"method must be REML or ML, got {method!r}", field="method")
    if test not in ("z", "t"):
        raise StatsInputError(f"test must be z or t, got {test!r}", field="test")
    inputs = check_meta_inputs(yi, vi, mods=mods, method="REML", test=test)
    y, v, X = inputs.yi, inputs.vi, inputs.X
    k, p = inputs.k, inputs.p
    if not random:
        raise StatsInputError("needs at least one nesting level", field="random")
    Z = _level_indicators(random, k)
    A = [z @ z.T for z in Z]
    lev = check_level(level)
    t_uni = estimate_tau2(y, v, X, "REML").tau2
    start = np.full(len(A), max(t_uni, 0.01 * float(np.mean(v))) / len(A))
    s2, iterations = _fit_components(y, v, X, A, method, start)
    _, _, beta, vb, rss, logdetM, logdetXMX = _profile(s2, y, v, X, A)
    ll_ml = -0.5 * k * math.log(2 * math.pi) - 0.5 * logdetM - 0.5 * rss
    ll_reml = (
        -0.5 * (k - p) * math.log(2 * math.pi)
        + 0.5 * float(np.linalg.slogdet(X.T @ X)[1])
        - 0.5 * logdetM
        - 0.5 * logdetXMX
        - 0.5 * rss
    )
    dfs = k - p if test == "t" else None
    se = np.sqrt(np.diag(vb))
    zval = beta / se
    crit = critical_value(lev, test, dfs)
    w = 1.0 / v
    WX = w[:, None] * X
    b_fe = np.linalg.solve(X.T @ WX, WX.T @ y)
    qe = max(0.0, float(np.sum(w * (y - X @ b_fe) ** 2)))
    idx = default_btt(p) if btt is None else check_btt(btt, p)
    omni: OmnibusTest = omnibus_test(beta, vb, idx, test=test, df_resid=k - p)
    return RMAMVResult(
        k=k,
        p=p,
        beta=beta,
        se=se,
        zval=zval,
        pval=two_sided_p(zval, test, dfs),
        ci_lb=beta - crit * se,
        ci_ub=beta + crit * se,
        vb=vb,
        sigma2=s2,
        s_nlevels=tuple(int(z.shape[1]) for z in Z),
        QE=qe,
        QEp=float(special.chdtrc(k - p, qe)),
        QM=omni.QM,
        QMp=omni.QMp,
        QMdf=omni.df,
        method=method,
        test=test,
        level=lev,
        dfs=dfs,
        iterations=iterations,
        yi=y,
        vi=v,
        X=X,
        ll_ml=ll_ml,
        ll_reml=ll_reml,
    )


__all__ = ["RMAMVResult", "rma_mv"]
