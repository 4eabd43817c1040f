r"""Effect sizes of 2×2 tables: log odds ratio, log risk ratio, risk difference, Peto's log OR,
arcsine square-root risk difference.

A study's table has ``ai`` events and ``bi`` non-events in group 1, ``ci`` events and ``di``
non-events in group 2 (:math:`n_1 = a + b`, :math:`n_2 = c + d`, :math:`p_1 = a/n_1`,
:math:`p_2 = c/n_2`). The measures and their large-sample variances are those of
``metafor::escalc`` (version 3.8, ``vtype = "LS"``):

==========  ===========================================  =========================================
measure     :math:`y_i`                                  :math:`v_i`
==========  ===========================================  =========================================
``OR``      :math:`\log\frac{a d}{b c}`                   :math:`1/a + 1/b + 1/c + 1/d`
``RR``      :math:`\log(p_1 / p_2)`                       :math:`1/a - 1/n_1 + 1/c - 1/n_2`
``RD``      :math:`p_1 - p_2`                             :math:`p_1(1-p_1)/n_1 + p_2(1-p_2)/n_2`
``PETO``    :math:`(a - E)/V`                             :math:`1/V`
==========  ===========================================  =========================================

and ``AS`` (arcsine square-root risk difference, Rücker et al. 2009)
:math:`y_i = \arcsin\sqrt{p_1} - \arcsin\sqrt{p_2}`, :math:`v_i = 1/(4n_1) + 1/(4n_2)`;
with, for Peto's one-step log odds ratio (Yusuf et al. 1985), :math:`n = n_1 + n_2`,
:math:`E = (a + c) n_1 / n` and :math:`V = (a + c)(b + d) n_1 n_2 / (n^2 (n - 1))`.

Zero cells are handled as metafor's defaults (``add = 1/2``, ``to = "only0"``,
``drop00 = FALSE``): ``add`` is added to all four cells of each table that has a zero cell.
metafor 3.8 applies the same correction to ``PETO``; ``AS`` (like ``PHI`` and a few other
measures) defaults to ``add = 0``, and so does this module (``add=None`` means the measure's
default). ``to = "all"`` corrects every table,
``to = "if0all"`` every table when any has a zero cell, ``to = "none"`` no table;
``drop00 = True`` removes tables with no events (or no non-events) in both groups before
anything else.

References
----------
Viechtbauer, W. (2010). Conducting meta-analyses in R with the metafor package. *Journal of
Statistical Software*, 36(3); ``help(escalc)`` of metafor 3.8.
Yusuf, S., Peto, R., Lewis, J., Collins, R., & Sleight, P. (1985). Beta blockade during and
after myocardial infarction. *Progress in Cardiovascular Diseases*, 27, 335-371.
Rücker, G., Schwarzer, G., Carpenter, J., & Olkin, I. (2009). Why add anything to nothing?
The arcsine difference as a measure of treatment effect in meta-analysis with zero cells.
*Statistics in Medicine*, 28, 721-738.
Fleiss, J. L., & Berlin, J. A. (2009). Effect sizes for dichotomous data. In *The Handbook of
Research Synthesis and Meta-Analysis* (2nd ed.), 237-253.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from alsatlas.errors import StatsInputError
from alsatlas.stats.escalc_common import ZERO_RULES
from alsatlas.stats.escalc_counts import default_add
from alsatlas.stats.meta_inputs import as_float_vector

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

Measure2x2 = Literal["OR", "RR", "RD", "PETO", "AS"]
#: The 2×2-table measures, with metafor's names.
MEASURES_2X2: tuple[str, ...] = ("OR", "RR", "RD", "PETO", "AS")
#: Measures analysed on the log scale (pooled estimates are exponentiated for display).
RATIO_MEASURES: frozenset[str] = frozenset({"OR", "RR", "PETO", "HR", "IRR", "SIR"})
ZERO_CELL_RULES: tuple[str, ...] = ZERO_RULES


@dataclass(frozen=True, eq=False)
class TableEffectSizes:
    """Effect sizes of 2×2 tables.

    Attributes
    ----------
    yi, vi
        Effect sizes and sampling variances of the kept tables (analysis scale: log for
        ``OR``, ``RR`` and ``PETO``).
    measure
        ``"OR"``, ``"RR"``, ``"RD"``, ``"PETO"`` or ``"AS"``.
    kept
        Boolean mask over the input tables; ``False`` where ``drop00`` removed a table.
    corrected
        Boolean mask over the input tables; ``True`` where ``add`` was added to the cells.
    """

    yi: FloatArray
    vi: FloatArray
    measure: str
    kept: BoolArray
    corrected: BoolArray

    @property
    def sei(self) -> FloatArray:
        """Standard errors :math:`\\sqrt{v_i}`."""
        return np.sqrt(self.vi)

    @property
    def k(self) -> int:
        """Number of kept tables."""
        return int(self.yi.shape[0])


def _counts(values: ArrayLike, field: str) -> FloatArray:
    arr = as_float_vector(values, field)
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise StatsInputError(f"count is {arr[bad[0]]}", row=int(bad[0]), field=field)
    neg = np.flatnonzero(arr < 0)
    if neg.size:
        raise StatsInputError(
            f"count must not be negative, got {arr[neg[0]]}", row=int(neg[0]), field=field
        )
    return arr


def _non_events(
    events: FloatArray, others: ArrayLike | None, n: ArrayLike | None, fields: tuple[str, str, str]
) -> FloatArray:
    event_field, other_field, n_field = fields
    if others is not None and n is not None:
        b = _counts(others, other_field)
        total = _counts(n, n_field)
        if b.shape == total.shape == events.shape:
            mismatch = np.flatnonzero(events + b != total)
            if mismatch.size:
                raise StatsInputError(
                    f"{n_field} must equal {event_field} + {other_field}",
                    row=int(mismatch[0]),
                    field=n_field,
                )
        return b
    if others is not None:
        return _counts(others, other_field)
    if n is not None:
        total = _counts(n, n_field)
        if total.shape == events.shape:
            over = np.flatnonzero(events > total)
            if over.size:
                raise StatsInputError(
                    f"{event_field} ({events[over[0]]:g}) exceeds the group size "
                    f"({total[over[0]]:g})",
                    row=int(over[0]),
                    field=event_field,
                )
        return total - events
    raise StatsInputError(
        f"give either {other_field} (non-events) or {n_field} (group size)", field=other_field
    )


def table_cells(
    ai: ArrayLike,
    bi: ArrayLike | None,
    ci: ArrayLike | None,
    di: ArrayLike | None,
    *,
    n1i: ArrayLike | None = None,
    n2i: ArrayLike | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Checked cells ``a, b, c, d`` of 2×2 tables (``bi``/``di`` from group sizes if absent)."""
    a = _counts(ai, "ai")
    if ci is None:
        raise StatsInputError("events of group 2 are missing", field="ci")
    c = _counts(ci, "ci")
    b = _non_events(a, bi, n1i, ("ai", "bi", "n1i"))
    d = _non_events(c, di, n2i, ("ci", "di", "n2i"))
    k = a.shape[0]
    for arr, field in ((b, "bi"), (c, "ci"), (d, "di")):
        if arr.shape[0] != k:
            raise StatsInputError(
                f"has {arr.shape[0]} values but ai has {k}; lengths must match", field=field
            )
    for arr, field in ((b, "bi"), (d, "di")):
        neg = np.flatnonzero(arr < 0)
        if neg.size:
            raise StatsInputError("events exceed the group size", row=int(neg[0]), field=field)
    return a, b, c, d


