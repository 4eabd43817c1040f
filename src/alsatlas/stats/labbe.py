r"""L'Abbé plot coordinates (``metafor::labbe``) for 2×2 tables.

Each study is drawn at its outcome in group 2 (control, :math:`x`) against its outcome in
group 1 (treated, :math:`y`), each group on the scale of the measure (L'Abbé et al. 1987):

=========  =====================================================  ================================
measure    group outcome :math:`g(e, m)` (events e, non-events m)  its variance
=========  =====================================================  ================================
``OR``     log odds :math:`\log(e/m)`                              :math:`1/e + 1/m`
``RR``     log proportion :math:`\log(e/n)`, :math:`n = e + m`     :math:`1/e - 1/n`
``RD``     proportion :math:`e/n`                                  :math:`p(1-p)/n`
=========  =====================================================  ================================

Zero cells are corrected per group, as metafor's ``escalc`` does for single proportions
(``PLO``, ``PLN``, ``PR``): with ``to = "only0"`` (default) ``add`` (1/2) is added to the events
and non-events of a group with a zero count; ``"all"`` corrects every group, ``"if0all"`` every
group of an arm when any has a zero count, ``"none"`` none. Studies whose outcome is not finite
after the correction are dropped (``kept``).

The point sizes are metafor's: with :math:`w_i = 1/\sqrt{v_{1i} + v_{2i}}`,
:math:`s_i = 0.5 + 3\,(w_i - \min w)/(\max w - \min w)` (1 for all when the range is below
:math:`\sqrt{\epsilon}`). The dashed line :math:`y = x + \hat\beta` shows the pooled effect
:math:`\hat\beta` (on the measure's scale); the solid line :math:`y = x` shows no effect.

References
----------
L'Abbé, K. A., Detsky, A. S., & O'Rourke, K. (1987). Meta-analysis in clinical research.
*Annals of Internal Medicine*, 107, 224-233. metafor 3.8: ``help(labbe)``, ``help(escalc)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from alsatlas.errors import StatsInputError
from alsatlas.stats.escalc import ZERO_CELL_RULES
from alsatlas.stats.meta_inputs import FloatArray

LABBE_MEASURES: tuple[str, ...] = ("OR", "RR", "RD")

#: Name of each measure's group outcome (axis labels).
GROUP_SCALE: dict[str, str] = {"OR": "Log odds", "RR": "Log proportion", "RD": "Proportion"}


@dataclass(frozen=True, eq=False)
class LabbePoints:
    """Coordinates of a L'Abbé plot, for the kept studies.

    Attributes
    ----------
    x, y
        Outcome of group 2 (control) and of group 1 (treated) on the measure's group scale.
    size
        metafor's point size (``cex``) from 0.5 to 3.5, growing with precision.
    kept
        Boolean mask over the input tables: True where both outcomes are finite.
    measure
        ``OR``, ``RR`` or ``RD``.
    """

    x: FloatArray
    y: FloatArray
    size: FloatArray
    kept: NDArray[np.bool_]
    measure: str


def _group_outcome(
    events: FloatArray, non_events: FloatArray, measure: str, add: float, to: str
) -> tuple[FloatArray, FloatArray]:
    zero = (events == 0) | (non_events == 0)
    if to == "all":
        corrected = np.ones_like(zero)
    elif to == "if0all":
        corrected = np.full_like(zero, bool(np.any(zero)))
    elif to == "only0":
        corrected = zero
    else:
        corrected = np.zeros_like(zero)
    e = events + np.where(corrected, add, 0.0)
    m = non_events + np.where(corrected, add, 0.0)
    n = e + m
    with np.errstate(divide="ignore", invalid="ignore"):
        if measure == "OR":
            return np.log(e / m), 1.0 / e + 1.0 / m
        if measure == "RR":
            return np.log(e / n), 1.0 / e - 1.0 / n
        p = e / n
        return p, p * (1.0 - p) / n


def labbe_points(
    ai: ArrayLike,
    bi: ArrayLike,
    ci: ArrayLike,
    di: ArrayLike,
    *,
    measure: str = "OR",
    add: float = 0.5,
    to: str = "only0",
) -> LabbePoints:
    """L'Abbé plot coordinates of 2×2 tables (see the module docstring).

    Parameters
    ----------
    ai, bi, ci, di
        Events and non-events in group 1 (``ai``, ``bi``) and group 2 (``ci``, ``di``).
    measure
        ``"OR"``, ``"RR"`` or ``"RD"``: the group outcome is the log odds, log proportion or
        proportion.
    add, to
        Zero-count correction (metafor's defaults 1/2 and ``"only0"``).

    Raises
    ------
    StatsInputError
        Unknown measure or rule, negative or non-finite counts, mismatched lengths, or no
        study with finite outcomes.
    """
    if measure not in LABBE_MEASURES:
        raise StatsInputError(
            f"a L'Abbe plot needs measure {', '.join(LABBE_MEASURES)}, got {measure!r}",
            field="measure",
        )
    if to not in ZERO_CELL_RULES:
        raise StatsInputError(
            f"unknown rule {to!r}; choose one of {', '.join(ZERO_CELL_RULES)}", field="to"
        )
    if not np.isfinite(add) or add < 0:
        raise StatsInputError(f"must be a finite non-negative number, got {add}", field="add")
    cells = {}
    for name, values in (("ai", ai), ("bi", bi), ("ci", ci), ("di", di)):
        arr = np.atleast_1d(np.asarray(values, dtype=np.float64))
        bad = np.flatnonzero(~np.isfinite(arr) | (arr < 0))
        if bad.size:
            raise StatsInputError(
                f"counts must be finite and non-negative, got {arr[bad[0]]}",
                row=int(bad[0]),
                field=name,
            )
        cells[name] = arr
    if len({a.shape for a in cells.values()}) != 1:
        raise StatsInputError("ai, bi, ci and di must have the same length", field="ai")
    y, vy = _group_outcome(cells["ai"], cells["bi"], measure, add, to)
    x, vx = _group_outcome(cells["ci"], cells["di"], measure, add, to)
    kept = np.isfinite(x) & np.isfinite(y) & np.isfinite(vx) & np.isfinite(vy)
    if not kept.any():
        raise StatsInputError("no study has finite group outcomes", field="ai")
    w = np.sqrt(1.0 / (vx[kept] + vy[kept]))
    rng = float(np.max(w) - np.min(w))
    if rng <= np.sqrt(np.finfo(np.float64).eps):
        size = np.ones_like(w)
    else:
        size = (w - np.min(w)) / rng * 3.0 + 0.5
    return LabbePoints(x=x[kept], y=y[kept], size=size, kept=kept, measure=measure)


__all__ = ["GROUP_SCALE", "LABBE_MEASURES", "LabbePoints", "labbe_points"]
