"""Single-threaded BLAS blocks: same numbers, thread count restored."""

from __future__ import annotations

import numpy as np

from alsatlas.genetics.mr.blas import _setter, single_threaded_blas


def test_single_threaded_blas_same_numbers_and_restores() -> None:
    rng = np.random.default_rng(1)
    a = rng.normal(size=(300, 200))
    v = rng.normal(size=200)
    outside = (a.T @ a, a @ v)
    fn = _setter()
    before = None
    if fn is not None:
        before = fn(2)
        fn(before)
    with single_threaded_blas():
        inside = (a.T @ a, a @ v)
        if fn is not None:
            now = fn(1)
            assert now == 1
    assert np.array_equal(inside[0], outside[0])
    assert np.array_equal(inside[1], outside[1])
    if fn is not None:
        assert fn(int(before or 1)) == before


def test_single_threaded_blas_as_decorator() -> None:
    @single_threaded_blas()
    def gram(x: np.ndarray) -> np.ndarray:
        return np.asarray(x.T @ x)

    x = np.arange(12.0).reshape(4, 3)
    assert np.array_equal(gram(x), x.T @ x)
    assert np.array_equal(gram(x), x.T @ x)
