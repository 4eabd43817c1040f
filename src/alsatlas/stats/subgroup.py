r"""Subgroup analysis: a pooled estimate per subgroup and a test of subgroup differences.

Two analyses, as in the literature and the R packages:

1. **Separate fits** (meta's ``subgroup`` with ``tau.common = FALSE``, its default): each
   subgroup :math:`g` is pooled on its own with the chosen τ² estimator and test, giving
   :math:`\hat\theta_g` and :math:`\mathrm{SE}_g`. Subgroup differences are tested with the
   fixed-effect Q statistic over the subgroup estimates (Borenstein et al. 2009, ch. 19;
   Deeks, Higgins & Altman, Cochrane Handbook section 10.11.3.1):

   .. math::
       Q_B = \sum_g w_g(\hat\theta_g - \bar\theta)^2,\quad w_g = 1/\mathrm{SE}_g^2,\quad
       \bar\theta = \sum_g w_g\hat\theta_g / \sum_g w_g,\quad Q_B \sim \chi^2_{G-1}.

   This is ``rma(theta_g, sei = SE_g, method = "EE")$QE`` in metafor.
2. **Common τ²** (optional; metafor's ``rma(yi, vi, mods = ~ factor(group))``): one
   mixed-effects model with subgroup indicators; the omnibus moderator test :math:`Q_M`
   (chi-square with :math:`G-1` df, or F under ``knha``/``t``) tests subgroup differences.

References
----------
Borenstein, M., Hedges, L. V., Higgins, J. P. T., & Rothstein, H. R. (2009). *Introduction to
Meta-Analysis*, chapter 19. Wiley.
Viechtbauer, W. (2010). Conducting meta-analyses in R with the metafor package. *Journal of
Statistical Software*, 36(3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from alsatlas.errors import StatsInputError
from alsatlas.stats.meta_inputs import check_level, check_meta_inputs
from alsatlas.stats.rma import RMAResult, fit_rma


@dataclass(frozen=True, eq=False)
class SubgroupResult:
    """Per-subgroup fits and tests of subgroup differences.

    Attributes
    ----------
    groups
        Subgroup labels in order of first appearance.
    fits
        One :class:`~alsatlas.stats.rma.RMAResult` per subgroup, in the order of ``groups``.
    Q_between, Q_between_df, Q_between_p
        Fixed-effect Q test over the subgroup estimates (separate τ² per subgroup).
    common
        The common-τ² model with subgroup indicators (first group as reference), or None.
    method, test
        τ² estimator and test used in every fit.
    """

    groups: tuple[str, ...]
    fits: tuple[RMAResult, ...]
    Q_between: float
    Q_between_df: int
    Q_between_p: float
    common: RMAResult | None
    method: str
    test: str

    def fit(self, group: str) -> RMAResult:
        """The pooled fit of one subgroup."""
        return self.fits[self.groups.index(group)]

    @property
    def estimates(self) -> np.ndarray:
        """Subgroup pooled estimates, in the order of ``groups``."""
        return np.array([f.estimate for f in self.fits])

    @property
    def ses(self) -> np.ndarray:
        """Standard errors of the subgroup estimates."""
        return np.array([float(f.se[0]) for f in self.fits])


def q_between(estimates: ArrayLike, ses: ArrayLike) -> tuple[float, int, float]:
    """Fixed-effect Q over subgroup estimates: returns (Q, df, p) with df = G - 1."""
    theta = np.asarray(estimates, dtype=np.float64)
    w = 1.0 / np.asarray(ses, dtype=np.float64) ** 2
    mean = float(w @ theta / w.sum())
    q = float(w @ (theta - mean) ** 2)
    df = theta.shape[0] - 1
    return q, df, float(special.chdtrc(df, q))


def subgroup_analysis(
    yi: ArrayLike,
    vi: ArrayLike,
    groups: Sequence[object] | ArrayLike,
    *,
    method: str = "REML",
    test: str = "z",
    level: float = 95,
    common_tau2: bool = False,
) -> SubgroupResult:
    """Pool each subgroup separately and test for subgroup differences.

    Parameters
    ----------
    yi, vi
        Effect sizes and sampling variances of all studies.
    groups
        Subgroup label of each study (any values; compared as strings).
    method, test, level
        As in :func:`alsatlas.stats.rma`; used for every subgroup fit.
    common_tau2
        Also fit the mixed-effects model with subgroup indicators and a common τ².

    Raises
    ------
    StatsInputError
        Bad ``yi``/``vi`` (see :func:`~alsatlas.stats.rma`), labels of the wrong length,
        fewer than two subgroups, or a subgroup too small for ``method``/``test`` (the error
        names it).
    """
    inputs = check_meta_inputs(yi, vi, method="EE", test="z")
    lev = check_level(level)
    labels = [str(g) for g in np.asarray(groups, dtype=object).ravel()]
    if len(labels) != inputs.k:
        raise StatsInputError(
            f"has {len(labels)} labels but there are {inputs.k} studies", field="groups"
        )
    order = tuple(dict.fromkeys(labels))
    if len(order) < 2:
        raise StatsInputError("a subgroup analysis needs at least 2 subgroups", field="groups")
    lab = np.asarray(labels, dtype=object)
    fits = []
    for g in order:
        idx = np.flatnonzero(lab == g)
        try:
            sub = check_meta_inputs(inputs.yi[idx], inputs.vi[idx], method=method, test=test)
        except StatsInputError as exc:
            raise StatsInputError(
                f"subgroup {g!r} ({idx.size} studies): {exc.reason}", field="groups"
            ) from exc
        fits.append(
            fit_rma(sub.yi, sub.vi, sub.X, method=method, test=test, level=lev, weights=None)
        )
    qb, df, qp = q_between([f.estimate for f in fits], [float(f.se[0]) for f in fits])
    common = None
    if common_tau2:
        dummies = np.column_stack([(lab == g).astype(np.float64) for g in order[1:]])
        full = check_meta_inputs(inputs.yi, inputs.vi, mods=dummies, method=method, test=test)
        common = fit_rma(
            full.yi, full.vi, full.X, method=method, test=test, level=lev, weights=None
        )
    return SubgroupResult(
        groups=order,
        fits=tuple(fits),
        Q_between=qb,
        Q_between_df=df,
        Q_between_p=qp,
        common=common,
        method=method,
        test=test,
    )


__all__ = ["SubgroupResult", "q_between", "subgroup_analysis"]
