"""numpy's order of summation for a contiguous float64 run, compiled.

``np.sum`` (``np.add.reduce``) over a contiguous float64 run of n values: below 8 values one
running sum from 0; up to 128 values eight running sums (r_i over elements i, i + 8, …)
combined as ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), the remainder added in turn;
longer runs split at ⌊n/2⌋ rounded down to a multiple of 8, the two halves summed so and
added. A compiled loop that sums in this order gives numpy's sums bit for bit.

References
----------
numpy ``numpy/_core/src/umath/loops_utils.h.src`` (``pairwise_sum``).
"""

from __future__ import annotations

import numpy as np

from alsatlas.genetics.mr.inputs import FloatArray
from alsatlas.jit import njit_ieee


@njit_ieee
def _pairwise_block(a: FloatArray, lo: int, n: int) -> float:
    """Σ a[lo : lo + n] for n ≤ 128 in numpy's order: below 8 values one running sum,
    else eight running sums combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)), the remainder
    added in turn."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    top = n - n % 8
    while i < top:
        b = lo + i
        r0 += a[b]
        r1 += a[b + 1]
        r2 += a[b + 2]
        r3 += a[b + 3]
        r4 += a[b + 4]
        r5 += a[b + 5]
        r6 += a[b + 6]
        r7 += a[b + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return float(res)


@njit_ieee
def pairwise_sum(a: FloatArray, n: int) -> float:
    """Σ a[:n] in numpy's order (``np.sum`` of a contiguous float64 run): runs over 128
    values are split in two at ⌊n/2⌋ rounded down to a multiple of 8 and the halves' sums
    added, down to `_pairwise_block`. The tree is walked with an explicit stack."""
    if n <= 128:
        return _pairwise_block(a, 0, n)
    lo_s = np.empty(64, dtype=np.intp)
    n_s = np.empty(64, dtype=np.intp)
    left_done = np.zeros(64, dtype=np.bool_)
    left = np.empty(64)
    sp = 0
    lo_s[0], n_s[0] = 0, n
    while True:
        if n_s[sp] <= 128:
            v = _pairwise_block(a, lo_s[sp], n_s[sp])
            sp -= 1
            while sp >= 0 and left_done[sp]:
                v = left[sp] + v
                sp -= 1
            if sp < 0:
                return v
            left[sp], left_done[sp] = v, True
            h = n_s[sp] // 2
            h -= h % 8
            lo_s[sp + 1], n_s[sp + 1], left_done[sp + 1] = lo_s[sp] + h, n_s[sp] - h, False
        else:
            h = n_s[sp] // 2
            h -= h % 8
            lo_s[sp + 1], n_s[sp + 1], left_done[sp + 1] = lo_s[sp], h, False
        sp += 1


__all__ = ["pairwise_sum"]
