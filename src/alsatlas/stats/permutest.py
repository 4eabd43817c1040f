r"""Permutation tests of the coefficients of a fitted model (``metafor::permutest.rma.uni``).

Without moderators the null distribution of the test of :math:`\mu = 0` is that of the
model refitted to :math:`(s_1y_1, \dots, s_ky_k)` over sign vectors :math:`s \in \{-1, 1\}^k`
(Follmann & Proschan 1999); with moderators, that of the model refitted with the rows of the
design matrix permuted among the studies (Higgins & Thompson 2004), which breaks the link
between moderators and effects. Each refit uses the model's estimator, test, weights and
fixed τ² (if any). With :math:`z_j` the observed test statistic of coefficient :math:`j`,
:math:`Q_M` the omnibus statistic and the tolerance :math:`\delta = \sqrt{\epsilon}`
(metafor's ``comptol``):

.. math:: p_j = \frac{\#\{|z_j^{(b)}| \ge |z_j| - \delta\}}{B}, \qquad
          p_{QM} = \frac{\#\{Q_M^{(b)} \ge Q_M - \delta\}}{B}.

The test is exact (every sign vector, or every distinct permutation of the rows of
:math:`X`) when ``exact=True`` or when that enumeration has at most ``iterations`` members;
otherwise ``iterations`` random draws are made from a generator seeded with ``seed`` (the
same seed gives the same p-values), the first of them replaced by the observed data, as in
metafor. The Monte-Carlo standard error of an approximate p-value is
:math:`\sqrt{p(1-p)/B}`. Refits that fail (e.g. an estimator that does not converge) are
skipped, as metafor's NA.

References
----------
Follmann, D. A., & Proschan, M. A. (1999). Valid inference in random effects meta-analysis.
*Biometrics*, 55, 732-737.
Higgins, J. P. T., & Thompson, S. G. (2004). Controlling the risk of spurious findings from
meta-regression. *Statistics in Medicine*, 23, 1663-1682.
Viechtbauer, W., López-López, J. A., Sánchez-Meca, J., & Marín-Martínez, F. (2015). A
comparison of procedures to test for moderators in mixed-effects meta-regression models.
*Psychological Methods*, 20, 360-374. metafor 3.8 documentation: ``help(permutest)``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from alsatlas.errors import StatsInputError
from alsatlas.stats.meta_inputs import FloatArray
from alsatlas.stats.metareg import omnibus_test
from alsatlas.stats.rma import RMAResult
from alsatlas.stats.tau2_extra import estimate_tau2_ext

#: metafor's ``comptol``: statistics within this of the observed one count as at least as large.
COMPTOL = float(np.finfo(np.float64).eps ** 0.5)
#: Largest enumeration attempted by ``exact=True``.
MAX_EXACT = 2_000_000


@dataclass(frozen=True, eq=False)
class PermutationResult:
    """Permutation p-values of each coefficient (``pval``) and of the omnibus test (``QMp``).

    ``zval_perm``, ``beta_perm`` (shape (B, p)) and ``QM_perm`` (B,) hold the refitted
    statistics (NaN where a refit failed); ``iterations`` is B and ``exact`` whether the
    enumeration was complete.
    """

    pval: FloatArray
    QMp: float
    exact: bool
    iterations: int
    zval_perm: FloatArray
    beta_perm: FloatArray
    QM_perm: FloatArray


def _refit(res: RMAResult, yi: FloatArray, X: FloatArray) -> tuple[FloatArray, FloatArray, float]:
    """Coefficients, test statistics and QM of the model refitted to ``yi`` and ``X``."""
    k, p = X.shape
    est = estimate_tau2_ext(
        yi,
        res.vi,
        X,
        res.method,
        weights=res.user_weights,
        tau2=res.tau2 if res.tau2_fix else None,
        control=res.control,
    )
    w = 1.0 / (res.vi + est.tau2)
    WX = w[:, None] * X
    inv = np.asarray(np.linalg.inv(X.T @ WX), dtype=np.float64)
    beta_w: FloatArray = inv @ (WX.T @ yi)
    if res.user_weights is None:
        beta, vb = beta_w, inv
    else:
        AX = res.user_weights[:, None] * X
        inv_a = np.linalg.inv(X.T @ AX)
        beta = inv_a @ (AX.T @ yi)
        bread = inv_a @ AX.T
        vb = np.asarray((bread * (res.vi + est.tau2)[None, :]) @ bread.T, dtype=np.float64)
    if res.test in ("knha", "adhoc"):
        rss = float(np.sum(w * (yi - X @ beta_w) ** 2))
        s2w = 0.0 if rss <= np.finfo(np.float64).eps else rss / (k - p)
        if res.test == "adhoc":
            s2w = max(s2w, 1.0)
        vb = s2w * vb
    se = np.sqrt(np.diag(vb))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where((se == 0.0) & (beta == 0.0), 0.0, beta / se)
    btt = np.asarray(res.btt if res.btt is not None else range(1, p), dtype=np.int64)
    qm = omnibus_test(beta, vb, btt, test=res.test, df_resid=k - p).QM
    return beta, z, qm


def _multiset_permutations(labels: list[int]) -> Iterator[tuple[int, ...]]:
    """Every distinct ordering of ``labels`` (a multiset), each once."""
    counts: dict[int, int] = {}
    for lab in labels:
        counts[lab] = counts.get(lab, 0) + 1
    keys = sorted(counts)
    n = len(labels)
    out = [0] * n

    def rec(pos: int) -> Iterator[tuple[int, ...]]:
        if pos == n:
            yield tuple(out)
            return
        for key in keys:
            if counts[key]:
                counts[key] -= 1
                out[pos] = key
                yield from rec(pos + 1)
                counts[key] += 1

    return rec(0)


def _row_labels(X: FloatArray) -> tuple[list[int], list[int]]:
    """Label each row by its first identical row; return labels and counts per distinct row."""
    labels: list[int] = []
    first: dict[bytes, int] = {}
    for i, row in enumerate(X):
        labels.append(first.setdefault(row.tobytes(), i))
    counts = [labels.count(lab) for lab in sorted(set(labels))]
    return labels, counts


def permutest(
    result: RMAResult,
    *,
    exact: bool = False,
    iterations: int = 1000,
    seed: int | None = None,
) -> PermutationResult:
    """Permutation test of a fitted model (see the module docstring).

    Parameters
    ----------
    result
        A model from :func:`alsatlas.stats.rma.rma`.
    exact
        Enumerate every sign vector or distinct permutation (also chosen automatically when
        there are at most ``iterations`` of them).
    iterations
        Number of random permutations of an approximate test (at least 2).
    seed
        Seed of :class:`numpy.random.Generator` for the approximate test.
    """
    if iterations < 2:
        raise StatsInputError(f"must be >= 2, got {iterations}", field="iterations")
    k, p = result.k, result.p
    yi, X = result.yi, result.X
    if p == 1:
        n_exact = 2**k
    else:
        labels, counts = _row_labels(X)
        n_exact = math.factorial(k)
        for c in counts:
            n_exact //= math.factorial(c)
    is_exact = exact or n_exact <= iterations
    if is_exact and n_exact > MAX_EXACT:
        raise StatsInputError(
            f"an exact test needs {n_exact} refits (more than {MAX_EXACT}); use exact=False",
            field="exact",
        )
    B = n_exact if is_exact else iterations
    beta_p = np.full((B, p), np.nan)
    z_p = np.full((B, p), np.nan)
    qm_p = np.full(B, np.nan)

    def record(b: int, y: FloatArray, Xb: FloatArray) -> bool:
        try:
            beta_p[b], z_p[b], qm_p[b] = _refit(result, y, Xb)
        except (StatsInputError, np.linalg.LinAlgError):
            return False
        return True

    if is_exact:
        if p == 1:
            for b, signs in enumerate(itertools.product((1.0, -1.0), repeat=k)):
                record(b, np.asarray(signs) * yi, X)
        else:
            for b, perm in enumerate(_multiset_permutations(labels)):
                record(b, yi, X[list(perm)])
    else:
        rng = np.random.default_rng(seed)
        beta_p[0], z_p[0], qm_p[0] = result.beta, result.zval, result.QM
        b = 1
        while b < B:
            if p == 1:
                ok = record(b, rng.choice((-1.0, 1.0), size=k) * yi, X)
            else:
                ok = record(b, yi, X[rng.permutation(k)])
            b += ok
    with np.errstate(invalid="ignore"):
        hits = np.abs(z_p) >= np.abs(result.zval)[None, :] - COMPTOL
        pval = np.minimum(np.nanmean(np.where(np.isnan(z_p), np.nan, hits), axis=0), 1.0)
        qm_hits = np.where(np.isnan(qm_p), np.nan, qm_p >= result.QM - COMPTOL)
    return PermutationResult(
        pval=pval,
        QMp=float(np.nanmean(qm_hits)),
        exact=is_exact,
        iterations=B,
        zval_perm=z_p,
        beta_perm=beta_p,
        QM_perm=qm_p,
    )


__all__ = ["COMPTOL", "PermutationResult", "permutest"]
