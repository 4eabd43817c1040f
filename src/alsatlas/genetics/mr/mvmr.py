"""Multivariable MR (MVMR): IVW and MR-Egger with several exposures, and instrument strength.

Inputs: a k×m matrix ``bx`` of variant–exposure associations (m exposures), its SE matrix
``bxse``, and the outcome associations ``by``/``byse`` (k > m variants, uncorrelated).

- `mvivw`: weighted regression of by on the columns of bx through the origin, weights
  byse⁻² (Burgess & Thompson 2015). se = se_lm/min(1, σ̂) (random, the default for k ≥ 4) or
  se_lm/σ̂ (fixed); Q = (k − m)σ̂², p-values and limits normal or t(k − m).
- `mvegger`: the same with an intercept, after orienting every variant so that its
  association with exposure ``orientate`` is positive (Rees, Wood & Burgess 2017);
  se/min(1, σ̂). With ``distribution="t"`` MendelianRandomization takes p-values from t(k − m)
  but limits from t(k − m − 1); reproduced as is.
- Conditional F-statistics (Sanderson, Spiller & Bowden 2021) as the MVMR package computes
  them (`strength_mvmr`, gencov = 0): δ from ordinary regressions of each exposure's
  associations on the others', F_j = Σ_l (bx_lj − bx_l,−jδ)²/σ²_lj / k with
  σ²_lj = bxse_lj² + Σ_i δ_i²bxse_li².
  MendelianRandomization's ``mr_mvivw(nx = ...)`` version (``condFstat``) minimises
  Q(τ) = g(τ)ᵀΩ(τ)⁻¹g(τ) with ``nlminb`` and a gradient that leaves out dΩ/dτ; on the
  Waterworth lipids it stops with "false convergence" (for LDL-c and triglycerides at the
  least-squares start), so its values are not a reproducible optimum and are not offered.

References
----------
Burgess S, Thompson SG. Am J Epidemiol 2015;181:251-260. Rees JMB, Wood AM, Burgess S. Stat
Med 2017;36:4705-4718. Sanderson E, Spiller W, Bowden J. Stat Med 2021;40:5434-5452.
MendelianRandomization 0.10.0 ``mr_mvivw``, ``mr_mvegger``; MVMR ``strength_mvmr``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from alsatlas.errors import DegenerateFitError, StatsInputError
from alsatlas.genetics.mr.inference import chi2_sf, critical_value, pvalue
from alsatlas.genetics.mr.ivw import IVWModel, resolve_model
from alsatlas.genetics.mr.penalised import MRDistribution
from alsatlas.jit import njit

Matrix = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class MVInputs:
    """Validated multivariable inputs: bx and bxse k×m, by and byse length k."""

    bx: Matrix
    bxse: Matrix
    by: Matrix
    byse: Matrix

    @property
    def k(self) -> int:
        """Number of variants."""
        return int(self.bx.shape[0])

    @property
    def m(self) -> int:
        """Number of exposures."""
        return int(self.bx.shape[1])


@njit
def _all_valid(x: Matrix, xs: Matrix, y: Matrix, ys: Matrix) -> bool:
    """Whether every value is finite and every standard error positive."""
    ok = True
    for v in x.ravel():
        ok &= math.isfinite(v)
    for v in y:
        ok &= math.isfinite(v)
    for v in xs.ravel():
        ok &= math.isfinite(v) and float(v) > 0.0
    for v in ys:
        ok &= math.isfinite(v) and float(v) > 0.0
    return ok


def as_mv_inputs(bx: ArrayLike, bxse: ArrayLike, by: ArrayLike, byse: ArrayLike) -> MVInputs:
    """Check shapes and values: finite, positive SEs, k > m ≥ 1."""
    x = np.ascontiguousarray(bx, dtype=np.float64)
    xs = np.ascontiguousarray(bxse, dtype=np.float64)
    y = np.ascontiguousarray(by, dtype=np.float64).reshape(-1)
    ys = np.ascontiguousarray(byse, dtype=np.float64).reshape(-1)
    if x.ndim == 1:
        x = x[:, None]
    if xs.ndim == 1:
        xs = xs[:, None]
    if x.ndim != 2 or xs.shape != x.shape:
        raise StatsInputError("bx and bxse must be k×m matrices of the same shape", field="bxse")
    for name, a in (("by", y), ("byse", ys)):
        if a.shape[0] != x.shape[0]:
            raise StatsInputError(f"has {a.shape[0]} values but bx has {x.shape[0]}", field=name)
    if not _all_valid(x, xs, y, ys):
        _locate_invalid(x, xs, y, ys)
    if x.shape[0] <= x.shape[1]:
        raise StatsInputError(
            f"multivariable MR needs more variants ({x.shape[0]}) than exposures ({x.shape[1]})",
            field="bx",
        )
    return MVInputs(x, xs, y, ys)


def _locate_invalid(x: Matrix, xs: Matrix, y: Matrix, ys: Matrix) -> None:
    """Raise for the first non-finite value, then the first standard error not positive."""
    for name, a in (("bx", x), ("bxse", xs), ("by", y), ("byse", ys)):
        if not np.isfinite(a).all():
            bad = np.argwhere(~np.isfinite(a))
            raise StatsInputError("value is not finite", row=int(bad[0][0]), field=name)
    for name, a in (("bxse", xs), ("byse", ys)):
        if not (a > 0).all():
            bad = np.argwhere(a <= 0)
            raise StatsInputError("standard error must be positive", row=int(bad[0][0]), field=name)


@dataclass(frozen=True, slots=True)
class MVResult:
    """Per-exposure estimates of a multivariable fit (tuples of length m), the residual
    standard error, Cochran's Q with its df and p-value, and (MR-Egger) the intercept."""

    method: str
    nsnp: int
    b: tuple[float, ...]
    se: tuple[float, ...]
    ci_lb: tuple[float, ...]
    ci_ub: tuple[float, ...]
    pval: tuple[float, ...]
    rse: float
    Q: float
    Q_df: int
    Q_pval: float
    intercept: float | None = None
    intercept_se: float | None = None
    intercept_ci_lb: float | None = None
    intercept_ci_ub: float | None = None
    intercept_pval: float | None = None


