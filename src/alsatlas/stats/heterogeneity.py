r"""Heterogeneity statistics of a (mixed-effects) meta-analysis: Q, I², H².

With :math:`w_i = 1/v_i` and :math:`P = W - WX(X'WX)^{-1}X'W`:

- Cochran's :math:`Q_E = y'Py`, referred to :math:`\chi^2_{k-p}`;
- the "typical" sampling variance :math:`\tilde v = (k-p)/\mathrm{tr}(P)` (Higgins &
  Thompson 2002, generalised to meta-regression as in metafor);
- for random/mixed-effects models
  :math:`I^2 = 100\,\hat\tau^2/(\tilde v + \hat\tau^2)` and
  :math:`H^2 = \hat\tau^2/\tilde v + 1`;
- for equal-effects models :math:`I^2 = \max(0, 100 (Q_E - (k-p))/Q_E)` and
  :math:`H^2 = Q_E/(k-p)`.

When :math:`k = p` there are no residual degrees of freedom and metafor reports
:math:`Q_E = 0`, :math:`p = 1`, :math:`I^2 = 0`, :math:`H^2 = 1`.

References
----------
Higgins, J. P. T., & Thompson, S. G. (2002). Quantifying heterogeneity in a meta-analysis.
*Statistics in Medicine*, 21, 1539-1558. metafor documentation: ``help(print.rma.uni)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from scipy import special

from alsatlas.stats.meta_inputs import FloatArray
from alsatlas.stats.tau2 import Projector


@dataclass(frozen=True)
class Heterogeneity:
    """Q test, typical within-study variance, I² (percent) and H²."""

    QE: float
    QEp: float
    df: int
    vt: float
    I2: float
    H2: float


def typical_variance(vi: FloatArray, X: FloatArray) -> float:
    r"""Return :math:`\tilde v = (k-p)/\mathrm{tr}(P_{1/v})` (0 when k = p)."""
    k, p = int(X.shape[0]), int(X.shape[1])
    if k <= p:
        return 0.0
    return (k - p) / Projector(1.0 / vi, X).tr()


def heterogeneity(
    yi: FloatArray, vi: FloatArray, X: FloatArray, tau2: float, *, equal_effects: bool
) -> Heterogeneity:
    """Compute :math:`Q_E`, its p-value, :math:`\\tilde v`, I² and H² as metafor does.

    Parameters
    ----------
    yi, vi, X
        Effect sizes, sampling variances, design matrix.
    tau2
        The model's τ² estimate (ignored for equal-effects models).
    equal_effects
        True for ``EE``/``FE`` models, whose I² and H² come from Q.
    """
    k, p = int(X.shape[0]), int(X.shape[1])
    df = k - p
    if df <= 0:
        return Heterogeneity(QE=0.0, QEp=1.0, df=0, vt=0.0, I2=0.0, H2=1.0)
    w = 1.0 / vi
    if p == 1:  # one column x: Q = sum w r^2, tr(P) = sum w - sum (w x)^2 / sum w x^2
        x = X[:, 0]
        wx = w * x
        sxx = float(wx @ x)
        resid = yi - x * (float(wx @ yi) / sxx)
        qe = max(0.0, float((w * resid) @ resid))
        trP = float(w.sum()) - float(wx @ wx) / sxx
    else:
        proj = Projector(w, X)
        qe = max(0.0, proj.quad(yi))
        trP = proj.tr()
    qep = float(special.chdtrc(df, qe))
    vt = df / trP
    if equal_effects:
        i2 = max(0.0, 100.0 * (qe - df) / qe) if qe > 0 else 0.0
        h2 = qe / df
    else:
        i2 = 100.0 * tau2 / (vt + tau2)
        h2 = tau2 / vt + 1.0
    return Heterogeneity(QE=qe, QEp=qep, df=df, vt=vt, I2=i2, H2=h2)


__all__ = ["Heterogeneity", "heterogeneity", "typical_variance"]
