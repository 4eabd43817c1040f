r"""Means and SDs from medians, quartiles and ranges (``metafor::conv.fivenum``).

Its default, ``method="luo/wan/shi"`` (metafor 4.0 and later; 3.8 has no such function), uses,
from the sample size :math:`n \ge 5` and

- **case 1** (min :math:`a`, median :math:`m`, max :math:`b`): mean by Luo et al. (2016),
  eq. 7, :math:`w = 4/(4 + n^{0.75})`, :math:`\bar x = w(a+b)/2 + (1-w)m`; SD by Wan et al.
  (2014), eq. 9, :math:`s = (b - a)/\xi`, :math:`\xi = 2\Phi^{-1}((n - 0.375)/(n + 0.25))`;
- **case 2** (quartiles :math:`q_1, q_3` and median): mean by Luo et al. eq. 11,
  :math:`w = 0.7 + 0.39/n`, :math:`\bar x = w(q_1+q_3)/2 + (1-w)m`; SD by Wan et al. eq. 16,
  :math:`s = (q_3 - q_1)/\eta`, :math:`\eta = 2\Phi^{-1}((0.75n - 0.125)/(n + 0.25))`;
- **case 3** (all five): mean by Luo et al. eq. 15, :math:`w_1 = 2.2/(2.2 + n^{0.75})`,
  :math:`w_2 = 0.7 - 0.72/n^{0.55}`, :math:`\bar x = w_1(a+b)/2 + w_2(q_1+q_3)/2 +
  (1-w_1-w_2)m`; SD by Shi et al. (2020a), eq. 10, :math:`w = 1/(1 + 0.07n^{0.6})`,
  :math:`s = w(b-a)/\xi + (1-w)(q_3-q_1)/\eta`.

The median is not needed for the SDs (a row with min/max or quartiles but no median gets an
SD and no mean). **Skewness test** (Shi et al. 2023), on by default: case 1
:math:`T = |a + b - 2m|/(b - a)` against :math:`1/\log(n + 9) + 2.5/(n + 1)`; case 2
:math:`T = |q_1 + q_3 - 2m|/(q_3 - q_1)` against :math:`2.65/\sqrt n - 6/n^2`; case 3
:math:`T = \max(2.65\log(0.6n)/\sqrt n \cdot T_1, T_2)` against :math:`3/\sqrt n - 40/n^3`. A
row with :math:`T \ge` the critical value is skewed and gets no estimate when
``test=True``.

Other methods (``method=`` one name, or a pair for the means and the SDs): ``"luo2016"``
(means as above), ``"shi2020"`` (SDs of case 3 as above); ``"wan2014"``: means
:math:`(a + 2m + b)/4`, :math:`(q_1 + m + q_3)/3`, :math:`(a + 2q_1 + 2m + 2q_3 + b)/8`, SDs
:math:`(b-a)/\xi`, :math:`(q_3-q_1)/\eta`, :math:`\tfrac12((b-a)/\xi + (q_3-q_1)/\eta)`;
``"hozo2005"`` (case 1 only): mean :math:`(a + 2m + b)/4` for :math:`n \le 25`, else
:math:`m`; SD :math:`\sqrt{((a - 2m + b)^2/4 + (b - a)^2)/12}` for :math:`n \le 15`,
:math:`(b - a)/4` for :math:`n \le 70`, else :math:`(b - a)/6`; ``"bland2015"`` (case 3
only): mean as Wan et al.'s, SD :math:`\sqrt{(a^2 + 2q_1^2 + 2m^2 + 2q_3^2 + b^2)/16 + (a q_1 +
q_1 m + m q_3 + q_3 b)/8 - (a + 2q_1 + 2m + 2q_3 + b)^2/64}`. A method without a formula for a
row's case gives NaN, as metafor.

``dist="lnorm"`` assumes log-normal data (Shi et al. 2020b): the values are log-transformed,
the SD formulas are divided by :math:`\sqrt z` with :math:`z_1 = 1.01 + 0.25/\log(n)^2`,
:math:`z_2 = 1 + 1.58/n`, :math:`z_3 = 1 + 0.28/\log(n)^2`, and with ``transf=True`` the
log-scale mean and SD are back-transformed with Shi et al.'s bias corrections.

References
----------
Luo, D., Wan, X., Liu, J., & Tong, T. (2016). *Statistical Methods in Medical Research*, 27,
1785-1805. Wan, X., Wang, W., Liu, J., & Tong, T. (2014). *BMC Medical Research Methodology*,
14, 135. Shi, J., Luo, D., Weng, H., et al. (2020a). *Research Synthesis Methods*, 11,
641-654. Shi, J., Tong, T., Wang, Y., & Genton, M. G. (2020b). *Statistics and Its
Interface*, 13, 519-531. Shi, J., Luo, D., Wan, X., et al. (2023). *Statistical Methods in
Medical Research*, 32, 1338-1360. Hozo, S. P., Djulbegovic, B., & Hozo, I. (2005). *BMC Medical
Research Methodology*, 5, 13. Bland, M. (2015). *International Journal of Statistics in
Medical Research*, 4, 57-64. metafor documentation: ``help(conv.fivenum)``.
"""

