r"""Many intercept-only meta-analyses at once: vectorised ``rma`` over a leading axis.

``rma_batch(yi, vi)`` takes arrays of shape (m, k) (one meta-analysis per row; rows may be
ragged, padded with NaN or described by ``mask``) and fits all m models with whole-array
numpy operations: closed-form estimators in one pass, iterative ones (ML, REML by Fisher
scoring; EB, PM and the Q-profile CI by Newton's method on :math:`Q(\tau^2)`) iterating all
unfinished rows together until every row has converged. There is no Python loop per fit.

For one row with weights :math:`w_j` the intercept-only projection
:math:`P = W - ww'/\sum w` gives the closed forms used throughout:

.. math::
    y'Py = \sum w_j (y_j - \hat\mu)^2,\quad y'P^2y = \sum w_j^2 (y_j-\hat\mu)^2,\quad
    \mathrm{tr}P = \sum w - \frac{\sum w^2}{\sum w},\quad
    \mathrm{tr}P^2 = \sum w^2 - 2\frac{\sum w^3}{\sum w} + \Bigl(\frac{\sum w^2}{\sum w}\Bigr)^2,

and, with :math:`a_j = w_j v_j` (for the HE and SJ standard errors),
:math:`\mathrm{tr}(PVPV) = \sum a^2 - 2\sum a^2 w/\sum w + (\sum a w)^2/(\sum w)^2` and
:math:`\mathrm{tr}(PVP) = \sum a w - 2\sum a w^2/\sum w + \sum w^2 \sum a w/(\sum w)^2`.
The estimators, tests, heterogeneity statistics, prediction intervals and Q-profile CIs are
those of :func:`alsatlas.stats.rma` (see :mod:`alsatlas.stats.tau2`, :mod:`.heterogeneity`,
:mod:`.predict`, :mod:`.confint` for formulas and references); the test suite checks that
each row equals a single :func:`~alsatlas.stats.rma` fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from alsatlas.errors import ConvergenceError, StatsInputError
from alsatlas.stats.control import check_control, metafor_q_profile
from alsatlas.stats.meta_inputs import (
    MAX_SPREAD,
    MAX_VARIANCE_RATIO,
    FloatArray,
    check_level,
    check_method,
    check_spread,
    check_test,
    check_variance_ratio,
)
from alsatlas.stats.tau2 import (
    BOUNDARY_SNAP,
    CANCELLATION,
    DESCENT_SCAN,
    FISHER_TOL,
    LL0_TOL,
    MAXITER,
    SCAN_POINTS,
)

BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class RMABatchResult:
    """Results of :func:`rma_batch`: one entry per meta-analysis (arrays of shape (m,)).

    Field names and meanings follow :class:`~alsatlas.stats.rma.RMAResult`; ``weights`` has
    shape (m, k) with 0 outside the mask. ``pi_lb``/``pi_ub`` are the prediction interval of
    :meth:`RMAResult.predict`; ``tau2_ci_lb``/``tau2_ci_ub`` (Q-profile) are NaN for
    equal-effects models and when ``confint=False``.
    """

    k: IntArray
    estimate: FloatArray
    se: FloatArray
    zval: FloatArray
    pval: FloatArray
    ci_lb: FloatArray
    ci_ub: FloatArray
    tau2: FloatArray
    se_tau2: FloatArray
    I2: FloatArray
    H2: FloatArray
    QE: FloatArray
    QEp: FloatArray
    QM: FloatArray
    QMp: FloatArray
    pi_lb: FloatArray
    pi_ub: FloatArray
    tau2_ci_lb: FloatArray
    tau2_ci_ub: FloatArray
    weights: FloatArray
    vt: FloatArray
    dfs: IntArray | None
    iterations: IntArray
    method: str
    test: str
    level: float

    @property
    def m(self) -> int:
        """Number of meta-analyses."""
        return int(self.k.shape[0])

    @property
    def stat(self) -> FloatArray:
        """Alias of ``zval``."""
        return self.zval

    def to_dict(self, i: int) -> dict[str, Any]:
        """The JSON keys of :meth:`RMAResult.to_dict` for meta-analysis ``i``."""
        eq = self.method in ("EE", "FE")

        def opt(value: float) -> float | None:
            return None if eq else float(value)

        return {
            "k": int(self.k[i]),
            "estimate": float(self.estimate[i]),
            "se": float(self.se[i]),
            "stat": float(self.zval[i]),
            "pval": float(self.pval[i]),
            "ci_lb": float(self.ci_lb[i]),
            "ci_ub": float(self.ci_ub[i]),
            "tau2": float(self.tau2[i]),
            "se_tau2": opt(self.se_tau2[i]),
            "tau2_ci_lb": opt(self.tau2_ci_lb[i]),
            "tau2_ci_ub": opt(self.tau2_ci_ub[i]),
            "I2": float(self.I2[i]),
            "H2": float(self.H2[i]),
            "QE": float(self.QE[i]),
            "QEp": float(self.QEp[i]),
            "pi_lb": float(self.pi_lb[i]),
            "pi_ub": float(self.pi_ub[i]),
            "method": self.method,
            "test": self.test,
            "level": self.level,
            "dfs": None if self.dfs is None else int(self.dfs[i]),
        }


@dataclass(frozen=True, eq=False)
class _Rows:
    """Masked data of a set of rows: y and v are 0 and 1 outside the mask."""

    y: FloatArray
    v: FloatArray
    M: FloatArray
    k: FloatArray

    def take(self, idx: IntArray) -> _Rows:
        return _Rows(self.y[idx], self.v[idx], self.M[idx], self.k[idx])


@dataclass(frozen=True, eq=False)
class _Weighted:
    """Weighted sums of one set of rows at given τ² (intercept-only closed forms)."""

    w: FloatArray
    sw: FloatArray
    sw2: FloatArray
    mu: FloatArray
    r: FloatArray
    Q: FloatArray
    yPPy: FloatArray

    @property
    def trP(self) -> FloatArray:
        out: FloatArray = self.sw - self.sw2 / self.sw
        return out

    def sPP(self) -> FloatArray:
        sw3 = _rowsum(self.w**3)
        out: FloatArray = self.sw2 - 2.0 * sw3 / self.sw + (self.sw2 / self.sw) ** 2
        lost = np.flatnonzero(out <= CANCELLATION * self.sw2)
        if lost.size:  # one weight dominates: sums of positive terms only (tau2.py)
            w = self.w[lost]
            sw = self.sw[lost][:, None]
            diag = w * (_exclusive_cumsum(w) + _exclusive_cumsum(w[:, ::-1])[:, ::-1]) / sw
            a = w * w
            a_before = _exclusive_cumsum(a)
            out[lost] = _rowsum(diag * diag) + 2.0 * _rowsum(a * a_before) / (sw[:, 0] ** 2)
        return out


def _exclusive_cumsum(a: FloatArray) -> FloatArray:
    """Row-wise sums of the entries before each one (no subtraction, so no cancellation)."""
    out = np.zeros_like(a)
    np.cumsum(a[:, :-1], axis=1, out=out[:, 1:])
    return out


def _rowsum(a: NDArray[Any]) -> FloatArray:
    """Row sums as a matrix-vector product (much faster than ``sum(axis=1)`` for short rows)."""
    out: FloatArray = a @ np.ones(a.shape[1])
    return out


def _weighted(rows: _Rows, tau2: FloatArray) -> _Weighted:
    w = rows.M / (rows.v + tau2[:, None])
    sw = _rowsum(w)
    sw2 = _rowsum(w * w)
    mu = _rowsum(w * rows.y) / sw
    r = (rows.y - mu[:, None]) * rows.M
    wr2 = w * r * r
    Q = _rowsum(wr2)
    yPPy = _rowsum(w * wr2)
    return _Weighted(w=w, sw=sw, sw2=sw2, mu=mu, r=r, Q=Q, yPPy=yPPy)


def _score_terms(rows: _Rows, tau2: FloatArray, method: str) -> tuple[FloatArray, ...]:
    r"""Score S, expected information I and observed information J per row.

    The intercept-only forms of :func:`alsatlas.stats.tau2.score_terms`:
    :math:`y'P^3y = \sum w^3r^2 - (\sum w^2 r)^2/\sum w`.
    """
    s = _weighted(rows, tau2)
    wr = s.w * s.r
    yPPPy = _rowsum(s.w * wr * wr) - _rowsum(s.w * wr) ** 2 / s.sw
    if method == "ML":
        info = s.sw2
        score = s.yPPy - s.sw
    else:
        info = s.sPP()
        score = s.yPPy - s.trP
    return score, info, 2.0 * yPPPy - info


def _loglik(rows: _Rows, tau2: FloatArray, method: str) -> FloatArray:
    s = _weighted(rows, tau2)
    logv = _rowsum(rows.M * np.log(rows.v + tau2[:, None]))
    if method == "ML":
        out: FloatArray = -0.5 * rows.k * math.log(2 * math.pi) - 0.5 * logv - 0.5 * s.Q
    else:
        out = (
            -0.5 * (rows.k - 1) * math.log(2 * math.pi)
            - 0.5 * logv
            - 0.5 * np.log(s.sw)
            - 0.5 * s.Q
        )
    return out


def _scan(rows: _Rows, t: FloatArray, method: str) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Grid scan of slow descents (see :func:`alsatlas.stats.tau2.fisher_scoring`).

    Returns the next τ² (0 where the score is negative on the whole grid) and the bracket.
    """
    fractions = np.arange(1, SCAN_POINTS) / SCAN_POINTS
    scores = np.stack([_score_terms(rows, t * f, method)[0] for f in fractions], axis=1)
    positive = scores > 0.0
    any_pos = positive.any(axis=1)
    last = SCAN_POINTS - 2 - np.argmax(positive[:, ::-1], axis=1)
    lo = t * fractions[last]
    hi = np.where(
        last + 1 < fractions.size, t * fractions[np.minimum(last + 1, fractions.size - 1)], t
    )
    new = np.where(any_pos, 0.5 * (lo + hi), 0.0)
    return new, np.where(any_pos, lo, -1.0), np.where(any_pos, hi, np.inf)


