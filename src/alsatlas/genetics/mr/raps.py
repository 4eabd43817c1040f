"""MR-RAPS: robust adjusted profile score (Zhao, Wang, Hemani, Bowden & Small 2020).

Estimating equations, constants and sandwich variance as in ``mr.raps::mr.raps.shrinkage``
with ``shrinkage = FALSE`` (the function ``mr.raps::mr.raps`` and TwoSampleMR ``mr_raps`` call,
by default with ``over.dispersion = TRUE`` and ``loss.function = "huber"``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import integrate, optimize

from alsatlas.errors import StatsInputError
from alsatlas.genetics.mr.inputs import FloatArray, MRArrays, as_mr_arrays
from alsatlas.genetics.mr.results import MRMethodResult

Loss = Literal["l2", "huber", "tukey"]

DEFAULT_K: dict[str, float] = {"l2": 2.0, "huber": 1.345, "tukey": 4.685}
"""Tuning constants of the losses (``mr.raps.shrinkage`` defaults)."""


def _psi(r: FloatArray, loss: Loss, k: float) -> FloatArray:
    """ρ'(r): r (l2), Huber's clipped r, or Tukey's biweight r(1 − (r/k)²)²·1{|r| ≤ k}."""
    if loss == "l2":
        return r
    if loss == "huber":
        return np.clip(r, -k, k)
    return np.asarray(r * (1.0 - (r / k) ** 2) ** 2 * (np.abs(r) <= k))


def _psi_prime(r: float, loss: Loss, k: float) -> float:
    if loss == "l2":
        return 1.0
    if loss == "huber":
        return 1.0 if abs(r) <= k else 0.0
    t = (r / k) ** 2
    return (1.0 - t) * (1.0 - 5.0 * t) if t < 1.0 else 0.0


R_INTEGRATE_TOL = 2.220446049250313e-16**0.25
"""R ``integrate``'s default ``rel.tol`` (= ``abs.tol``), ε^¼."""

Constants = Literal["package", "exact"]


@lru_cache(maxsize=16)
def loss_constants(
    loss: Loss, k: float, constants: Constants = "package"
) -> tuple[float, float, float, float]:
    """(δ, c1, c2, c3) of the loss under a standard normal Z:
    δ = E[Zρ'(Z)], c1 = E[ρ'(Z)²], c2 = E[Z²ρ'(Z)²] − δ², c3 = E[Z²ρ''(Z)].

    ``"package"``: as mr.raps computes them, R ``integrate`` over (−∞, ∞) (QUADPACK QAGI)
    at its default tolerance ε^¼, which for the Huber and Tukey losses (kinks at ±k) is off
    by up to 3·10⁻⁵ relative; ``"exact"``: the integrals split at ±k to full precision.
    The difference moves the SEs by about 10⁻⁶ and SE(τ²) by about 10⁻⁵ relative.
    """

    def p1(x: float) -> float:
        return float(_psi(np.array(x), loss, k))

    def e(fun: Callable[[float], float]) -> float:
        def g(x: float) -> float:
            return fun(x) * math.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)

        if constants == "package":
            tol = R_INTEGRATE_TOL
            return float(
                integrate.quad(g, -math.inf, math.inf, epsabs=tol, epsrel=tol, limit=100)[0]
            )
        parts = ((-math.inf, -k), (-k, k), (k, math.inf))
        return sum(
            float(integrate.quad(g, lo, hi, epsabs=1e-15, epsrel=1e-13, limit=200)[0])
            for lo, hi in parts
        )

    delta = e(lambda x: x * p1(x))
    c1 = e(lambda x: p1(x) ** 2)
    c2 = e(lambda x: x**2 * p1(x) ** 2) - delta**2
    c3 = e(lambda x: x**2 * _psi_prime(x, loss, k))
    return delta, c1, c2, c3


@dataclass(frozen=True, slots=True)
class RapsFit:
    """MR-RAPS fit: causal effect, overdispersion τ² (0 without overdispersion) and SEs."""

    beta: float
    se: float
    tau2: float
    tau2_se: float
    over_dispersion: bool
    loss: str


