"""Two-sample Mendelian randomization estimators (pure numpy/scipy, no I/O).

Public contract
---------------
``run_mr(bx, bxse, by, byse, *, methods=None, convention="twosamplemr", seed=None,
n_boot=None, rho=None, exposure=None, outcome=None, presso_n_distribution=1000,
alpha=0.05) -> MRReport``

- Inputs are harmonised per-variant associations (same effect allele for exposure and
  outcome), as float arrays of equal length without missing values. Bad input raises
  `alsatlas.errors.StatsInputError` naming the field and the 0-based row.
- ``methods``: ids among ``wald_ratio, ivw, ivw_fe, egger, simple_median, weighted_median,
  penalised_weighted_median, simple_mode, weighted_mode, presso`` (run by default when their
  minimum number of variants is met; ``wald_ratio`` alone for one variant) and
  ``penalised_mode, simple_mode_nome, weighted_mode_nome, uwr, raps`` (run when named);
  ``"all"`` runs every method that applies and lists the others in ``MRReport.skipped``.
  The MendelianRandomization-side methods of `extra_methods` (penalised and robust
  IVW/MR-Egger, maximum likelihood, sign concordance, contamination mixture,
  MR-Lasso, MR-cML, bootstrap MR-Egger) also run when named.
- ``convention``: ``"twosamplemr"`` or ``"mendelianrandomization"`` (see `conventions`).
- ``seed``: bootstrap/simulation seed, default `DEFAULT_SEED`; ``n_boot``: bootstrap
  iterations (default 1000 or 10000 by convention).
- ``rho``: LD correlation matrix; IVW and MR-Egger then use generalised least squares.
- ``exposure``/``outcome``: `TraitSample` (n, eaf, ncase, ncontrol, prevalence, pval,
  sd_units) of each trait; with both, the Steiger directionality test is run (liability
  scale for binary traits, 2β²f(1 − f) for SD-unit traits, else from b, se and n).
- ``presso_n_distribution`` (MR-PRESSO simulations, default 1000) and ``alpha`` (0.05).

`MRReport` holds ``results`` (tuple of `MRMethodResult`: method, nsnp, b, se, ci_lb, ci_ub,
pval), ``heterogeneity`` (Cochran's Q for IVW and MR-Egger, Rücker's Q'), ``egger_intercept``
(intercept, se, limits, p, I²GX), ``steiger``, ``presso`` (global RSSobs and p, outliers,
distortion test, raw and outlier-corrected estimates), ``fstat`` (per-variant and mean F),
and ``to_dict()`` for JSON (see `alsatlas.genetics.mr.results`).

``leave_one_out(bx, bxse, by, byse, *, snps=None, convention=...)`` and
``single_snp(...)`` return `SNPwiseResults` (labels, per-variant results, overall fits) for
the plots in ``alsatlas.figures.mr_plots`` (``mr_scatter_plot``, ``mr_funnel_plot``,
``mr_forest_plot``, ``mr_leave_one_out_plot``).

Each estimator is also callable on its own: `wald_ratio`, `ivw`, `egger`,
`median_estimate`, `mode_estimate`, `mr_presso`, `mr_raps`, `mr_uwr`, `steiger`,
`steiger_filtering`, `heterogeneity`, `f_statistics`, `ivw_correlated`, `egger_correlated`.

Multivariable MR: ``run_mvmr(bx, bxse, by, byse, ...)`` with k×m exposure matrices
(`mvmr`: IVW, MR-Egger, conditional F-statistics; partly compiled, so `mvmr` and numba are
loaded on first use of ``run_mvmr`` or ``MVMRReport``).

Module map: ``wald`` · ``ivw`` · ``egger`` · ``median`` · ``mode`` (with ``density``, R's
``density()`` grid) · ``presso`` · ``raps`` · ``uwr`` · ``steiger`` · ``heterogeneity`` ·
``loo`` · ``fstat`` · ``correlated`` · ``conventions`` · ``bootstrap`` (seeded streams) ·
``penalised`` · ``robust`` · ``maxlik`` · ``sign`` · ``conmix`` · ``lasso`` · ``cml`` ·
``mvmr`` · ``extra_methods`` (their registry) · ``inputs`` ·
``inference`` · ``results`` · ``run``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alsatlas.genetics.mr.conventions import (
    DEFAULT_SEED,
    METHOD_IDS,
    Convention,
    MethodId,
    convention_defaults,
)
from alsatlas.genetics.mr.correlated import egger_correlated, ivw_correlated
from alsatlas.genetics.mr.egger import egger
from alsatlas.genetics.mr.fstat import f_statistics
from alsatlas.genetics.mr.heterogeneity import heterogeneity
from alsatlas.genetics.mr.ivw import ivw
from alsatlas.genetics.mr.loo import leave_one_out, single_snp
from alsatlas.genetics.mr.median import median_estimate, weighted_median
from alsatlas.genetics.mr.mode import mode_estimate
from alsatlas.genetics.mr.presso import mr_presso
from alsatlas.genetics.mr.raps import RapsFit, mr_raps
from alsatlas.genetics.mr.results import (
    CochranQ,
    EggerIntercept,
    FStatistics,
    Heterogeneity,
    MRMethodResult,
    MRReport,
    PressoResult,
    RuckerQ,
    SNPwiseResults,
    SteigerResult,
)
from alsatlas.genetics.mr.run import default_methods, run_mr
from alsatlas.genetics.mr.steiger import SteigerFiltering, TraitSample, steiger, steiger_filtering
from alsatlas.genetics.mr.uwr import mr_uwr
from alsatlas.genetics.mr.wald import wald_ratio

if TYPE_CHECKING:
    from alsatlas.genetics.mr.mvmr import MVMRReport, run_mvmr


def __getattr__(name: str) -> object:
    """``run_mvmr`` and ``MVMRReport`` from `mvmr`, imported on first access."""
    if name in ("MVMRReport", "run_mvmr"):
        from alsatlas.genetics.mr import mvmr

        return getattr(mvmr, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_SEED",
    "METHOD_IDS",
    "CochranQ",
    "Convention",
    "EggerIntercept",
    "FStatistics",
    "Heterogeneity",
    "MRMethodResult",
    "MRReport",
    "MVMRReport",
    "MethodId",
    "PressoResult",
    "RapsFit",
    "RuckerQ",
    "SNPwiseResults",
    "SteigerFiltering",
    "SteigerResult",
    "TraitSample",
    "convention_defaults",
    "default_methods",
    "egger",
    "egger_correlated",
    "f_statistics",
    "heterogeneity",
    "ivw",
    "ivw_correlated",
    "leave_one_out",
    "median_estimate",
    "mode_estimate",
    "mr_presso",
    "mr_raps",
    "mr_uwr",
    "run_mr",
    "run_mvmr",
    "single_snp",
    "steiger",
    "steiger_filtering",
    "wald_ratio",
    "weighted_median",
]
