r"""Leave-one-out analysis (``metafor::leave1out``): the model refitted without each study.

For each study :math:`i` the model (same τ² estimator, test and level) is refitted to the
other :math:`k - 1` studies, giving :math:`\hat\mu_{(-i)}`, its SE, test statistic, p-value
and CI, and the heterogeneity of the reduced set (:math:`Q_{(-i)}`, its p-value,
:math:`\hat\tau^2_{(-i)}`, :math:`I^2_{(-i)}`, :math:`H^2_{(-i)}`). The :math:`k` refits are
batched: chunks of rows of the :math:`k \times (k-1)` array of reduced data sets are handed
to :func:`alsatlas.stats.batch.rma_batch`, which fits each chunk without a Python loop per
fit; memory grows linearly in k (``DELETION_CHUNK``).

References
----------
Viechtbauer, W., & Cheung, M. W.-L. (2010). Outlier and influence diagnostics for
meta-analysis. *Research Synthesis Methods*, 1, 112-125. metafor 3.8: ``help(leave1out)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from alsatlas.errors import StatsInputError
from alsatlas.stats.batch import rma_batch
from alsatlas.stats.meta_inputs import FloatArray, check_level, check_meta_inputs


@dataclass(frozen=True, eq=False)
class LeaveOneOutResult:
    """Result of :func:`leave1out`; every array has one entry per omitted study.

    Attributes
    ----------
    estimate, se, stat, pval, ci_lb, ci_ub
        Pooled estimate without study i, its SE, z or t statistic (metafor's ``zval`` /
        ``tval``), p-value and CI.
    Q, Qp
        Cochran's Q of the other studies and its p-value.
    tau2, I2, H2
        τ² (0 for equal-effects models), I² (percent) and H² of the other studies.
    method, test
        The model's τ² estimator and test.
    """

    estimate: FloatArray
    se: FloatArray
    stat: FloatArray
    pval: FloatArray
    ci_lb: FloatArray
    ci_ub: FloatArray
    Q: FloatArray
    Qp: FloatArray
    tau2: FloatArray
    I2: FloatArray
    H2: FloatArray
    method: str
    test: str

    @property
    def k(self) -> int:
        """Number of studies (and of refits)."""
        return int(self.estimate.shape[0])

    def to_records(self) -> list[dict[str, Any]]:
        """One JSON-ready dict per omitted study (0-based ``omitted`` index)."""
        cols = ("estimate", "se", "stat", "pval", "ci_lb", "ci_ub", "Q", "Qp", "tau2", "I2", "H2")
        return [
            {"omitted": i, **{c: float(getattr(self, c)[i]) for c in cols}} for i in range(self.k)
        ]


@dataclass(frozen=True, eq=False)
class RowFits:
    """Intercept-only fits of the rows of (m, n) arrays: one value per row in each field."""

    beta: FloatArray
    se: FloatArray
    zval: FloatArray
    pval: FloatArray
    ci_lb: FloatArray
    ci_ub: FloatArray
    QE: FloatArray
    QEp: FloatArray
    tau2: FloatArray
    I2: FloatArray
    H2: FloatArray
    s2w: FloatArray


def fit_rows(
    Y: FloatArray,
    V: FloatArray,
    *,
    method: str,
    test: str,
    level: float,
    control: str = "exact",
) -> RowFits:
    r"""Fit an intercept-only model to each row of ``Y``/``V`` (arrays of shape (m, n)).

    All rows are fitted together by :func:`alsatlas.stats.batch.rma_batch` (no loop per
    fit). The Knapp-Hartung factor is recovered from
    :math:`\mathrm{SE}^2 = s^2 / \sum_j 1/(v_j + \hat\tau^2)`.
    """
    fits = rma_batch(Y, V, method=method, test=test, level=level, confint=False, control=control)
    if test in ("knha", "adhoc"):
        s2w = fits.se**2 * np.sum(1.0 / (V + fits.tau2[:, None]), axis=1)
    else:
        s2w = np.ones(Y.shape[0])
    return RowFits(
        beta=fits.estimate,
        se=fits.se,
        zval=fits.zval,
        pval=fits.pval,
        ci_lb=fits.ci_lb,
        ci_ub=fits.ci_ub,
        QE=fits.QE,
        QEp=fits.QEp,
        tau2=fits.tau2,
        I2=fits.I2,
        H2=fits.H2,
        s2w=s2w,
    )


def leave_one_out_arrays(
    yi: FloatArray, vi: FloatArray, start: int = 0, stop: int | None = None
) -> tuple[FloatArray, FloatArray]:
    r"""Rows ``start:stop`` (default all k) of the :math:`k \times (k-1)` arrays whose row i
    holds every study but i, built without any k × k intermediate."""
    k = yi.shape[0]
    end = k if stop is None else stop
    i = np.arange(start, end)[:, None]
    j = np.arange(k - 1)[None, :]
    idx = j + (j >= i)  # column j of row i is study j, or j + 1 from study i on
    return yi[idx], vi[idx]


#: Refits are made in chunks of about this many (refit × study) entries, so that the memory
#: of a leave-one-out analysis grows linearly in k (a chunk of rows, never k × k).
DELETION_CHUNK = 1 << 18


def deletion_fits(
    yi: FloatArray,
    vi: FloatArray,
    *,
    method: str,
    test: str,
    level: float,
    control: str = "exact",
) -> RowFits:
    r""":func:`fit_rows` of :func:`leave_one_out_arrays`, a chunk of refits at a time.

    Memory is :math:`O(ck)` with :math:`ck \approx` ``DELETION_CHUNK``, i.e. linear in k;
    the results are those of one batch over all k refits.
    """
    k = yi.shape[0]
    step = max(1, DELETION_CHUNK // max(1, k - 1))
    parts: list[RowFits] = []
    for start in range(0, k, step):
        Y, V = leave_one_out_arrays(yi, vi, start, min(k, start + step))
        parts.append(fit_rows(Y, V, method=method, test=test, level=level, control=control))
    if len(parts) == 1:
        return parts[0]
    names = RowFits.__dataclass_fields__.keys()
    return RowFits(**{n: np.concatenate([getattr(p, n) for p in parts]) for n in names})


def leave1out(
    yi: ArrayLike,
    vi: ArrayLike,
    *,
    method: str = "REML",
    test: str = "z",
    level: float = 95,
    control: str = "exact",
) -> LeaveOneOutResult:
    """Refit the model without each study in turn (see the module docstring).

    Parameters
    ----------
    yi, vi
        Effect sizes and sampling variances (length k).
    method, test, level, control
        As in :func:`alsatlas.stats.rma` (defaults REML, z, 95, exact).

    Returns
    -------
    LeaveOneOutResult

    Raises
    ------
    StatsInputError
        Bad inputs, or fewer studies than the reduced model needs (k - 1 >= 2 and, for a
        τ² estimator or a t-test, k - 1 >= 2 as well).
    """
    inputs = check_meta_inputs(yi, vi, method=method, test=test)
    if inputs.k < 3:
        raise StatsInputError(
            f"leave-one-out needs at least 3 studies, got k = {inputs.k}", field="yi"
        )
    lev = check_level(level)
    fits = deletion_fits(inputs.yi, inputs.vi, method=method, test=test, level=lev, control=control)
    return LeaveOneOutResult(
        estimate=fits.beta,
        se=fits.se,
        stat=fits.zval,
        pval=fits.pval,
        ci_lb=fits.ci_lb,
        ci_ub=fits.ci_ub,
        Q=fits.QE,
        Qp=fits.QEp,
        tau2=fits.tau2,
        I2=fits.I2,
        H2=fits.H2,
        method=method,
        test=test,
    )


__all__ = [
    "LeaveOneOutResult",
    "RowFits",
    "deletion_fits",
    "fit_rows",
    "leave1out",
    "leave_one_out_arrays",
]
