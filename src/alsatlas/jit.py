"""Compiled inner loops: a typed wrapper around numba's ``njit``.

The estimators whose cost is thousands of tiny iterations (MM regression, the lasso path)
keep their loops in Python source compiled by numba (LLVM) on first use; the machine code is
cached beside the module (``cache=True``), so later processes load it instead of compiling.
``fastmath`` stays off: the compiled loops follow IEEE arithmetic as written, operation for
operation. Setting ``NUMBA_DISABLE_JIT=1`` runs the same functions as plain Python.

References
----------
Lam SK, Pitrou A, Seibert S. Numba: a LLVM-based Python JIT compiler. LLVM-HPC 2015.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

F = TypeVar("F", bound=Callable[..., object])


def njit(fn: F) -> F:
    """Compile ``fn`` with numba in nopython mode, cached on disk, the GIL released."""
    import numba

    return cast(F, numba.njit(cache=True, nogil=True)(fn))


__all__ = ["njit"]
