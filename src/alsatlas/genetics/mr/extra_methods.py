"""Registry of the MendelianRandomization-side methods that ``run_mr`` runs only when named.

===================  =====================================================  ===========
id                   method                                                 min. k
===================  =====================================================  ===========
``ivw_penalised``    penalised IVW (`penalised`)                            3
``egger_penalised``  penalised MR-Egger (`penalised`)                       3
``maxlik``           maximum likelihood (`maxlik`)                          2
``sign_concordance`` sign concordance test (`sign`)                         6
``conmix``           contamination mixture (`conmix`)                       3
``cml_ma_bic``       MR-cML with BIC model averaging (`cml`)                3
``cml_bic``          MR-cML, BIC-selected model (`cml`)                     3
``ivw_robust``       robust IVW, MM-estimation (`robust`)                   3
``egger_robust``     robust MR-Egger (`robust`)                             4
``ivw_robust_penalised``    robust penalised IVW (`robust`)                 3
``egger_robust_penalised``  robust penalised MR-Egger (`robust`)            4
``lasso``            MR-Lasso, post-lasso IVW (`lasso`)                     3
``cml_ma_bic_dp``    MR-cML-MA-BIC with data perturbation (Monte Carlo)     4
``cml_bic_dp``       MR-cML-BIC with data perturbation (Monte Carlo)        4
``egger_bootstrap``  MR-Egger, bootstrap SE (TwoSampleMR; Monte Carlo)      3
===================  =====================================================  ===========

They follow MendelianRandomization's defaults whatever the convention (random-effects
model for k ≥ 4, fixed below; normal p-values and limits). The contamination mixture's
limits come from its likelihood grid and the sign test has none, so the fixed b ± 1.96·se
limits of the ``"twosamplemr"`` convention are not applied to them (`OWN_LIMITS`). MR-cML
needs the GWAS sample size: the smaller of the exposure and outcome sample sizes
(``gwas_n``), as the package recommends.
"""

from __future__ import annotations

import math

import numpy as np

from alsatlas.errors import StatsInputError
from alsatlas.genetics.mr.conmix import conmix_from_arrays
from alsatlas.genetics.mr.inputs import MRArrays
from alsatlas.genetics.mr.maxlik import maxlik_from_arrays
from alsatlas.genetics.mr.penalised import egger_penalised_from_arrays, ivw_penalised_from_arrays
from alsatlas.genetics.mr.results import MRMethodResult
from alsatlas.genetics.mr.steiger import TraitSample

EXTRA_METHODS: frozenset[str] = frozenset(
    {
        "ivw_penalised",
        "egger_penalised",
        "maxlik",
        "sign_concordance",
        "conmix",
        "cml_ma_bic",
        "cml_bic",
        "ivw_robust",
        "egger_robust",
        "ivw_robust_penalised",
        "egger_robust_penalised",
        "lasso",
        "cml_ma_bic_dp",
        "cml_bic_dp",
        "egger_bootstrap",
    }
)
"""The methods `run_extra` runs (their fewest variants: `conventions.MIN_SNPS`)."""

DP_ALL_MAX_K = 150
"""``methods="all"`` leaves out the MR-cML data-perturbation methods above this many variants
(200 perturbations × k − 1 fits take minutes); naming them still runs them."""

OWN_LIMITS: frozenset[str] = frozenset({"conmix", "sign_concordance"})
"""Methods whose limits are not b ± z·se."""


def trait_n(t: TraitSample | None) -> float | None:
    """The (smallest per-variant) sample size of a trait, or None when unknown."""
    if t is None:
        return None
    if t.n is not None:
        return float(np.min(np.asarray(t.n, dtype=np.float64)))
    if t.ncase is not None and t.ncontrol is not None:
        tot = np.asarray(t.ncase, dtype=np.float64) + np.asarray(t.ncontrol, dtype=np.float64)
        return float(np.min(tot))
    return None


def gwas_sample_size(exposure: TraitSample | None, outcome: TraitSample | None) -> float | None:
    """min(n_exposure, n_outcome) over the sides whose size is known."""
    ns = [n for n in (trait_n(exposure), trait_n(outcome)) if n is not None and math.isfinite(n)]
    return min(ns) if ns else None


def run_extra(
    m: str, d: MRArrays, alpha: float, gwas_n: float | None, seed: int = 314, n_boot: int = 1000
) -> MRMethodResult:
    """Run extra method ``m`` on validated arrays (``seed``: the Monte Carlo methods' stream;
    ``n_boot``: MR-Egger bootstrap replicates)."""
    if m == "ivw_penalised":
        return ivw_penalised_from_arrays(d, alpha=alpha)
    if m == "egger_penalised":
        return egger_penalised_from_arrays(d, alpha=alpha).slope
    if m == "maxlik":
        return maxlik_from_arrays(d, alpha=alpha)[0]
    if m == "sign_concordance":
        # compiled (numba), as are cML and the bootstrap: imported only when they run
        from alsatlas.genetics.mr.sign import sign_concordance_from_arrays

        return sign_concordance_from_arrays(d)
    if m == "conmix":
        return conmix_from_arrays(d, alpha=alpha).result
    if m in ("cml_ma_bic", "cml_bic", "cml_ma_bic_dp", "cml_bic_dp"):
        if gwas_n is None:
            raise StatsInputError(
                f"{m} needs the GWAS sample size (exposure or outcome sample size)",
                field="samplesize",
            )
        from alsatlas.genetics.mr.cml import cml_dp_from_arrays, cml_from_arrays

        if m.endswith("_dp"):
            dp = cml_dp_from_arrays(d, n=gwas_n, seed=seed, alpha=alpha)
            return dp.ma_bic if m == "cml_ma_bic_dp" else dp.bic
        fit = cml_from_arrays(d, n=gwas_n, alpha=alpha)
        return fit.ma_bic if m == "cml_ma_bic" else fit.bic
    if m in ("ivw_robust", "ivw_robust_penalised", "egger_robust", "egger_robust_penalised"):
        return _robust(m, d, alpha)
    if m == "egger_bootstrap":
        from alsatlas.genetics.mr.egger_bootstrap import egger_bootstrap_from_arrays

        return egger_bootstrap_from_arrays(d, n_boot=n_boot, seed=seed).slope
    if m == "lasso":
        # compiled (numba): imported only when the method runs
        from alsatlas.genetics.mr.lasso import lasso_from_arrays

        return lasso_from_arrays(d, alpha=alpha).result
    raise KeyError(m)


def _robust(m: str, d: MRArrays, alpha: float) -> MRMethodResult:
    """The robust IVW/MR-Egger methods (compiled, numba: imported only when one runs)."""
    from alsatlas.genetics.mr.robust import egger_robust_from_arrays, ivw_robust_from_arrays

    if m in ("ivw_robust", "ivw_robust_penalised"):
        return ivw_robust_from_arrays(d, penalised=m.endswith("penalised"), alpha=alpha)[0]
    return egger_robust_from_arrays(d, penalised=m.endswith("penalised"), alpha=alpha).slope


__all__ = [
    "DP_ALL_MAX_K",
    "EXTRA_METHODS",
    "OWN_LIMITS",
    "gwas_sample_size",
    "run_extra",
    "trait_n",
]
