"""The standard normal quantile Φ⁻¹(y), compiled: Cephes ``ndtri``, operation for operation.

Cephes (the algorithm of ``scipy.special.ndtri``): for exp(−2) < y ≤ 1 − exp(−2), with
w = y − ½, Φ⁻¹(y) = √(2π)·(w + w·(w²·P₀(w²)/Q₀(w²))) (degrees 4/8); in the tails, with
t = y (lower) or 1 − y (upper), x = √(−2 log t), Φ⁻¹ = ∓(x − log(x)/x − (1/x)·P(1/x)/Q(1/x)),
P/Q = P₁/Q₁ (degrees 8/8) for x < 8 and P₂/Q₂ for x ≥ 8. Φ⁻¹(0) = −∞, Φ⁻¹(1) = +∞ and NaN
outside [0, 1]. The polynomials are evaluated by Horner's rule in Cephes' order with no
fused multiply–adds and the logarithm is the C library's, so each value equals
``scipy.special.ndtri``'s bit for bit.

Speed: the central formula (about 73 % of uniform arguments) runs for every element in one
branch-free loop that LLVM vectorises; the tail arguments are then gathered, their two
logarithms taken one by one (the C library's, never a vector library's), their rational
functions evaluated in a second vectorised loop, and scattered back.

References
----------
Moshier SL. Cephes Mathematical Library, ``ndtri.c`` (release 2.1, 1989), as shipped in
SciPy (``xsf/cephes/ndtri.h``).
"""

from __future__ import annotations

import math

import numpy as np

from alsatlas.genetics.mr.inputs import FloatArray
from alsatlas.jit import njit_ieee

_EXPM2 = 0.13533528323661269189
_SQRT2PI = 2.50662827463100050242


@njit_ieee
def _central(y: float) -> float:
    """Φ⁻¹(y) by the central rational function (meant for exp(−2) < y ≤ 1 − exp(−2))."""
    w = y - 0.5
    w2 = w * w
    p = -5.99633501014107895267e1
    p = p * w2 + 9.80010754185999661536e1
    p = p * w2 + -5.66762857469070293439e1
    p = p * w2 + 1.39312609387279679503e1
    p = p * w2 + -1.23916583867381258016e0
    q = w2 + 1.95448858338141759834e0
    q = q * w2 + 4.67627912898881538453e0
    q = q * w2 + 8.63602421390890590575e1
    q = q * w2 + -2.25462687854119370527e2
    q = q * w2 + 2.00260212380060660359e2
    q = q * w2 + -8.20372256168333339912e1
    q = q * w2 + 1.59056225126211695515e1
    q = q * w2 + -1.18331621121330003142e0
    x = w + w * (w2 * p / q)
    return x * _SQRT2PI


@njit_ieee
def _tail_near(x: float, logx: float) -> float:
    """x − log(x)/x − (1/x)·P₁(1/x)/Q₁(1/x), for 2 < x < 8."""
    z = 1.0 / x
    p = 4.05544892305962419923e0
    p = p * z + 3.15251094599893866154e1
    p = p * z + 5.71628192246421288162e1
    p = p * z + 4.40805073893200834700e1
    p = p * z + 1.46849561928858024014e1
    p = p * z + 2.18663306850790267539e0
    p = p * z + -1.40256079171354495875e-1
    p = p * z + -3.50424626827848203418e-2
    p = p * z + -8.57456785154685413611e-4
    q = z + 1.57799883256466749731e1
    q = q * z + 4.53907635128879210584e1
    q = q * z + 4.13172038254672030440e1
    q = q * z + 1.50425385692907503408e1
    q = q * z + 2.50464946208309415979e0
    q = q * z + -1.42182922854787788574e-1
    q = q * z + -3.80806407691578277194e-2
    q = q * z + -9.33259480895457427372e-4
    return (x - logx / x) - z * p / q


@njit_ieee
def _tail_far(x: float, logx: float) -> float:
    """x − log(x)/x − (1/x)·P₂(1/x)/Q₂(1/x), for x ≥ 8."""
    z = 1.0 / x
    p = 3.23774891776946035970e0
    p = p * z + 6.91522889068984211695e0
    p = p * z + 3.93881025292474443415e0
    p = p * z + 1.33303460815807542389e0
    p = p * z + 2.01485389549179081538e-1
    p = p * z + 1.23716634817820021358e-2
    p = p * z + 3.01581553508235416007e-4
    p = p * z + 2.65806974686737550832e-6
    p = p * z + 6.23974539184983293730e-9
    q = z + 6.02427039364742014255e0
    q = q * z + 3.67983563856160859403e0
    q = q * z + 1.37702099489081330271e0
    q = q * z + 2.16236993594496635890e-1
    q = q * z + 1.34204006088543189037e-2
    q = q * z + 3.28014464682127739104e-4
    q = q * z + 2.89247864745380683936e-6
    q = q * z + 6.79019408009981274425e-9
    return (x - logx / x) - z * p / q


_CHUNK = 2048


@njit_ieee
def _ndtri_kernel(y: FloatArray, out: FloatArray) -> None:
    n = y.shape[0]
    # Cephes' order of tests: t = 1 − y above 1 − e⁻², then the central formula if t > e⁻²
    # (for every element here; the tails are overwritten below)
    for i in range(n):
        yi = y[i]
        out[i] = _central(1.0 - yi if yi > 1.0 - _EXPM2 else yi)
    pos = np.empty(_CHUNK, dtype=np.int64)
    ts = np.empty(_CHUNK)
    sg = np.empty(_CHUNK)
    xs = np.empty(_CHUNK)
    lx = np.empty(_CHUNK)
    res = np.empty(_CHUNK)
    for c in range(0, n, _CHUNK):
        # tail positions, their t (NaN outside [0, 1]) and sign, gathered without branches
        m = 0
        for i in range(c, min(n, c + _CHUNK)):
            yi = y[i]
            upper = yi > 1.0 - _EXPM2
            t = 1.0 - yi if upper else yi
            pos[m] = i
            ts[m] = t if yi >= 0.0 and yi <= 1.0 else math.nan
            sg[m] = 1.0 if upper else -1.0
            m += 0 if t > _EXPM2 else 1
        # x = √(−2 log t) and log x: the C library's logarithm, one value at a time
        for j in range(m):
            x = math.sqrt(-2.0 * math.log(ts[j]))
            xs[j] = x
            lx[j] = math.log(x)
        for j in range(m):
            res[j] = _tail_near(xs[j], lx[j])
        for j in range(m):
            x = xs[j]
            if x < 8.0:
                v = res[j]
            elif x == math.inf:
                v = math.inf  # t = 0: y = 0 or y = 1
            else:
                v = _tail_far(x, lx[j])  # NaN stays NaN
            out[pos[j]] = sg[j] * v


def ndtri_into(y: FloatArray, out: FloatArray) -> FloatArray:
    """Φ⁻¹ of each element of the contiguous float64 array ``y``, written to ``out`` (same
    length, not overlapping ``y``) and returned."""
    _ndtri_kernel(y, out)
    return out


def ndtri(y: FloatArray) -> FloatArray:
    """Φ⁻¹ of each element of ``y`` (a new array), equal to ``scipy.special.ndtri``."""
    a = np.ascontiguousarray(y, dtype=np.float64).reshape(-1)
    out = np.empty_like(a)
    _ndtri_kernel(a, out)
    return out.reshape(np.shape(y))


__all__ = ["ndtri", "ndtri_into"]
