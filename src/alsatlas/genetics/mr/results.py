"""Frozen result objects of the MR engine and their JSON form.

``MRReport.to_dict()`` gives the JSON the ``alsatlas mr`` command prints::

    {
      "convention": "twosamplemr", "seed": 314159265, "n_boot": 1000, "nsnp": 28,
      "results": [{"method", "nsnp", "b", "se", "ci_lb", "ci_ub", "pval"}, ...],
      "heterogeneity": {"ivw": {"Q", "Q_df", "Q_pval", "I2"},
                        "egger": {...} | null,
                        "rucker": {"Q_ivw", "Q_egger", "Q_diff", "Q_diff_pval"} | null} | null,
      "egger_intercept": {"nsnp", "intercept", "se", "ci_lb", "ci_ub", "pval", "I2GX"} | null,
      "steiger": {"r2_exposure", "r2_outcome", "correct_causal_direction",
                  "steiger_pval", "r2_source_exposure", "r2_source_outcome"} | null,
      "presso": {"rss_obs", "global_pval", "n_distribution", "outlier_indices",
                 "outlier_pvals", "distortion_coefficient", "distortion_pval",
                 "raw": {...}, "outlier_corrected": {...} | null,
                 "snp_rss_obs": [...] | null} | null,
      "fstat": {"mean", "min", "per_snp": [...], "ld_adjusted"},
      "skipped": [[method, reason], ...]
    }

Non-finite numbers become ``null`` so that the output is valid JSON.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from alsatlas.genetics.mr.inference import Distribution, confidence_limits, pvalue


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, tuple | list):
        return [_clean(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _clean(v) for k, v in value.items()}
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return value


class _AsDict:
    """Mixin: ``to_dict()`` over the dataclass fields, non-finite floats as None."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _clean(getattr(self, f.name)) for f in fields(self)}  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class MRMethodResult(_AsDict):
    """One estimator's causal estimate.

    Attributes
    ----------
    method
        Method id (see `alsatlas.genetics.mr.conventions.METHOD_IDS`).
    nsnp
        Number of variants used.
    b, se
        Causal estimate (outcome units per exposure unit) and its standard error.
    ci_lb, ci_ub
        Lower and upper 95 % confidence limits.
    pval
        Two-sided p-value for b = 0.
    """

    method: str
    nsnp: int
    b: float
    se: float
    ci_lb: float
    ci_ub: float
    pval: float

    @classmethod
    def from_estimate(
        cls,
        method: str,
        nsnp: int,
        b: float,
        se: float,
        *,
        distribution: Distribution = "normal",
        df: float = math.inf,
        ci_distribution: Distribution | None = None,
        alpha: float = 0.05,
    ) -> MRMethodResult:
        """Build a result with p-value and limits from ``distribution`` (t needs ``df``).

        ``ci_distribution`` overrides the distribution of the limits (TwoSampleMR's mode
        estimator takes its p-value from t but its interval from the normal).
        """
        lo, hi = confidence_limits(b, se, ci_distribution or distribution, df, alpha)
        return cls(
            method=method,
            nsnp=nsnp,
            b=float(b),
            se=float(se),
            ci_lb=float(lo),
            ci_ub=float(hi),
            pval=pvalue(b, se, distribution, df),
        )

    def with_z_limits(self, z: float) -> MRMethodResult:
        """The same result with limits b ± z·se (TwoSampleMR's ``generate_odds_ratios``)."""
        return replace(self, ci_lb=self.b - z * self.se, ci_ub=self.b + z * self.se)


@dataclass(frozen=True, slots=True)
class CochranQ(_AsDict):
    """Cochran's Q of one fit: Q = Σ w_j (by_j − fitted_j)², w_j = byse_j⁻².

    ``I2`` = max(0, (Q − df)/Q).
    """

    Q: float
    Q_df: int
    Q_pval: float
    I2: float


@dataclass(frozen=True, slots=True)
class RuckerQ(_AsDict):
    """Rücker's comparison of IVW and Egger residual heterogeneity (Rücker et al. 2011).

    Q' is the Egger residual Q; Q − Q' ~ χ²(1) under no directional pleiotropy.
    """

    Q_ivw: float
    Q_egger: float
    Q_diff: float
    Q_diff_pval: float