def _singular(*_: object) -> None:
    raise np.linalg.LinAlgError("Singular matrix")


_GUFUNCS = ("qr_r_raw", "qr_reduced", "solve1", "inv")


def _lapack_gufuncs() -> Any | None:
    """numpy's private module of LAPACK gufuncs behind ``np.linalg`` when it has the four
    that `_wls` calls, else None (`_wls` then calls the public functions: same values)."""
    try:
        from numpy.linalg import _umath_linalg
    except ImportError:
        return None
    return _umath_linalg if all(hasattr(_umath_linalg, f) for f in _GUFUNCS) else None


_LAPACK = _lapack_gufuncs()


@njit
def _weighted_design(
    bx: Matrix, by: Matrix, w: Matrix, orient: int, xw: Matrix, a: Matrix, yw: Matrix
) -> None:
    """xw = x·√w (row-wise) and yw = y·√w, with x = bx and y = by, or, for ``orient`` ≥ 0,
    x = (1, s·bx) and y = s·by with s = sign(bx[:, orient]); ``a`` a copy of xw."""
    k, m = bx.shape
    c0 = 1 if orient >= 0 else 0
    for i in range(k):
        sw = math.sqrt(w[i])
        s = 1.0
        if orient >= 0:
            o = bx[i, orient]
            s = 1.0 if o > 0.0 else (-1.0 if o < 0.0 else 0.0)
            xw[i, 0] = sw
            a[i, 0] = sw
        for j in range(m):
            v = bx[i, j] * s * sw
            xw[i, c0 + j] = v
            a[i, c0 + j] = v
        yw[i] = by[i] * s * sw


def _wls(d: MVInputs, orient: int) -> tuple[list[float], list[float], float]:
    """Weighted least squares of by on the columns of bx (``orient`` < 0) or on an intercept
    and the columns of bx oriented by sign(bx[:, orient]) (MR-Egger), weights byse⁻²:
    coefficients, diag of the unscaled covariance, residual SE.

    Reduced QR of the weighted design, coefficients solve(R, Qᵀy), covariance R⁻¹R⁻ᵀ: the
    LAPACK routines of ``np.linalg.qr``, ``solve`` and ``inv`` (`_qr_solve`: numpy's own
    gufuncs, called once each without the wrappers' per-call checks), so the values are
    numpy's exactly. A singular design (an exposure collinear with the others, or with the
    intercept) raises `DegenerateFitError`.
    """
    k, n = d.k, d.m + (1 if orient >= 0 else 0)
    xw, a, yw = np.empty((k, n)), np.empty((k, n)), np.empty(k)
    _weighted_design(d.bx, d.by, d.byse**-2.0, orient, xw, a, yw)
    try:
        coef, rinv = _qr_solve(a, yw)
    except np.linalg.LinAlgError:
        raise DegenerateFitError(
            "the weighted design is singular: an exposure's associations are zero or a linear "
            "combination of the others'",
            field="bx",
        ) from None
    cov = rinv @ rinv.T
    res = yw - xw @ coef
    sigma = math.sqrt(float(res @ res) / (k - n))
    return coef.tolist(), cov.diagonal().tolist(), sigma


