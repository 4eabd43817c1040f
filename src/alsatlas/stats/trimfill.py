r"""Duval and Tweedie's trim-and-fill method (``metafor::trimfill``, estimators L0, R0, Q0).

The algorithm, as metafor 3.8 runs it for a model without moderators:

1. **Side.** Unless given, the missing studies are assumed on the side opposite to the
   asymmetry: the regression of :math:`y_i` on :math:`\sqrt{v_i}` (the model's τ² estimator)
   has slope :math:`\hat\beta_1`; missing studies are on the ``"right"`` when
   :math:`\hat\beta_1 < 0`, else on the ``"left"``. For ``"right"`` the :math:`y_i` are
   negated so that the studies to trim are always the largest.
2. **Iterate** until :math:`k_0` no longer changes (at most ``maxiter`` times): fit the model
   to the :math:`k - k_0` smallest :math:`y_i`, centre all :math:`y_i` at its estimate
   :math:`\hat\theta`, rank :math:`|y_i - \hat\theta|` (ties by order) and sign the ranks
   :math:`r_i`. With :math:`S_r = \sum_{r_i > 0} r_i` and :math:`\gamma^*` the length of the
   rightmost run of positive ranks,

   .. math::
       L_0 = \frac{4 S_r - k(k+1)}{2k - 1}, \qquad
       R_0 = \gamma^* - 1 = k - \max_{r_i<0}|r_i| - 1, \qquad
       Q_0 = k - \tfrac12 - \sqrt{2k^2 - 4S_r + \tfrac14},

   rounded (half to even, as R) and truncated at 0.
3. **Fill** the :math:`k_0` largest studies mirrored about :math:`\hat\theta`,
   :math:`2\hat\theta - y_i` with the same :math:`v_i`, and refit the model to the
   :math:`k + k_0` studies.

Standard errors of :math:`k_0` (Duval & Tweedie 2000b):
:math:`\mathrm{se}(L_0) = 4\sqrt{\mathrm{Var}(S_r)}/(2k-1)` with
:math:`\mathrm{Var}(S_r) = \{k(k+1)(2k+1) + 10L_0^3 + 27L_0^2 + 17L_0 - 18kL_0^2 - 18kL_0 +
6k^2L_0\}/24` (at the unrounded :math:`L_0`), :math:`\mathrm{se}(R_0) = \sqrt{2R_0 + 2}`,
and :math:`\mathrm{se}(Q_0) = 2\sqrt{\mathrm{Var}(S_r)}/\sqrt{(k-\tfrac12)^2 - Q_0(2k - Q_0 -
1)}` with :math:`\mathrm{Var}(S_r)` at the unrounded :math:`Q_0` (Duval & Tweedie 2000b;
metafor's formulas).
For R0 metafor also reports :math:`p = 0.5^{k_0 + 1}`, the probability of :math:`R_0 \ge k_0`
under no missing studies.

References
----------
Duval, S., & Tweedie, R. (2000a). A nonparametric "trim and fill" method of accounting for
publication bias in meta-analysis. *Journal of the American Statistical Association*, 95,
89-98.
Duval, S., & Tweedie, R. (2000b). Trim and fill: a simple funnel-plot-based method of testing
and adjusting for publication bias in meta-analysis. *Biometrics*, 56, 455-463.
metafor 3.8 documentation and source: ``help(trimfill)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from alsatlas.errors import StatsInputError
from alsatlas.stats.meta_inputs import FloatArray, check_meta_inputs
from alsatlas.stats.rma import RMAResult, fit_rma

ESTIMATORS: tuple[str, ...] = ("L0", "R0", "Q0")
SIDES: tuple[str, ...] = ("left", "right")


@dataclass(frozen=True, eq=False)
class TrimFillResult:
    """Result of :func:`trimfill`.

    Attributes
    ----------
    k0
        Estimated number of missing studies.
    se_k0
        Its standard error.
    side
        ``"left"`` or ``"right"``: where the missing studies were imputed.
    estimator
        ``"L0"`` or ``"R0"``.
    p_k0
        For R0, the p-value of the test that no studies are missing; None for L0.
    yi, vi
        Observed studies (input order) followed by the filled ones.
    fill
        Boolean mask over ``yi``: True for filled studies.
    fit
        The model refitted to observed and filled studies (the original model when
        ``k0 == 0``).
    iterations
        Iterations of the trim step.
    """

    k0: int
    se_k0: float
    side: str
    estimator: str
    p_k0: float | None
    yi: FloatArray
    vi: FloatArray
    fill: NDArray[np.bool_]
    fit: RMAResult
    iterations: int

    @property
    def estimate(self) -> float:
        """Pooled estimate after filling."""
        return self.fit.estimate


def _ranks_first(values: FloatArray) -> FloatArray:
    """R's ``rank(values, ties.method = "first")``."""
    order = np.argsort(values, kind="stable")
    ranks = np.empty(values.shape[0])
    ranks[order] = np.arange(1, values.shape[0] + 1)
    return ranks


def _fit(yi: FloatArray, vi: FloatArray, method: str, test: str, level: float) -> RMAResult:
    inputs = check_meta_inputs(yi, vi, method=method, test=test)
    return fit_rma(
        inputs.yi, inputs.vi, inputs.X, method=method, test=test, level=level, weights=None
    )


