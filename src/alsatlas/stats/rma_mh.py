r"""Mantel-Haenszel and Peto pooling of 2×2 tables (``metafor::rma.mh``, ``metafor::rma.peto``).

Table :math:`i` has cells :math:`a, b, c, d`, group sizes :math:`n_1 = a + b`,
:math:`n_2 = c + d`, total :math:`N`, event total :math:`x = a + c`, non-event total
:math:`y = b + d`. As metafor 3.8:

**Odds ratio** (Mantel & Haenszel 1959; variance of Robins, Breslow & Greenland 1986):
:math:`R_i = a d/N`, :math:`S_i = b c/N`, :math:`P_i = (a + d)/N`, :math:`Q_i = (b + c)/N`,
:math:`\hat\theta = \log(\sum R_i/\sum S_i)` and

.. math::
    \mathrm{Var}(\hat\theta) = \frac12\Big(\frac{\sum P_i R_i}{R^2} +
    \frac{\sum (P_i S_i + Q_i R_i)}{R S} + \frac{\sum Q_i S_i}{S^2}\Big).

Tests for the OR: Cochran's :math:`\chi^2` (``CO``) and the Cochran-Mantel-Haenszel test
(``MH``), :math:`(|\sum (a - n_1 x/N)| - \tfrac12)^2 / \sum n_1 n_2 x y / (N^2 D)` with
:math:`D = N` (``CO``) or :math:`N - 1` (``MH``), the 1/2 only with ``correct=True``;
Breslow-Day's test of homogeneity (``BD``), with :math:`\hat N_{11}` the root of the
quadratic that makes table :math:`i`'s odds ratio equal to :math:`e^{\hat\theta}`,
:math:`\mathrm{BD} = \sum (a - \hat N_{11})^2 / (1/\hat N_{11} + 1/\hat N_{12} + 1/\hat N_{21} +
1/\hat N_{22})^{-1}` over tables with :math:`\hat N_{11} > 0` and both totals positive, and
Tarone's correction :math:`\mathrm{TA} = \mathrm{BD} - (\sum (a - \hat N_{11}))^2/\sum V_i`
(Tarone 1985), both :math:`\chi^2_{k'-1}`.

**Risk ratio** (Greenland & Robins 1985): :math:`\hat\theta = \log(\sum a n_2/N / \sum c
n_1/N)`, :math:`\mathrm{Var} = \sum (n_1 n_2 x/N^2 - a c/N) / (R S)`.

**Risk difference** (Greenland & Robins 1985; variance of Sato, Greenland & Robins 1989):
:math:`\hat\theta = \sum (a n_2 - c n_1)/N / \sum n_1 n_2/N` and
:math:`\mathrm{Var} = [\hat\theta \sum (c (n_1/N)^2 - a (n_2/N)^2 + n_1 n_2 (n_2 - n_1)/(2N^2))
+ \sum (a (n_2 - c) + c (n_1 - a))/(2N)] / (\sum n_1 n_2/N)^2`.

**Incidence rate ratio** (person-times :math:`t_1, t_2`, :math:`T = t_1 + t_2`):
:math:`\hat\theta = \log(\sum x_1 t_2/T / \sum x_2 t_1/T)`,
:math:`\mathrm{Var} = \sum t_1 t_2 (x_1 + x_2)/T^2 / (R S)` and the MH test
:math:`(|\sum (x_1 - x t_1/T)| - \tfrac12)^2 / \sum x t_1 t_2/T^2`.

**Peto** (Yusuf et al. 1985): :math:`E_i = x n_1/N`, :math:`V_i = x y n_1 n_2/(N^2 (N-1))`,
:math:`\hat\theta = \sum (a - E_i)/\sum V_i`, :math:`\mathrm{Var} = 1/\sum V_i`, and
:math:`Q = \sum (a - E_i)^2/V_i - (\sum (a - E_i))^2/\sum V_i` over tables with
:math:`V_i > 0`.

Heterogeneity (``MH``): :math:`Q = \sum (y_i - \hat\theta)^2/v_i` over the tables' own effect
sizes (``escalc`` of the measure), :math:`I^2 = 100\max(0, (Q - (k-1))/Q)`,
:math:`H^2 = Q/(k-1)`.

**Zero cells**, as metafor: ``add``, ``to`` and ``drop00`` are pairs; the first element
applies to the tables' effect sizes used for :math:`Q` (default ``1/2``, ``"only0"``, drop
tables without events or non-events in both groups), the second to the pooled estimate
(default ``0``, ``"none"``, no table dropped).

References
----------
Mantel, N., & Haenszel, W. (1959). *Journal of the National Cancer Institute*, 22, 719-748.
Robins, J., Breslow, N., & Greenland, S. (1986). *Biometrics*, 42, 311-323.
Greenland, S., & Robins, J. M. (1985). *Biometrics*, 41, 55-68.
Sato, T., Greenland, S., & Robins, J. M. (1989). *Biometrics*, 45, 1323-1324.
Breslow, N. E., & Day, N. E. (1980). *Statistical Methods in Cancer Research, Vol. I*. IARC.
Tarone, R. E. (1985). *Biometrika*, 72, 91-95.
Yusuf, S., Peto, R., Lewis, J., Collins, R., & Sleight, P. (1985). *Progress in
Cardiovascular Diseases*, 27, 335-371.
metafor 3.8 documentation: ``help(rma.mh)``, ``help(rma.peto)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from alsatlas.errors import StatsInputError
from alsatlas.stats.escalc import table_cells, table_effects
from alsatlas.stats.escalc_common import (
    BoolArray,
    FloatArray,
    check_add,
    check_choice,
    correction_mask,
    require,
    vector,
)
from alsatlas.stats.escalc_counts import escalc_irr
from alsatlas.stats.inference import critical_value
from alsatlas.stats.meta_inputs import check_level

#: Measures of :func:`rma_mh`.
MEASURES_MH: tuple[str, ...] = ("OR", "RR", "RD", "IRR")

NAN = math.nan


@dataclass(frozen=True, eq=False)
class TablesPoolResult:
    """Result of :func:`rma_mh` or :func:`rma_peto` (metafor's field names).

    ``beta`` is on the analysis scale (log for OR, RR, IRR and PETO). The tests are NaN where
    they do not apply (``BD``/``TA``/``CO`` other than for the OR; ``MH`` other than for the
    OR and the IRR) or cannot be computed.
    """

    method: str
    measure: str
    k: int
    k_yi: int
    beta: float
    se: float
    zval: float
    pval: float
    ci_lb: float
    ci_ub: float
    QE: float
    QEp: float
    I2: float
    H2: float
    CO: float
    COp: float
    MH: float
    MHp: float
    BD: float
    BDp: float
    TA: float
    TAp: float
    k_pos: int
    yi: FloatArray
    vi: FloatArray
    level: float

    @property
    def estimate(self) -> float:
        """The pooled estimate (analysis scale)."""
        return self.beta

    def to_dict(self) -> dict[str, Any]:
        """Plain fields for JSON."""
        out: dict[str, Any] = {
            name: getattr(self, name)
            for name in ("method", "measure", "k", "k_yi", "beta", "se", "zval", "pval",
                         "ci_lb", "ci_ub", "QE", "QEp", "I2", "H2", "level")
        }  # fmt: skip
        tests = ("CO", "COp", "MH", "MHp", "BD", "BDp", "TA", "TAp")
        out.update({t: getattr(self, t) for t in tests if not math.isnan(getattr(self, t))})
        if not math.isnan(self.BD):
            out["k_pos"] = self.k_pos
        return out


def _pair(value: Any, second: Any, field: str) -> tuple[Any, Any]:
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise StatsInputError("give one value or a pair", field=field)
        return value[0], value[1]
    return value, second


def _shift(cells: list[FloatArray], has_zero: BoolArray, add: float, to: str) -> list[FloatArray]:
    mask = correction_mask(has_zero, to)
    return [c + np.where(mask, add, 0.0) for c in cells]


def _zero_cell_rules(
    add: Any, to: Any, drop00: Any
) -> tuple[tuple[float, str, bool], tuple[float, str, bool]]:
    """``(add, to, drop00)`` for the tables' effect sizes and for the pooled estimate: a single
    value sets the first, the second keeps metafor's ``0, "none", False`` (see module)."""
    add1, add2 = _pair(add, 0.0, "add")
    to1, to2 = _pair(to, "none", "to")
    drop1, drop2 = _pair(drop00, False, "drop00")
    add1, add2 = check_add(float(add1)), check_add(float(add2))
    for rule in (to1, to2):
        correction_mask(np.zeros(1, dtype=bool), str(rule))
    return (add1, to1, drop1), (add2, to2, drop2)


def _pooled_tables(
    measure: str,
    ai: ArrayLike,
    bi: ArrayLike | None,
    ci: ArrayLike | None,
    di: ArrayLike | None,
    n1i: ArrayLike | None,
    n2i: ArrayLike | None,
    add: Any,
    to: Any,
    drop00: Any,
) -> tuple[list[FloatArray], FloatArray, FloatArray]:
    """The cells ``a, b, c, d`` to pool (dropped and corrected by the second rules) and the
    tables' own effect sizes ``yi, vi`` (by the first rules, finite ones only)."""
    (add1, to1, drop1), (add2, to2, drop2) = _zero_cell_rules(add, to, drop00)
    a, b, c, d = table_cells(ai, bi, ci, di, n1i=n1i, n2i=n2i)
    require((a + b > 0) & (c + d > 0), "a table has an empty group (no participants)", "ai")
    yi_all, vi_all, kept, _ = table_effects(measure, a, b, c, d, add=add1, to=to1, drop00=drop1)
    ok = kept & np.isfinite(yi_all) & np.isfinite(vi_all)
    if drop2:
        keep = ~(((a == 0) & (c == 0)) | ((b == 0) & (d == 0)))
        a, b, c, d = a[keep], b[keep], c[keep], d[keep]
    cells = _shift([a, b, c, d], (a == 0) | (b == 0) | (c == 0) | (d == 0), add2, to2)
    return cells, yi_all[ok], vi_all[ok]


def _wald(beta: float, se: float, level: float) -> tuple[float, float, float, float]:
    if not (math.isfinite(beta) and math.isfinite(se)) or se <= 0:
        return NAN, NAN, NAN, NAN
    z = beta / se
    crit = critical_value(level, "z", None)
    return z, float(2.0 * special.ndtr(-abs(z))), beta - crit * se, beta + crit * se


@np.errstate(all="ignore")
def _heterogeneity(yi: FloatArray, vi: FloatArray, beta: float) -> tuple[float, ...]:
    k = yi.shape[0]
    if k <= 1:
        return 0.0, 1.0, 0.0, 1.0
    if not math.isfinite(beta):
        return NAN, NAN, NAN, NAN
    qe = max(0.0, np.float64(np.sum((yi - beta) ** 2 / vi)))
    return _q_summary(qe, k)


@np.errstate(all="ignore")
def _q_summary(qe: float, k: int) -> tuple[float, float, float, float]:
    qep = float(special.chdtrc(k - 1, qe))
    i2 = 0.0 if qe <= 0 else max(0.0, 100.0 * (qe - (k - 1)) / qe)
    return qe, qep, i2, float(np.float64(qe) / (k - 1))


def _chi2(stat: float, df: int) -> float:
    return float(special.chdtrc(df, stat)) if math.isfinite(stat) else NAN


@np.errstate(all="ignore")
def rma_mh(
    measure: str = "OR",
    ai: ArrayLike | None = None,
    bi: ArrayLike | None = None,
    ci: ArrayLike | None = None,
    di: ArrayLike | None = None,
    *,
    n1i: ArrayLike | None = None,
    n2i: ArrayLike | None = None,
    x1i: ArrayLike | None = None,
    t1i: ArrayLike | None = None,
    x2i: ArrayLike | None = None,
    t2i: ArrayLike | None = None,
    add: float | tuple[float, float] = 0.5,
    to: str | tuple[str, str] = "only0",
    drop00: bool | tuple[bool, bool] = True,
    correct: bool = True,
    level: float = 95,
) -> TablesPoolResult:
    """Mantel-Haenszel pooled estimate of 2×2 tables or of person-time data (``rma.mh``).

    Parameters
    ----------
    measure
        ``"OR"`` (default), ``"RR"``, ``"RD"`` (2×2 tables ``ai, bi, ci, di`` or events with
        ``n1i``/``n2i``) or ``"IRR"`` (events ``x1i``/``x2i`` over person-time
        ``t1i``/``t2i``).
    add, to, drop00
        Zero-cell handling; a single value applies to the tables' effect sizes (used for Q)
        and the pooled estimate uses metafor's second defaults (``0``, ``"none"``,
        ``False``); a pair sets both.
    correct
        Continuity correction of the CMH/MH test (default True).
    level
        Confidence level in percent.

    Raises
    ------
    StatsInputError
        Bad counts, a table with an empty group, unknown measure or rule, or no table left
        (metafor returns NaN for some of these); the pooled estimate is NaN
        (not an error) when it is undefined, e.g. no events in one group across all tables.

    Examples
    --------
    >>> import math
    >>> res = rma_mh("OR", [4, 6, 3], [119, 300, 228], [11, 29, 11], [128, 274, 209])
    >>> round(math.exp(res.beta), 4)
    0.2433
    """
    check_choice(measure, MEASURES_MH, "measure")
    lev = check_level(level)
    if measure == "IRR":
        (add1, to1, drop1), (add2, to2, drop2) = _zero_cell_rules(add, to, drop00)
        if x1i is None or t1i is None or x2i is None or t2i is None:
            raise StatsInputError("IRR needs x1i, t1i, x2i and t2i", field="x1i")
        es = escalc_irr(x1i, t1i, x2i, t2i, add=add1, to=to1, drop00=bool(drop1))
        yi, vi = es.yi, es.vi
        x1 = vector(x1i, "x1i")
        k = x1.shape[0]
        t1, x2, t2 = vector(t1i, "t1i", k), vector(x2i, "x2i", k), vector(t2i, "t2i", k)
        if drop2:
            keep = ~((x1 == 0) & (x2 == 0))
            x1, t1, x2, t2 = x1[keep], t1[keep], x2[keep], t2[keep]
        x1, x2 = _shift([x1, x2], (x1 == 0) | (x2 == 0), add2, to2)
        return _mh_irr(x1, t1, x2, t2, yi, vi, correct, lev)
    if ai is None:
        raise StatsInputError("events of group 1 are missing", field="ai")
    (a, b, c, d), yi, vi = _pooled_tables(measure, ai, bi, ci, di, n1i, n2i, add, to, drop00)
    if a.shape[0] == 0:
        raise StatsInputError("no table left to pool", field="ai")
    n1, n2 = a + b, c + d
    N = n1 + n2
    xt, yt = a + c, b + d
    co = cop = mh = mhp = bd = bdp = ta = tap = NAN
    k_pos = 0
    if measure == "OR":
        R_i, S_i = (a / N) * d, (b / N) * c
        P_i, Q_i = a / N + d / N, b / N + c / N
        R, S = np.float64(R_i.sum()), np.float64(S_i.sum())
        if R == 0 or S == 0:
            beta = se = NAN
        else:
            beta = np.log(R / S)
            se = np.sqrt(
                0.5
                * (
                    np.float64(np.sum(P_i * R_i)) / R**2
                    + np.float64(np.sum(P_i * S_i + Q_i * R_i)) / (R * S)
                    + np.float64(np.sum(Q_i * S_i)) / S**2
                )
            )
        if xt.sum() > 0 and yt.sum() > 0:
            dev = abs(np.float64(np.sum(a - (n1 / N) * xt))) - (0.5 if correct else 0.0)
            co = dev**2 / np.float64(np.sum((n1 / N) * (n2 / N) * (xt * (yt / N))))
            with np.errstate(divide="ignore"):
                mh = dev**2 / np.float64(np.sum((n1 / N) * (n2 / N) * (xt * (yt / (N - 1.0)))))
            cop, mhp = _chi2(co, 1), _chi2(mh, 1)
        if math.isfinite(beta):
            bd, bdp, ta, tap, k_pos = _breslow_day(a, n1, n2, N, xt, yt, np.exp(beta))
    elif measure == "RR":
        R = np.float64(np.sum(a * (n2 / N)))
        S = np.float64(np.sum(c * (n1 / N)))
        if a.sum() == 0 or c.sum() == 0:
            beta = se = NAN
        else:
            beta = np.log(R / S)
            se = np.sqrt(np.float64(np.sum((n1 / N) * (n2 / N) * (a + c) - (a / N) * c)) / (R * S))
    else:
        denom = np.float64(np.sum(n1 * (n2 / N)))
        beta = np.float64(np.sum(a * (n2 / N) - c * (n1 / N))) / denom
        var = (
            beta * np.float64(np.sum(c * (n1 / N) ** 2 - a * (n2 / N) ** 2
                                + (n1 / N) * (n2 / N) * (n2 - n1) / 2.0))
            + np.float64(np.sum(a * (n2 - c) / N + c * (n1 - a) / N)) / 2.0
        ) / denom**2  # fmt: skip
        se = np.sqrt(var) if var >= 0 else NAN
    zval, pval, lb, ub = _wald(beta, se, lev)
    qe, qep, i2, h2 = _heterogeneity(yi, vi, beta)
    return TablesPoolResult(
        method="MH", measure=measure, k=int(a.shape[0]), k_yi=int(yi.shape[0]), beta=beta,
        se=se, zval=zval, pval=pval, ci_lb=lb, ci_ub=ub, QE=qe, QEp=qep, I2=i2, H2=h2, CO=co,
        COp=cop, MH=mh, MHp=mhp, BD=bd, BDp=bdp, TA=ta, TAp=tap, k_pos=k_pos, yi=yi, vi=vi,
        level=lev,
    )  # fmt: skip


@np.errstate(all="ignore")
def _breslow_day(
    a: FloatArray,
    n1: FloatArray,
    n2: FloatArray,
    N: FloatArray,
    xt: FloatArray,
    yt: FloatArray,
    psi: float,
) -> tuple[float, float, float, float, int]:
    """Breslow-Day and Tarone statistics at the MH odds ratio ``psi``."""
    if psi == 1.0:
        n11 = (n1 / N) * xt
    else:
        A = psi * (n1 + xt) + (n2 - xt)
        with np.errstate(invalid="ignore"):
            B = np.sqrt(A**2 - 4.0 * n1 * xt * psi * (psi - 1.0))
        n11 = (A - B) / (2.0 * (psi - 1.0))
    pos = (n11 > 0) & (xt > 0) & (yt > 0)
    k_pos = int(pos.sum())
    n11 = n11[pos]
    n12 = n1[pos] - n11
    n21 = xt[pos] - n11
    n22 = n11 - n1[pos] - xt[pos] + N[pos]
    var = 1.0 / (1.0 / n11 + 1.0 / n12 + 1.0 / n21 + 1.0 / n22)
    resid = a[pos] - n11
    bd = max(0.0, np.float64(np.sum(resid**2 / var)))
    ta = max(0.0, bd - np.float64(np.sum(resid)) ** 2 / np.float64(np.sum(var)))
    if k_pos > 1:
        return bd, _chi2(bd, k_pos - 1), ta, _chi2(ta, k_pos - 1), k_pos
    return bd, NAN, ta, NAN, k_pos


@np.errstate(all="ignore")
def _mh_irr(
    x1: FloatArray,
    t1: FloatArray,
    x2: FloatArray,
    t2: FloatArray,
    yi: FloatArray,
    vi: FloatArray,
    correct: bool,
    lev: float,
) -> TablesPoolResult:
    if x1.shape[0] == 0:
        raise StatsInputError("no study left to pool", field="x1i")
    T = t1 + t2
    R = np.float64(np.sum(x1 * (t2 / T)))
    S = np.float64(np.sum(x2 * (t1 / T)))
    if x1.sum() == 0 or x2.sum() == 0:
        beta = se = NAN
    else:
        beta = np.log(R / S)
        se = np.sqrt(np.float64(np.sum((t1 / T) * (t2 / T) * (x1 + x2))) / (R * S))
    xt = x1 + x2
    mh = mhp = NAN
    if xt.sum() > 0:
        dev = abs(np.float64(np.sum(x1 - xt * (t1 / T)))) - (0.5 if correct else 0.0)
        mh = dev**2 / np.float64(np.sum(xt * (t1 / T) * (t2 / T)))
        mhp = _chi2(mh, 1)
    zval, pval, lb, ub = _wald(beta, se, lev)
    qe, qep, i2, h2 = _heterogeneity(yi, vi, beta)
    return TablesPoolResult(
        method="MH", measure="IRR", k=int(x1.shape[0]), k_yi=int(yi.shape[0]), beta=beta,
        se=se, zval=zval, pval=pval, ci_lb=lb, ci_ub=ub, QE=qe, QEp=qep, I2=i2, H2=h2, CO=NAN,
        COp=NAN, MH=mh, MHp=mhp, BD=NAN, BDp=NAN, TA=NAN, TAp=NAN, k_pos=0, yi=yi, vi=vi,
        level=lev,
    )  # fmt: skip


@np.errstate(all="ignore")
def rma_peto(
    ai: ArrayLike,
    bi: ArrayLike | None = None,
    ci: ArrayLike | None = None,
    di: ArrayLike | None = None,
    *,
    n1i: ArrayLike | None = None,
    n2i: ArrayLike | None = None,
    add: float | tuple[float, float] = 0.5,
    to: str | tuple[str, str] = "only0",
    drop00: bool | tuple[bool, bool] = True,
    level: float = 95,
) -> TablesPoolResult:
    """Peto's pooled log odds ratio of 2×2 tables (``rma.peto``; formulas above).

    Parameters are those of :func:`rma_mh` for 2×2 tables.

    Raises
    ------
    StatsInputError
        Bad counts, or no table with a positive hypergeometric variance (no events or no
        non-events anywhere).

    Examples
    --------
    >>> import math
    >>> res = rma_peto([4, 6, 3], [119, 300, 228], [11, 29, 11], [128, 274, 209])
    >>> round(math.exp(res.beta), 4)
    0.2902
    """
    lev = check_level(level)
    (a, b, c, d), yi, vi = _pooled_tables("PETO", ai, bi, ci, di, n1i, n2i, add, to, drop00)
    n1, n2 = a + b, c + d
    N = n1 + n2
    xt, yt = a + c, b + d
    E = xt * n1 / N
    with np.errstate(divide="ignore", invalid="ignore"):
        V = xt * yt * (n1 / N) * (n2 / N) / (N - 1.0)
    V = np.where(np.isfinite(V), V, 0.0)
    sum_v = np.float64(V.sum())
    require(np.asarray([sum_v > 0]), "no table has events and non-events; Peto's OR is "
            "undefined", "ai")  # fmt: skip
    beta = np.float64(np.sum(a - E)) / sum_v
    se = np.sqrt(1.0 / sum_v)
    zval, pval, lb, ub = _wald(beta, se, lev)
    pos = V > 0
    k_pos = int(pos.sum())
    qe = float(max(0.0, np.sum((a - E)[pos] ** 2 / V[pos]) - np.sum(a - E) ** 2 / sum_v))
    k_yi = int(yi.shape[0])
    if k_pos > 1:
        qe, qep, i2, h2 = _q_summary(qe, k_yi)
    else:
        qep, i2, h2 = 1.0, 0.0, 1.0
    return TablesPoolResult(
        method="PETO", measure="PETO", k=int(a.shape[0]), k_yi=k_yi, beta=beta, se=se,
        zval=zval, pval=pval, ci_lb=lb, ci_ub=ub, QE=qe, QEp=qep, I2=i2, H2=h2, CO=NAN,
        COp=NAN, MH=NAN, MHp=NAN, BD=NAN, BDp=NAN, TA=NAN, TAp=NAN, k_pos=k_pos, yi=yi,
        vi=vi, level=lev,
    )  # fmt: skip


__all__ = ["MEASURES_MH", "TablesPoolResult", "rma_mh", "rma_peto"]