def _qr_solve(a: Matrix, yw: Matrix) -> tuple[Matrix, Matrix]:
    """solve(R, Qᵀy) and R⁻¹ from the reduced QR of ``a`` (k×n, overwritten): numpy's gufuncs
    directly where available, else ``np.linalg.qr``, ``solve`` and ``inv`` (which call the
    same gufuncs). Raises ``LinAlgError`` when R is singular."""
    if _LAPACK is None:
        q, r = np.linalg.qr(a)
        return np.linalg.solve(r, q.T @ yw), np.linalg.inv(r)
    n = a.shape[1]
    with np.errstate(call=_singular, invalid="call", over="ignore", divide="ignore"):
        tau = _LAPACK.qr_r_raw(a, signature="d->d")
        q = _LAPACK.qr_reduced(a, tau, signature="dd->d")
        r = np.where(_upper(n), a[:n, :], 0.0)  # np.triu
        coef = _LAPACK.solve1(r, q.T @ yw, signature="dd->d")
        rinv = _LAPACK.inv(r, signature="d->d")
    return coef, rinv


@functools.cache
def _upper(n: int) -> NDArray[np.bool_]:
    """The n×n upper-triangle mask of ``np.triu``."""
    return np.triu(np.ones((n, n), dtype=np.bool_))


def _inference(
    b: list[float], se: list[float], dist: MRDistribution, df_p: int, df_ci: int, alpha: float
) -> tuple[list[float], list[float], list[float]]:
    """Limits b ± q·se (q from `critical_value`) and two-sided p-values (`pvalue`)."""
    q = critical_value(dist, df_ci, alpha)
    lo = [bi - q * si for bi, si in zip(b, se, strict=True)]
    hi = [bi + q * si for bi, si in zip(b, se, strict=True)]
    if math.isfinite(sum(b) + sum(se)) and min(se) > 0:
        z = [-abs(bi / si) for bi, si in zip(b, se, strict=True)]
        t = dist == "t" and math.isfinite(df_p)
        p = (2.0 * (special.stdtr(df_p, z) if t else special.ndtr(z))).tolist()
    else:
        p = [pvalue(bi, si, dist, df_p) for bi, si in zip(b, se, strict=True)]
    return lo, hi, p


def mvivw(
    bx: ArrayLike,
    bxse: ArrayLike,
    by: ArrayLike,
    byse: ArrayLike,
    *,
    model: IVWModel = "default",
    distribution: MRDistribution = "normal",
    alpha: float = 0.05,
) -> MVResult:
    """Multivariable IVW (see the module docstring)."""
    return _mvivw(as_mv_inputs(bx, bxse, by, byse), model, distribution, alpha)


def _mvivw(d: MVInputs, model: IVWModel, distribution: MRDistribution, alpha: float) -> MVResult:
    coef, cov_diag, sigma = _wls(d, -1)
    scale = min(sigma, 1.0) if resolve_model(model, d.k) == "random" else sigma
    se = [sigma * math.sqrt(c) / scale for c in cov_diag]
    df = d.k - d.m
    lo, hi, p = _inference(coef, se, distribution, df, df, alpha)
    q = df * sigma * sigma
    return MVResult(
        method="mvivw",
        nsnp=d.k,
        b=tuple(coef),
        se=tuple(se),
        ci_lb=tuple(lo),
        ci_ub=tuple(hi),
        pval=tuple(p),
        rse=sigma,
        Q=q,
        Q_df=df,
        Q_pval=chi2_sf(q, df),
    )


def mvegger(
    bx: ArrayLike,
    bxse: ArrayLike,
    by: ArrayLike,
    byse: ArrayLike,
    *,
    orientate: int = 0,
    distribution: MRDistribution = "normal",
    alpha: float = 0.05,
) -> MVResult:
    """Multivariable MR-Egger, oriented on exposure ``orientate`` (0-based; see above)."""
    return _mvegger(as_mv_inputs(bx, bxse, by, byse), orientate, distribution, alpha)


