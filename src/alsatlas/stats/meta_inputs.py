"""Checked inputs of a meta-analysis: effect sizes, sampling variances and a design matrix.

Every estimator in :mod:`alsatlas.stats` calls :func:`check_meta_inputs` first, so bad input
raises :class:`~alsatlas.errors.StatsInputError` with a message that names the field and the
study (0-based index), never a silent NaN further down.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from alsatlas.errors import StatsInputError

FloatArray = NDArray[np.float64]

Method = Literal[
    "EE", "FE", "DL", "HE", "HS", "HSk", "SJ", "ML", "REML", "EB", "PM", "PMM", "GENQ", "GENQM"
]
Test = Literal["z", "t", "knha", "adhoc"]

#: τ² estimators, with metafor's names (``rma.uni(method=...)``).
METHODS: tuple[str, ...] = ("EE", "FE", "DL", "HE", "HS", "HSk", "SJ", "ML", "REML", "EB", "PM")
#: Further estimators (:mod:`alsatlas.stats.tau2_extra`): ``PMM``, and ``GENQ`` and ``GENQM``
#: (which need weights).
EXTRA_METHODS: tuple[str, ...] = ("PMM", "GENQ", "GENQM")
#: Largest accepted ratio of the largest to the smallest sampling variance.
MAX_VARIANCE_RATIO = 1e10
#: Tests of the fixed effects (``rma.uni(test=...)``); "knha" is Hartung-Knapp-Sidik-Jonkman,
#: "adhoc" the same with its variance factor truncated below at 1.
TESTS: tuple[str, ...] = ("z", "t", "knha", "adhoc")


@dataclass(frozen=True, eq=False)
class MetaInputs:
    """Validated arrays: ``yi`` and ``vi`` of length k, ``X`` of shape (k, p) with intercept."""

    yi: FloatArray
    vi: FloatArray
    X: FloatArray
    weights: FloatArray | None

    @property
    def k(self) -> int:
        """Number of studies."""
        return int(self.yi.shape[0])

    @property
    def p(self) -> int:
        """Number of model coefficients (intercept included)."""
        return int(self.X.shape[1])


def as_float_vector(values: ArrayLike, field: str) -> FloatArray:
    """Return ``values`` as a 1-D float array (a scalar becomes length 1), or raise
    :class:`StatsInputError` naming ``field``; non-finite values are left to the caller."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise StatsInputError(f"cannot be read as numbers ({exc})", field=field) from exc
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise StatsInputError(f"must be one-dimensional, got shape {arr.shape}", field=field)
    return arr


def as_vector(values: ArrayLike, field: str) -> FloatArray:
    """Return ``values`` as a finite 1-D float array, or raise :class:`StatsInputError`."""
    arr = as_float_vector(values, field)
    if np.isfinite(arr).all():
        return arr
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise StatsInputError(
            f"value is {arr[bad[0]]} (NaN or infinite); {bad.size} such value(s)",
            row=int(bad[0]),
            field=field,
        )
    return arr


def check_variance_ratio(vi: FloatArray, *, row: int | None = None) -> None:
    r"""Refuse sampling variances whose ratio exceeds ``MAX_VARIANCE_RATIO``.

    Beyond it the weights differ by more than double precision can combine (traces such as
    :math:`\sum w - \sum w^2/\sum w` lose their digits); metafor warns from a ratio of
    :math:`10^7` on ("may not be able to obtain stable results").
    """
    if vi.size and float(vi.max()) > MAX_VARIANCE_RATIO * float(vi.min()):
        raise StatsInputError(
            f"sampling variances range from {vi.min():.3g} to {vi.max():.3g}, a ratio above "
            f"{MAX_VARIANCE_RATIO:.0e}; no stable result is possible (check the units or "
            "drop the study with the extreme variance)",
            row=row,
            field="vi",
        )


MAX_SPREAD = 1e50
"""Largest range of effect sizes accepted: τ² grows as the range squared and the information
as 1/τ⁴, which leaves double precision from a range of about 1e77; no effect size comes near
it (a ratio of e^1e50 is not an effect)."""


def check_spread(yi: FloatArray, *, row: int | None = None) -> None:
    """Refuse effect sizes whose range exceeds :data:`MAX_SPREAD` (no effect size on any
    scale is that large; the values are on the wrong scale or corrupt)."""
    if yi.size and float(np.ptp(yi)) > MAX_SPREAD:
        raise StatsInputError(
            f"effect sizes range from {yi.min():.3g} to {yi.max():.3g}, wider than "
            f"{MAX_SPREAD:.0e}; no effect size is that large (check the column and its scale)",
            row=row,
            field="yi",
        )