@dataclass(frozen=True, slots=True)
class Heterogeneity(_AsDict):
    """Heterogeneity of the IVW fit and, when k ≥ 3, of the Egger fit and Rücker's Q'."""

    ivw: CochranQ
    egger: CochranQ | None
    rucker: RuckerQ | None


@dataclass(frozen=True, slots=True)
class EggerIntercept(_AsDict):
    """MR-Egger intercept (directional pleiotropy test) and Bowden's I²GX."""

    nsnp: int
    intercept: float
    se: float
    ci_lb: float
    ci_ub: float
    pval: float
    I2GX: float

    def with_z_limits(self, z: float) -> EggerIntercept:
        """The same result with limits intercept ± z·se."""
        return replace(self, ci_lb=self.intercept - z * self.se, ci_ub=self.intercept + z * self.se)


@dataclass(frozen=True, slots=True)
class SteigerResult(_AsDict):
    """Steiger directionality test (Hemani et al. 2017) as TwoSampleMR's ``mr_steiger``.

    ``r2_source_*`` says how each r² was obtained: ``"bsen"`` (from b, se, n), ``"lor"``
    (liability scale from log odds ratio, allele frequency, cases, controls and prevalence),
    ``"sd_eaf"`` (2β²f(1 − f), trait in SD units) or ``"pn"`` (from p-value and n).
    """

    r2_exposure: float
    r2_outcome: float
    correct_causal_direction: bool
    steiger_pval: float
    r2_source_exposure: str
    r2_source_outcome: str


@dataclass(frozen=True, slots=True)
class PressoResult(_AsDict):
    """MR-PRESSO (Verbanck et al. 2018): global, outlier and distortion tests.

    ``outlier_indices`` are 0-based positions in the input arrays. ``outlier_pvals`` are the
    Bonferroni-corrected per-variant p-values, present only when the global test was
    significant. The distortion test is present only when some but not all variants are
    outliers.
    """

    rss_obs: float
    global_pval: float
    n_distribution: int
    outlier_indices: tuple[int, ...]
    outlier_pvals: tuple[float, ...] | None
    distortion_coefficient: float | None
    distortion_pval: float | None
    raw: MRMethodResult
    outlier_corrected: MRMethodResult | None
    snp_rss_obs: tuple[float, ...] | None = None
    """Per-variant observed RSS of the outlier test, (by_i − θ̂₍₋ᵢ₎bx_i)² (R's
    ``OutlierTest$RSSobs``), present when the outlier test ran."""


@dataclass(frozen=True, slots=True)
class FStatistics(_AsDict):
    """Instrument strength: F_j = (bx_j / bxse_j)², their mean and minimum.

    ``ld_adjusted`` is bxᵀΣ⁻¹bx/k with Σ = (bxse bxseᵀ) ∘ ρ when an LD matrix was given.
    """

    mean: float
    min: float
    per_snp: tuple[float, ...]
    ld_adjusted: float | None = None


@dataclass(frozen=True, slots=True)
class SNPwiseResults(_AsDict):
    """Per-variant results: leave-one-out fits or single-variant Wald ratios.

    ``results[i]`` belongs to ``labels[i]`` (the variant left out, or the variant used);
    ``overall`` holds the fits on all variants shown beside them (IVW, and MR-Egger for
    single-SNP tables when k ≥ 3).
    """

    kind: str
    labels: tuple[str, ...]
    results: tuple[MRMethodResult, ...]
    overall: tuple[MRMethodResult, ...]


@dataclass(frozen=True, slots=True)
class MRReport(_AsDict):
    """Everything ``run_mr`` computed for one exposure–outcome pair."""

    convention: str
    seed: int
    n_boot: int
    nsnp: int
    results: tuple[MRMethodResult, ...]
    heterogeneity: Heterogeneity | None
    egger_intercept: EggerIntercept | None
    steiger: SteigerResult | None
    presso: PressoResult | None
    fstat: FStatistics
    skipped: tuple[tuple[str, str], ...] = ()
    """(method id, reason) of methods not run with ``methods="all"``."""

    def result(self, method: str) -> MRMethodResult:
        """The result of ``method``; KeyError when it was not run."""
        for r in self.results:
            if r.method == method:
                return r
        raise KeyError(method)


__all__ = [
    "CochranQ",
    "EggerIntercept",
    "FStatistics",
    "Heterogeneity",
    "MRMethodResult",
    "MRReport",
    "PressoResult",
    "RuckerQ",
    "SNPwiseResults",
    "SteigerResult",
]
