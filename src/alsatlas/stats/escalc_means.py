r"""Effect sizes of two groups' means: ``MD``, ``SMD`` (Hedges' g), ``SMDH`` and ``ROM``.

Group :math:`j` has mean :math:`m_j`, standard deviation :math:`s_j` and size :math:`n_j`;
:math:`n = n_1 + n_2`, :math:`m = n - 2` and the pooled SD is
:math:`s_p = \sqrt{((n_1-1)s_1^2 + (n_2-1)s_2^2)/m}`. As ``metafor::escalc`` (3.8):

``MD`` (raw mean difference)
    :math:`y = m_1 - m_2`; ``vtype="LS"``/``"UB"``: :math:`v = s_1^2/n_1 + s_2^2/n_2`;
    ``"HO"`` (equal variances): :math:`v = s_p^2 (1/n_1 + 1/n_2)`.
``SMD`` (Hedges' g; metafor's default ``vtype="LS"``, the same in metafor 3.8 to 5.1)
    :math:`d = (m_1 - m_2)/s_p` and :math:`y = c(m)\,d` with the exact bias correction
    :math:`c(m) = \Gamma(m/2) / (\sqrt{m/2}\,\Gamma((m-1)/2))` (Hedges 1981), not its
    approximation :math:`1 - 3/(4m - 1)`. Variances: ``"LS"`` (default)
    :math:`1/n_1 + 1/n_2 + y^2/(2n)`; ``"UB"`` (unbiased)
    :math:`1/n_1 + 1/n_2 + (1 - (m-2)/(m\,c(m)^2))\,y^2`; ``"LS2"``
    :math:`c(m)^2 (1/n_1 + 1/n_2 + d^2/(2n))`; ``"AV"`` uses the sample-size weighted mean
    :math:`\bar y` of all rows in place of :math:`y` in ``"LS"``.
``SMDH`` (SMD with heteroscedastic variances; Bonett 2009)
    :math:`s_h = \sqrt{(s_1^2 + s_2^2)/2}`, :math:`y = c(m)(m_1 - m_2)/s_h`; ``"LS"``:
    :math:`v = c(m)^2 [\,y^2 (s_1^4/(n_1-1) + s_2^4/(n_2-1)) / (2(s_1^2+s_2^2)^2) +
    (s_1^2/(n_1-1) + s_2^2/(n_2-1))/s_h^2\,]`; ``"LS2"``:
    :math:`v = y^2 (s_1^2/n_1 + s_2^2/n_2)/(2(s_1^2+s_2^2)^2) + 2(s_1^2/n_1 + s_2^2/n_2)/
    (s_1^2+s_2^2)`.
``ROM`` (log ratio of means, "response ratio"; Hedges, Gurevitch & Curtis 1999)
    :math:`y = \log(m_1/m_2)`; ``"LS"``: :math:`v = s_1^2/(n_1 m_1^2) + s_2^2/(n_2 m_2^2)`;
    ``"HO"``: :math:`s_p` in place of both SDs; ``"AV"``: each group's coefficient of
    variation replaced by its :math:`n`-weighted mean over rows; ``"AVHO"``: one
    :math:`n`-weighted mean CV over both groups, :math:`v = \overline{cv}^2 (1/n_1 + 1/n_2)`.

References
----------
Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size and related
estimators. *Journal of Educational Statistics*, 6, 107-128.
Bonett, D. G. (2009). Meta-analytic interval estimation for standardized and unstandardized
mean differences. *Psychological Methods*, 14, 225-238.
Hedges, L. V., Gurevitch, J., & Curtis, P. S. (1999). The meta-analysis of response ratios
in experimental ecology. *Ecology*, 80, 1150-1156.
metafor 3.8 documentation: ``help(escalc)``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import gammaln

from alsatlas.errors import StatsInputError
from alsatlas.stats.escalc_common import (
    EffectSizes,
    FloatArray,
    check_choice,
    finish,
    require,
    vector,
    weighted_mean,
)

#: Measures of two groups' means, with metafor's names.
MEASURES_MEANS: tuple[str, ...] = ("MD", "SMD", "SMDH", "ROM")
#: Variance types each measure accepts (the first is metafor's default).
VTYPES_MEANS: dict[str, tuple[str, ...]] = {
    "MD": ("LS", "UB", "HO"),
    "SMD": ("LS", "UB", "LS2", "AV"),
    "SMDH": ("LS", "LS2"),
    "ROM": ("LS", "HO", "AV", "AVHO"),
}


def hedges_correction(m: ArrayLike) -> FloatArray:
    r"""Exact small-sample correction :math:`c(m) = \Gamma(m/2)/(\sqrt{m/2}\,\Gamma((m-1)/2))`
    (Hedges 1981), NaN for :math:`m \le 1` (metafor's ``.cmicalc``)."""
    mm = np.asarray(m, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.exp(gammaln(mm / 2.0) - 0.5 * np.log(mm / 2.0) - gammaln((mm - 1.0) / 2.0))
    return np.where(mm > 1.0, c, np.nan)


def escalc_means(
    measure: str,
    m1i: ArrayLike,
    sd1i: ArrayLike,
    n1i: ArrayLike,
    m2i: ArrayLike,
    sd2i: ArrayLike,
    n2i: ArrayLike,
    *,
    vtype: str = "LS",
) -> EffectSizes:
    """Effect sizes of two groups' means and SDs, as ``metafor::escalc`` (formulas above).

    Parameters
    ----------
    measure
        ``"MD"``, ``"SMD"``, ``"SMDH"`` or ``"ROM"``.
    m1i, sd1i, n1i, m2i, sd2i, n2i
        Means, standard deviations and sizes of group 1 and group 2.
    vtype
        Variance formula (see :data:`VTYPES_MEANS`; default ``"LS"``, metafor's).

    Raises
    ------
    StatsInputError
        Unknown measure or vtype, mismatched lengths, negative SDs, group sizes not above 0
        (``SMD``/``SMDH`` need :math:`n_1 + n_2 > 3`), means not positive for ``ROM``, or an
        undefined result; the message names the row (0-based).

    Examples
    --------
    >>> es = escalc_means("SMD", [10.0], [2.0], [20], [8.0], [2.5], [22])
    >>> round(float(es.yi[0]), 6), round(float(es.vi[0]), 6)
    (0.862048, 0.104301)
    """
    check_choice(measure, MEASURES_MEANS, "measure")
    check_choice(vtype, VTYPES_MEANS[measure], "vtype")
    m1 = vector(m1i, "m1i")
    k = m1.shape[0]
    s1 = vector(sd1i, "sd1i", k)
    n1 = vector(n1i, "n1i", k)
    m2 = vector(m2i, "m2i", k)
    s2 = vector(sd2i, "sd2i", k)
    n2 = vector(n2i, "n2i", k)
    require(s1 >= 0, "standard deviation must not be negative", "sd1i")
    require(s2 >= 0, "standard deviation must not be negative", "sd2i")
    require(n1 > 0, "group size must be positive", "n1i")
    require(n2 > 0, "group size must be positive", "n2i")
    n = n1 + n2
    df = n - 2.0
    with np.errstate(all="ignore"):
        sdp = np.sqrt(((n1 - 1.0) * s1**2 + (n2 - 1.0) * s2**2) / df)
        if measure == "MD":
            yi = m1 - m2
            vi = sdp**2 * (1.0 / n1 + 1.0 / n2) if vtype == "HO" else s1**2 / n1 + s2**2 / n2
        elif measure == "SMD":
            require(df > 1, "SMD needs n1i + n2i > 3", "n1i")
            c = hedges_correction(df)
            d = (m1 - m2) / sdp
            yi = c * d
            base = 1.0 / n1 + 1.0 / n2
            if vtype == "LS":
                vi = base + yi**2 / (2.0 * n)
            elif vtype == "UB":
                vi = base + (1.0 - (df - 2.0) / (df * c**2)) * yi**2
            elif vtype == "LS2":
                vi = c**2 * (base + d**2 / (2.0 * n))
            else:
                vi = base + weighted_mean(yi, n) ** 2 / (2.0 * n)
        elif measure == "SMDH":
            require(df > 1, "SMDH needs n1i + n2i > 3", "n1i")
            c = hedges_correction(df)
            ssum = s1**2 + s2**2
            yi = c * (m1 - m2) / np.sqrt(ssum / 2.0)
            if vtype == "LS":
                vi = c**2 * (
                    yi**2 * (s1**4 / (n1 - 1.0) + s2**4 / (n2 - 1.0)) / (2.0 * ssum**2)
                    + (s1**2 / (n1 - 1.0) + s2**2 / (n2 - 1.0)) / (ssum / 2.0)
                )
            else:
                vi = (
                    yi**2 * s1**2 / (2.0 * n1 * ssum**2)
                    + yi**2 * s2**2 / (2.0 * n2 * ssum**2)
                    + 2.0 * s1**2 / (n1 * ssum)
                    + 2.0 * s2**2 / (n2 * ssum)
                )
        else:
            require(m1 > 0, "ROM needs positive means", "m1i")
            require(m2 > 0, "ROM needs positive means", "m2i")
            yi = np.log(m1 / m2)
            cv1 = s1 / m1
            cv2 = s2 / m2
            if vtype == "LS":
                vi = cv1**2 / n1 + cv2**2 / n2
            elif vtype == "HO":
                vi = sdp**2 / (n1 * m1**2) + sdp**2 / (n2 * m2**2)
            elif vtype == "AV":
                vi = weighted_mean(cv1, n1) ** 2 / n1 + weighted_mean(cv2, n2) ** 2 / n2
            else:
                cv = (np.sum(n1 * cv1) + np.sum(n2 * cv2)) / np.sum(n1 + n2)
                vi = cv**2 * (1.0 / n1 + 1.0 / n2)
    if not np.all(np.isfinite(vi)) and measure in ("MD", "ROM"):
        raise StatsInputError(
            f"{measure} with vtype {vtype!r} needs group sizes above 1",
            row=int(np.flatnonzero(~np.isfinite(vi))[0]),
            field="n1i",
        )
    return finish(yi, vi, measure, np.zeros(k, dtype=bool), "m1i")


__all__ = ["MEASURES_MEANS", "VTYPES_MEANS", "escalc_means", "hedges_correction"]