from __future__ import annotations

import builtins
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from alsatlas.errors import StatsInputError
from alsatlas.stats.escalc_common import FloatArray, check_choice
from alsatlas.stats.meta_inputs import as_float_vector

DISTS: tuple[str, ...] = ("norm", "lnorm")
#: Methods for the means and for the SDs (metafor's names; ``"luo/wan/shi"`` is the default).
MEAN_METHODS: tuple[str, ...] = ("luo/wan/shi", "luo2016", "hozo2005", "wan2014", "bland2015")
SD_METHODS: tuple[str, ...] = ("luo/wan/shi", "shi2020", "hozo2005", "wan2014", "bland2015")
METHODS_FIVENUM: tuple[str, ...] = tuple(m for m in MEAN_METHODS if m in SD_METHODS)


@dataclass(frozen=True, eq=False)
class FiveNumResult:
    """Estimated means and SDs (NaN where no estimate), with the skewness test per row:
    ``tval``, ``crit`` (NaN where no case applies) and ``sig``."""

    mean: FloatArray
    sd: FloatArray
    tval: FloatArray
    crit: FloatArray
    sig: NDArray[np.bool_]
    method: str
    dist: str


def _optional(values: ArrayLike | None, field: str, k: int | None) -> FloatArray | None:
    if values is None:
        return None
    arr = as_float_vector(values, field)
    if k is not None and arr.shape[0] != k:
        raise StatsInputError(f"has {arr.shape[0]} values, expected {k}", field=field)
    return arr


