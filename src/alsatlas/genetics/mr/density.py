"""Gaussian kernel density on R's ``density()`` grid, batched, for the mode-based estimate.

The mode-based estimate is the argmax of a weighted kernel density evaluated the way R's
``stats::density`` (R < 4.4, ``old.coords = TRUE``) evaluates it, so that alsatlas picks the
same grid point as TwoSampleMR and MendelianRandomization on those R versions:

1. output grid: n = 512 points from min(x) − 3h to max(x) + 3h (``cut = 3``);
2. the data are linearly binned onto 2n points spaced (up − lo)/(n − 1) from
   lo = min(x) − 7h (only the first n span [lo, up], up = max(x) + 7h);
3. the binned masses are circularly convolved (FFT) with N(0, h²) evaluated at
   ``seq(0, 2(up − lo), length.out = 2n)`` mirrored, whose spacing 2(up − lo)/(2n − 1)
   differs slightly from the bin spacing (the quirk R 4.4 removed);
4. the n convolved values at ``seq(lo, up, length.out = n)`` are interpolated linearly onto
   the output grid, negatives set to 0.

Ties of the maximum go to the first grid point.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import fft as sp_fft

from alsatlas.genetics.mr.inputs import FloatArray

GRID_POINTS = 512
CUT = 3.0
_ANALYTIC_MIN_H = 8.0


def density_argmax(
    x: FloatArray, weights: FloatArray, bw: FloatArray, *, exhaustive: bool = False
) -> FloatArray:
    """Argmax of R-style weighted Gaussian KDEs, one per row.

    Parameters
    ----------
    x
        (B, k) data, one sample per row.
    weights
        (k,) or (B, k) weights; each row is normalised to sum to 1.
    bw
        (B,) bandwidths h > 0.
    exhaustive
        Interpolate on all 512 grid points of every row instead of a checked window around
        the densest bin (same result, slower; kept for testing).

    Returns
    -------
    (B,) grid points of maximal density.
    """
    x = np.atleast_2d(np.asarray(x, dtype=np.float64))
    nrow, k = x.shape
    w = np.broadcast_to(np.asarray(weights, dtype=np.float64), (nrow, k))
    w = w / w.sum(axis=1, keepdims=True)
    h = np.asarray(bw, dtype=np.float64).reshape(nrow)
    n = GRID_POINTS
    m = 2 * n
    xmin = x.min(axis=1)
    xmax = x.max(axis=1)
    frm = xmin - CUT * h
    to = xmax + CUT * h
    lo = frm - 4.0 * h
    up = to + 4.0 * h
    span = up - lo

    # 2. linear binning onto 2n cells spaced span/(n - 1)
    delta = span / (n - 1)
    pos = (x - lo[:, None]) / delta[:, None]
    ix = np.floor(pos).astype(np.int64)
    fx = pos - ix
    ix = np.clip(ix, 0, n - 2)
    base = (np.arange(nrow, dtype=np.int64) * m)[:, None]
    mass = np.bincount(
        (base + ix).ravel(), weights=(w * (1.0 - fx)).ravel(), minlength=nrow * m
    ) + np.bincount((base + ix + 1).ravel(), weights=(w * fx).ravel(), minlength=nrow * m)
    mass = mass.reshape(nrow, m)

    # 3. kernel on R's kords grid, mirrored: distances j*step for j = 0..n, then n-1..1.
    # The mirrored kernel is real and even, so its DFT is real. Where the bandwidth spans
    # at least _ANALYTIC_MIN_H grid steps that DFT equals, to double precision, the
    # Fourier transform of the Gaussian, exp(-2 pi^2 h^2 nu^2)/step at nu = j/(m step)
    # (aliased and wrapped terms are below exp(-300)); otherwise it is taken as the
    # type-I DCT of the sampled half kernel.
    step = 2.0 * span / (m - 1)
    ratio = h / step
    kernel_ft = np.zeros((nrow, n + 1))
    smooth = ratio >= _ANALYTIC_MIN_H
    if np.any(smooth):
        # frequencies beyond j_max underflow to 0 anyway
        j_max = int(min(n + 1, np.ceil(m * 6.2 / float(np.min(ratio[smooth]))) + 1))
        nu = np.arange(j_max, dtype=np.float64)[None, :] / m
        r = ratio[smooth][:, None]
        kernel_ft[smooth, :j_max] = np.exp(-2.0 * np.pi**2 * (r * nu) ** 2)
    rough = np.flatnonzero(~smooth)
    if rough.size:
        half = np.arange(n + 1, dtype=np.float64)[None, :] / ratio[rough][:, None]
        half = (
            np.exp(-0.5 * half * half) * (step[rough] / (h[rough] * np.sqrt(2.0 * np.pi)))[:, None]
        )
        kernel_ft[rough] = sp_fft.dct(half, type=1, axis=1)
    kernel_ft /= step[:, None]
    conv = sp_fft.irfft(sp_fft.rfft(mass, axis=1) * kernel_ft, n=m, axis=1)
    dens = np.maximum(conv[:, :n], 0.0)

    # 4. interpolate from seq(lo, up, n) onto seq(from, to, 512) and take the first maximum
    return _grid_argmax(dens, frm, to, lo, delta, exhaustive=exhaustive)


_WINDOW = 24
"""Grid points evaluated around the densest bin before the exactness check."""


def _grid_values(
    dens: FloatArray,
    frm: FloatArray,
    to: FloatArray,
    lo: FloatArray,
    delta: FloatArray,
    g: NDArray[np.intp],
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Grid coordinates, their positions in bins, and interpolated densities at indices g."""
    t = np.linspace(0.0, 1.0, GRID_POINTS)[g]
    grid = frm[:, None] + (to - frm)[:, None] * t
    p = (grid - lo[:, None]) / delta[:, None]
    i0 = np.clip(np.floor(p).astype(np.intp), 0, dens.shape[1] - 2)
    f = p - i0
    y0 = np.take_along_axis(dens, i0, axis=1)
    y1 = np.take_along_axis(dens, i0 + 1, axis=1)
    return grid, p, y0 + (y1 - y0) * f


