r"""Fail-safe N (``metafor::fsn``): how many null studies would overturn the result.

With :math:`k` studies, :math:`z_i = y_i/\sqrt{v_i}` and :math:`w_i = 1/v_i`, as metafor 3.8:

- **Rosenthal** (1979), Stouffer's combined test: :math:`Z = |\sum z_i|/\sqrt k`, one-sided
  :math:`p = 1 - \Phi(Z)`, and :math:`N = \max(0, k (Z/z_{1-\alpha})^2 - k)`, the number of
  studies averaging :math:`z = 0` that raise the combined one-sided p-value to
  :math:`\alpha`.
- **Orwin** (1983): the unweighted mean :math:`\bar y` (or, with ``weighted=True``, the
  inverse-variance weighted mean) and a target :math:`y_t` (default :math:`\bar y/2`, with
  the sign of :math:`\bar y`): :math:`N = \max(0, k(\bar y - y_t)/y_t)` null studies bring
  the mean down to the target.
- **Rosenberg** (2005), fixed-effects: with :math:`\hat\theta = \sum w_i y_i/\sum w_i`,
  :math:`N = \max(0, k\,[(\sum w_i y_i / z_{1-\alpha/2})^2 - \sum w_i]/\sum w_i)`, the
  number of studies of average weight and effect 0 that make the two-sided p-value of the
  fixed-effects estimate equal :math:`\alpha`; :math:`p` is that test's p-value.

As metafor, :math:`N` is rounded up to an integer (exact integers stay).

References
----------
Rosenthal, R. (1979). The "file drawer problem" and tolerance for null results.
*Psychological Bulletin*, 86, 638-641.
Orwin, R. G. (1983). A fail-safe N for effect size in meta-analysis. *Journal of
Educational Statistics*, 8, 157-159.
Rosenberg, M. S. (2005). The file-drawer problem revisited: a general weighted method for
calculating fail-safe numbers in meta-analysis. *Evolution*, 59, 464-468.
metafor 3.8 documentation: ``help(fsn)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from alsatlas.errors import StatsInputError
from alsatlas.stats.escalc_common import check_choice, require, vector

#: Fail-safe N types, with metafor's names.
FSN_TYPES: tuple[str, ...] = ("Rosenthal", "Orwin", "Rosenberg")


@dataclass(frozen=True)
class FsnResult:
    """Result of :func:`fsn` (metafor's field names; NaN where a type has no such value)."""

    type: str
    fsnum: float
    alpha: float
    pval: float
    meanes: float
    target: float

    def to_dict(self) -> dict[str, Any]:
        """Plain fields for JSON (NaN omitted)."""
        return {
            key: value
            for key, value in self.__dict__.items()
            if not (isinstance(value, float) and math.isnan(value))
        }


def _round_up(value: float) -> float:
    if math.isinf(value):
        return value
    if abs(value - round(value)) >= math.sqrt(np.finfo(float).eps):
        return float(math.ceil(value))
    return float(round(value))


@np.errstate(all="ignore")
def fsn(
    yi: ArrayLike,
    vi: ArrayLike | None = None,
    *,
    sei: ArrayLike | None = None,
    type: str = "Rosenthal",
    alpha: float = 0.05,
    target: float | None = None,
    weighted: bool = False,
) -> FsnResult:
    """Fail-safe N of Rosenthal, Orwin or Rosenberg (formulas in the module docstring).

    Parameters
    ----------
    yi, vi, sei
        Effect sizes and sampling variances (or standard errors); Orwin's unweighted
        method needs only ``yi``.
    type
        ``"Rosenthal"`` (default), ``"Orwin"`` or ``"Rosenberg"``.
    alpha
        Significance level (default 0.05).
    target
        Orwin's target effect (default half the mean effect).
    weighted
        Orwin with the inverse-variance weighted mean.

    Examples
    --------
    >>> fsn([0.5, 0.3, 0.4], [0.04, 0.05, 0.03]).fsnum
    11.0
    """
    check_choice(type, FSN_TYPES, "type")
    if not 0.0 < alpha < 1.0:
        raise StatsInputError(f"must lie in (0, 1), got {alpha}", field="alpha")
    y = vector(yi, "yi")
    k = y.shape[0]
    if k < 1:
        raise StatsInputError("no studies", field="yi")
    needs_v = type != "Orwin" or weighted
    v = np.zeros(k)
    if needs_v:
        if vi is None and sei is None:
            raise StatsInputError("give the sampling variances (vi) or the standard errors "
                                  "(sei)", field="vi")  # fmt: skip
        v = vector(vi, "vi", k) if vi is not None else vector(np.asarray(sei), "sei", k) ** 2
        require(v > 0, "sampling variance must be positive", "vi" if vi is not None else "sei")
    pval = meanes = tgt = math.nan
    if type == "Rosenthal":
        z_avg = np.abs(np.sum(y / np.sqrt(v))) / np.sqrt(k)
        pval = float(special.ndtr(-z_avg))
        crit = float(special.ndtri(1.0 - alpha))
        number = float(max(0.0, k * (z_avg / crit) ** 2 - k))
    elif type == "Orwin":
        meanes = float(np.sum(y / v) / np.sum(1.0 / v)) if weighted else float(np.mean(y))
        tgt = meanes / 2.0 if target is None else float(target)
        if tgt == 0.0:
            number = math.inf
        else:
            if np.sign(tgt) != np.sign(meanes):
                tgt = -tgt
            number = max(0.0, k * (meanes - tgt) / tgt)
    else:
        w = 1.0 / v
        sw = np.sum(w)
        meanes = float(np.sum(w * y) / sw)
        zval = meanes / np.sqrt(1.0 / sw)
        crit = float(special.ndtri(1.0 - alpha / 2.0))
        pval = float(2.0 * special.ndtr(-abs(zval)))
        number = float(max(0.0, k * ((np.sum(w * y) / crit) ** 2 - sw) / sw))
    return FsnResult(
        type=type, fsnum=_round_up(number), alpha=alpha, pval=pval, meanes=meanes, target=tgt
    )


__all__ = ["FSN_TYPES", "FsnResult", "fsn"]