def table_effects(
    measure: str,
    a: FloatArray,
    b: FloatArray,
    c: FloatArray,
    d: FloatArray,
    *,
    add: float,
    to: str,
    drop00: bool,
) -> tuple[FloatArray, FloatArray, BoolArray, BoolArray]:
    """``yi``, ``vi`` of every table (NaN or infinite where undefined), ``kept`` and
    ``corrected`` masks; no checks (see :func:`escalc_2x2`)."""
    k = a.shape[0]
    kept = np.ones(k, dtype=bool)
    if drop00:
        kept = ~(((a == 0) & (c == 0)) | ((b == 0) & (d == 0)))
    has0 = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    if to == "all":
        corrected = np.ones(k, dtype=bool)
    elif to == "only0":
        corrected = has0.copy()
    elif to == "if0all":
        corrected = np.full(k, bool(np.any(has0 & kept)))
    else:
        corrected = np.zeros(k, dtype=bool)
    corrected &= kept & (add > 0)
    shift = np.where(corrected, add, 0.0)
    a, b, c, d = a + shift, b + shift, c + shift, d + shift
    n1 = a + b
    n2 = c + d
    with np.errstate(all="ignore"):
        p1 = a / n1
        p2 = c / n2
        if measure == "OR":
            yi = np.log(p1 / (1.0 - p1)) - np.log(p2 / (1.0 - p2))
            vi = 1.0 / a + 1.0 / b + 1.0 / c + 1.0 / d
        elif measure == "RR":
            yi = np.log(p1) - np.log(p2)
            vi = 1.0 / a - 1.0 / n1 + 1.0 / c - 1.0 / n2
        elif measure == "RD":
            yi = p1 - p2
            vi = p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2
        elif measure == "AS":
            yi = np.arcsin(np.sqrt(p1)) - np.arcsin(np.sqrt(p2))
            vi = 1.0 / (4.0 * n1) + 1.0 / (4.0 * n2)
        else:
            n = n1 + n2
            xt = a + c
            yt = b + d
            expected = xt * n1 / n
            var = xt * yt * (n1 / n) * (n2 / n) / (n - 1.0)
            yi = (a - expected) / var
            vi = 1.0 / var
    return yi, vi, kept, corrected