def _grid_argmax(
    dens: FloatArray,
    frm: FloatArray,
    to: FloatArray,
    lo: FloatArray,
    delta: FloatArray,
    *,
    exhaustive: bool = False,
) -> FloatArray:
    """First grid point of maximal interpolated density, per row.

    The interpolant is first evaluated on a window of grid points around the densest bin.
    A grid point outside the window lies between two bins outside it, so its value is at
    most the larger of those two densities; rows where a bin beyond the window reaches the
    window's maximum are evaluated on the whole grid instead. The result is identical to a
    full evaluation.
    """
    nrow, n = dens.shape
    rows = np.arange(nrow)
    # position (in bins) of grid point g is a + b*g
    a = (frm - lo) / delta
    b = (to - frm) / (GRID_POINTS - 1) / delta
    centre = np.rint((np.argmax(dens, axis=1) - a) / b).astype(np.intp)
    g0 = np.clip(centre - _WINDOW // 2, 0, GRID_POINTS - _WINDOW)
    g = g0[:, None] + np.arange(_WINDOW)[None, :]
    grid, p, y = _grid_values(dens, frm, to, lo, delta, g)
    j = np.argmax(y, axis=1)
    best = y[rows, j]
    out = grid[rows, j]
    # left of the window: bins 0 .. floor(p[g0]) + 1; right: floor(p[g_last]) .. n - 1
    left_hi = np.clip(np.floor(p[:, 0]).astype(np.intp) + 1, 0, n - 1)
    right_lo = np.clip(np.floor(p[:, -1]).astype(np.intp), 0, n - 1)
    cols = np.arange(n)[None, :]
    left = np.where(cols <= left_hi[:, None], dens, -np.inf).max(axis=1)
    right = np.where(cols >= right_lo[:, None], dens, -np.inf).max(axis=1)
    left = np.where(g0 > 0, left, -np.inf)
    right = np.where(g0 + _WINDOW < GRID_POINTS, right, -np.inf)
    unsure = np.flatnonzero((left >= best) | (right >= best) | exhaustive)
    if unsure.size:
        full = np.broadcast_to(np.arange(GRID_POINTS), (unsure.size, GRID_POINTS))
        sub = (dens[unsure], frm[unsure], to[unsure], lo[unsure], delta[unsure])
        grid_u, _, y_u = _grid_values(*sub, np.ascontiguousarray(full))
        out[unsure] = grid_u[np.arange(unsure.size), np.argmax(y_u, axis=1)]
    return np.asarray(out, dtype=np.float64)


__all__ = ["CUT", "GRID_POINTS", "density_argmax"]