def trimfill(
    yi: ArrayLike,
    vi: ArrayLike,
    *,
    method: str = "REML",
    test: str = "z",
    estimator: str = "L0",
    side: str | None = None,
    level: float = 95,
    maxiter: int = 100,
) -> TrimFillResult:
    """Trim-and-fill analysis (algorithm in the module docstring).

    Parameters
    ----------
    yi, vi
        Effect sizes and sampling variances of the observed studies.
    method
        τ² estimator used in every fit (the model's own, as metafor; default REML).
    test
        Test of the refitted model (``"z"`` default, ``"t"``, ``"knha"``).
    estimator
        ``"L0"`` (default), ``"R0"`` or ``"Q0"``.
    side
        ``"left"`` or ``"right"``; chosen from the sign of the Egger-type slope when None.
    level
        Confidence level of the refitted model, in percent.
    maxiter
        Cap on the trim iterations.

    Returns
    -------
    TrimFillResult

    Raises
    ------
    StatsInputError
        Bad ``yi``/``vi``, an unknown estimator or side, fewer than 3 studies, no
        convergence within ``maxiter``, or an R0 or Q0 estimate that is undefined (no study
        below the centre; a negative root for Q0).
    """
    if estimator not in ESTIMATORS:
        raise StatsInputError(
            f"unknown estimator {estimator!r}; choose one of {', '.join(ESTIMATORS)}",
            field="estimator",
        )
    if side is not None and side not in SIDES:
        raise StatsInputError(f"side must be 'left' or 'right', got {side!r}", field="side")
    inputs = check_meta_inputs(yi, vi, method=method, test=test)
    y0, v0 = inputs.yi, inputs.vi
    k = y0.shape[0]
    if k < 3:
        raise StatsInputError(f"trim and fill needs at least 3 studies, got k = {k}", field="yi")
    original = fit_rma(y0, v0, inputs.X, method=method, test=test, level=level, weights=None)
    if side is None:
        slope_fit = fit_rma(
            y0,
            v0,
            np.column_stack([np.ones(k), np.sqrt(v0)]),
            method=method,
            test="z",
            level=level,
            weights=None,
        )
        side = "right" if slope_fit.beta[1] < 0 else "left"
    y = -y0 if side == "right" else y0.copy()
    order = np.argsort(y, kind="stable")
    y = y[order]
    v = v0[order]

    k0, k0_prev, iterations = 0, -1, 0
    se_k0 = math.nan
    beta = math.nan
    while k0 != k0_prev:
        k0_prev = k0
        iterations += 1
        if iterations > maxiter:
            raise StatsInputError(
                f"the trim-and-fill algorithm did not converge in {maxiter} iterations",
                field="maxiter",
            )
        # metafor fits a single remaining study too: its estimate is that study's y
        beta = (
            float(y[0])
            if k - k0 == 1
            else _fit(y[: k - k0], v[: k - k0], method, "z", level).estimate
        )
        centred = y - beta
        signed = np.sign(centred) * _ranks_first(np.abs(centred))
        if estimator == "R0":
            negative = signed[signed < 0]
            if negative.size == 0:
                raise StatsInputError(
                    "R0 is undefined: no study lies below the trimmed estimate", field="estimator"
                )
            k0_raw = float(k - np.max(-negative) - 1)
            se_k0 = math.sqrt(2.0 * max(0.0, k0_raw) + 2.0)
        else:
            s_r = float(np.sum(signed[signed > 0]))
            if estimator == "L0":
                k0_raw = (4.0 * s_r - k * (k + 1)) / (2.0 * k - 1.0)
            else:
                radicand = 2.0 * k * k - 4.0 * s_r + 0.25
                if radicand < 0:
                    raise StatsInputError(
                        "Q0 is undefined for these data (negative root); use L0 or R0",
                        field="estimator",
                    )
                k0_raw = k - 0.5 - math.sqrt(radicand)
            var_sr = (
                k * (k + 1) * (2 * k + 1)
                + 10 * k0_raw**3
                + 27 * k0_raw**2
                + 17 * k0_raw
                - 18 * k * k0_raw**2
                - 18 * k * k0_raw
                + 6 * k**2 * k0_raw
            ) / 24.0
            if estimator == "L0":
                se_k0 = 4.0 * math.sqrt(var_sr) / (2.0 * k - 1.0) if var_sr >= 0 else math.nan
            else:
                denom = (k - 0.5) ** 2 - k0_raw * (2.0 * k - k0_raw - 1.0)
                se_k0 = (
                    2.0 * math.sqrt(var_sr) / math.sqrt(denom)
                    if var_sr >= 0 and denom > 0
                    else math.nan
                )
        k0 = max(0, round(k0_raw))
        se_k0 = max(0.0, se_k0) if not math.isnan(se_k0) else se_k0

    p_k0 = 0.5 ** (k0 + 1) if estimator == "R0" else None
    if k0 > 0:
        theta = -beta if side == "right" else beta
        mirrored = y[k - k0 :]
        filled_y = 2.0 * theta - (-mirrored if side == "right" else mirrored)
        yi_all = np.concatenate([y0, filled_y])
        vi_all = np.concatenate([v0, v[k - k0 :]])
        fit = _fit(yi_all, vi_all, method, test, level)
    else:
        yi_all, vi_all, fit = y0, v0, original
    fill = np.concatenate([np.zeros(k, dtype=bool), np.ones(k0, dtype=bool)])
    return TrimFillResult(
        k0=int(k0),
        se_k0=float(se_k0),
        side=side,
        estimator=estimator,
        p_k0=p_k0,
        yi=yi_all,
        vi=vi_all,
        fill=fill,
        fit=fit,
        iterations=iterations,
    )


__all__ = ["ESTIMATORS", "SIDES", "TrimFillResult", "trimfill"]
