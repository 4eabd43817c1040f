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

A study is flagged influential (metafor's ``inf = "*"``) when any of
:math:`|\mathrm{dffits}_i| > 3\sqrt{p/(k-p)}`, :math:`F_{\chi^2_1}(\mathrm{cook\_d}_i) > 0.5`,
:math:`h_i > 3p/k` or :math:`|\mathrm{dfbetas}_i| > 1` holds (:math:`p = 1`). Residuals
smaller than :math:`100\,\epsilon` in absolute value are set to 0, as metafor does.

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

from alsatlas.errors import StatsInputError
from alsatlas.stats.leave1out import fit_rows, leave_one_out_arrays
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
    "dfbetas",
)


@dataclass(frozen=True, eq=False)
class InfluenceResult:
    """Result of :func:`influence`; every array has one entry per study (formulas above).

    Attributes
    ----------
    rstudent, dffits, cook_d, cov_r, tau2_del, QE_del, hat, weight, dfbetas
        The diagnostics (metafor's ``rstudent``, ``dffits``, ``cook.d``, ``cov.r``,
        ``tau2.del``, ``QE.del``, ``hat``, ``weight`` and ``dfbs``).
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
        """One JSON-ready dict per study (0-based ``study`` index, ``inf`` flag)."""
        return [
            {
                "study": i,
                **{c: float(getattr(self, c)[i]) for c in _COLUMNS},
                "inf": bool(self.is_infl[i]),
            }
            for i in range(self.k)
        ]


def influence(
    yi: ArrayLike,
    vi: ArrayLike,
    *,
    method: str = "REML",
    test: str = "z",
    level: float = 95,
) -> InfluenceResult:
    """Outlier and influence diagnostics of the model without moderators (see above).

    Parameters
    ----------
    yi, vi
        Effect sizes and sampling variances (length k >= 3).
    method, test, level
        As in :func:`alsatlas.stats.rma` (defaults REML, z, 95).

    Returns
    -------
    InfluenceResult

    Raises
    ------
    StatsInputError
        Bad inputs or fewer than 3 studies.
    """
    inputs = check_meta_inputs(yi, vi, method=method, test=test)
    k = inputs.k
    if k < 3:
        raise StatsInputError(
            f"influence diagnostics need at least 3 studies, got k = {k}", field="yi"
        )
    lev = check_level(level)
    y, v = inputs.yi, inputs.vi
    full = fit_rma(y, v, inputs.X, method=method, test=test, level=lev, weights=None)
    Y, V = leave_one_out_arrays(y, v)
    dele = fit_rows(Y, V, method=method, test=test, level=lev)

    w = 1.0 / (v + full.tau2)
    hat = w / np.sum(w)
    mu = full.estimate
    vb = float(full.vb[0, 0])
    vb_del = dele.se**2
    s2w = dele.s2w
    tau2_del = dele.tau2

    resid = y - dele.beta
    resid[np.abs(resid) < 100 * np.finfo(np.float64).eps] = 0.0
    rstudent = resid / np.sqrt(v * s2w + vb_del + tau2_del * s2w)
    diff = mu - dele.beta
    dffits = diff / np.sqrt(s2w * hat * (tau2_del + v))
    vb_all = 1.0 / np.sum(1.0 / (v[None, :] + tau2_del[:, None]), axis=1)
    dfbetas = diff / np.sqrt(s2w * vb_all)
    cook_d = diff**2 / vb
    cov_r = vb_del / vb

    p = 1
    with np.errstate(invalid="ignore"):
        is_infl = (
            (np.abs(dffits) > 3.0 * math.sqrt(p / (k - p)))
            | (special.chdtr(p, cook_d) > 0.5)
            | (hat > 3.0 * p / k)
            | (np.abs(dfbetas) > 1.0)
        )
    return InfluenceResult(
        rstudent=rstudent,
        dffits=dffits,
        cook_d=cook_d,
        cov_r=cov_r,
        tau2_del=tau2_del,
        QE_del=dele.QE,
        hat=hat,
        weight=100.0 * hat,
        dfbetas=dfbetas,
        is_infl=np.asarray(is_infl, dtype=bool),
        tau2=full.tau2,
        QE=full.QE,
    )


__all__ = ["InfluenceResult", "influence"]