def escalc_2x2(
    measure: str,
    ai: ArrayLike,
    bi: ArrayLike | None = None,
    ci: ArrayLike | None = None,
    di: ArrayLike | None = None,
    *,
    n1i: ArrayLike | None = None,
    n2i: ArrayLike | None = None,
    add: float | None = None,
    to: str = "only0",
    drop00: bool = False,
) -> TableEffectSizes:
    r"""Effect sizes and sampling variances of 2×2 tables, as ``metafor::escalc``.

    Parameters
    ----------
    measure
        ``"OR"`` (log odds ratio), ``"RR"`` (log risk ratio), ``"RD"`` (risk difference),
        ``"PETO"`` (Peto's log odds ratio) or ``"AS"`` (arcsine square-root risk
        difference); formulas in the module docstring.
    ai, bi, ci, di
        Events and non-events in group 1 (``ai``, ``bi``) and group 2 (``ci``, ``di``).
        ``bi``/``di`` may be replaced by the group sizes ``n1i``/``n2i``.
    n1i, n2i
        Group sizes, used when ``bi``/``di`` are not given (checked against them otherwise).
    add
        Constant added to the cells of tables with a zero cell (None: metafor's default,
        1/2, or 0 for ``AS``).
    to
        Which tables get ``add``: ``"only0"`` (default, tables with a zero cell), ``"all"``,
        ``"if0all"`` (all tables when any has a zero cell) or ``"none"``.
    drop00
        Remove tables with zero events in both groups (or zero non-events in both).

    Returns
    -------
    TableEffectSizes
        ``yi``, ``vi`` of the kept tables with the masks ``kept`` and ``corrected``.

    Raises
    ------
    StatsInputError
        Unknown measure or rule, negative or non-finite counts, mismatched lengths, events
        larger than the group size, or a table whose effect size or variance is infinite or
        undefined after the correction (for example a zero cell with ``add = 0``); the
        message names the table (0-based row).

    Examples
    --------
    >>> es = escalc_2x2("OR", [0, 3], [10, 7], [2, 0], [8, 10])
    >>> [round(float(y), 4) for y in es.yi]
    [-1.8207, 2.2824]
    """
    if measure not in MEASURES_2X2:
        raise StatsInputError(
            f"unknown measure {measure!r}; choose one of {', '.join(MEASURES_2X2)}",
            field="measure",
        )
    if to not in ZERO_CELL_RULES:
        raise StatsInputError(
            f"unknown rule {to!r}; choose one of {', '.join(ZERO_CELL_RULES)}", field="to"
        )
    add = default_add(measure, add)
    a, b, c, d = table_cells(ai, bi, ci, di, n1i=n1i, n2i=n2i)
    yi, vi, kept, corrected = table_effects(measure, a, b, c, d, add=add, to=to, drop00=drop00)
    yi = yi[kept]
    vi = vi[kept]
    rows = np.flatnonzero(kept)
    bad = np.flatnonzero(~np.isfinite(yi) | ~np.isfinite(vi) | ~(vi > 0))
    if bad.size:
        raise StatsInputError(
            f"{measure} is undefined for this table (a zero cell or group without correction, "
            f"or no variance); set add > 0 or drop the table",
            row=int(rows[bad[0]]),
            field="ai",
        )
    return TableEffectSizes(
        yi=np.asarray(yi, dtype=np.float64),
        vi=np.asarray(vi, dtype=np.float64),
        measure=measure,
        kept=kept,
        corrected=corrected,
    )


__all__ = [
    "MEASURES_2X2",
    "RATIO_MEASURES",
    "ZERO_CELL_RULES",
    "Measure2x2",
    "TableEffectSizes",
    "escalc_2x2",
    "table_cells",
    "table_effects",
]
