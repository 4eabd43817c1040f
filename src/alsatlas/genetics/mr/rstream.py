"""R's default random normal stream, for Monte Carlo methods that should give R's numbers.

R (``RNGkind("Mersenne-Twister", "Inversion")``, the default) seeds with ``set.seed(s)`` by
scrambling s with the linear congruence s ← 69069·s + 1 (mod 2³²) fifty times, then filling
the 624 Mersenne-Twister words with the next 624 values of the same congruence. A uniform is
the tempered 32-bit output times 2.3283064365386963e-10 (kept inside (0, 1)), and a normal
is Φ⁻¹(u/2²⁷) with u = ⌊2²⁷·U₁⌋ + U₂ from two uniforms. numpy's MT19937 implements the same
generator, so its state is set from R's seeding and the normals are formed as R does.

References
----------
R Core Team, ``src/main/RNG.c`` (``RNG_Init``, ``MT_genrand``, ``norm_rand`` INVERSION);
Matsumoto M, Nishimura T. ACM TOMACS 1998;8:3-30.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from alsatlas.genetics.mr.inputs import FloatArray
from alsatlas.genetics.mr.ndtri import ndtri_into
from alsatlas.jit import njit_ieee

_MASK = 0xFFFFFFFF
_I2_32M1 = 2.328306437080797e-10
_BIG = 134217728.0
_BLOCK = 16_384


def _lcg_coefficients() -> tuple[NDArray[np.uint64], NDArray[np.uint64]]:
    """(A_j, C_j) with the j-th congruence step from s equal to A_j·s + C_j (mod 2³²),
    j = 52 … 675 (the 624 state words after 50 scrambling steps and one discarded value)."""
    a_pow, c_acc = 1, 0
    mult, add = [], []
    for j in range(1, 676):
        a_pow, c_acc = (69069 * a_pow) & _MASK, (69069 * c_acc + 1) & _MASK
        if j >= 52:
            mult.append(a_pow)
            add.append(c_acc)
    return np.array(mult, dtype=np.uint64), np.array(add, dtype=np.uint64)


_LCG_A, _LCG_C = _lcg_coefficients()


def r_seeded_mt(seed: int) -> np.random.MT19937:
    """A numpy MT19937 in the state R's ``set.seed(seed)`` leaves its generator.

    The 624 words are the congruence's values 52 … 675 from the seed, each computed in closed
    form (A_j·s + C_j mod 2³²; products of 32-bit numbers fit in 64 bits).
    """
    s = np.uint64(int(seed) & _MASK)
    key = ((_LCG_A * s + _LCG_C) & np.uint64(_MASK)).astype(np.uint32)
    mt = np.random.MT19937()
    mt.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": 624}}
    return mt


def r_unif(mt: np.random.MT19937, n: int) -> FloatArray:
    """``n`` values of R's ``unif_rand()``.

    A 32-bit word w gives w·2⁻³² (exact in double precision, at most 1 − 2⁻³² < 1); R's
    ``fixup`` only ever replaces w = 0 (by ½/(2³² − 1)), so the upper guard is a no-op.
    """
    y = mt.random_raw(n).astype(np.float64)
    y *= 2.3283064365386963e-10
    return np.asarray(np.maximum(y, 0.5 * _I2_32M1, out=y), dtype=np.float64)


@njit_ieee
def _inversion_arguments(raw: NDArray[np.uint64], v: FloatArray) -> None:
    """v_i = ((w₁ >> 5) + max(w₂·2⁻³², ½/(2³² − 1)))/2²⁷ from the i-th pair of words."""
    for i in range(v.shape[0]):
        u2 = max(float(raw[2 * i + 1]) * 2.3283064365386963e-10, 0.5 * _I2_32M1)
        v[i] = (float(raw[2 * i] >> np.uint64(5)) + u2) * (1.0 / _BIG)


def r_rnorm(seed: int, n: int) -> FloatArray:
    """The first ``n`` standard normals of ``set.seed(seed); rnorm(n)``.

    With U₁ = w₁·2⁻³² (w₁ the first 32-bit word of the pair), ⌊2²⁷·U₁⌋ = w₁ >> 5 exactly
    (also for R's replacement of w₁ = 0), and division by 2²⁷ is exact, so the argument of
    Φ⁻¹ is formed from integers with one rounding (the sum). Φ⁻¹ is Cephes' (`ndtri`, equal
    to ``scipy.special.ndtri``). Generated in cache-sized blocks.
    """
    mt = r_seeded_mt(seed)
    out = np.empty(n, dtype=np.float64)
    v = np.empty(min(n, _BLOCK), dtype=np.float64)
    for s in range(0, n, _BLOCK):
        m = min(_BLOCK, n - s)
        _inversion_arguments(mt.random_raw(2 * m), v[:m])
        ndtri_into(v[:m], out[s : s + m])
    return out


__all__ = ["r_rnorm", "r_seeded_mt", "r_unif"]