def conv_fivenum(
    *,
    n: ArrayLike,
    min: ArrayLike | None = None,
    q1: ArrayLike | None = None,
    median: ArrayLike | None = None,
    q3: ArrayLike | None = None,
    max: ArrayLike | None = None,
    method: str | tuple[str, str] = "luo/wan/shi",
    dist: str = "norm",
    transf: bool = True,
    test: bool = True,
) -> FiveNumResult:
    """Estimate means and SDs from five-number summaries (formulas in the module docstring).

    Parameters
    ----------
    n
        Sample sizes (rows with :math:`n < 5` get no estimate, as metafor).
    min, q1, median, q3, max
        The reported values; NaN (or an omitted argument) marks a value not reported.
    method
        ``"luo/wan/shi"`` (metafor's default), ``"wan2014"``, ``"hozo2005"`` or
        ``"bland2015"``, or a pair (mean method, SD method) from :data:`MEAN_METHODS` and
        :data:`SD_METHODS`.
    dist
        ``"norm"`` (default) or ``"lnorm"`` (log-normal data).
    transf
        With ``dist="lnorm"``, back-transform to the raw scale (default True).
    test
        Leave rows out whose skewness test is significant (default True).

    Raises
    ------
    StatsInputError
        Mismatched lengths, an unknown method or distribution, values out of order (``min
        <= q1 <= median <= q3 <= max``), or non-positive values with ``dist="lnorm"``.

    Examples
    --------
    >>> res = conv_fivenum(n=[20], q1=[4.0], median=[6.0], q3=[10.0])
    >>> round(float(res.mean[0]), 4), round(float(res.sd[0]), 4)
    (6.7195, 4.7871)
    """
    if isinstance(method, str):
        mean_method, sd_method = check_choice(method, METHODS_FIVENUM, "method"), method
    else:
        mean_method = check_choice(method[0], MEAN_METHODS, "method")
        sd_method = check_choice(method[1], SD_METHODS, "method")
    check_choice(dist, DISTS, "dist")
    if dist == "lnorm" and (mean_method, sd_method) != ("luo/wan/shi", "luo/wan/shi"):
        raise StatsInputError("dist='lnorm' needs method 'luo/wan/shi'", field="method")
    nn = as_float_vector(n, "n")
    k = nn.shape[0]
    given = {
        name: _optional(values, name, k)
        for name, values in (("min", min), ("q1", q1), ("median", median), ("q3", q3),
                             ("max", max))
    }  # fmt: skip
    vals = {name: (arr if arr is not None else np.full(k, np.nan)) for name, arr in given.items()}
    nn = np.where(nn < 5, np.nan, nn)
    include = np.isfinite(nn)
    for name in vals:
        vals[name] = np.where(include, vals[name], np.nan)
    mn, a1, md, a3, mx = (vals[x].copy() for x in ("min", "q1", "median", "q3", "max"))
    for i in range(k):
        row = np.array([mn[i], a1[i], md[i], a3[i], mx[i]])
        row = row[np.isfinite(row)]
        if np.any(np.diff(row) < 0):
            raise StatsInputError(
                "min <= q1 <= median <= q3 <= max does not hold", row=i, field="median"
            )
    if dist == "lnorm":
        for arr, name in ((mn, "min"), (a1, "q1"), (md, "median"), (a3, "q3"), (mx, "max")):
            bad = np.flatnonzero(np.isfinite(arr) & (arr <= 0))
            if bad.size:
                raise StatsInputError(
                    "a log-normal distribution needs positive values", row=int(bad[0]),
                    field=name,
                )  # fmt: skip
            with np.errstate(divide="ignore"):
                arr[:] = np.log(arr)
    f = np.isfinite
    case1 = f(mn) & ~f(a1) & ~f(a3) & f(mx)
    case2 = ~f(mn) & f(a1) & f(a3) & ~f(mx)
    case3 = f(mn) & f(a1) & f(a3) & f(mx)
    means = np.full(k, np.nan)
    sds = np.full(k, np.nan)
    tval = np.full(k, np.nan)
    crit = np.full(k, np.nan)
    sig = np.zeros(k, dtype=bool)
    lnorm = dist == "lnorm"
    with np.errstate(invalid="ignore", divide="ignore"):
        for i in range(k):
            n_i = float(nn[i])
            if not (case1[i] or case2[i] or case3[i]):
                continue
            xi = 2.0 * float(special.ndtri((n_i - 0.375) / (n_i + 0.25)))
            eta = 2.0 * float(special.ndtri((0.75 * n_i - 0.125) / (n_i + 0.25)))
            if case1[i]:
                t = abs((mn[i] + mx[i] - 2.0 * md[i]) / (mx[i] - mn[i]))
                c = 1.0 / math.log(n_i + 9.0) + 2.5 / (n_i + 1.0)
            elif case2[i]:
                t = abs((a1[i] + a3[i] - 2.0 * md[i]) / (a3[i] - a1[i]))
                c = 2.65 / math.sqrt(n_i) - 6.0 / n_i**2
            else:
                t = builtins.max(
                    2.65 * math.log(0.6 * n_i) / math.sqrt(n_i)
                    * abs((mn[i] + mx[i] - 2.0 * md[i]) / (mx[i] - mn[i])),
                    abs((a1[i] + a3[i] - 2.0 * md[i]) / (a3[i] - a1[i])),
                )  # fmt: skip
                c = 3.0 / math.sqrt(n_i) - 40.0 / n_i**3
            tval[i], crit[i] = t, c
            sig[i] = bool(t >= c)
            if test and sig[i]:
                continue
            if case1[i]:
                w = 4.0 / (4.0 + n_i**0.75)
                mean = w * (mn[i] + mx[i]) / 2.0 + (1.0 - w) * md[i]
                z = 1.01 + 0.25 / math.log(n_i) ** 2 if lnorm else 1.0
                sd = (mx[i] - mn[i]) / xi / math.sqrt(z)
                s4 = ((mx[i] - mn[i]) / xi) ** 4 / (1.0 + 2.23 / math.log(n_i) ** 2)
                coef = (0.565, 0.37, 2.26, 5.92, 1.48)
            elif case2[i]:
                w = 0.7 + 0.39 / n_i
                mean = w * (a1[i] + a3[i]) / 2.0 + (1.0 - w) * md[i]
                z = 1.0 + 1.58 / n_i if lnorm else 1.0
                sd = (a3[i] - a1[i]) / eta / math.sqrt(z)
                s4 = ((a3[i] - a1[i]) / eta) ** 4 / (1.0 + 19.2 / n_i**1.2)
                coef = (0.57, 0.75, 2.28, 12.0, 3.0)
            else:
                w1 = 2.2 / (2.2 + n_i**0.75)
                w2 = 0.7 - 0.72 / n_i**0.55
                mean = (
                    w1 * (mn[i] + mx[i]) / 2.0 + w2 * (a1[i] + a3[i]) / 2.0
                    + (1.0 - w1 - w2) * md[i]
                )  # fmt: skip
                w = 1.0 / (1.0 + 0.07 * n_i**0.6)
                z = 1.0 + 0.28 / math.log(n_i) ** 2 if lnorm else 1.0
                raw = w * (mx[i] - mn[i]) / xi + (1.0 - w) * (a3[i] - a1[i]) / eta
                sd = raw / math.sqrt(z)
                s4 = raw**4 / (1.0 + 3.93 / n_i)
                coef = (0.405, 0.315, 1.62, 5.04, 1.26)
            if mean_method not in ("luo/wan/shi", "luo2016"):
                mean = _other_mean(mean_method, n_i, mn[i], a1[i], md[i], a3[i], mx[i])
            if sd_method != "luo/wan/shi":
                sd = _other_sd(sd_method, n_i, mn[i], a1[i], md[i], a3[i], mx[i], xi, eta, sd)
            if lnorm and transf:
                phi = 1.0 + coef[0] * sd**2 / n_i + coef[1] * s4 / n_i
                phi_a = 1.0 + coef[2] * sd**2 / n_i + coef[3] * s4 / n_i
                phi_b = 1.0 + coef[2] * sd**2 / n_i + coef[4] * s4 / n_i
                bt_mean = math.exp(mean + sd**2 / 2.0) / phi
                bt_sd = math.sqrt(
                    math.exp(2.0 * mean + 2.0 * sd**2) / phi_a
                    - math.exp(2.0 * mean + sd**2) / phi_b
                )
                mean, sd = bt_mean, bt_sd
            means[i], sds[i] = mean, sd
    return FiveNumResult(
        mean=means,
        sd=sds,
        tval=tval,
        crit=crit,
        sig=sig,
        method=mean_method if mean_method == sd_method else f"{mean_method}, {sd_method}",
        dist=dist,
    )