def _parts(
    d: MRArrays, beta: float, tau2: float
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    s2 = d.byse**2 + tau2
    v = beta**2 * d.bxse**2 + s2
    t = (d.by - d.bx * beta) / np.sqrt(v)
    den = 1.0 / d.bxse**2 + beta**2 / s2
    gamma = (d.bx / d.bxse**2 + beta * d.by / s2) / den
    return s2, v, t, gamma


def _estimating_equations(
    d: MRArrays, param: FloatArray, od: bool, loss: Loss, k: float, delta: float
) -> FloatArray:
    beta = float(param[0])
    tau2 = float(param[1]) if od else 0.0
    _, v, t, gamma = _parts(d, beta, tau2)
    r = _psi(t, loss, k)
    psi1 = float(np.sum(gamma * r / np.sqrt(v)))
    if not od:
        return np.array([psi1])
    return np.array([psi1, float(np.sum((t * r - delta) / v))])


def _start(d: MRArrays) -> float:
    """β maximising the l2 profile likelihood −½Σ(by − bxβ)²/(byse² + bxse²β²)
    (``mr.raps.simple``), searched in ±2·q95(|by/bx|), widened while the optimum is near
    the edge."""

    def neg(beta: float) -> float:
        return 0.5 * float(np.sum((d.by - d.bx * beta) ** 2 / (d.byse**2 + d.bxse**2 * beta**2)))

    bound = 2.0 * float(np.quantile(np.abs(d.by / d.bx), 0.95))
    for _ in range(60):
        res = optimize.minimize_scalar(
            neg, bounds=(-bound, bound), method="bounded", options={"xatol": 1e-12}
        )
        b = float(res.x)
        if abs(b) <= 0.95 * bound:
            return b
        bound *= 2.0
    return b


def _solve(
    d: MRArrays, init: FloatArray, od: bool, loss: Loss, k: float, delta: float
) -> FloatArray | None:
    """Root of the estimating equations from ``init`` (Powell's hybrid method), then Newton
    steps with a central-difference Jacobian until the step stops shrinking."""

    def f(p: FloatArray) -> FloatArray:
        return _estimating_equations(d, p, od, loss, k, delta)

    x = np.asarray(optimize.root(f, init, method="hybr").x, dtype=np.float64)
    last = math.inf
    for _ in range(20):
        fx = f(x)
        h = np.maximum(np.abs(x), 1e-8) * 1e-6
        jac = np.empty((x.size, x.size))
        for j in range(x.size):
            e = np.zeros(x.size)
            e[j] = h[j]
            jac[:, j] = (f(x + e) - f(x - e)) / (2.0 * h[j])
        try:
            step = np.linalg.solve(jac, fx)
        except np.linalg.LinAlgError:
            break
        size = float(np.max(np.abs(step) / np.maximum(np.abs(x), 1e-300)))
        if not np.all(np.isfinite(step)) or size >= last:
            break
        x = x - step
        last = size
        if size < 1e-15:
            break
    if not np.all(np.isfinite(x)):
        return None
    scale = float(np.max(np.abs(f(x + np.maximum(np.abs(x), 1e-8) * 1e-3))))
    return x if float(np.max(np.abs(f(x)))) <= 1e-6 * max(scale, 1e-300) else None


def raps_from_arrays(
    d: MRArrays,
    *,
    over_dispersion: bool = True,
    loss: Loss = "huber",
    k: float | None = None,
    constants: Constants = "package",
) -> RapsFit:
    """`mr_raps` on validated arrays."""
    kk = DEFAULT_K[loss] if k is None else float(k)
    delta, c1, c2, c3 = loss_constants(loss, kk, constants)
    b0 = _start(d)
    if not over_dispersion:
        root = _solve(d, np.array([b0]), False, loss, kk, delta)
        if root is None:
            raise StatsInputError("MR-RAPS: the estimating equation has no root near the start")
        beta, tau2 = float(root[0]), 0.0
    else:

        def psi2(tau2: float) -> float:
            return float(_estimating_equations(d, np.array([b0, tau2]), True, loss, kk, delta)[1])

        hi = float(np.quantile(d.byse**2, 0.95)) * 100.0
        t0 = optimize.brentq(psi2, 0.0, hi, xtol=1e-300) if psi2(0.0) > 0 > psi2(hi) else 0.0
        root = _solve(d, np.array([b0, t0]), True, loss, kk, delta)
        if root is None or root[1] < 0 or root[1] > 10.0 * float(np.median(d.byse)):
            return raps_from_arrays(d, over_dispersion=False, loss=loss, k=kk, constants=constants)
        beta, tau2 = float(root[0]), float(root[1])
    s2, v, t, gamma = _parts(d, beta, tau2)
    den = 1.0 / d.bxse**2 + beta**2 / s2
    g_beta = (d.by / s2) / den
    r = _psi(t, loss, kk)
    a = float(np.sum((g_beta * r + gamma * delta * (-d.bx) / np.sqrt(v)) / np.sqrt(v)))
    if not over_dispersion:
        v1 = c1 * float(np.sum(gamma**2 / v))
        return RapsFit(beta, math.sqrt(v1 / a**2), 0.0, 0.0, False, loss)
    g_tau = -beta * d.by / s2**2 / den
    v1m = np.diag([c1 * float(np.sum(gamma**2 / v)), c2 * float(np.sum(1.0 / v**2))])
    v2 = np.array(
        [
            [a, float(np.sum(g_tau * r / np.sqrt(v)))],
            [0.0, (delta + c3) / 2.0 * float(np.sum(1.0 / v**2))],
        ]
    )
    inv = np.linalg.inv(v2)
    cov = inv @ v1m @ inv.T
    return RapsFit(beta, math.sqrt(cov[0, 0]), tau2, math.sqrt(cov[1, 1]), True, loss)


def mr_raps(
    bx: ArrayLike,
    bxse: ArrayLike,
    by: ArrayLike,
    byse: ArrayLike,
    *,
    over_dispersion: bool = True,
    loss: Loss = "huber",
    k: float | None = None,
    constants: Constants = "package",
) -> RapsFit:
    """MR-RAPS estimate of the causal effect β (``mr.raps::mr.raps``, shrinkage off).

    With t_j = (by_j − bx_jβ)/√v_j, v_j = β²bxse_j² + byse_j² + τ², and the profile
    estimate γ̂_j = (bx_j/bxse_j² + β·by_j/(byse_j² + τ²))/(1/bxse_j² + β²/(byse_j² + τ²)),
    β (and τ² with ``over_dispersion``) solve

        Σ_j γ̂_j ρ'(t_j)/√v_j = 0,      Σ_j (t_jρ'(t_j) − δ)/v_j = 0,

    ρ the squared-error (``"l2"``), Huber (k = 1.345) or Tukey biweight (k = 4.685) loss,
    δ = E[Zρ'(Z)]. The root is sought from the l2 profile-likelihood estimate; a negative or
    implausibly large τ² (> 10·median byse) falls back to τ² = 0, as the package does. The
    sandwich variance V₂⁻¹V₁V₂⁻ᵀ uses the package's V₁ = diag(c1Σγ̂²/v, c2Σ1/v²) and its
    V₂; p-values (TwoSampleMR ``mr_raps``) are normal. ``constants`` chooses how the loss
    constants are integrated (`loss_constants`; default as the package). Requires k ≥ 3.

    References
    ----------
    Zhao Q, Wang J, Hemani G, Bowden J, Small DS. Statistical inference in two-sample
    summary-data Mendelian randomization using robust adjusted profile score. Ann Stat
    2020;48:1742-1769.
    """
    if loss not in DEFAULT_K:
        raise StatsInputError("loss must be l2, huber or tukey", field="loss")
    d = as_mr_arrays(bx, bxse, by, byse, min_snps=3, method="raps")
    return raps_from_arrays(d, over_dispersion=over_dispersion, loss=loss, k=k, constants=constants)


def raps_result(fit: RapsFit, nsnp: int, *, alpha: float = 0.05) -> MRMethodResult:
    """The fit as an `MRMethodResult` (method ``raps``, normal p-value and limits)."""
    return MRMethodResult.from_estimate("raps", nsnp, fit.beta, fit.se, alpha=alpha)


__all__ = [
    "DEFAULT_K",
    "Constants",
    "Loss",
    "RapsFit",
    "loss_constants",
    "mr_raps",
    "raps_from_arrays",
    "raps_result",
]