def _fisher_scoring(
    rows: _Rows, start: FloatArray, method: str, row0: int = 0
) -> tuple[FloatArray, IntArray]:
    """Vectorised ML/REML (the rules of :func:`alsatlas.stats.tau2.fisher_scoring`)."""
    m = start.shape[0]
    tau2 = np.maximum(start, 0.0)
    lo = np.full(m, -1.0)
    hi = np.full(m, np.inf)
    iters = np.zeros(m, dtype=np.int64)
    descents = np.zeros(m, dtype=np.int64)
    active = np.arange(m)
    for _ in range(MAXITER):
        if active.size == 0:
            break
        sub = rows.take(active)
        t = tau2[active]
        score, info, obs = _score_terms(sub, t, method)
        lo_a = np.where(score > 0.0, t, lo[active])
        hi_a = np.where(score < 0.0, t, hi[active])
        lo[active] = lo_a
        hi[active] = hi_a
        stop = (score == 0.0) | ((t == 0.0) & (score < 0.0))
        fisher = t + score / info
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = np.where(obs > 0.0, t + score / obs, fisher)
        bracketed = (lo_a >= 0.0) & np.isfinite(hi_a)
        new_b = np.where(
            (lo_a < newton) & (newton < hi_a),
            newton,
            np.where((lo_a < fisher) & (fisher < hi_a), fisher, 0.5 * (lo_a + hi_a)),
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.where(obs > 0.0, score / obs, score / info)
        step = np.where(t + step < 0.0, score / info, step)
        while np.any(halve := (t + step < 0.0) & (score < 0.0) & ~stop):
            step = np.where(halve, step / 2.0, step)
        new_down = t + step
        near = np.flatnonzero(~bracketed & (score < 0.0) & (new_down < BOUNDARY_SNAP))
        if near.size:
            s0 = _score_terms(sub.take(near), np.zeros(near.size), method)[0]
            new_down[near[s0 <= 0.0]] = 0.0
        descending = ~bracketed & (score < 0.0)
        descents[active] += descending
        slow = np.flatnonzero(descending & (descents[active] > DESCENT_SCAN))
        if slow.size:
            new_down[slow], lo_s, hi_s = _scan(sub.take(slow), t[slow], method)
            lo[active[slow]] = lo_s
            hi[active[slow]] = hi_s
            stop[slow] |= new_down[slow] == 0.0
        new = np.where(
            bracketed, new_b, np.where(score > 0.0, np.maximum(newton, fisher), new_down)
        )
        new = np.where(stop & (new != 0.0), t, new)
        change = np.abs(new - t)
        tau2[active] = new
        iters[active] += 1
        active = active[~(stop | (change < FISHER_TOL * np.maximum(1.0, new)))]
    else:
        if active.size:
            raise ConvergenceError(
                f"Fisher scoring for {method} did not converge in {MAXITER} iterations "
                f"for {active.size} meta-analyses; try method='DL' or 'PM'",
                method=method,
                iterations=MAXITER,
                row=row0 + int(active[0]),
            )
    pos = np.flatnonzero(tau2 > 0.0)
    if pos.size:
        sub = rows.take(pos)
        gap = _loglik(sub, np.zeros(pos.size), method) - _loglik(sub, tau2[pos], method)
        tau2[pos[gap > LL0_TOL]] = 0.0
    return tau2, iters


def _solve_q(
    rows: _Rows, target: FloatArray, start: FloatArray | None = None
) -> tuple[FloatArray, IntArray]:
    """Vectorised Newton root of Q(τ²) = target (as :func:`tau2.solve_q`).

    ``start`` (default 0) must lie left of the root where it is positive, i.e.
    Q(start) > target; Newton's method on the convex decreasing Q then climbs monotonically.
    Rows with Q(0) <= target get 0.
    """
    m = target.shape[0]
    tau2 = np.zeros(m) if start is None else start.copy()
    iters = np.zeros(m, dtype=np.int64)
    q0 = _weighted(rows, tau2).Q
    tau2[q0 <= target] = 0.0
    active = np.flatnonzero(q0 > target)
    first = True
    for _ in range(MAXITER):
        if active.size == 0:
            break
        sub = rows.take(active)
        t = tau2[active]
        s = _weighted(sub, t)
        step = (s.Q - target[active]) / s.yPPy
        new = np.maximum(t + step, 0.0)
        done = np.abs(new - t) <= 1e-15 * np.maximum(1.0, new)
        if not first:
            done |= step <= 0.0
        tau2[active] = np.maximum(new, t)
        iters[active] += 1
        active = active[~done]
        first = False
    return tau2, iters


def _tau2_batch(rows: _Rows, method: str, row0: int = 0) -> tuple[FloatArray, FloatArray, IntArray]:
    """τ², its SE and iterations for every row (formulas of :mod:`alsatlas.stats.tau2`)."""
    m = rows.k.shape[0]
    k = rows.k
    df = k - 1.0
    iters = np.zeros(m, dtype=np.int64)
    if method in ("EE", "FE"):
        return np.zeros(m), np.zeros(m), iters
    if method in ("DL", "HS", "HSk"):
        s = _weighted(rows, np.zeros(m))
        trP = s.trP
        sPP = s.sPP()
        if method == "DL":
            t = np.maximum((s.Q - df) / trP, 0.0)
            se = np.sqrt(2 * df + 4 * t * trP + 2 * t * t * sPP) / trP
        else:
            raw = (s.Q - k) / s.sw if method == "HS" else (k / df * s.Q - k) / s.sw
            t = np.maximum(raw, 0.0)
            se = np.sqrt(2 * df + 4 * t * trP + 2 * t * t * sPP) / s.sw
            if method == "HSk":
                se = se * k / df
        return t, se, iters
    if method in ("HE", "ML", "REML", "SJ"):
        ybar = _rowsum(rows.y * rows.M) / k
        dev2 = _rowsum(rows.M * (rows.y - ybar[:, None]) ** 2)
    if method in ("HE", "ML", "REML"):
        vm = rows.v * rows.M
        sv = _rowsum(vm)
        sv2 = _rowsum(vm * vm)
        trPV = sv - sv / k
        he = (dev2 - trPV) / df
        if method == "HE":
            t = np.maximum(he, 0.0)
            trPVPV = sv2 - 2.0 * sv2 / k + (sv / k) ** 2
            se = np.sqrt(2 * trPVPV + 4 * t * trPV + 2 * t * t * df) / df
            return t, se, iters
        t, iters = _fisher_scoring(rows, he, method, row0)
        s = _weighted(rows, t)
        se = np.sqrt(2.0 / s.sw2) if method == "ML" else np.sqrt(2.0 / s.sPP())
        return t, se, iters
    if method == "SJ":
        t0 = dev2 / k
        s = _weighted(rows, t0)
        t = np.maximum(t0 * s.Q / df, 0.0)
        a = s.w * rows.v
        saw = _rowsum(a * s.w)
        trPVPV = _rowsum(a * a) - 2.0 * _rowsum(a * a * s.w) / s.sw + (saw / s.sw) ** 2
        trPVP = saw - 2.0 * _rowsum(a * s.w * s.w) / s.sw + s.sw2 * saw / s.sw**2
        se = t0 / df * np.sqrt(2 * trPVPV + 4 * t * trPVP + 2 * t * t * s.sPP())
        return t, se, iters
    # PM and EB: Q(tau2) = k - 1; PMM: Q(tau2) = median of chi2(k - 1).
    t, iters = _solve_q(rows, special.chdtri(df, 0.5) if method == "PMM" else df)
    s = _weighted(rows, t)
    se = np.sqrt(2.0 * k * k / df) / s.sw
    return t, se, iters


def _as_batch(
    yi: ArrayLike, vi: ArrayLike, mask: ArrayLike | None
) -> tuple[FloatArray, FloatArray, BoolArray | None]:
    try:
        y = np.asarray(yi, dtype=np.float64)
        v = np.asarray(vi, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise StatsInputError(f"cannot be read as numbers ({exc})", field="yi") from exc
    if y.ndim != 2 or y.shape != v.shape:
        raise StatsInputError(
            f"yi and vi must be 2-D arrays of one shape (m, k), got {y.shape} and {v.shape}",
            field="vi",
        )
    M = None
    if mask is not None:
        M = np.asarray(mask, dtype=bool)
        if M.shape != y.shape:
            raise StatsInputError(f"must have shape {y.shape}, got {M.shape}", field="mask")
    return y, v, M


def _check_batch(
    y: FloatArray, v: FloatArray, mask: BoolArray | None, row0: int = 0
) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Check one chunk of rows; error rows are offset by ``row0``."""
    if mask is None:
        ny, nv = np.isnan(y), np.isnan(v)
        if np.any(ny != nv):
            i, j = np.argwhere(ny != nv)[0]
            raise StatsInputError(
                f"study {j}: yi and vi must be NaN together (padding); pass mask= otherwise",
                row=row0 + int(i),
                field="yi" if ny[i, j] else "vi",
            )
        M = ~ny
    else:
        M = mask
    for name, arr in (("yi", y), ("vi", v)):
        bad = M & ~np.isfinite(arr)
        if bad.any():
            i, j = np.argwhere(bad)[0]
            raise StatsInputError(
                f"study {j}: value is {arr[i, j]} (NaN or infinite) inside the mask",
                row=row0 + int(i),
                field=name,
            )
    nonpos = M & (v <= 0.0)
    if nonpos.any():
        i, j = np.argwhere(nonpos)[0]
        raise StatsInputError(
            f"study {j}: sampling variance must be positive, got {v[i, j]}",
            row=row0 + int(i),
            field="vi",
        )
    vmax = np.where(M, v, -np.inf).max(axis=1, initial=-np.inf)
    vmin = np.where(M, v, np.inf).min(axis=1, initial=np.inf)
    wide = np.flatnonzero(vmax / vmin > MAX_VARIANCE_RATIO)
    if wide.size:
        i = int(wide[0])
        check_variance_ratio(v[i][M[i]], row=row0 + i)
    ymax = np.where(M, y, -np.inf).max(axis=1, initial=-np.inf)
    ymin = np.where(M, y, np.inf).min(axis=1, initial=np.inf)
    spread = np.flatnonzero((ymax - ymin > MAX_SPREAD) & np.isfinite(ymax - ymin))
    if spread.size:
        i = int(spread[0])
        check_spread(y[i][M[i]], row=row0 + i)
    k = _rowsum(M)
    few = np.flatnonzero(k < 2)
    if few.size:
        raise StatsInputError(
            f"a meta-analysis needs at least 2 studies, got k = {int(k[few[0]])} "
            f"({few.size} meta-analyses too small)",
            row=row0 + int(few[0]),
            field="yi",
        )
    return y, v, M


def rma_batch(
    yi: ArrayLike,
    vi: ArrayLike,
    *,
    method: str = "REML",
    test: str = "z",
    level: float = 95,
    mask: ArrayLike | None = None,
    confint: bool = True,
    control: str = "exact",
) -> RMABatchResult:
    """Fit m intercept-only meta-analyses at once (one per row), vectorised.

    Parameters
    ----------
    yi, vi
        Arrays of shape (m, k). Rows with fewer studies are padded with NaN in both arrays,
        or described by ``mask``.
    method, test, level
        As in :func:`alsatlas.stats.rma` (defaults ``REML``, ``z``, 95).
    mask
        Optional boolean (m, k) array: True where a study belongs to the row's analysis.
        Values outside the mask are ignored (they may be NaN).
    confint
        Compute Q-profile CIs of τ² (the dearest part; skip it when not needed).
    control
        ``"exact"`` (default, vectorised, each row rescaled internally) or ``"metafor"``
        (metafor's default stopping rules for ML/REML/EB/PM and the Q-profile CI, row by
        row); see :mod:`alsatlas.stats.control`.

    Returns
    -------
    RMABatchResult
        Arrays of shape (m,) with the fields of :class:`~alsatlas.stats.rma.RMAResult`.

    Raises
    ------
    StatsInputError
        Shapes that differ, NaN in only one of yi/vi, NaN or non-positive variances inside the
        mask, or a row with k < 2; the error's ``row`` is the meta-analysis index.
    """
    check_method(method)
    check_test(test)
    if method in ("GENQ", "GENQM"):
        raise StatsInputError(f"method {method!r} needs weights; use rma()", field="method")
    check_control(control)
    lev = check_level(level)
    y, v, mask_arr = _as_batch(yi, vi, mask)
    m = y.shape[0]
    step = max(1, CHUNK_ELEMENTS // max(1, y.shape[1]))
    parts: dict[str, Any] = {}
    for r0 in range(0, m, step):
        r1 = min(m, r0 + step)
        yc, vc, Mb = _check_batch(
            y[r0:r1], v[r0:r1], None if mask_arr is None else mask_arr[r0:r1], r0
        )
        out = _fit_chunk(
            yc, vc, Mb, method=method, test=test, lev=lev, confint=confint, control=control, row0=r0
        )
        if not parts:
            for name, arr in out.items():
                parts[name] = np.empty((m, *arr.shape[1:]), dtype=arr.dtype)
        for name, arr in out.items():
            parts[name][r0:r1] = arr
    dfs = parts.pop("dfs") if test != "z" else None
    parts.pop("dfs", None)
    return RMABatchResult(dfs=dfs, method=method, test=test, level=lev, **parts)


#: Rows are fitted in chunks of about this many (row × study) entries, so that the memory
#: beyond the inputs and results stays bounded whatever the number of rows.
CHUNK_ELEMENTS = 1 << 18


def _fit_chunk(
    y: FloatArray,
    v: FloatArray,
    Mb: BoolArray,
    *,
    method: str,
    test: str,
    lev: float,
    confint: bool,
    control: str,
    row0: int,
) -> dict[str, Any]:
    """Fit the rows of one chunk; the fields of :class:`RMABatchResult` as arrays."""
    M = Mb.astype(np.float64)
    kf = _rowsum(M)
    if control == "exact":  # rescale each row (tau2.py's standardise, row-wise)
        logv = np.log2(np.where(Mb, v, 1.0))
        e = np.rint(_rowsum(logv) / kf / 2.0)
        ymax = np.where(Mb, y, -np.inf).max(axis=1)
        ymin = np.where(Mb, y, np.inf).min(axis=1)
        c = 0.5 * ymin + 0.5 * ymax
        ei = e.astype(np.int64)[:, None]
        ys = np.where(Mb, np.ldexp(np.where(Mb, y, 0.0) - c[:, None], -ei), 0.0)
        vs = np.where(Mb, np.ldexp(np.where(Mb, v, 1.0), -2 * ei), 1.0)
    else:
        e = np.zeros(y.shape[0])
        c = np.zeros(y.shape[0])
        ys = np.where(Mb, y, 0.0)
        vs = np.where(Mb, v, 1.0)
    rows = _Rows(y=ys, v=vs, M=M, k=kf)
    m = rows.k.shape[0]
    df = kf - 1.0
    dfi = df.astype(np.int64)
    e2 = (2 * e).astype(np.int64)

    if control == "metafor" and method in ("ML", "REML", "EB", "PM"):
        tau2, se_tau2, iters = _tau2_rows_metafor(y, v, Mb, method, row0)
    else:
        tau2, se_tau2, iters = _tau2_batch(rows, method, row0)
    s = _weighted(rows, tau2)
    mu_s = s.mu
    var_s = 1.0 / s.sw
    if test in ("knha", "adhoc"):
        eps = np.finfo(np.float64).eps
        s2w = np.where(eps < s.Q, s.Q / df, 0.0)
        if test == "adhoc":  # metafor's test="adhoc": s2w truncated below at 1
            s2w = np.maximum(s2w, 1.0)
        var_s = var_s * s2w
    mu = np.ldexp(mu_s, e.astype(np.int64)) + c
    var = np.ldexp(var_s, e2)
    tau2_s = tau2
    tau2 = np.ldexp(tau2_s, e2)
    se_tau2 = np.ldexp(se_tau2, e2)
    se = np.sqrt(var)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # se = 0 only under knha with identical effects (metafor's s2w = 0): 0/0 reads as 0.
        zval = np.where((se == 0.0) & (mu == 0.0), 0.0, mu / se)
    alpha = 1.0 - lev / 100.0
    if test == "z":
        pval = 2.0 * special.ndtr(-np.abs(zval))
        crit = np.full(m, special.ndtri(1.0 - alpha / 2.0))
    else:
        pval = 2.0 * special.stdtr(df, -np.abs(zval))
        crit = special.stdtrit(df, np.full(m, 1.0 - alpha / 2.0))

    fe = _weighted(rows, np.zeros(m))
    QE = np.maximum(fe.Q, 0.0)
    QEp = special.chdtrc(df, QE)
    vt_s = df / fe.trP
    if method in ("EE", "FE"):
        with np.errstate(divide="ignore", invalid="ignore"):
            I2 = np.where(QE > 0, np.maximum(0.0, 100.0 * (QE - df) / QE), 0.0)
        H2 = QE / df
    else:
        I2 = 100.0 * tau2_s / (vt_s + tau2_s)
        H2 = tau2_s / vt_s + 1.0

    with np.errstate(over="ignore"):  # inf for estimates near the float limit
        QM = zval * zval
    QMp = special.chdtrc(1, QM) if test == "z" else special.fdtrc(1, df, QM)
    half_pi = crit * np.sqrt(var + tau2)

    lb = np.full(m, np.nan)
    ub = np.full(m, np.nan)
    if confint and method not in ("EE", "FE"):
        if control == "metafor":
            lb, ub = _q_profile_rows_metafor(y, v, Mb, tau2, lev)
        else:
            lb, ub = _q_profile(rows, tau2_s, df, lev, np.ldexp(np.full(m, 100.0), -e2))
            lb, ub = np.ldexp(lb, e2), np.ldexp(ub, e2)

    return {
        "k": rows.k.astype(np.int64),
        "estimate": mu,
        "se": se,
        "zval": zval,
        "pval": pval,
        "ci_lb": mu - crit * se,
        "ci_ub": mu + crit * se,
        "tau2": tau2,
        "se_tau2": se_tau2,
        "I2": I2,
        "H2": H2,
        "QE": QE,
        "QEp": QEp,
        "QM": QM,
        "QMp": QMp,
        "pi_lb": mu - half_pi,
        "pi_ub": mu + half_pi,
        "tau2_ci_lb": lb,
        "tau2_ci_ub": ub,
        "weights": 100.0 * s.w / s.sw[:, None],
        "vt": np.ldexp(vt_s, e2),
        "dfs": dfi,
        "iterations": iters,
    }


def _row_data(y: FloatArray, v: FloatArray, Mb: BoolArray, i: int) -> tuple[FloatArray, FloatArray]:
    return y[i][Mb[i]], v[i][Mb[i]]


def _tau2_rows_metafor(
    y: FloatArray, v: FloatArray, Mb: BoolArray, method: str, row0: int
) -> tuple[FloatArray, FloatArray, IntArray]:
    """metafor's iterative estimators, one row at a time (:mod:`alsatlas.stats.control`)."""
    from alsatlas.stats.tau2 import estimate_tau2

    m = y.shape[0]
    tau2, se, iters = np.zeros(m), np.zeros(m), np.zeros(m, dtype=np.int64)
    for i in range(m):
        yi, vi = _row_data(y, v, Mb, i)
        try:
            est = estimate_tau2(yi, vi, np.ones((yi.size, 1)), method, control="metafor")
        except ConvergenceError as exc:
            raise ConvergenceError(exc.reason, method=method, row=row0 + i) from None
        tau2[i], se[i], iters[i] = est.tau2, est.se_tau2, est.iterations
    return tau2, se, iters


def _q_profile_rows_metafor(
    y: FloatArray, v: FloatArray, Mb: BoolArray, tau2: FloatArray, level: float
) -> tuple[FloatArray, FloatArray]:
    """``confint.rma.uni``'s Q-profile bounds, one row at a time."""
    m = y.shape[0]
    lb, ub = np.zeros(m), np.zeros(m)
    for i in range(m):
        yi, vi = _row_data(y, v, Mb, i)
        lb[i], ub[i] = metafor_q_profile(
            yi, vi, np.ones((yi.size, 1)), level=level, tau2=float(tau2[i])
        )
    return lb, ub


def _q_profile(
    rows: _Rows, tau2: FloatArray, df: FloatArray, level: float, cap: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Vectorised Q-profile bounds (rules of :func:`alsatlas.stats.confint.q_profile_bounds`).

    ``cap`` is metafor's 100 in the rows' rescaled units.
    """
    m = tau2.shape[0]
    alpha = 1.0 - level / 100.0
    crit_u = special.chdtri(df, alpha / 2.0)
    crit_l = special.chdtri(df, 1.0 - alpha / 2.0)
    tmax = np.maximum(cap, 10.0 * tau2)
    q_min = _weighted(rows, np.zeros(m)).Q
    q_max = _weighted(rows, tmax).Q
    q_hat = _weighted(rows, tau2).Q
    # Start each Newton search at the largest known point left of its root.
    root_u, _ = _solve_q(rows, crit_u, np.where(q_hat > crit_u, tau2, 0.0))
    start_l = np.maximum(np.where(q_hat > crit_l, tau2, 0.0), np.where(q_min > crit_u, root_u, 0.0))
    root_l, _ = _solve_q(rows, crit_l, start_l)
    ub = np.where(q_min < crit_l, 0.0, np.where(q_max > crit_l, tmax, root_l))
    lb = np.where(q_min < crit_u, 0.0, root_u)
    over = q_max > crit_u
    lb = np.where(over, tmax, lb)
    ub = np.where(over, tmax, ub)
    return lb, ub


__all__ = ["RMABatchResult", "rma_batch"]
