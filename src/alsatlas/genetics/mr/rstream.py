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
from scipy import special

from alsatlas.genetics.mr.inputs import FloatArray

_MASK = 0xFFFFFFFF
_I2_32M1 = 2.328306437080797e-10
_BIG = 134217728.0


def r_seeded_mt(seed: int) -> np.random.MT19937:
    """A numpy MT19937 in the state R's ``set.seed(seed)`` leaves its generator."""
    s = int(seed) & _MASK
    for _ in range(50):
        s = (69069 * s + 1) & _MASK
    key = np.empty(625, dtype=np.uint64)
    for j in range(625):
        s = (69069 * s + 1) & _MASK
        key[j] = s
    mt = np.random.MT19937()
    mt.state = {
        "bit_generator": "MT19937",
        "state": {"key": key[1:].astype(np.uint32), "pos": 624},
    }
    return mt


def r_unif(mt: np.random.MT19937, n: int) -> FloatArray:
    """``n`` values of R's ``unif_rand()``."""
    y = mt.random_raw(n).astype(np.float64) * 2.3283064365386963e-10
    y = np.where(y <= 0.0, 0.5 * _I2_32M1, y)
    return np.asarray(np.where(1.0 - y <= 0.0, 1.0 - 0.5 * _I2_32M1, y), dtype=np.float64)


def r_rnorm(seed: int, n: int) -> FloatArray:
    """The first ``n`` standard normals of ``set.seed(seed); rnorm(n)``."""
    u = r_unif(r_seeded_mt(seed), 2 * n)
    v = np.floor(_BIG * u[0::2]) + u[1::2]
    return np.asarray(special.ndtri(v / _BIG), dtype=np.float64)


__all__ = ["r_rnorm", "r_seeded_mt", "r_unif"]
