"""``run_mr``: every requested estimator on one exposure–outcome pair, in one report."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any

from numpy.typing import ArrayLike

from alsatlas.errors import DegenerateFitError, StatsInputError
from alsatlas.genetics.mr.conventions import (
    DEFAULT_METHOD_IDS,
    DEFAULT_SEED,
    METHOD_IDS,
    MIN_SNPS,
    ConventionDefaults,
    MethodId,
    check_methods,
    convention_defaults,
)
from alsatlas.genetics.mr.correlated import (
    as_ld_matrix,
    egger_correlated_from_arrays,
    ivw_correlated_from_arrays,
)
from alsatlas.genetics.mr.egger import egger_from_arrays
from alsatlas.genetics.mr.extra_methods import (
    DP_ALL_MAX_K,
    EXTRA_METHODS,
    OWN_LIMITS,
    gwas_sample_size,
    run_extra,
)
from alsatlas.genetics.mr.fstat import f_statistic_correlated, f_statistics
from alsatlas.genetics.mr.heterogeneity import heterogeneity_from_arrays
from alsatlas.genetics.mr.inference import chi2_sf
from alsatlas.genetics.mr.inputs import FloatArray, MRArrays, as_mr_arrays
from alsatlas.genetics.mr.ivw import ivw_from_arrays
from alsatlas.genetics.mr.median import MedianKind, median_from_arrays
from alsatlas.genetics.mr.mode import ModeKind, RatioSE, mode_from_arrays
from alsatlas.genetics.mr.presso import presso_from_arrays
from alsatlas.genetics.mr.raps import raps_from_arrays, raps_result
from alsatlas.genetics.mr.results import (
    EggerIntercept,
    FStatistics,
    Heterogeneity,
    MRMethodResult,
    MRReport,
    PressoResult,
    RuckerQ,
)
from alsatlas.genetics.mr.steiger import TraitSample, steiger
from alsatlas.genetics.mr.uwr import uwr_from_arrays
from alsatlas.genetics.mr.wald import wald_ratio

_Estimator = Callable[[MRArrays, ConventionDefaults, int, int, float], MRMethodResult]


def _wald(d: MRArrays, c: ConventionDefaults, seed: int, n_boot: int, a: float) -> MRMethodResult:
    return wald_ratio(d.bx, d.bxse, d.by, d.byse, alpha=a)


def _ivw(d: MRArrays, c: ConventionDefaults, seed: int, n_boot: int, a: float) -> MRMethodResult:
    return ivw_from_arrays(d, model=c.ivw_model, alpha=a, method="ivw")


def _ivw_fe(d: MRArrays, c: ConventionDefaults, seed: int, n_boot: int, a: float) -> MRMethodResult:
    return ivw_from_arrays(d, model="fixed", alpha=a, method="ivw_fe")


def _median(kind: MedianKind) -> _Estimator:
    def est(d: MRArrays, c: ConventionDefaults, seed: int, n_boot: int, a: float) -> MRMethodResult:
        return median_from_arrays(
            d, kind=kind, weights=c.median_weights, n_boot=n_boot, rng=seed, alpha=a
        )

    return est


def _mode(kind: ModeKind, stderror: RatioSE = "delta") -> _Estimator:
    def est(d: MRArrays, c: ConventionDefaults, seed: int, n_boot: int, a: float) -> MRMethodResult:
        return mode_from_arrays(
            d,
            kind=kind,
            stderror=stderror,
            n_boot=n_boot,
            rng=seed,
            distribution=c.mode_pvalue_distribution,
            alpha=a,
        )

    return est


_ESTIMATORS: dict[str, _Estimator] = {
    "wald_ratio": _wald,
    "ivw": _ivw,
    "ivw_fe": _ivw_fe,
    "simple_median": _median("simple"),
    "weighted_median": _median("weighted"),
    "penalised_weighted_median": _median("penalised"),
    "simple_mode": _mode("simple"),
    "weighted_mode": _mode("weighted"),
    "penalised_mode": _mode("penalised"),
    "simple_mode_nome": _mode("simple", "simple"),
    "weighted_mode_nome": _mode("weighted", "simple"),
    "uwr": lambda d, c, seed, n_boot, a: uwr_from_arrays(d, alpha=a)[0],
}

_CORRELATED_OK: frozenset[str] = frozenset({"ivw", "ivw_fe", "egger"})

DEFAULT_SET: frozenset[str] = frozenset(DEFAULT_METHOD_IDS)
"""Methods run when none are named; the others run when named or with ``methods="all"``."""


def default_methods(
    k: int, *, correlated: bool = False, presso_n_distribution: int = 1000
) -> tuple[MethodId, ...]:
    """Methods run when none are named: the Wald ratio for one variant, else every method
    whose minimum number of variants is met (only IVW and MR-Egger with an LD matrix;
    MR-PRESSO only while k < ``presso_n_distribution``)."""
    if k == 1:
        return ("wald_ratio",)
    return tuple(
        m
        for m in METHOD_IDS
        if m != "wald_ratio"
        and m in DEFAULT_SET
        and k >= MIN_SNPS[m]
        and (not correlated or m in _CORRELATED_OK)
        and (m != "presso" or k < presso_n_distribution)
    )


def applicable_methods(
    k: int, *, correlated: bool = False, presso_n_distribution: int = 1000
) -> tuple[tuple[MethodId, ...], dict[str, str]]:
    """Every method that applies to k variants (``methods="all"``), and why each other
    method was skipped."""
    run: list[MethodId] = []
    skipped: dict[str, str] = {}
    for m in METHOD_IDS:
        if m == "wald_ratio" and k != 1:
            skipped[m] = f"takes exactly one variant, got {k}"
        elif k < MIN_SNPS[m]:
            skipped[m] = f"needs at least {MIN_SNPS[m]} variants, got {k}"
        elif correlated and m not in _CORRELATED_OK:
            skipped[m] = "assumes uncorrelated variants (an LD matrix was given)"
        elif m == "presso" and k >= presso_n_distribution:
            skipped[m] = f"needs presso_n_distribution > number of variants ({k})"
        else:
            run.append(m)
    return tuple(run), skipped


def _check_requested(
    chosen: tuple[MethodId, ...], k: int, correlated: bool, presso_n_distribution: int
) -> None:
    for m in chosen:
        if k < MIN_SNPS[m]:
            raise StatsInputError(
                f"{m} needs at least {MIN_SNPS[m]} variants, got {k}", field="methods"
            )
        if m == "wald_ratio" and k != 1:
            raise StatsInputError(f"wald_ratio takes exactly one variant, got {k}", field="methods")
        if m == "presso" and k >= presso_n_distribution:
            raise StatsInputError(
                f"presso needs presso_n_distribution > number of variants ({k})",
                field="presso_n_distribution",
            )
        if correlated and m not in _CORRELATED_OK:
            raise StatsInputError(
                f"{m} assumes uncorrelated variants; with an LD matrix only ivw, ivw_fe and "
                "egger are available",
                field="methods",
            )


def _run_independent(
    d: MRArrays,
    chosen: tuple[MethodId, ...],
    c: ConventionDefaults,
    seed: int,
    n_boot: int,
    presso_n_distribution: int,
    alpha: float,
    presso_options: dict[str, Any],
    raps_options: dict[str, Any],
    degenerate: dict[str, str],
    gwas_n: float | None = None,
) -> tuple[list[MRMethodResult], EggerIntercept | None, Heterogeneity | None, PressoResult | None]:
    """Run ``chosen``; a method the data leave undefined is left out, its reason put in
    ``degenerate``."""
    results: list[MRMethodResult] = []
    intercept: EggerIntercept | None = None
    presso: PressoResult | None = None
    for m in chosen:
        try:
            if m == "egger":
                slope, intercept = egger_from_arrays(
                    d, distribution=c.egger_distribution, alpha=alpha
                )
                results.append(slope)
            elif m == "presso":
                presso = presso_from_arrays(
                    d, n_distribution=presso_n_distribution, rng=seed, **presso_options
                )
                results.append(presso.outlier_corrected or presso.raw)
            elif m == "raps":
                results.append(raps_result(raps_from_arrays(d, **raps_options), d.k, alpha=alpha))
            elif m in EXTRA_METHODS:
                results.append(run_extra(m, d, alpha, gwas_n, seed, n_boot))
            else:
                results.append(_ESTIMATORS[m](d, c, seed, n_boot, alpha))
        except DegenerateFitError as exc:  # this method has no estimate; the others go on
            degenerate[m] = exc.reason
    if intercept is None and d.k >= 3:
        with contextlib.suppress(DegenerateFitError):
            intercept = egger_from_arrays(d, distribution=c.egger_distribution, alpha=alpha)[1]
    het = heterogeneity_from_arrays(d) if d.k >= 2 else None
    return results, intercept, het, presso


def _run_correlated(
    d: MRArrays,
    ld: FloatArray,
    chosen: tuple[MethodId, ...],
    c: ConventionDefaults,
    alpha: float,
) -> tuple[list[MRMethodResult], EggerIntercept | None, Heterogeneity | None]:
    results: list[MRMethodResult] = []
    for m in chosen:
        if m == "egger":
            results.append(
                egger_correlated_from_arrays(d, ld, distribution=c.egger_distribution, alpha=alpha)[
                    0
                ]
            )
        else:
            model = "fixed" if m == "ivw_fe" else c.ivw_model
            results.append(ivw_correlated_from_arrays(d, ld, model=model, alpha=alpha, method=m)[0])
    if d.k < 2:
        return results, None, None
    q_ivw = ivw_correlated_from_arrays(d, ld)[1]
    if d.k < 3:
        return results, None, Heterogeneity(ivw=q_ivw, egger=None, rucker=None)
    _, intercept, q_egger = egger_correlated_from_arrays(
        d, ld, distribution=c.egger_distribution, alpha=alpha
    )
    diff = q_ivw.Q - q_egger.Q
    rucker = RuckerQ(q_ivw.Q, q_egger.Q, diff, chi2_sf(diff, 1))
    return results, intercept, Heterogeneity(ivw=q_ivw, egger=q_egger, rucker=rucker)


def run_mr(
    bx: ArrayLike,
    bxse: ArrayLike,
    by: ArrayLike,
    byse: ArrayLike,
    *,
    methods: Sequence[str] | str | None = None,
    convention: str = "twosamplemr",
    seed: int | None = None,
    n_boot: int | None = None,
    rho: ArrayLike | None = None,
    exposure: TraitSample | None = None,
    outcome: TraitSample | None = None,
    presso_n_distribution: int = 1000,
    presso_outlier_test: bool = True,
    presso_distortion_test: bool = True,
    presso_signif_threshold: float = 0.05,
    raps_loss: str = "huber",
    raps_over_dispersion: bool = True,
    alpha: float = 0.05,
) -> MRReport:
    """Run MR estimators on harmonised summary statistics and collect one `MRReport`.

    Parameters
    ----------
    bx, bxse, by, byse
        Per-variant exposure and outcome associations and standard errors, harmonised to
        the same effect allele (one entry per variant, no missing values).
    methods
        Method ids to run, in order; None runs `default_methods`; ``"all"`` runs every
        method that applies to the data (`applicable_methods`) and lists the others, with the
        reason, in ``MRReport.skipped``. Naming a method that needs more variants than given
        raises `StatsInputError`.
    convention
        ``"twosamplemr"`` (default) or ``"mendelianrandomization"``; see
        `alsatlas.genetics.mr.conventions`.
    seed
        Seed of the bootstrap and simulation streams; None means `DEFAULT_SEED`. Each method
        has its own stream, so a method's result does not depend on the others requested.
    n_boot
        Bootstrap iterations for medians and modes; None takes the convention's default.
    rho
        k×k correlation (LD) matrix of the variants. When given, IVW and MR-Egger are the
        generalised least-squares versions (MendelianRandomization ``correl = TRUE``); other
        methods assume independent variants and are refused.
    exposure, outcome
        Sample information of the two traits (`TraitSample`); when both are given the
        Steiger directionality test is run. The smaller known sample size is MR-cML's n.
    presso_n_distribution
        Simulated data sets of MR-PRESSO (its ``NbDistribution``).
    presso_outlier_test, presso_distortion_test, presso_signif_threshold
        MR-PRESSO's ``OUTLIERtest``, ``DISTORTIONtest`` and ``SignifThreshold``.
    raps_loss, raps_over_dispersion
        MR-RAPS loss (``"l2"``, ``"huber"`` or ``"tukey"``) and overdispersion (mr.raps
        ``loss.function`` and ``over.dispersion``; defaults as ``mr.raps::mr.raps``).
    alpha
        1 − confidence level of the intervals.
    """
    c = convention_defaults(convention)
    s = DEFAULT_SEED if seed is None else int(seed)
    if s < 0:
        raise StatsInputError("seed must be a non-negative integer", field="seed")
    if presso_n_distribution < 2:
        raise StatsInputError(
            "presso_n_distribution must be at least 2", field="presso_n_distribution"
        )
    if not 0.0 < alpha < 1.0:
        raise StatsInputError("alpha must lie strictly between 0 and 1", field="alpha")
    nb = c.n_boot if n_boot is None else int(n_boot)
    if nb < 2:
        raise StatsInputError("n_boot must be at least 2", field="n_boot")
    d = as_mr_arrays(bx, bxse, by, byse)
    correlated = rho is not None
    skipped: dict[str, str] = {}
    if methods is None:
        chosen = default_methods(
            d.k, correlated=correlated, presso_n_distribution=presso_n_distribution
        )
    elif methods == "all" or list(methods) == ["all"]:
        chosen, skipped = applicable_methods(
            d.k, correlated=correlated, presso_n_distribution=presso_n_distribution
        )
        if gwas_sample_size(exposure, outcome) is None:  # MR-cML's BIC needs n
            for m in chosen:
                if m.startswith("cml_"):
                    skipped[m] = "needs the GWAS sample size (exposure or outcome sample size)"
            chosen = tuple(m for m in chosen if not m.startswith("cml_"))
        if d.k > DP_ALL_MAX_K:  # data perturbation refits every K 200 times: minutes here
            for m in chosen:
                if m.endswith("_dp"):
                    skipped[m] = (
                        f"slow with {d.k} variants (over {DP_ALL_MAX_K}); name it to run it"
                    )
            chosen = tuple(m for m in chosen if not m.endswith("_dp"))
    else:
        chosen = check_methods([methods] if isinstance(methods, str) else list(methods))
    if not 0.0 < presso_signif_threshold <= 1.0:
        raise StatsInputError(
            "presso_signif_threshold must lie in (0, 1]",
            field="presso_signif_threshold",
        )
    if raps_loss not in ("l2", "huber", "tukey"):
        raise StatsInputError("raps_loss must be l2, huber or tukey", field="raps_loss")
    raps_options: dict[str, Any] = {"loss": raps_loss, "over_dispersion": raps_over_dispersion}
    presso_options: dict[str, Any] = {
        "outlier_test": presso_outlier_test,
        "distortion_test": presso_distortion_test,
        "signif_threshold": presso_signif_threshold,
    }
    _check_requested(chosen, d.k, correlated, presso_n_distribution)
    if rho is None:
        results, intercept, het, presso = _run_independent(
            d,
            chosen,
            c,
            s,
            nb,
            presso_n_distribution,
            alpha,
            presso_options,
            raps_options,
            skipped,
            gwas_sample_size(exposure, outcome),
        )
        fstat = f_statistics(d.bx, d.bxse)
    else:
        ld = as_ld_matrix(rho, d.k)
        results, intercept, het = _run_correlated(d, ld, chosen, c, alpha)
        presso = None
        plain = f_statistics(d.bx, d.bxse)
        fstat = FStatistics(
            mean=plain.mean,
            min=plain.min,
            per_snp=plain.per_snp,
            ld_adjusted=f_statistic_correlated(d.bx, d.bxse, ld),
        )
    if c.ci_z is not None and alpha == 0.05:
        results = [r if r.method in OWN_LIMITS else r.with_z_limits(c.ci_z) for r in results]
        intercept = intercept.with_z_limits(c.ci_z) if intercept is not None else None
    st = (
        steiger(d.bx, d.bxse, d.by, d.byse, exposure, outcome)
        if exposure is not None and outcome is not None
        else None
    )
    return MRReport(
        convention=c.name,
        seed=s,
        n_boot=nb,
        nsnp=d.k,
        results=tuple(results),
        heterogeneity=het,
        egger_intercept=intercept,
        steiger=st,
        presso=presso,
        skipped=tuple(skipped.items()),
        fstat=fstat,
    )


__all__ = ["DEFAULT_SET", "applicable_methods", "default_methods", "run_mr"]
