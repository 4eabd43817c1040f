"""Random streams for the bootstrap estimators and parametric resampling of the associations."""

from __future__ import annotations

import zlib

import numpy as np

from alsatlas.genetics.mr.conventions import DEFAULT_METHOD_IDS, DEFAULT_SEED
from alsatlas.genetics.mr.inputs import FloatArray, MRArrays

RNGLike = np.random.Generator | int | None

_STREAM_CODES: dict[str, int] = {m: i for i, m in enumerate(DEFAULT_METHOD_IDS)}
"""Stream code of the first ten method ids (their position, as released); methods added since
use the CRC-32 of their id, so adding a method never moves another method's stream."""


def method_rng(seed: int | None, method: str) -> np.random.Generator:
    """An independent generator per (seed, method).

    Each method draws from its own stream, so its result does not depend on which other
    methods were run or in what order. ``None`` means `DEFAULT_SEED`.
    """
    s = DEFAULT_SEED if seed is None else int(seed)
    code = _STREAM_CODES.get(method, zlib.crc32(method.encode()))
    return np.random.default_rng([code, s])


def as_rng(rng: RNGLike, method: str) -> np.random.Generator:
    """A Generator from a Generator, a seed, or None (the default seed)."""
    if isinstance(rng, np.random.Generator):
        return rng
    return method_rng(rng, method)


def resample_associations(
    d: MRArrays, n_boot: int, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    """Parametric bootstrap: bx* ~ N(bx, bxse²), by* ~ N(by, byse²), independent.

    Returns two (n_boot, k) arrays.
    """
    bx = d.bx + d.bxse * rng.standard_normal((n_boot, d.k))
    by = d.by + d.byse * rng.standard_normal((n_boot, d.k))
    return bx, by


__all__ = ["RNGLike", "as_rng", "method_rng", "resample_associations"]
