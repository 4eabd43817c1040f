r"""GOSH: the model fitted to every subset of the studies (``metafor::gosh``).

A GOSH plot ("graphical display of study heterogeneity"; Olkin, Dahabreh & Trikalinos 2012)
shows the pooled estimate and I² of the model fitted to each of the :math:`2^k - 1` non-empty
subsets of the :math:`k` studies; clusters in the scatter point to studies that drive the
heterogeneity. When :math:`2^k - 1` exceeds ``subsets`` (default :math:`10^6`, metafor's), a
random sample of ``subsets`` subsets is fitted instead: the subset size :math:`m` is drawn with
probability proportional to the Binomial(:math:`k`, 1/2) mass at :math:`m \ge 1`, then
:math:`m` distinct studies uniformly (metafor's scheme; the draws come from numpy's
generator seeded with ``seed``, so they are reproducible here but not equal to R's).

Each subset is fitted with the model's τ² estimator. As in metafor, equal-effects (``EE``,
``FE``) and ``DL`` fits use closed forms with, for :math:`m > 1` studies,
:math:`w_i = 1/v_i`, :math:`Q = \sum w_i (y_i - \hat\theta_w)^2`,

.. math::
    I^2 = \max\Bigl(0, 100\,\frac{Q - (m-1)}{Q}\Bigr), \qquad H^2 = \frac{Q}{m-1},

(:math:`H^2` is not truncated at 1), and for ``DL``
:math:`\hat\tau^2 = \max(0, (Q - (m-1))/(\sum w - \sum w^2/\sum w))` with the estimate
re-weighted by :math:`1/(v_i + \hat\tau^2)`. Other estimators are fitted as
:func:`alsatlas.stats.rma` would (all subsets of a chunk at once by
:func:`alsatlas.stats.batch.rma_batch`). A single-study subset has :math:`Q = 0`,
:math:`I^2 = 0`, :math:`H^2 = 1`, :math:`\tau^2 = 0` and its own estimate. Subsets are
listed in metafor's order: by size, and within a size in the order of ``expand.grid``
(study 1 varying fastest). The work runs in chunks of about ``CHUNK_ELEMENTS`` subset × study
cells, so memory stays bounded whatever the number of subsets; the inclusion matrix is kept as
packed bits (:math:`k/8` bytes per subset).

References
----------
Olkin, I., Dahabreh, I. J., & Trikalinos, T. A. (2012). GOSH - a graphical display of study
heterogeneity. *Research Synthesis Methods*, 3, 214-223. metafor 3.8: ``help(gosh)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats as sps

from alsatlas.errors import StatsInputError
from alsatlas.stats.batch import rma_batch
from alsatlas.stats.meta_inputs import FloatArray
from alsatlas.stats.rma import RMAResult

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: metafor's default number of subsets above which a random sample is fitted.
DEFAULT_SUBSETS = 1_000_000
#: Subset x study cells handled at once.
CHUNK_ELEMENTS = 1 << 18
_CLOSED_FORMS = ("EE", "FE", "DL")


@dataclass(frozen=True, eq=False)
class GoshResult:
    """Fits of the model to subsets of the studies (arrays of shape (n,), one per subset).

    Attributes
    ----------
    k
        Studies in the subset.
    QE, I2, H2, tau2, estimate
        Q statistic, I² (percent), H², τ² and pooled estimate of the subset's fit.
    incl_packed
        Inclusion matrix, ``np.packbits(..., axis=1, bitorder="little")`` of the boolean
        (n, n_studies) matrix; see :meth:`included`.
    n_studies
        Number of studies of the model.
    exact
        All subsets were fitted (False: a random sample).
    method
        τ² estimator of the fits.
    """

    k: IntArray
    QE: FloatArray
    I2: FloatArray
    H2: FloatArray
    tau2: FloatArray
    estimate: FloatArray
    incl_packed: NDArray[np.uint8]
    n_studies: int
    exact: bool
    method: str

    @property
    def n(self) -> int:
        """Number of subsets fitted."""
        return int(self.k.shape[0])

    def included(self, rows: slice | IntArray | None = None) -> BoolArray:
        """Boolean inclusion matrix (subset × study) of ``rows`` (all rows by default)."""
        packed = self.incl_packed if rows is None else self.incl_packed[rows]
        out: BoolArray = np.unpackbits(
            packed, axis=1, count=self.n_studies, bitorder="little"
        ).astype(bool)
        return out


def _exact_codes(k: int) -> IntArray:
    """Subset codes 1 .. 2^k - 1 (bit j = study j) in metafor's order: by size, stable."""
    codes = np.arange(1, 1 << k, dtype=np.int64)
    sizes = np.zeros(codes.shape, dtype=np.int64)
    for j in range(k):
        sizes += (codes >> j) & 1
    out: IntArray = codes[np.argsort(sizes, kind="stable")]
    return out


def _exact_chunks(k: int, rows: int) -> Iterator[BoolArray]:
    codes = _exact_codes(k)
    bits = np.arange(k, dtype=np.int64)
    for start in range(0, codes.shape[0], rows):
        chunk = codes[start : start + rows]
        yield ((chunk[:, None] >> bits[None, :]) & 1).astype(bool)