def _mvegger(d: MVInputs, orientate: int, distribution: MRDistribution, alpha: float) -> MVResult:
    if d.k <= d.m + 1:
        raise StatsInputError(
            f"multivariable MR-Egger needs more than {d.m + 1} variants, got {d.k}", field="bx"
        )
    if not 0 <= orientate < d.m:
        orientate = 0
    b, cov_diag, sigma = _wls(d, orientate)
    e = [sigma * math.sqrt(c) / min(sigma, 1.0) for c in cov_diag]
    df_p, df_ci = d.k - d.m, d.k - d.m - 1
    lo, hi, p = _inference(b, e, distribution, df_p, df_ci, alpha)
    q = df_ci * sigma * sigma
    return MVResult(
        method="mvegger",
        nsnp=d.k,
        b=tuple(b[1:]),
        se=tuple(e[1:]),
        ci_lb=tuple(lo[1:]),
        ci_ub=tuple(hi[1:]),
        pval=tuple(p[1:]),
        rse=sigma,
        Q=q,
        Q_df=df_ci,
        Q_pval=chi2_sf(q, df_ci),
        intercept=b[0],
        intercept_se=e[0],
        intercept_ci_lb=lo[0],
        intercept_ci_ub=hi[0],
        intercept_pval=p[0],
    )


def strength_mvmr(bx: ArrayLike, bxse: ArrayLike) -> tuple[float, ...]:
    """Conditional F-statistics of the MVMR package (``strength_mvmr``, gencov = 0)."""
    x = np.asarray(bx, dtype=np.float64)
    sx = np.asarray(bxse, dtype=np.float64)
    if x.ndim != 2 or sx.shape != x.shape or x.shape[1] < 2:
        raise StatsInputError("bx and bxse must be k×m matrices with m ≥ 2", field="bx")
    k, m = x.shape
    out = []
    for j in range(m):
        others = [i for i in range(m) if i != j]
        delta = np.linalg.lstsq(x[:, others], x[:, j], rcond=None)[0]
        s2 = sx[:, j] ** 2 + (sx[:, others] ** 2) @ (delta**2)
        out.append(float(np.sum((x[:, j] - x[:, others] @ delta) ** 2 / s2) / k))
    return tuple(out)


MV_METHODS: tuple[str, ...] = ("mvivw", "mvegger")
"""Multivariable methods `run_mvmr` knows."""


@dataclass(frozen=True, slots=True)
class MVMRReport:
    """What `run_mvmr` computed: the exposures' names, one `MVResult` per method, and the
    conditional F-statistics of each exposure (MVMR ``strength_mvmr``)."""

    exposures: tuple[str, ...]
    nsnp: int
    results: tuple[MVResult, ...]
    conditional_f: tuple[float, ...]

    def to_dict(self) -> dict[str, object]:
        """JSON form: non-finite numbers become None."""

        def clean(v: object) -> object:
            if isinstance(v, float):
                return v if math.isfinite(v) else None
            if isinstance(v, tuple | list):
                return [clean(x) for x in v]
            return v

        return {
            "exposures": list(self.exposures),
            "nsnp": self.nsnp,
            "results": [
                {f: clean(getattr(r, f)) for f in r.__dataclass_fields__} for r in self.results
            ],
            "conditional_f": clean(self.conditional_f),
        }


def run_mvmr(
    bx: ArrayLike,
    bxse: ArrayLike,
    by: ArrayLike,
    byse: ArrayLike,
    *,
    exposures: tuple[str, ...] | list[str] | None = None,
    methods: tuple[str, ...] | list[str] = MV_METHODS,
    model: IVWModel = "default",
    distribution: MRDistribution = "normal",
    orientate: int = 0,
    alpha: float = 0.05,
) -> MVMRReport:
    """Multivariable MR of one outcome on m exposures (k×m ``bx``/``bxse``): the requested
    methods among ``mvivw`` and ``mvegger`` (MendelianRandomization defaults) and the
    conditional F-statistics (m ≥ 2)."""
    d = as_mv_inputs(bx, bxse, by, byse)
    names = (
        tuple(exposures) if exposures is not None else tuple(f"exposure{i + 1}" for i in range(d.m))
    )
    if len(names) != d.m:
        raise StatsInputError(f"{len(names)} exposure names for {d.m} exposures", field="exposures")
    if not 0.0 < alpha < 1.0:
        raise StatsInputError("alpha must lie strictly between 0 and 1", field="alpha")
    out: list[MVResult] = []
    for m in methods:
        if m == "mvivw":
            out.append(_mvivw(d, model, distribution, alpha))
        elif m == "mvegger":
            out.append(_mvegger(d, orientate, distribution, alpha))
        else:
            raise StatsInputError(
                f"unknown method {m!r}; expected one of: {', '.join(MV_METHODS)}", field="methods"
            )
    f = strength_mvmr(d.bx, d.bxse) if d.m >= 2 else ()
    return MVMRReport(exposures=names, nsnp=d.k, results=tuple(out), conditional_f=f)


__all__ = [
    "MV_METHODS",
    "MVInputs",
    "MVMRReport",
    "MVResult",
    "as_mv_inputs",
    "mvegger",
    "mvivw",
    "run_mvmr",
    "strength_mvmr",
]
