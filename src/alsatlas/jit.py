"""Compiled inner loops: a typed wrapper around numba's ``njit``.

The estimators whose cost is thousands of tiny iterations (MM regression, the lasso path)
keep their loops in Python source compiled by numba (LLVM) on first use; the machine code is
cached beside the module (``cache=True``), so later processes load it instead of compiling.
``fastmath`` stays off in `njit`: the compiled loops follow IEEE arithmetic as written,
operation for operation. `njit_reassoc` allows only reassociation (LLVM's ``reassoc`` flag),
so that sums over arrays run in SIMD lanes: each operation is still IEEE, but the order of
summation is the compiler's (it depends on the CPU's vector width, as numpy's own SIMD
reductions do), so results may differ in the last bits between CPUs, never between runs on
one. `njit_ieee` keeps every operation and its order but takes numpy's error model: a float
division by zero gives ±inf or NaN instead of raising, so loops that divide can be
vectorised (lanes never reorder a sum). Setting ``NUMBA_DISABLE_JIT=1`` runs the same
functions as plain Python.

References
----------
Lam SK, Pitrou A, Seibert S. Numba: a LLVM-based Python JIT compiler. LLVM-HPC 2015.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, TypeVar, cast

F = TypeVar("F", bound=Callable[..., object])


def _compile(
    fn: F, fastmath: bool | set[str], error_model: Literal["python", "numpy"] = "python"
) -> F:
    """numba's ``njit`` with the disk cache, or without it where no cache folder is writable
    (numba refuses caching there: read-only install and no writable user cache)."""
    import numba

    try:
        return cast(
            F,
            numba.njit(cache=True, nogil=True, fastmath=fastmath, error_model=error_model)(fn),
        )
    except RuntimeError:
        return cast(
            F,
            numba.njit(cache=False, nogil=True, fastmath=fastmath, error_model=error_model)(fn),
        )


def njit(fn: F) -> F:
    """Compile ``fn`` with numba in nopython mode, cached on disk, the GIL released."""
    return _compile(fn, False)


def njit_reassoc(fn: F) -> F:
    """As `njit`, with floating-point reassociation allowed (vectorised reductions)."""
    return _compile(fn, {"reassoc"})


def njit_ieee(fn: F) -> F:
    """As `njit`, with numpy's error model (float division by zero gives inf/NaN, no check)."""
    return _compile(fn, False, "numpy")


__all__ = ["njit", "njit_ieee", "njit_reassoc"]