def check_method(method: str) -> str:
    """Return ``method`` if it is a known τ² estimator, else raise :class:`StatsInputError`."""
    if method not in METHODS and method not in EXTRA_METHODS:
        known = ", ".join((*METHODS, *EXTRA_METHODS))
        raise StatsInputError(f"unknown method {method!r}; choose one of {known}", field="method")
    return method


def check_test(test: str) -> str:
    """Return ``test`` if it is a known test of the fixed effects, else raise."""
    if test not in TESTS:
        raise StatsInputError(
            f"unknown test {test!r}; choose one of {', '.join(TESTS)}", field="test"
        )
    return test


def check_level(level: float) -> float:
    """Return the confidence level in percent (metafor accepts 95 or 0.95)."""
    lev = float(level)
    if not np.isfinite(lev) or lev <= 0.0 or lev >= 100.0:
        raise StatsInputError(f"must lie in (0, 100), got {level}", field="level")
    return lev * 100.0 if lev < 1.0 else lev


def check_meta_inputs(
    yi: ArrayLike,
    vi: ArrayLike,
    *,
    mods: ArrayLike | None = None,
    weights: ArrayLike | None = None,
    method: str = "REML",
    test: str = "z",
) -> MetaInputs:
    """Validate effect sizes, variances, moderators and weights; build the design matrix.

    Parameters
    ----------
    yi, vi
        Effect sizes and their sampling variances (length k, finite, ``vi > 0``).
    mods
        Moderators, shape (k,) or (k, q); an intercept column is prepended.
    weights
        Optional positive user weights (length k).
    method, test
        Used to decide how many studies are needed: a τ² estimator, the ``t``/``knha``
        tests and any meta-regression need ``k > p``; every model needs ``k >= 2``.

    Raises
    ------
    StatsInputError
        Mismatched lengths, NaN or infinite values, non-positive variances, too few studies,
        or a design matrix that is not of full column rank.
    """
    y = as_vector(yi, "yi")
    v = as_vector(vi, "vi")
    if y.shape != v.shape:
        raise StatsInputError(
            f"yi has {y.shape[0]} values but vi has {v.shape[0]}; lengths must match",
            field="vi",
        )
    k = y.shape[0]
    nonpos = np.flatnonzero(v <= 0.0) if (v <= 0.0).any() else np.empty(0, dtype=np.int64)
    if nonpos.size:
        raise StatsInputError(
            f"sampling variance must be positive, got {v[nonpos[0]]}",
            row=int(nonpos[0]),
            field="vi",
        )
    check_variance_ratio(v)
    check_spread(y)
    if mods is None:
        X = np.ones((k, 1))
    else:
        try:
            m = np.asarray(mods, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise StatsInputError(f"cannot be read as numbers ({exc})", field="mods") from exc
        if m.ndim == 1:
            m = m[:, None]
        if m.ndim != 2 or m.shape[0] != k:
            raise StatsInputError(
                f"must have shape (k, q) with k = {k} rows, got {m.shape}", field="mods"
            )
        bad = np.argwhere(~np.isfinite(m))
        if bad.size:
            raise StatsInputError(
                "moderator value is NaN or infinite", row=int(bad[0, 0]), field="mods"
            )
        X = np.hstack([np.ones((k, 1)), m])
    p = X.shape[1]
    w: FloatArray | None = None
    if weights is not None:
        w = as_vector(weights, "weights")
        if w.shape[0] != k:
            raise StatsInputError(
                f"has {w.shape[0]} values but there are {k} studies", field="weights"
            )
        nonpos_w = np.flatnonzero(w <= 0.0)
        if nonpos_w.size:
            raise StatsInputError(
                f"weight must be positive, got {w[nonpos_w[0]]}",
                row=int(nonpos_w[0]),
                field="weights",
            )
    check_method(method)
    check_test(test)
    if k < 2:
        raise StatsInputError(f"a meta-analysis needs at least 2 studies, got k = {k}", field="yi")
    needs_df = method not in ("EE", "FE") or test in ("t", "knha", "adhoc") or p > 1
    if needs_df and k <= p:
        raise StatsInputError(
            f"method {method!r} with test {test!r} needs more studies than model coefficients "
            f"(k = {k}, p = {p})",
            field="yi",
        )
    if k < p:
        raise StatsInputError(f"k = {k} studies cannot fit p = {p} coefficients", field="mods")
    if p > 1 and np.linalg.matrix_rank(X) < p:
        raise StatsInputError("model matrix is not of full column rank", field="mods")
    return MetaInputs(yi=y, vi=v, X=X, weights=w)


__all__ = [
    "EXTRA_METHODS",
    "MAX_VARIANCE_RATIO",
    "METHODS",
    "TESTS",
    "MetaInputs",
    "Method",
    "Test",
    "as_float_vector",
    "as_vector",
    "check_level",
    "check_meta_inputs",
    "check_method",
    "check_test",
    "check_variance_ratio",
]
