r"""Generic effect sizes: turn reported estimates into ``yi``/``vi`` for :func:`rma`.

Three reporting forms are covered (the generic-input part of ``metafor::escalc``; 2x2 tables
live in :mod:`alsatlas.stats.escalc`):

- an estimate with its standard error: :math:`v_i = \mathrm{SE}_i^2`;
- a ratio estimate (HR, RR, OR, SIR, IRR) with its confidence interval, pooled on the log
  scale: :math:`y_i = \log \hat\theta_i` and

  .. math:: \mathrm{SE}_i = \frac{\log(\mathrm{ub}_i) - \log(\mathrm{lb}_i)}{2\,z_{1-\alpha/2}},

  with :math:`z_{0.975} = 1.959964\ldots` for a 95% CI (Higgins et al., Cochrane Handbook,
  section 6.3.2; metafor's ``conv.wald`` in later versions);
- a difference estimate (mean difference, risk difference, log-scale values) with its CI:
  the same with the bounds themselves instead of their logarithms.

Every check raises :class:`~alsatlas.errors.StatsInputError` naming the study (0-based row)
and field: NaN or infinite values, non-positive ratios or bounds, a CI that does not contain
its estimate or has zero width, non-positive standard errors, mismatched lengths, no studies.

References
----------
Higgins, J. P. T., Li, T., & Deeks, J. J. (2019). Choosing effect measures and computing
estimates of effect. In *Cochrane Handbook for Systematic Reviews of Interventions* (2nd ed.),
chapter 6. metafor documentation: ``help(escalc)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from alsatlas.errors import StatsInputError
from alsatlas.stats.meta_inputs import FloatArray, as_vector, check_level


@dataclass(frozen=True, eq=False)
class GenericEffects:
    """Effect sizes ready for :func:`alsatlas.stats.rma`.

    Attributes
    ----------
    yi
        Effect sizes on the analysis scale (log scale for ratio measures).
    vi
        Sampling variances, :math:`\\mathrm{SE}^2`.
    sei
        Standard errors.
    log_scale
        True when ``yi`` are logarithms of ratio estimates (back-transform with ``exp``).
    """

    yi: FloatArray
    vi: FloatArray
    sei: FloatArray
    log_scale: bool = False


def _same_length(arrays: dict[str, FloatArray]) -> int:
    lengths = {name: int(arr.shape[0]) for name, arr in arrays.items()}
    if len(set(lengths.values())) != 1:
        detail = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise StatsInputError(f"lengths must match ({detail})", field=next(iter(lengths)))
    k = int(next(iter(lengths.values())))
    if k < 1:
        raise StatsInputError("no studies given (k = 0)", field=next(iter(lengths)))
    return k


def _first(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def effects_from_se(yi: ArrayLike, sei: ArrayLike) -> GenericEffects:
    """Effect sizes with standard errors: :math:`v_i = \\mathrm{SE}_i^2`.

    Raises
    ------
    StatsInputError
        NaN/infinite values, ``sei <= 0``, mismatched lengths or no studies.
    """
    y = as_vector(yi, "yi")
    se = as_vector(sei, "sei")
    _same_length({"yi": y, "sei": se})
    bad = se <= 0.0
    if bad.any():
        i = _first(bad)
        raise StatsInputError(f"standard error must be positive, got {se[i]}", row=i, field="sei")
    return GenericEffects(yi=y, vi=se * se, sei=se)


def _ci_checks(est: FloatArray, lb: FloatArray, ub: FloatArray) -> None:
    width = ub <= lb
    if width.any():
        i = _first(width)
        raise StatsInputError(
            f"CI upper bound {ub[i]} is not above lower bound {lb[i]}", row=i, field="ci_ub"
        )
    outside = (est < lb) | (est > ub)
    if outside.any():
        i = _first(outside)
        raise StatsInputError(
            f"estimate {est[i]} lies outside its CI [{lb[i]}, {ub[i]}]", row=i, field="estimate"
        )


def effects_from_ratio_ci(
    estimate: ArrayLike, ci_lb: ArrayLike, ci_ub: ArrayLike, *, level: float = 95
) -> GenericEffects:
    """Log-transform ratio estimates (HR, RR, OR, ...) and derive SEs from their CIs.

    :math:`y_i = \\log\\hat\\theta_i`,
    :math:`\\mathrm{SE}_i = (\\log \\mathrm{ub}_i - \\log \\mathrm{lb}_i)/(2 z_{1-\\alpha/2})`.

    Parameters
    ----------
    estimate, ci_lb, ci_ub
        Ratio estimates and CI bounds on the ratio scale (all positive).
    level
        Confidence level of the reported CIs, in percent (95) or as a fraction.

    Raises
    ------
    StatsInputError
        NaN/infinite or non-positive values, zero-width CIs, CIs not containing their
        estimate, mismatched lengths or no studies.

    Examples
    --------
    >>> eff = effects_from_ratio_ci([1.5], [1.2], [1.875])
    >>> round(float(eff.sei[0]), 6)
    0.113851
    """
    est = as_vector(estimate, "estimate")
    lb = as_vector(ci_lb, "ci_lb")
    ub = as_vector(ci_ub, "ci_ub")
    _same_length({"estimate": est, "ci_lb": lb, "ci_ub": ub})
    for name, arr in (("estimate", est), ("ci_lb", lb), ("ci_ub", ub)):
        bad = arr <= 0.0
        if bad.any():
            i = _first(bad)
            raise StatsInputError(
                f"a ratio measure must be positive to be log-transformed, got {arr[i]}",
                row=i,
                field=name,
            )
    _ci_checks(est, lb, ub)
    z = float(special.ndtri(0.5 + check_level(level) / 200.0))
    sei = (np.log(ub) - np.log(lb)) / (2.0 * z)
    return GenericEffects(yi=np.log(est), vi=sei * sei, sei=sei, log_scale=True)


def effects_from_ci(
    estimate: ArrayLike, ci_lb: ArrayLike, ci_ub: ArrayLike, *, level: float = 95
) -> GenericEffects:
    """Difference-scale estimates with CIs: :math:`\\mathrm{SE}_i = (\\mathrm{ub}_i -
    \\mathrm{lb}_i)/(2 z_{1-\\alpha/2})`.

    Raises
    ------
    StatsInputError
        NaN/infinite values, zero-width CIs, CIs not containing their estimate, mismatched
        lengths or no studies.
    """
    est = as_vector(estimate, "estimate")
    lb = as_vector(ci_lb, "ci_lb")
    ub = as_vector(ci_ub, "ci_ub")
    _same_length({"estimate": est, "ci_lb": lb, "ci_ub": ub})
    _ci_checks(est, lb, ub)
    z = float(special.ndtri(0.5 + check_level(level) / 200.0))
    sei = (ub - lb) / (2.0 * z)
    return GenericEffects(yi=est, vi=sei * sei, sei=sei)


__all__ = ["GenericEffects", "effects_from_ci", "effects_from_ratio_ci", "effects_from_se"]
