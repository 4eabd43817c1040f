r"""Many meta-regressions at once: :func:`rma_mods_batch` (``rma(yi, vi, mods=...)`` per row).

Row :math:`r` of ``yi``/``vi`` (shape (m, n), NaN where a row has fewer studies) is fitted
with its design matrix :math:`X_r` (intercept plus the moderators ``mods``, shape (m, n, q)
or (n, q) shared by all rows), exactly as :func:`alsatlas.stats.rma.rma` fits one model: the
same estimators (``EE``/``FE``, ``DL``, ``HE``, ``ML``, ``REML``, ``PM``/``EB``), tests (``z``,
``t``, ``knha``, ``adhoc``), standard errors, omnibus test of the moderators and test of
residual heterogeneity (formulas in :mod:`alsatlas.stats.tau2`, :mod:`alsatlas.stats.rma`,
:mod:`alsatlas.stats.metareg`). Missing studies get weight 0, so every row is one stacked
linear-algebra problem (``numpy`` batched ``inv``), with no loop over rows:

- DL and HE are closed forms in :math:`P_{1/v}` and :math:`P_I`;
- ML and REML iterate Fisher scoring (:math:`\tau^2 \leftarrow \tau^2 + S/I`, halving steps
  that would cross 0) from the HE estimate for all rows together until every row's change is
  below :math:`10^{-12}\max(1, \tau^2)` (rows still moving after ``FISHER_STEPS`` steps are
  finished by :func:`alsatlas.stats.tau2.fisher_scoring`, rma's own iteration), then apply
  metafor's check against :math:`\tau^2 = 0`;
- PM/EB run Newton's method on the decreasing convex :math:`Q(\tau^2) = k - p` from 0.

Memory is :math:`O(m n^2)` (one :math:`n \times n` projection per row), suited to many small
meta-regressions (e.g. :math:`10^4` rows of :math:`n \le 50`). Pseudo-R² is not computed.

References
----------
Viechtbauer, W. (2010). Conducting meta-analyses in R with the metafor package. *Journal of
Statistical Software*, 36(3). Viechtbauer, W. (2005). Bias and efficiency of meta-analytic
variance estimators in the random-effects model. *JEBS*, 30, 261-293.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from alsatlas.errors import StatsInputError
from alsatlas.stats.meta_inputs import FloatArray, check_level
from alsatlas.stats.tau2 import LL0_TOL, fisher_scoring

METHODS_BATCH_MODS = ("EE", "FE", "DL", "HE", "ML", "REML", "PM", "EB")
FISHER_TOL = 1e-12
#: Vectorised Fisher-scoring steps before the rows still moving are finished one by one
#: with :func:`alsatlas.stats.tau2.fisher_scoring` (the iteration rma uses).
FISHER_STEPS = 200
MAXITER = 10000


@dataclass(frozen=True, eq=False)
class RMAModsBatchResult:
    """Per-row results (first axis = row): coefficients (m, p) and model statistics (m,)."""

    k: FloatArray
    beta: FloatArray
    se: FloatArray
    zval: FloatArray
    pval: FloatArray
    ci_lb: FloatArray
    ci_ub: FloatArray
    tau2: FloatArray
    se_tau2: FloatArray
    QE: FloatArray
    QEp: FloatArray
    QM: FloatArray
    QMp: FloatArray
    I2: FloatArray
    H2: FloatArray
    method: str
    test: str
    level: float


def _proj(w: FloatArray, X: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Stacked P = W - WX (X'WX)^-1 X'W and (X'WX)^-1 for weights w (m, n), X (m, n, p)."""
    WX = w[:, :, None] * X
    inv = np.linalg.inv(np.einsum("mni,mnj->mij", X, WX))
    P = -np.einsum("mni,mij,mkj->mnk", WX, inv, WX)
    idx = np.arange(w.shape[1])
    P[:, idx, idx] += w
    return P, inv


def _quad(P: FloatArray, y: FloatArray) -> FloatArray:
    out: FloatArray = np.einsum("mn,mnk,mk->m", y, P, y)
    return out


def _reml_terms(
    t: FloatArray, y: FloatArray, v: FloatArray, M: FloatArray, X: FloatArray, method: str
) -> tuple[FloatArray, FloatArray]:
    w = M / (v + t[:, None])
    P, _ = _proj(w, X)
    Py = np.einsum("mnk,mk->mn", P, y)
    yPPy = np.sum(Py * Py, axis=1)
    if method == "ML":
        return yPPy - w.sum(axis=1), np.sum(w * w, axis=1)
    return yPPy - np.einsum("mnn->m", P), np.einsum("mnk,mnk->m", P, P)


