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
_BLOCK = 312 * 64


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
    mt = np.random.MT19937()
    mt.state = {"bit_generator": "MT19937", "state": {"key": _r_seed_words(seed), "pos": 624}}
    return mt


def _r_seed_words(seed: int) -> NDArray[np.uint32]:
    """The 624 state words R's ``set.seed(seed)`` leaves (see `r_seeded_mt`)."""
    s = np.uint64(int(seed) & _MASK)
    return ((_LCG_A * s + _LCG_C) & np.uint64(_MASK)).astype(np.uint32)


@njit_ieee
def _twist(mt: NDArray[np.uint32]) -> None:
    """The Mersenne-Twister recurrence: the next 624 state words, in place."""
    upper, lower, mat = np.uint32(0x80000000), np.uint32(0x7FFFFFFF), np.uint32(0x9908B0DF)
    one = np.uint32(1)
    for i in range(227):
        y = (mt[i] & upper) | (mt[i + 1] & lower)
        mt[i] = mt[i + 397] ^ (y >> one) ^ ((np.uint32(0) - (y & one)) & mat)
    for i in range(227, 623):
        y = (mt[i] & upper) | (mt[i + 1] & lower)
        mt[i] = mt[i - 227] ^ (y >> one) ^ ((np.uint32(0) - (y & one)) & mat)
    y = (mt[623] & upper) | (mt[0] & lower)
    mt[623] = mt[396] ^ (y >> one) ^ ((np.uint32(0) - (y & one)) & mat)


@njit_ieee
def _inversion_arguments(mt: NDArray[np.uint32], v: FloatArray) -> None:
    """v_i = ((w₁ >> 5) + max(w₂·2⁻³², ½/(2³² − 1)))/2²⁷ from the i-th pair of tempered
    words, the generator starting at a fresh block (position 624)."""
    n = v.shape[0]
    w = np.empty(624, dtype=np.uint32)
    half = 0
    for c in range(0, 2 * n, 624):
        _twist(mt)
        for i in range(624):
            y = mt[i]
            y ^= y >> np.uint32(11)
            y ^= (y << np.uint32(7)) & np.uint32(0x9D2C5680)
            y ^= (y << np.uint32(15)) & np.uint32(0xEFC60000)
            y ^= y >> np.uint32(18)
            w[i] = y
        for i in range(0, min(624, 2 * n - c), 2):
            u2 = max(float(w[i + 1]) * 2.3283064365386963e-10, 0.5 * _I2_32M1)
            v[half] = (float(w[i] >> np.uint32(5)) + u2) * (1.0 / _BIG)
            half += 1


def r_rnorm(seed: int, n: int) -> FloatArray:
    """The first ``n`` standard normals of ``set.seed(seed); rnorm(n)``.

    With U₁ = w₁·2⁻³² (w₁ the first 32-bit word of the pair), ⌊2²⁷·U₁⌋ = w₁ >> 5 exactly
    (also for R's replacement of w₁ = 0), and division by 2²⁷ is exact, so the argument of
    Φ⁻¹ is formed from integers with one rounding (the sum). The 32-bit words come from a
    compiled Mersenne Twister started from `r_seeded_mt`'s words (624 is even, so pairs never
    straddle a block); Φ⁻¹ is Cephes' (`ndtri`, equal to ``scipy.special.ndtri``). Generated
    in cache-sized blocks of whole generator blocks (312 normals each).
    """
    mt = _r_seed_words(seed)
    out = np.empty(n, dtype=np.float64)
    v = np.empty(min(n, _BLOCK), dtype=np.float64)
    for s in range(0, n, _BLOCK):
        m = min(_BLOCK, n - s)
        _inversion_arguments(mt, v[:m])
        ndtri_into(v[:m], out[s : s + m])
    return out


__all__ = ["r_rnorm", "r_seeded_mt"]
