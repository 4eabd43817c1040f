"""Conventions of the two R reference packages, and the method identifiers alsatlas uses.

TwoSampleMR (Hemani et al. 2018) and MendelianRandomization (Yavorska & Burgess 2017) agree
on the point estimates of most methods but differ in defaults that change standard errors,
p-values and intervals. alsatlas supports both explicitly; ``"twosamplemr"`` is the default
because most published ALS MR studies used it.

=============================  ===============================  =================================
setting                        ``"twosamplemr"``                ``"mendelianrandomization"``
=============================  ===============================  =================================
``ivw`` model                  multiplicative random effects    fixed for k < 4, random for k ≥ 4
                               (se / min(1, σ̂))                 (``model = "default"``)
MR-Egger p-value and CI        t(k − 2)                         normal
weighted-median weights        second order                     first order (bx / byse)²
                               1/(byse²/bx² + by²bxse²/bx⁴)
bootstrap iterations           1000                             10000
mode-based estimate p-value    t(k − 1), CI normal              normal
=============================  ===============================  =================================

Interval limits: TwoSampleMR's estimators return no intervals; its ``generate_odds_ratios``
gives every method, MR-Egger included, the limits b ± 1.96·se, so the ``"twosamplemr"``
convention does the same (for α = 0.05). MendelianRandomization uses b ± q·se with q the
1 − α/2 quantile of the distribution of the p-value (normal by default).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from alsatlas.errors import StatsInputError

Convention = Literal["twosamplemr", "mendelianrandomization"]
"""Which R package's defaults to follow."""

MethodId = Literal[
    "wald_ratio",
    "ivw",
    "ivw_fe",
    "egger",
    "simple_median",
    "weighted_median",
    "penalised_weighted_median",
    "simple_mode",
    "weighted_mode",
    "presso",
    "penalised_mode",
    "simple_mode_nome",
    "weighted_mode_nome",
    "uwr",
    "raps",
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
]
"""Identifiers of the estimators, as they appear in ``MRMethodResult.method`` and in JSON."""

METHOD_IDS: tuple[MethodId, ...] = get_args(MethodId)

DEFAULT_METHOD_IDS: tuple[MethodId, ...] = METHOD_IDS[:10]
"""The first ten methods, from ``wald_ratio`` to ``presso``: the ones run when none are named,
in the order their random streams were numbered (later methods never change their numbers)."""

MIN_SNPS: dict[MethodId, int] = {
    "wald_ratio": 1,
    "ivw": 2,
    "ivw_fe": 2,
    "egger": 3,
    "simple_median": 3,
    "weighted_median": 3,
    "penalised_weighted_median": 3,
    "simple_mode": 3,
    "weighted_mode": 3,
    "presso": 4,
    "penalised_mode": 3,
    "simple_mode_nome": 3,
    "weighted_mode_nome": 3,
    "uwr": 2,
    "raps": 3,
    "ivw_penalised": 3,
    "egger_penalised": 3,
    "maxlik": 2,
    "sign_concordance": 6,
    "conmix": 3,
    "cml_ma_bic": 3,
    "cml_bic": 3,
    "ivw_robust": 3,
    "egger_robust": 4,
    "ivw_robust_penalised": 3,
    "egger_robust_penalised": 4,
    "lasso": 3,
    "cml_ma_bic_dp": 4,
    "cml_bic_dp": 4,
    "egger_bootstrap": 3,
}
"""Fewest variants each method accepts (TwoSampleMR returns NA below these; MR-PRESSO needs
more variants than its number of exposures + 2)."""

DEFAULT_SEED = 314159265
"""Seed used when the caller gives none: MendelianRandomization's default seed. TwoSampleMR
leaves its bootstraps unseeded; alsatlas always seeds so that a number never changes between
two runs or two faces (CLI, report)."""


@dataclass(frozen=True, slots=True)
class ConventionDefaults:
    """The defaults that differ between the two packages.

    Attributes
    ----------
    name
        The convention.
    n_boot
        Bootstrap iterations for the median and mode estimators.
    ivw_model
        ``"random"`` (TwoSampleMR ``mr_ivw``) or ``"default"`` (MendelianRandomization:
        fixed for k < 4, random for k ≥ 4).
    egger_distribution
        ``"t"`` (t with k − 2 df) or ``"normal"``, for MR-Egger p-values and intervals.
    median_weights
        ``"second"`` or ``"first"`` order inverse-variance weights of the ratio estimates.
    mode_pvalue_distribution
        ``"t"`` (t with k − 1 df) or ``"normal"`` for the mode-based estimates.
    ci_z
        Fixed multiplier of the 95 % limits b ± z·se (TwoSampleMR: 1.96), or None for the
        quantile of each method's distribution.
    """

    name: Convention
    n_boot: int
    ivw_model: Literal["random", "default"]
    egger_distribution: Literal["t", "normal"]
    median_weights: Literal["first", "second"]
    mode_pvalue_distribution: Literal["t", "normal"]
    ci_z: float | None


_DEFAULTS: dict[str, ConventionDefaults] = {
    "twosamplemr": ConventionDefaults(
        name="twosamplemr",
        n_boot=1000,
        ivw_model="random",
        egger_distribution="t",
        median_weights="second",
        mode_pvalue_distribution="t",
        ci_z=1.96,
    ),
    "mendelianrandomization": ConventionDefaults(
        name="mendelianrandomization",
        n_boot=10000,
        ivw_model="default",
        egger_distribution="normal",
        median_weights="first",
        mode_pvalue_distribution="normal",
        ci_z=None,
    ),
}


def convention_defaults(convention: str) -> ConventionDefaults:
    """Return the defaults of ``convention``; raise `StatsInputError` for an unknown name."""
    try:
        return _DEFAULTS[convention]
    except KeyError:
        known = ", ".join(sorted(_DEFAULTS))
        raise StatsInputError(
            f"unknown convention {convention!r}; expected one of: {known}",
            field="convention",
        ) from None


def check_methods(methods: object) -> tuple[MethodId, ...]:
    """Validate a sequence of method identifiers and return it as a tuple, order kept."""
    if isinstance(methods, str):
        methods = (methods,)
    if not isinstance(methods, list | tuple):
        raise StatsInputError("methods must be a sequence of method ids", field="methods")
    out: list[MethodId] = []
    for m in methods:
        if m not in METHOD_IDS:
            known = ", ".join(METHOD_IDS)
            raise StatsInputError(
                f"unknown method {m!r}; expected one of: {known}", field="methods"
            )
        if m not in out:
            out.append(m)
    if not out:
        raise StatsInputError("no methods requested", field="methods")
    return tuple(out)


__all__ = [
    "DEFAULT_METHOD_IDS",
    "DEFAULT_SEED",
    "METHOD_IDS",
    "MIN_SNPS",
    "Convention",
    "ConventionDefaults",
    "MethodId",
    "check_methods",
    "convention_defaults",
]
