"""Shared pieces of the effect-size calculators (``escalc_*`` modules).

:class:`EffectSizes` is what every calculator returns; the helpers check input vectors and
apply metafor's continuity correction (``add`` to the counts of the rows chosen by ``to``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from alsatlas.errors import StatsInputError
from alsatlas.stats.meta_inputs import as_float_vector

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: metafor's ``vtype`` values (which large-sample variance formula to use).
VTYPES: tuple[str, ...] = ("LS", "LS2", "UB", "HO", "AV", "AVHO")
#: metafor's ``to`` values (which rows get the continuity correction ``add``).
ZERO_RULES: tuple[str, ...] = ("only0", "all", "if0all", "none")


@dataclass(frozen=True, eq=False)
class EffectSizes:
    """Effect sizes and sampling variances, as ``metafor::escalc`` returns them.

    Attributes
    ----------
    yi, vi
        Effect sizes (analysis scale: log for ratio measures, logit for ``PLO``, Fisher's z
        for ``ZCOR``, ...) and their sampling variances, one per input row.
    measure
        metafor's name of the measure.
    corrected
        Boolean mask: ``True`` where the continuity correction was added (all False for
        measures without counts).
    kept
        Boolean mask over the input rows, ``False`` where ``drop00`` removed a row (``yi``,
        ``vi`` and ``corrected`` hold the kept rows only); None when no row can be dropped.
    """

    yi: FloatArray
    vi: FloatArray
    measure: str
    corrected: BoolArray
    kept: BoolArray | None = None

    @property
    def sei(self) -> FloatArray:
        """Standard errors :math:`\\sqrt{v_i}`."""
        return np.sqrt(self.vi)

    @property
    def k(self) -> int:
        """Number of rows."""
        return int(self.yi.shape[0])


def vector(values: ArrayLike, field: str, k: int | None = None) -> FloatArray:
    """A finite 1-D float vector (of length ``k`` when given), or a located error."""
    arr = as_float_vector(values, field)
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise StatsInputError(f"value is {arr[bad[0]]}", row=int(bad[0]), field=field)
    if k is not None and arr.shape[0] != k:
        raise StatsInputError(
            f"has {arr.shape[0]} values but there are {k} rows; lengths must match", field=field
        )
    return arr


def require(mask: BoolArray, reason: str, field: str) -> None:
    """Raise with the first row where ``mask`` is False."""
    bad = np.flatnonzero(~mask)
    if bad.size:
        raise StatsInputError(reason, row=int(bad[0]), field=field)


def check_choice(value: str, choices: tuple[str, ...], field: str) -> str:
    """``value`` if it is one of ``choices``, else an error naming ``field``."""
    if value not in choices:
        raise StatsInputError(
            f"unknown {field} {value!r}; choose one of {', '.join(choices)}", field=field
        )
    return value


def check_add(add: float) -> float:
    """A finite, non-negative continuity correction."""
    if not np.isfinite(add) or add < 0:
        raise StatsInputError(f"must be a finite non-negative number, got {add}", field="add")
    return float(add)


def correction_mask(has_zero: BoolArray, to: str) -> BoolArray:
    """Rows that get ``add`` under metafor's rule ``to`` (``has_zero``: rows with a zero
    count): ``"only0"`` those rows, ``"all"`` every row, ``"if0all"`` every row when any has
    a zero count, ``"none"`` no row."""
    check_choice(to, ZERO_RULES, "to")
    if to == "all":
        return np.ones(has_zero.shape[0], dtype=bool)
    if to == "only0":
        return has_zero.copy()
    if to == "if0all":
        return np.full(has_zero.shape[0], bool(np.any(has_zero)))
    return np.zeros(has_zero.shape[0], dtype=bool)


def finish(
    yi: FloatArray,
    vi: FloatArray,
    measure: str,
    corrected: BoolArray,
    field: str,
    kept: BoolArray | None = None,
) -> EffectSizes:
    """Keep the rows in ``kept``, refuse rows whose effect size or variance is undefined,
    and wrap the result."""
    rows = np.arange(yi.shape[0])
    if kept is not None:
        yi, vi, corrected, rows = yi[kept], vi[kept], corrected[kept], rows[kept]
    bad = np.flatnonzero(~np.isfinite(yi) | ~np.isfinite(vi) | ~(vi > 0))
    if bad.size:
        raise StatsInputError(
            f"{measure} is undefined for this row (effect size {yi[bad[0]]:g}, variance "
            f"{vi[bad[0]]:g}); check the values or the continuity correction",
            row=int(rows[bad[0]]),
            field=field,
        )
    return EffectSizes(
        yi=np.asarray(yi, dtype=np.float64),
        vi=np.asarray(vi, dtype=np.float64),
        measure=measure,
        corrected=corrected,
        kept=kept,
    )


def weighted_mean(x: FloatArray, w: FloatArray) -> float:
    """:math:`\\sum w_i x_i / \\sum w_i` (metafor's ``.wmean``)."""
    return float(np.sum(x * w) / np.sum(w))


__all__ = [
    "VTYPES",
    "ZERO_RULES",
    "EffectSizes",
    "check_add",
    "check_choice",
    "correction_mask",
    "finish",
    "require",
    "vector",
    "weighted_mean",
]
