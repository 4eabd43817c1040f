r"""Outlier and influence diagnostics of a meta-analysis (``metafor::influence.rma.uni``).

For a model without moderators, with :math:`w_i = 1/(v_i + \hat\tau^2)`, pooled estimate
:math:`\hat\mu` and its variance :math:`\mathrm{Var}(\hat\mu)` (including the Knapp-Hartung
factor for ``test="knha"``), and, from the refit without study :math:`i` (computed for all
:math:`i` in one batch, see :mod:`alsatlas.stats.leave1out`), :math:`\hat\mu_{(-i)}`,
:math:`\mathrm{Var}(\hat\mu_{(-i)})`, :math:`\hat\tau^2_{(-i)}`, :math:`Q_{E(-i)}` and the
variance factor :math:`s^2_{(-i)}` (1 for z-tests):

=============  ==============================================================================
``rstudent``   :math:`(y_i - \hat\mu_{(-i)}) / \sqrt{s^2_{(-i)}(v_i + \hat\tau^2_{(-i)}) +
               \mathrm{Var}(\hat\mu_{(-i)})}` (externally studentised residual)
``dffits``     :math:`(\hat\mu - \hat\mu_{(-i)}) / \sqrt{s^2_{(-i)}\, h_i\,
               (\hat\tau^2_{(-i)} + v_i)}`
``cook_d``     :math:`(\hat\mu - \hat\mu_{(-i)})^2 / \mathrm{Var}(\hat\mu)`
``cov_r``      :math:`\mathrm{Var}(\hat\mu_{(-i)}) / \mathrm{Var}(\hat\mu)` (covariance ratio)
``tau2_del``   :math:`\hat\tau^2_{(-i)}`
``QE_del``     :math:`Q_{E(-i)}`
``hat``        :math:`h_i = w_i / \sum_j w_j` (leverage)
``weight``     :math:`100\, h_i` (weight in percent)
``dfbetas``    :math:`(\hat\mu - \hat\mu_{(-i)}) / \sqrt{s^2_{(-i)} / \sum_j 1/(v_j +
               \hat\tau^2_{(-i)})}`
=============  ==============================================================================

With moderators (design matrix :math:`X`, :math:`p` coefficients) the same quantities are
taken at the fitted values :math:`x_i'\hat\beta` and :math:`x_i'\hat\beta_{(-i)}`, with
:math:`h_i` the diagonal of :math:`X(X'WX)^{-1}X'W`, ``dfbetas`` one column per coefficient
(scaled by :math:`\mathrm{diag}(X'W_{(-i)}X)^{-1}`, :math:`W_{(-i)}` at
:math:`\hat\tau^2_{(-i)}`), and Cook's distance and the covariance ratio over all
coefficients (metafor's default ``btt`` in ``influence()``):
:math:`D_i = d_i' \mathrm{Var}(\hat\beta)^{-1} d_i` with
:math:`d_i = \hat\beta - \hat\beta_{(-i)}`, and
:math:`\det \mathrm{Var}(\hat\beta_{(-i)}) / \det \mathrm{Var}(\hat\beta)`.
Without moderators the :math:`k` refits are one batch (:mod:`alsatlas.stats.leave1out`);
with moderators they are :math:`k` single fits, as in metafor.

A study is flagged influential (metafor's ``inf = "*"``) when any of
:math:`|\mathrm{dffits}_i| > 3\sqrt{p/(k-p)}`,
:math:`F_{\chi^2_p}(\mathrm{cook\_d}_i) > 0.5`, :math:`h_i > 3p/k` or any
:math:`|\mathrm{dfbetas}_{ij}| > 1` holds. Residuals smaller than :math:`100\,\epsilon` in
absolute value are set to 0, as metafor does. A study whose removal leaves a model that
cannot be fitted (e.g. the only study with some moderator value) gets NaN diagnostics, as
metafor's NA.

References
----------
Viechtbauer, W., & Cheung, M. W.-L. (2010). Outlier and influence diagnostics for
meta-analysis. *Research Synthesis Methods*, 1, 112-125. metafor 3.8: ``help(influence.rma.uni)``.
Belsley, D. A., Kuh, E., & Welsch, R. E. (1980). *Regression Diagnostics*. Wiley.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from alsatlas.errors import ConvergenceError, StatsInputError
from alsatlas.stats.leave1out import DELETION_CHUNK, deletion_fits
from alsatlas.stats.meta_inputs import FloatArray, check_level, check_meta_inputs
from alsatlas.stats.rma import fit_rma

_COLUMNS = (
    "rstudent",
    "dffits",
    "cook_d",
    "cov_r",
    "tau2_del",
    "QE_del",
    "hat",
    "weight",
)


@dataclass(frozen=True, eq=False)
class InfluenceResult:
    """Result of :func:`influence`; every array has one entry per study (formulas above).

    Attributes
    ----------
    rstudent, dffits, cook_d, cov_r, tau2_del, QE_del, hat, weight
        The diagnostics (metafor's ``rstudent``, ``dffits``, ``cook.d``, ``cov.r``,
        ``tau2.del``, ``QE.del``, ``hat`` and ``weight``), shape (k,).
    dfbetas
        metafor's ``dfbs``, shape (k, p): one column per coefficient.
    is_infl
        True where the study meets metafor's rule for an influential case.
    tau2, QE
        τ² and Q of the full model.
    """

    rstudent: FloatArray
    dffits: FloatArray
    cook_d: FloatArray
    cov_r: FloatArray
    tau2_del: FloatArray
    QE_del: FloatArray
    hat: FloatArray
    weight: FloatArray
    dfbetas: FloatArray
    is_infl: NDArray[np.bool_]
    tau2: float
    QE: float

    @property
    def k(self) -> int:
        """Number of studies."""
        return int(self.hat.shape[0])

    def to_records(self) -> list[dict[str, Any]]:
        """One JSON-ready dict per study (0-based ``study`` index, ``inf`` flag).

        ``dfbetas`` is a number without moderators and a list (one per coefficient) with them.
        """
        return [
            {
                "study": i,
                **{c: float(getattr(self, c)[i]) for c in _COLUMNS},
                "dfbetas": (
                    float(self.dfbetas[i, 0])
                    if self.dfbetas.shape[1] == 1
                    else [float(x) for x in self.dfbetas[i]]
                ),
                "inf": bool(self.is_infl[i]),
            }
            for i in range(self.k)
        ]


@dataclass(frozen=True, eq=False)
class _Deleted:
    beta: FloatArray  # (k, p)
    vb: FloatArray  # (k, p, p)
    tau2: FloatArray
    QE: FloatArray
    s2w: FloatArray


def _deleted_fits(
    y: FloatArray,
    v: FloatArray,
    X: FloatArray,
    *,
    method: str,
    test: str,
    level: float,
    control: str = "exact",
) -> _Deleted:
    k, p = X.shape
    if p == 1:
        rows = deletion_fits(y, v, method=method, test=test, level=level, control=control)
        return _Deleted(
            beta=rows.beta[:, None],
            vb=(rows.se**2)[:, None, None],
            tau2=rows.tau2,
            QE=rows.QE,
            s2w=rows.s2w,
        )
    beta = np.full((k, p), np.nan)
    vb = np.full((k, p, p), np.nan)
    tau2 = np.full(k, np.nan)
    qe = np.full(k, np.nan)
    s2w = np.full(k, np.nan)
    for i in range(k):
        keep = np.arange(k) != i
        try:
            sub = check_meta_inputs(y[keep], v[keep], mods=X[keep, 1:], method=method, test=test)
        except StatsInputError:
            continue  # metafor: NA for this study
        try:
            fit = fit_rma(
                sub.yi,
                sub.vi,
                sub.X,
                method=method,
                test=test,
                level=level,
                weights=None,
                control=control,
            )
        except ConvergenceError:
            continue  # metafor's refit fails inside try(): NA for this study
        beta[i], vb[i], tau2[i], qe[i], s2w[i] = fit.beta, fit.vb, fit.tau2, fit.QE, fit.s2w
    return _Deleted(beta=beta, vb=vb, tau2=tau2, QE=qe, s2w=s2w)


def influence(
    yi: ArrayLike,
    vi: ArrayLike,
    *,
    mods: ArrayLike | None = None,
    method: str = "REML",
    test: str = "z",
    level: float = 95,
    control: str = "exact",
) -> InfluenceResult:
    """Outlier and influence diagnostics of a meta-analysis or meta-regression (see above).

    Parameters
    ----------
    yi, vi
        Effect sizes and sampling variances (length k >= 3).
    mods
        Moderators, shape (k,) or (k, q); an intercept is added (as :func:`~.rma`).
    method, test, level, control
        As in :func:`alsatlas.stats.rma` (defaults REML, z, 95, exact).

    Returns
    -------
    InfluenceResult

    Raises
    ------
    StatsInputError
        Bad inputs, fewer than 3 studies, or no more studies than coefficients plus one.
    """
    inputs = check_meta_inputs(yi, vi, mods=mods, method=method, test=test)
    k, p = inputs.k, inputs.p
    if k < 3 or k - 1 <= p:
        raise StatsInputError(
            f"influence diagnostics need at least 3 studies and more than p + 1 = {p + 1}, "
            f"got k = {k}",
            field="yi",
        )
    lev = check_level(level)
    y, v, X = inputs.yi, inputs.vi, inputs.X
    full = fit_rma(y, v, X, method=method, test=test, level=lev, weights=None, control=control)
    dele = _deleted_fits(y, v, X, method=method, test=test, level=lev, control=control)

    w = 1.0 / (v + full.tau2)
    XtWX_inv = np.linalg.inv(X.T @ (w[:, None] * X))
    hat = np.einsum("ij,jk,ik->i", X, XtWX_inv, X) * w
    btt = np.arange(p)  # metafor's default for influence(): every coefficient
    m = p
    vb = full.vb
    s2w, tau2_del = dele.s2w, dele.tau2

    pred_full = X @ full.beta
    delpred = np.einsum("ij,ij->i", X, dele.beta)
    vdelpred = np.einsum("ij,ijk,ik->i", X, dele.vb, X)
    resid = y - delpred
    resid[np.abs(resid) < 100 * np.finfo(np.float64).eps] = 0.0
    rstudent = resid / np.sqrt(v * s2w + vdelpred + tau2_del * s2w)
    dffits = (pred_full - delpred) / np.sqrt(s2w * hat * (tau2_del + v))

    xtwx_del = np.empty((k, p, p))
    step = max(1, DELETION_CHUNK // k)
    for n0 in range(0, k, step):  # (deletions x studies) weights, a chunk of deletions at a time
        w_del = 1.0 / (v[None, :] + tau2_del[n0 : n0 + step, None])
        xtwx_del[n0 : n0 + step] = np.einsum("ij,nj,jk->nik", X.T, w_del, X)
    diag_del = np.full((k, p), np.nan)
    ok = np.all(np.isfinite(xtwx_del), axis=(1, 2))
    diag_del[ok] = np.diagonal(np.linalg.inv(xtwx_del[ok]), axis1=1, axis2=2)
    diff = full.beta[None, :] - dele.beta
    dfbetas = diff / np.sqrt(s2w[:, None] * diag_del)

    vb_b = vb[np.ix_(btt, btt)]
    d = diff[:, btt]
    cook_d = np.einsum("ni,ij,nj->n", d, np.linalg.inv(vb_b), d)
    det_full = float(np.linalg.det(vb_b))
    cov_r = np.full(k, np.nan)
    cov_r[ok] = np.linalg.det(dele.vb[ok][:, btt][:, :, btt]) / det_full

    with np.errstate(invalid="ignore"):
        is_infl = (
            (np.abs(dffits) > 3.0 * math.sqrt(p / (k - p)))
            | (special.chdtr(m, cook_d) > 0.5)
            | (hat > 3.0 * p / k)
            | np.any(np.abs(dfbetas) > 1.0, axis=1)
        )
    return InfluenceResult(
        rstudent=rstudent,
        dffits=dffits,
        cook_d=cook_d,
        cov_r=cov_r,
        tau2_del=tau2_del,
        QE_del=dele.QE,
        hat=hat,
        weight=100.0 * w / np.sum(w),
        dfbetas=dfbetas,
        is_infl=np.asarray(is_infl, dtype=bool),
        tau2=full.tau2,
        QE=full.QE,
    )


__all__ = ["InfluenceResult", "influence"]
