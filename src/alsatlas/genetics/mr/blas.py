"""Single-threaded BLAS for the small dense problems of the MR estimators.

numpy's bundled OpenBLAS threads matrix products and matrix–vector products once they
exceed a few thousand elements (a 100 × 100 product qualifies). For problems this small the
worker threads mostly spin: a 100 × 100 × 100 product costs ~0.8 ms of CPU time with two
threads and ~0.03 ms with one. `single_threaded_blas` sets the calling thread's OpenBLAS
thread count to 1 for the duration of a block (OpenBLAS's thread-local
``openblas_set_num_threads_local``, restored afterwards) and is a no-op where numpy does not
use a recognisable OpenBLAS. OpenBLAS partitions its threaded products by output elements,
so the numbers do not depend on the thread count.
"""

from __future__ import annotations

import ctypes
import functools
import glob
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np

_PATTERNS = ("numpy.libs/*openblas*", "numpy/.dylibs/*openblas*")


@functools.cache
def _setter() -> Callable[[int], int] | None:
    """OpenBLAS's ``openblas_set_num_threads_local`` from numpy's bundled library, or None."""
    site = os.path.dirname(os.path.dirname(np.__file__))
    for pattern in _PATTERNS:
        for path in sorted(glob.glob(os.path.join(site, pattern))):
            try:
                lib = ctypes.CDLL(path)
                fn = lib.openblas_set_num_threads_local
            except (OSError, AttributeError):
                continue
            fn.argtypes = [ctypes.c_int]
            fn.restype = ctypes.c_int
            return fn
    return None


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Run the block with one OpenBLAS thread in the calling thread (see the module doc)."""
    fn = _setter()
    if fn is None:
        yield
        return
    previous = fn(1)
    try:
        yield
    finally:
        fn(previous)


__all__ = ["single_threaded_blas"]
