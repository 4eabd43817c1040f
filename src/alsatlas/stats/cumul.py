r"""Cumulative meta-analysis (``metafor::cumul``).

The studies are put in order (input order, or ascending by a key such as the publication
year; ties keep input order) and the model is refitted to the first :math:`1, 2, \dots, k`
of them, with the model's own τ² estimator, test and level. For one study the fit is that
study (:math:`\hat\theta = y_1`, SE :math:`\sqrt{v_1}`, :math:`\tau^2 = 0`, z test), as
metafor reports it. :func:`cumul_tables` does the same for Mantel-Haenszel and Peto pooling
of 2×2 tables (``cumul.rma.mh``, ``cumul.rma.peto``).

References
----------
Lau, J., Antman, E. M., Jimenez-Silva, J., Kupelnick, B., Mosteller, F., & Chalmers, T. C.
(1992). Cumulative meta-analysis of therapeutic trials for myocardial infarction. *New
England Journal of Medicine*, 327, 248-254. metafor 3.8 documentation: ``help(cumul)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from alsatlas.errors import StatsInputError
from alsatlas.stats.inference import critical_value
from alsatlas.stats.meta_inputs import FloatArray, check_level, check_meta_inputs
from alsatlas.stats.rma import fit_rma
from alsatlas.stats.rma_mh import TablesPoolResult, rma_mh, rma_peto

_FIELDS = ("estimate", "se", "zval", "pval", "ci_lb", "ci_ub", "Q", "Qp", "tau2", "I2", "H2")


@dataclass(frozen=True, eq=False)
class CumulResult:
    """One row per step: the fit to the first ``i + 1`` studies in ``order``.

    ``order`` holds the input indices in the order of accumulation; ``zval`` is a t statistic
    for ``test="t"``/``"knha"``; ``tau2`` is 0 for equal-effects and MH/Peto fits.
    """

    order: NDArray[np.intp]
    estimate: FloatArray
    se: FloatArray
    zval: FloatArray
    pval: FloatArray
    ci_lb: FloatArray
    ci_ub: FloatArray
    Q: FloatArray
    Qp: FloatArray
    tau2: FloatArray
    I2: FloatArray
    H2: FloatArray

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per step, with the input index of the study added at that step."""
        return [
            {"study": int(self.order[i]), **{f: float(getattr(self, f)[i]) for f in _FIELDS}}
            for i in range(self.order.shape[0])
        ]


def _order(order: ArrayLike | None, k: int, decreasing: bool) -> NDArray[np.intp]:
    if order is None:
        return np.arange(k)
    key = np.asarray(order)
    if key.shape != (k,):
        raise StatsInputError(f"must have one value per study ({k})", field="order")
    if decreasing:
        # R's order(decreasing=TRUE) keeps ties in input order as well
        _, rank = np.unique(key, return_inverse=True)
        return np.lexsort((np.arange(k), -rank.reshape(k)))
    return np.argsort(key, kind="stable")


def _single(y: float, v: float, level: float) -> tuple[float, ...]:
    se = math.sqrt(v)
    z = y / se
    crit = critical_value(level, "z", None)
    p = float(2.0 * special.ndtr(-abs(z)))
    return y, se, z, p, y - crit * se, y + crit * se, 0.0, 1.0, 0.0, 0.0, 1.0


def _collect(rows: Sequence[tuple[float, ...]], order: NDArray[np.intp]) -> CumulResult:
    cols = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(_FIELDS))
    return CumulResult(order, *(cols[:, j].copy() for j in range(len(_FIELDS))))