def _random_chunks(k: int, n: int, rows: int, seed: int | None) -> Iterator[BoolArray]:
    rng = np.random.default_rng(seed)
    sizes = np.arange(1, k + 1)
    prob = sps.binom.pmf(sizes, k, 0.5)
    drawn = np.sort(rng.choice(sizes, size=n, replace=True, p=prob / prob.sum()))
    for start in range(0, n, rows):
        m = drawn[start : start + rows]
        ranks = rng.random((m.shape[0], k)).argsort(axis=1).argsort(axis=1)
        yield ranks < m[:, None]


def _closed_form(y: FloatArray, v: FloatArray, incl: BoolArray, dl: bool) -> tuple[FloatArray, ...]:
    mask = incl.astype(np.float64)
    m = mask.sum(axis=1)
    w = mask / v[None, :]
    sw = w.sum(axis=1)
    est = (w @ y) / sw
    resid = y[None, :] - est[:, None]
    q = np.einsum("ij,ij->i", w, resid * resid)
    df = m - 1.0
    multi = m > 1
    with np.errstate(divide="ignore", invalid="ignore"):
        i2 = np.where(multi, np.maximum(0.0, 100.0 * (q - df) / q), 0.0)
        h2 = np.where(multi, q / df, 1.0)
        tau2 = np.zeros_like(q)
        if dl:
            denom = sw - np.einsum("ij,ij->i", w, w) / sw
            tau2 = np.where(multi, np.maximum(0.0, (q - df) / denom), 0.0)
            w2 = mask / (v[None, :] + tau2[:, None])
            est = (w2 @ y) / w2.sum(axis=1)
    return np.where(multi, q, 0.0), i2, h2, tau2, est


def _batch(y: FloatArray, v: FloatArray, incl: BoolArray, method: str) -> tuple[FloatArray, ...]:
    c = incl.shape[0]
    m = incl.sum(axis=1)
    q = np.zeros(c)
    i2 = np.zeros(c)
    h2 = np.ones(c)
    tau2 = np.zeros(c)
    single = m == 1
    est = np.zeros(c)
    if single.any():
        est[single] = y[np.argmax(incl[single], axis=1)]
    multi = ~single
    if multi.any():
        sub = incl[multi]
        shape = sub.shape
        res = rma_batch(
            np.broadcast_to(y, shape),
            np.broadcast_to(v, shape),
            method=method,
            mask=sub,
            confint=False,
        )
        q[multi] = res.QE
        i2[multi] = res.I2
        h2[multi] = res.H2
        tau2[multi] = res.tau2
        est[multi] = res.estimate
    return q, i2, h2, tau2, est


def gosh(
    fit: RMAResult,
    *,
    subsets: int | None = None,
    seed: int | None = 0,
    chunk_elements: int = CHUNK_ELEMENTS,
) -> GoshResult:
    """Fit the model to all (or a random sample of) subsets of its studies.

    Parameters
    ----------
    fit
        An intercept-only model without user weights, from :func:`alsatlas.stats.rma`.
    subsets
        Most subsets to fit; all :math:`2^k - 1` when there are no more than this
        (default :data:`DEFAULT_SUBSETS`), else a random sample of this many.
    seed
        Seed of the random sample (``None``: fresh entropy).
    chunk_elements
        Subset × study cells handled at once (bounds memory).

    Raises
    ------
    StatsInputError
        The model has moderators or user weights, ``subsets`` < 2, or ``k`` < 2.
    """
    if fit.p != 1 or fit.user_weights is not None:
        raise StatsInputError(
            "a GOSH plot needs a model without moderators or weights", field="fit"
        )
    k = fit.k
    if k < 2:
        raise StatsInputError(f"a GOSH plot needs at least 2 studies, got k = {k}", field="fit")
    limit = DEFAULT_SUBSETS if subsets is None else round(subsets)
    if limit < 2:
        raise StatsInputError(f"must be >= 2, got {subsets}", field="subsets")
    exact = k < 62 and (1 << k) - 1 <= limit
    n = (1 << k) - 1 if exact else limit
    rows = max(1, chunk_elements // k)
    chunks = _exact_chunks(k, rows) if exact else _random_chunks(k, n, rows, seed)
    y = np.asarray(fit.yi, dtype=np.float64)
    v = np.asarray(fit.vi, dtype=np.float64)
    out = {name: np.empty(n) for name in ("QE", "I2", "H2", "tau2", "estimate")}
    sizes = np.empty(n, dtype=np.int64)
    packed = np.empty((n, (k + 7) // 8), dtype=np.uint8)
    start = 0
    for incl in chunks:
        stop = start + incl.shape[0]
        if fit.method in _CLOSED_FORMS:
            values = _closed_form(y, v, incl, fit.method == "DL")
        else:
            values = _batch(y, v, incl, fit.method)
        for name, value in zip(("QE", "I2", "H2", "tau2", "estimate"), values, strict=True):
            out[name][start:stop] = value
        sizes[start:stop] = incl.sum(axis=1)
        packed[start:stop] = np.packbits(incl, axis=1, bitorder="little")
        start = stop
    return GoshResult(
        k=sizes,
        QE=out["QE"],
        I2=out["I2"],
        H2=out["H2"],
        tau2=out["tau2"],
        estimate=out["estimate"],
        incl_packed=packed,
        n_studies=k,
        exact=exact,
        method=fit.method,
    )


__all__ = ["DEFAULT_SUBSETS", "GoshResult", "gosh"]