def _loglik(
    t: FloatArray, y: FloatArray, v: FloatArray, M: FloatArray, X: FloatArray, method: str
) -> FloatArray:
    w = M / (v + t[:, None])
    P, inv = _proj(w, X)
    k = M.sum(axis=1)
    p = X.shape[2]
    logv = np.sum(np.where(M > 0, np.log(v + t[:, None]), 0.0), axis=1)
    rss = _quad(P, y)
    if method == "ML":
        out: FloatArray = -0.5 * k * math.log(2 * math.pi) - 0.5 * logv - 0.5 * rss
        return out
    logdet = -np.linalg.slogdet(inv)[1]
    out = -0.5 * (k - p) * math.log(2 * math.pi) - 0.5 * logv - 0.5 * logdet - 0.5 * rss
    return out


def rma_mods_batch(
    yi: ArrayLike,
    vi: ArrayLike,
    mods: ArrayLike,
    *,
    method: str = "REML",
    test: str = "z",
    level: float = 95,
) -> RMAModsBatchResult:
    """Fit ``rma(yi[r], vi[r], mods=mods[r])`` for every row r (see the module docstring).

    Parameters
    ----------
    yi, vi
        Arrays of shape (m, n); NaN (in both) marks a missing study.
    mods
        Moderators, shape (n, q) shared by all rows, or (m, n, q); values at missing studies
        are ignored.
    method, test, level
        As in :func:`alsatlas.stats.rma.rma` (``method`` one of ``METHODS_BATCH_MODS``).

    Raises
    ------
    StatsInputError
        Bad shapes, NaN in only one of yi/vi, non-positive variances, a row with k <= p or a
        rank-deficient design, an unsupported method or test.
    """
    if method not in METHODS_BATCH_MODS:
        raise StatsInputError(
            f"method must be one of {', '.join(METHODS_BATCH_MODS)}, got {method!r}",
            field="method",
        )
    if test not in ("z", "t", "knha", "adhoc"):
        raise StatsInputError(f"unknown test {test!r}", field="test")
    lev = check_level(level)
    y = np.atleast_2d(np.asarray(yi, dtype=np.float64))
    v = np.atleast_2d(np.asarray(vi, dtype=np.float64))
    if y.shape != v.shape or y.ndim != 2:
        raise StatsInputError("yi and vi must have the same shape (m, n)", field="vi")
    m_rows, n = y.shape
    Z = np.asarray(mods, dtype=np.float64)
    if Z.ndim == 1:
        Z = Z[:, None]
    if Z.ndim == 2:
        Z = np.broadcast_to(Z, (m_rows, *Z.shape))
    if Z.ndim != 3 or Z.shape[:2] != (m_rows, n):
        raise StatsInputError(f"must have shape (n, q) or (m, n, q), got {Z.shape}", field="mods")
    miss = np.isnan(y)
    if np.any(miss != np.isnan(v)):
        r = int(np.argwhere(miss != np.isnan(v))[0, 0])
        raise StatsInputError("yi and vi must be NaN together", row=r, field="vi")
    M = (~miss).astype(np.float64)
    bad = (~miss) & ~(v > 0.0)
    if bad.any():
        r = int(np.argwhere(bad)[0, 0])
        raise StatsInputError("sampling variances must be positive", row=r, field="vi")
    if np.any(~np.isfinite(Z) & ~miss[:, :, None]):
        r = int(np.argwhere(~np.isfinite(Z) & ~miss[:, :, None])[0, 0])
        raise StatsInputError("moderator value is NaN or infinite", row=r, field="mods")
    y = np.where(miss, 0.0, y)
    v = np.where(miss, 1.0, v)
    X = np.concatenate([np.ones((m_rows, n, 1)), np.where(miss[:, :, None], 0.0, Z)], axis=2)
    p = X.shape[2]
    k = M.sum(axis=1)
    if np.any(k <= p):
        r = int(np.flatnonzero(k <= p)[0])
        raise StatsInputError(f"needs more studies than coefficients (p = {p})", row=r, field="yi")
    if np.any(np.linalg.matrix_rank(X) < p):
        r = int(np.flatnonzero(np.linalg.matrix_rank(X) < p)[0])
        raise StatsInputError("model matrix is not of full column rank", row=r, field="mods")
    df = k - p
    w0 = M / v
    P0, _ = _proj(w0, X)
    QE = np.maximum(_quad(P0, y), 0.0)
    trP0 = np.einsum("mnn->m", P0)
    zeros = np.zeros(m_rows)
    if method in ("EE", "FE"):
        tau2, se_tau2 = zeros, zeros
    elif method == "DL":
        tau2 = np.maximum((QE - df) / trP0, 0.0)
        sPP = np.einsum("mnk,mnk->m", P0, P0)
        se_tau2 = np.sqrt(2 * df + 4 * tau2 * trP0 + 2 * tau2**2 * sPP) / trP0
    else:
        PI, _ = _proj(M, X)
        PV = PI * v[:, None, :]
        trPV = np.einsum("mnn->m", PV)
        he = (_quad(PI, y) - trPV) / df
        if method == "HE":
            tau2 = np.maximum(he, 0.0)
            sPVPV = np.einsum("mnk,mkn->m", PV, PV)
            se_tau2 = np.sqrt(2 * sPVPV + 4 * tau2 * trPV + 2 * tau2**2 * df) / df
        elif method in ("ML", "REML"):
            tau2 = np.maximum(he, 0.0)
            active = np.ones(m_rows, dtype=bool)
            for _ in range(FISHER_STEPS):
                a = np.flatnonzero(active)
                if a.size == 0:
                    break
                t = tau2[a]
                score, info = _reml_terms(t, y[a], v[a], M[a], X[a], method)
                step = np.where((t <= 0.0) & (score <= 0.0), 0.0, score / info)
                while np.any(neg := t + step < 0.0):
                    step = np.where(neg, step / 2.0, step)
                new = t + step
                tau2[a] = new
                active[a] = np.abs(step) >= FISHER_TOL * np.maximum(1.0, new)
            for row in np.flatnonzero(active):  # slow or oscillating rows: rma's own iteration
                keep = M[row] > 0
                tau2[row] = fisher_scoring(
                    y[row, keep], v[row, keep], X[row, keep], method, float(he[row])
                )[0]
            near = np.flatnonzero((tau2 > 0.0) & (tau2 < 1e-10))
            if near.size:  # a path that runs down to the boundary ends at 0 (as in rma)
                s0 = _reml_terms(zeros[near], y[near], v[near], M[near], X[near], method)[0]
                tau2[near[s0 <= 0.0]] = 0.0
            pos = tau2 > 0.0
            if pos.any():
                gap = _loglik(zeros[pos], y[pos], v[pos], M[pos], X[pos], method) - _loglik(
                    tau2[pos], y[pos], v[pos], M[pos], X[pos], method
                )
                tau2[np.flatnonzero(pos)[gap > LL0_TOL]] = 0.0
            info = _reml_terms(tau2, y, v, M, X, method)[1]
            se_tau2 = np.sqrt(2.0 / info)
        else:  # PM, EB: Newton on Q(tau2) = k - p from 0
            tau2 = zeros.copy()
            active = df < QE
            for _ in range(MAXITER):
                a = np.flatnonzero(active)
                if a.size == 0:
                    break
                w = M[a] / (v[a] + tau2[a, None])
                P, _ = _proj(w, X[a])
                Py = np.einsum("mnk,mk->mn", P, y[a])
                q = np.sum(Py * y[a], axis=1)
                step = (q - df[a]) / np.sum(Py * Py, axis=1)
                new = tau2[a] + step
                tau2[a] = np.maximum(new, tau2[a])
                active[a] = (step > 0.0) & (np.abs(step) > 1e-15 * np.maximum(1.0, new))
            sw = np.sum(M / (v + tau2[:, None]), axis=1)
            se_tau2 = np.sqrt(2.0 * k * k / df) / sw
    w = M / (v + tau2[:, None])
    P, vb = _proj(w, X)
    beta = np.einsum("mij,mnj,mn->mi", vb, w[:, :, None] * X, y)
    if test in ("knha", "adhoc"):
        rss = _quad(P, y)
        s2w = np.where(rss <= np.finfo(np.float64).eps, 0.0, rss / df)
        if test == "adhoc":
            s2w = np.maximum(s2w, 1.0)
        vb = vb * s2w[:, None, None]
    se = np.sqrt(np.einsum("mii->mi", vb))
    with np.errstate(divide="ignore", invalid="ignore"):
        zval = np.where((se == 0.0) & (beta == 0.0), 0.0, beta / se)
    alpha = 1.0 - lev / 100.0
    b = beta[:, 1:]
    QM = np.einsum("mi,mi->m", b, np.linalg.solve(vb[:, 1:, 1:], b[:, :, None])[:, :, 0])
    if test == "z":
        pval = 2.0 * special.ndtr(-np.abs(zval))
        crit = np.full(m_rows, special.ndtri(1.0 - alpha / 2.0))
        QMp = special.chdtrc(p - 1, QM)
    else:
        pval = 2.0 * special.stdtr(df[:, None], -np.abs(zval))
        crit = special.stdtrit(df, 1.0 - alpha / 2.0)
        QM = QM / (p - 1)
        QMp = special.fdtrc(p - 1, df, QM)
    vt = df / trP0
    if method in ("EE", "FE"):
        with np.errstate(divide="ignore", invalid="ignore"):
            I2 = np.where(QE > 0, np.maximum(0.0, 100.0 * (QE - df) / QE), 0.0)
        H2 = QE / df
    else:
        I2 = 100.0 * tau2 / (vt + tau2)
        H2 = tau2 / vt + 1.0
    return RMAModsBatchResult(
        k=k,
        beta=beta,
        se=se,
        zval=zval,
        pval=pval,
        ci_lb=beta - crit[:, None] * se,
        ci_ub=beta + crit[:, None] * se,
        tau2=tau2,
        se_tau2=se_tau2,
        QE=QE,
        QEp=special.chdtrc(df, QE),
        QM=QM,
        QMp=QMp,
        I2=I2,
        H2=H2,
        method=method,
        test=test,
        level=lev,
    )


__all__ = ["METHODS_BATCH_MODS", "RMAModsBatchResult", "rma_mods_batch"]
