r"""Baujat plot coordinates (``metafor::baujat``): each study's contribution to the
heterogeneity against its influence on the fitted value.

For study :math:`i` of a fitted model with estimate :math:`\hat\beta`, τ² estimate
:math:`\hat\tau^2` and covariates :math:`x_i`:

.. math::
    x_i = \frac{(y_i - x_i'\hat\beta)^2}{v_i + \hat\tau^2}, \qquad
    y_i = \frac{(x_i'\hat\beta_{(-i)} - x_i'\hat\beta)^2}{x_i' V_{(-i)} x_i},

where :math:`\hat\beta_{(-i)}` and its covariance :math:`V_{(-i)}` come from the model refitted
without study :math:`i` (same τ² estimator, re-estimated, same test). For an equal-effects
intercept-only model :math:`\sum_i x_i = Q`, Cochran's Q (Baujat et al. 2002); otherwise
:math:`x_i` is the squared Pearson residual, as metafor labels it. A study whose refit fails
(too few studies left, or a singular design) gets NaN for :math:`y_i`.

References
----------
Baujat, B., Mahé, C., Pignon, J.-P., & Hill, C. (2002). A graphical method for exploring
heterogeneity in meta-analyses: application to a meta-analysis of 65 trials. *Statistics in
Medicine*, 21, 2641-2652. metafor 3.8: ``help(baujat)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alsatlas.errors import StatsInputError
from alsatlas.stats.batch import rma_batch
from alsatlas.stats.meta_inputs import FloatArray
from alsatlas.stats.rma import RMAResult, fit_rma

#: Rows per batch of leave-one-out refits (bounds memory at about CHUNK_ROWS x k floats).
CHUNK_ROWS = 256


@dataclass(frozen=True, eq=False)
class BaujatPoints:
    """Coordinates of a Baujat plot, one entry per study.

    Attributes
    ----------
    x
        Contribution to the (residual) heterogeneity: squared Pearson residual.
    y
        Influence on the fitted value (NaN where the refit without the study fails).
    equal_effects
        The model has no τ² (``EE``/``FE``): ``x`` then sums to Cochran's Q.
    """

    x: FloatArray
    y: FloatArray
    equal_effects: bool


def _deleted_predictions(fit: RMAResult) -> tuple[FloatArray, FloatArray]:
    """:math:`x_i'\\hat\\beta_{(-i)}` and :math:`x_i'V_{(-i)}x_i` for every study."""
    k = fit.k
    pred = np.full(k, np.nan)
    var = np.full(k, np.nan)
    if fit.p == 1 and fit.user_weights is None and k >= 3 and np.all(fit.X[:, 0] == 1.0):
        for start in range(0, k, CHUNK_ROWS):
            stop = min(start + CHUNK_ROWS, k)
            rows = np.arange(start, stop)
            mask = np.ones((stop - start, k), dtype=bool)
            mask[np.arange(stop - start), rows] = False
            y = np.broadcast_to(fit.yi, mask.shape)
            v = np.broadcast_to(fit.vi, mask.shape)
            batch = rma_batch(
                y, v, method=fit.method, test=fit.test, level=fit.level, mask=mask, confint=False
            )
            pred[start:stop] = batch.estimate
            var[start:stop] = batch.se**2
        return pred, var
    keep = np.ones(k, dtype=bool)
    for i in range(k):
        keep[i] = False
        try:
            res = fit_rma(
                fit.yi[keep],
                fit.vi[keep],
                fit.X[keep],
                method=fit.method,
                test=fit.test,
                level=fit.level,
                weights=None if fit.user_weights is None else fit.user_weights[keep],
            )
        except (StatsInputError, np.linalg.LinAlgError):
            pass
        else:
            xi = fit.X[i]
            pred[i] = float(xi @ res.beta)
            var[i] = float(xi @ res.vb @ xi)
        keep[i] = True
    return pred, var


def baujat_points(fit: RMAResult) -> BaujatPoints:
    """Baujat plot coordinates of a fitted model (see the module docstring).

    Parameters
    ----------
    fit
        A model from :func:`alsatlas.stats.rma` (moderators and user weights allowed).

    Returns
    -------
    BaujatPoints
    """
    fitted = fit.X @ fit.beta
    x = (fit.yi - fitted) ** 2 / (fit.tau2 + fit.vi)
    pred, var = _deleted_predictions(fit)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = (pred - fitted) ** 2 / var
    return BaujatPoints(x=x, y=y, equal_effects=fit.method in ("EE", "FE"))


__all__ = ["BaujatPoints", "baujat_points"]
