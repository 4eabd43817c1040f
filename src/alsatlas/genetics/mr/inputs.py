"""Validation of the summary-statistic arrays handed to the MR estimators."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from alsatlas.errors import StatsInputError

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class MRArrays:
    """Harmonised per-variant associations, one entry per variant.

    Attributes
    ----------
    bx, bxse
        Variant–exposure associations and their standard errors.
    by, byse
        Variant–outcome associations and their standard errors.
    """

    bx: FloatArray
    bxse: FloatArray
    by: FloatArray
    byse: FloatArray

    @property
    def k(self) -> int:
        """Number of variants."""
        return int(self.bx.shape[0])

    @property
    def ratio(self) -> FloatArray:
        """Per-variant ratio (Wald) estimates by / bx."""
        return self.by / self.bx

    @property
    def ratio_se_first(self) -> FloatArray:
        """First-order SE of the ratio estimates: byse / |bx|."""
        return self.byse / np.abs(self.bx)

    @property
    def ratio_se_second(self) -> FloatArray:
        """Second-order (delta-method, ψ = 0) SE: √(byse²/bx² + by²·bxse²/bx⁴)."""
        bx2 = self.bx**2
        return np.sqrt(self.byse**2 / bx2 + self.by**2 * self.bxse**2 / bx2**2)

    def subset(self, index: NDArray[np.bool_] | NDArray[np.intp]) -> MRArrays:
        """The same arrays restricted to ``index`` (a boolean mask or integer positions)."""
        return MRArrays(self.bx[index], self.bxse[index], self.by[index], self.byse[index])


def _vector(name: str, values: ArrayLike) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise StatsInputError(
            f"expected a one-dimensional array, got shape {arr.shape}", field=name
        )
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise StatsInputError(f"value is not finite ({arr[bad[0]]})", row=int(bad[0]), field=name)
    return arr


def as_mr_arrays(
    bx: ArrayLike,
    bxse: ArrayLike,
    by: ArrayLike,
    byse: ArrayLike,
    *,
    min_snps: int = 1,
    method: str | None = None,
) -> MRArrays:
    """Check and convert the four arrays.

    Every array must be one-dimensional, finite and of the same length; standard errors
    must be positive and exposure associations non-zero (a ratio by/bx is taken). At least
    ``min_snps`` variants are required. Errors name the offending field and row (0-based).
    """
    arrays = MRArrays(
        _vector("bx", bx), _vector("bxse", bxse), _vector("by", by), _vector("byse", byse)
    )
    k = arrays.k
    for name in ("bxse", "by", "byse"):
        n = getattr(arrays, name).shape[0]
        if n != k:
            raise StatsInputError(f"has {n} values but bx has {k}", field=name)
    for name in ("bxse", "byse"):
        bad = np.flatnonzero(getattr(arrays, name) <= 0)
        if bad.size:
            raise StatsInputError("standard error must be positive", row=int(bad[0]), field=name)
    bad = np.flatnonzero(arrays.bx == 0)
    if bad.size:
        raise StatsInputError(
            "exposure association is zero, so the ratio by/bx is undefined",
            row=int(bad[0]),
            field="bx",
        )
    if k < min_snps:
        who = f"{method} needs" if method else "needs"
        raise StatsInputError(f"{who} at least {min_snps} variants, got {k}", field="bx")
    return arrays


__all__ = ["FloatArray", "MRArrays", "as_mr_arrays"]