def cumul(
    yi: ArrayLike,
    vi: ArrayLike,
    *,
    order: ArrayLike | None = None,
    decreasing: bool = False,
    method: str = "REML",
    test: str = "z",
    level: float = 95,
) -> CumulResult:
    """Cumulative random-effects meta-analysis (``cumul.rma.uni``; see the module docstring).

    Parameters
    ----------
    yi, vi
        Effect sizes and sampling variances.
    order
        Sort key (e.g. publication year); None keeps the input order.
    decreasing
        Accumulate from the largest key down.
    method, test, level
        The model (``rma``'s arguments).

    Examples
    --------
    >>> res = cumul([0.1, 0.3, 0.2], [0.04, 0.02, 0.05], method="DL")
    >>> [round(float(e), 4) for e in res.estimate]
    [0.1, 0.2333, 0.2263]
    """
    inputs = check_meta_inputs(yi, vi, method=method, test=test)
    lev = check_level(level)
    idx = _order(order, inputs.k, decreasing)
    y, v = inputs.yi[idx], inputs.vi[idx]
    rows: list[tuple[float, ...]] = [_single(float(y[0]), float(v[0]), lev)]
    for i in range(2, inputs.k + 1):
        fit = fit_rma(
            y[:i], v[:i], np.ones((i, 1)), method=method, test=test, level=lev, weights=None
        )
        rows.append(
            (fit.estimate, float(fit.se[0]), float(fit.zval[0]), float(fit.pval[0]),
             float(fit.ci_lb[0]), float(fit.ci_ub[0]), fit.QE, fit.QEp, fit.tau2, fit.I2,
             fit.H2)
        )  # fmt: skip
    return _collect(rows, idx)


def cumul_tables(
    method: str,
    ai: ArrayLike | None = None,
    bi: ArrayLike | None = None,
    ci: ArrayLike | None = None,
    di: ArrayLike | None = None,
    *,
    measure: str = "OR",
    n1i: ArrayLike | None = None,
    n2i: ArrayLike | None = None,
    x1i: ArrayLike | None = None,
    t1i: ArrayLike | None = None,
    x2i: ArrayLike | None = None,
    t2i: ArrayLike | None = None,
    order: ArrayLike | None = None,
    decreasing: bool = False,
    level: float = 95,
) -> CumulResult:
    """Cumulative Mantel-Haenszel (``method="MH"``; 2×2 tables or, with ``measure="IRR"``,
    person-time data) or Peto (``"PETO"``) pooling (``cumul.rma.mh``, ``cumul.rma.peto``)
    with metafor's zero-cell defaults.

    Examples
    --------
    >>> res = cumul_tables("MH", [4, 6, 3], [119, 300, 228], [11, 29, 11], [128, 274, 209])
    >>> [round(float(e), 4) for e in res.estimate]
    [-0.9387, -1.4215, -1.4135]
    """
    if method not in ("MH", "PETO"):
        raise StatsInputError(f"must be MH or PETO, got {method!r}", field="method")
    given = {"ai": ai, "bi": bi, "ci": ci, "di": di, "n1i": n1i, "n2i": n2i, "x1i": x1i,
             "t1i": t1i, "x2i": x2i, "t2i": t2i}  # fmt: skip
    cols = {name: np.atleast_1d(np.asarray(arr)) for name, arr in given.items() if arr is not None}
    if not cols:
        raise StatsInputError("no counts given", field="ai")
    k = int(next(iter(cols.values())).shape[0])
    for name, arr in cols.items():
        if arr.shape != (k,):
            raise StatsInputError(f"must have one value per study ({k})", field=name)
    idx = _order(order, k, decreasing)
    fitter: Callable[..., TablesPoolResult] = (
        (lambda **kw: rma_mh(measure, **kw)) if method == "MH" else rma_peto
    )
    rows: list[tuple[float, ...]] = []
    for i in range(1, k + 1):
        sub = {name: arr[idx[:i]] for name, arr in cols.items()}
        res = fitter(level=level, **sub)
        rows.append(
            (res.beta, res.se, res.zval, res.pval, res.ci_lb, res.ci_ub, res.QE, res.QEp, 0.0,
             res.I2, res.H2)
        )  # fmt: skip
    return _collect(rows, idx)


__all__ = ["CumulResult", "cumul", "cumul_tables"]