def _other_mean(method: str, n: float, a: float, q1: float, m: float, q3: float, b: float) -> float:
    """Means of the methods other than Luo et al.'s (NaN where the method has no formula)."""
    f = math.isfinite
    case1 = f(a) and f(b) and not f(q1) and not f(q3)
    case2 = f(q1) and f(q3) and not f(a) and not f(b)
    if method == "hozo2005":
        return ((a + 2.0 * m + b) / 4.0 if n <= 25 else m) if case1 else math.nan
    if method == "wan2014" and case1:
        return (a + 2.0 * m + b) / 4.0
    if method == "wan2014" and case2:
        return (q1 + m + q3) / 3.0
    if not (case1 or case2):  # case 3: wan2014 and bland2015
        return (a + 2.0 * q1 + 2.0 * m + 2.0 * q3 + b) / 8.0
    return math.nan


def _other_sd(
    method: str,
    n: float,
    a: float,
    q1: float,
    m: float,
    q3: float,
    b: float,
    xi: float,
    eta: float,
    default: float,
) -> float:
    """SDs of the methods other than Wan et al.'s / Shi et al.'s defaults."""
    f = math.isfinite
    case1 = f(a) and f(b) and not f(q1) and not f(q3)
    case2 = f(q1) and f(q3) and not f(a) and not f(b)
    case3 = not (case1 or case2)
    if method == "shi2020":
        return default if case3 else math.nan
    if method == "wan2014":
        return 0.5 * ((b - a) / xi + (q3 - q1) / eta) if case3 else default
    if method == "hozo2005":
        if not case1:
            return math.nan
        if n <= 15:
            return math.sqrt(((a - 2.0 * m + b) ** 2 / 4.0 + (b - a) ** 2) / 12.0)
        return (b - a) / 4.0 if n <= 70 else (b - a) / 6.0
    if case3:  # bland2015
        return math.sqrt(
            (a**2 + 2.0 * q1**2 + 2.0 * m**2 + 2.0 * q3**2 + b**2) / 16.0
            + (a * q1 + q1 * m + m * q3 + q3 * b) / 8.0
            - (a + 2.0 * q1 + 2.0 * m + 2.0 * q3 + b) ** 2 / 64.0
        )
    return math.nan


__all__ = [
    "DISTS",
    "MEAN_METHODS",
    "METHODS_FIVENUM",
    "SD_METHODS",
    "FiveNumResult",
    "conv_fivenum",
]
