"""Steiger directionality test and the variance-explained (r²) conversions it needs."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special, stats

from alsatlas.errors import StatsInputError
from alsatlas.genetics.mr.inputs import FloatArray
from alsatlas.genetics.mr.results import SteigerResult


@dataclass(frozen=True, slots=True)
class TraitSample:
    """What is known about the GWAS sample of one trait, for r² and the Steiger test.

    Scalars apply to every variant; arrays give one value per variant. The r² route follows
    TwoSampleMR's ``add_rsq``:

    - binary trait (``eaf``, ``ncase``, ``ncontrol`` and ``prevalence`` all given):
      liability-scale r² (``get_r_from_lor``); TwoSampleMR assumes a prevalence of 0.1 when
      none is given, alsatlas requires it;
    - continuous trait in SD units with ``eaf`` (``sd_units=True``): r² = 2β²·eaf(1 − eaf);
    - otherwise r² from b, se and ``n`` (``get_r_from_bsen``), or from ``pval`` and ``n``
      when p-values are given (``get_r_from_pn``, TwoSampleMR ``directionality_test``).

    Attributes
    ----------
    n
        Sample size (for binary traits ncase + ncontrol is used when n is None).
    eaf
        Effect-allele frequency of each variant.
    ncase, ncontrol
        Cases and controls (binary traits).
    prevalence
        Population prevalence (binary traits).
    pval
        Per-variant p-values (only for the ``"pn"`` route).
    sd_units
        The trait is continuous and its effects are per standard deviation.
    """

    n: ArrayLike | None = None
    eaf: ArrayLike | None = None
    ncase: ArrayLike | None = None
    ncontrol: ArrayLike | None = None
    prevalence: float | None = None
    pval: ArrayLike | None = None
    sd_units: bool = False

    @property
    def is_binary(self) -> bool:
        """True when liability-scale r² can be computed."""
        return (
            self.eaf is not None
            and self.ncase is not None
            and self.ncontrol is not None
            and self.prevalence is not None
        )

    def sample_size(self, k: int) -> FloatArray:
        """Per-variant sample size (n, or ncase + ncontrol)."""
        if self.n is not None:
            n = np.asarray(self.n, dtype=np.float64)
        elif self.ncase is not None and self.ncontrol is not None:
            n = np.asarray(self.ncase, dtype=np.float64) + np.asarray(
                self.ncontrol, dtype=np.float64
            )
        else:
            raise StatsInputError("sample size unknown: give n, or ncase and ncontrol", field="n")
        return np.broadcast_to(n, (k,)).astype(np.float64)


def r2_from_bsen(b: ArrayLike, se: ArrayLike, n: ArrayLike) -> FloatArray:
    """r² of a variant from its association: F = (b/se)², r² = F/(n − 2 + F).

    TwoSampleMR ``get_r_from_bsen`` (squared).
    """
    f = (np.asarray(b, dtype=np.float64) / np.asarray(se, dtype=np.float64)) ** 2
    return np.asarray(f / (np.asarray(n, dtype=np.float64) - 2.0 + f), dtype=np.float64)


def f1_isf(p: ArrayLike, df2: ArrayLike) -> FloatArray:
    """Upper-tail quantile of F(1, df2): x with P(F > x) = p.

    P(F(1, ν) > x) = I_{ν/(ν + x)}(ν/2, 1/2) (regularised incomplete beta), so
    x = ν(1/y − 1) with y = I⁻¹_p(ν/2, 1/2). Solving through the inverse incomplete beta keeps
    full relative accuracy in the far tail, where ``scipy.stats.f.isf`` loses about 3·10⁻⁵
    relative at p ≈ 10⁻¹⁴, ν ≈ 3·10⁵ and overflows below p ≈ 10⁻¹⁵; it equals R's
    ``qf(p, 1, ν, lower.tail = FALSE)`` to a few ulp (p = 0 gives ∞, p = 1 gives 0).
    """
    pp = np.asarray(p, dtype=np.float64)
    nu = np.asarray(df2, dtype=np.float64)
    y = special.betaincinv(nu / 2.0, 0.5, pp)
    with np.errstate(divide="ignore"):
        return np.asarray(nu * (1.0 / y - 1.0), dtype=np.float64)


def r2_from_pn(p: ArrayLike, n: ArrayLike) -> FloatArray:
    """r² from a p-value and sample size: F = F⁻¹(1 − p; 1, n − 1), r² = F/(n − 2 + F).

    TwoSampleMR ``get_r_from_pn`` (squared), with the quantile from `f1_isf`, accurate at
    every p > 0 (TwoSampleMR falls back to a numerical search where ``qf`` overflows);
    p = 0 gives NaN (R: NA).
    """
    pp = np.atleast_1d(np.asarray(p, dtype=np.float64))
    nn = np.broadcast_to(np.asarray(n, dtype=np.float64), pp.shape)
    f = f1_isf(pp, nn - 1.0)
    with np.errstate(invalid="ignore"):
        return np.asarray(f / (nn - 2.0 + f), dtype=np.float64)


def population_allele_frequency(
    af: ArrayLike, prop: ArrayLike, odds_ratio: ArrayLike, prevalence: float
) -> FloatArray:
    """Population frequency of the effect allele from a case–control study.

    ``af`` is the frequency in the whole study sample, ``prop`` the case proportion. The
    2×2 table of (carrier of allele, case) with cell z = P(allele, case) solves
    (OR − 1)z² + ((af + prop)(1 − OR) − 1)z + OR·af·prop = 0; the root with all four cells
    non-negative gives af_cases = z/prop and af_controls = (af − z)/(1 − prop), and the
    population frequency is af_controls(1 − K) + af_cases·K (TwoSampleMR
    ``get_population_allele_frequency``).
    """
    af_ = np.asarray(af, dtype=np.float64)
    prop_ = np.broadcast_to(np.asarray(prop, dtype=np.float64), af_.shape)
    orr = np.asarray(odds_ratio, dtype=np.float64)
    a = orr - 1.0
    b = (af_ + prop_) * (1.0 - orr) - 1.0
    c = orr * af_ * prop_
    disc = np.sqrt(np.maximum(0.0, b * b - 4.0 * a * c))
    small = np.abs(a) < 1e-15
    safe_a = np.where(small, 1.0, a)
    roots = np.stack([(-b - disc) / (2.0 * safe_a), (-b + disc) / (2.0 * safe_a)])
    linear = -c / b
    roots = np.where(small, linear, roots)

    def valid(z: FloatArray) -> FloatArray:
        cells = np.stack([z, prop_ - z, af_ - z, 1.0 + z - af_ - prop_])
        return np.asarray(np.all(cells >= -1e-12, axis=0), dtype=np.float64)

    z = np.where(valid(roots[0]) > 0, roots[0], roots[1])
    af_cases = z / prop_
    af_controls = (af_ - z) / (1.0 - prop_)
    return np.asarray(af_controls * (1.0 - prevalence) + af_cases * prevalence, dtype=np.float64)


def r2_from_lor(
    lor: ArrayLike,
    af: ArrayLike,
    ncase: ArrayLike,
    ncontrol: ArrayLike,
    prevalence: float,
    *,
    model: str = "logit",
) -> FloatArray:
    """Liability-scale r² of a variant from its log odds ratio (TwoSampleMR ``get_r_from_lor``).

    V_G = lor²·p(1 − p) with p the population allele frequency
    (`population_allele_frequency`), r² = V_G/(V_G + V_E), V_E = π²/3 (logit) or 1 (probit).
    """
    lor_ = np.asarray(lor, dtype=np.float64)
    nca = np.asarray(ncase, dtype=np.float64)
    nco = np.asarray(ncontrol, dtype=np.float64)
    ve = math.pi**2 / 3.0 if model == "logit" else 1.0
    p = population_allele_frequency(af, nca / (nca + nco), np.exp(lor_), prevalence)
    vg = lor_**2 * p * (1.0 - p)
    return np.asarray(vg / (vg + ve), dtype=np.float64)


def r2_from_beta_eaf(b: ArrayLike, eaf: ArrayLike) -> FloatArray:
    """r² of a variant for a trait in SD units: 2β²·f(1 − f) (TwoSampleMR ``add_rsq``)."""
    b_ = np.asarray(b, dtype=np.float64)
    f = np.asarray(eaf, dtype=np.float64)
    return np.asarray(2.0 * b_**2 * f * (1.0 - f), dtype=np.float64)


def trait_r2(
    b: ArrayLike, se: ArrayLike, trait: TraitSample, *, use_pval: bool = True
) -> tuple[FloatArray, str]:
    """Per-variant r² of a trait and the route used (``"lor"``, ``"sd_eaf"``, ``"pn"`` or
    ``"bsen"``); see `TraitSample`. ``use_pval = False`` skips the p-value route, as
    TwoSampleMR's ``add_rsq`` (and so ``steiger_filtering``) does."""
    b_ = np.asarray(b, dtype=np.float64)
    k = b_.shape[0]
    if trait.is_binary:
        assert trait.eaf is not None and trait.ncase is not None and trait.ncontrol is not None
        assert trait.prevalence is not None
        nca = np.broadcast_to(np.asarray(trait.ncase, dtype=np.float64), (k,))
        nco = np.broadcast_to(np.asarray(trait.ncontrol, dtype=np.float64), (k,))
        eaf = np.broadcast_to(np.asarray(trait.eaf, dtype=np.float64), (k,))
        return r2_from_lor(b_, eaf, nca, nco, trait.prevalence), "lor"
    if trait.sd_units and trait.eaf is not None:
        eaf = np.broadcast_to(np.asarray(trait.eaf, dtype=np.float64), (k,))
        return r2_from_beta_eaf(b_, eaf), "sd_eaf"
    n = trait.sample_size(k)
    if trait.pval is not None and use_pval:
        return r2_from_pn(trait.pval, n), "pn"
    return r2_from_bsen(b_, se, n), "bsen"


def steiger_test(
    r2_exposure: ArrayLike, r2_outcome: ArrayLike, n_exposure: ArrayLike, n_outcome: ArrayLike
) -> tuple[float, float, bool, float]:
    """Steiger's test that the variants explain more exposure than outcome variance.

    r_x = √Σr²_exp and r_y = √Σr²_out are compared as two independent correlations
    (psych ``r.test``): z = (atanh r_x − atanh r_y)/√(1/(n_x − 3) + 1/(n_y − 3)) with n the
    mean sample sizes, p = 2Φ(−|z|). Returns (Σr²_exp, Σr²_out, direction is exposure →
    outcome, p).

    References
    ----------
    Hemani G, Tilling K, Davey Smith G. Orienting the causal relationship between imprecisely
    measured traits using GWAS summary data. PLoS Genet 2017;13:e1007081.
    """
    sx = float(np.sum(r2_exposure))
    sy = float(np.sum(r2_outcome))
    nx = float(np.mean(np.asarray(n_exposure, dtype=np.float64)))
    ny = float(np.mean(np.asarray(n_outcome, dtype=np.float64)))
    z = (math.atanh(math.sqrt(sx)) - math.atanh(math.sqrt(sy))) / math.sqrt(
        1.0 / (nx - 3.0) + 1.0 / (ny - 3.0)
    )
    return sx, sy, sx > sy, float(2.0 * stats.norm.sf(abs(z)))


def steiger(
    bx: ArrayLike,
    bxse: ArrayLike,
    by: ArrayLike,
    byse: ArrayLike,
    exposure: TraitSample,
    outcome: TraitSample,
) -> SteigerResult:
    """Steiger directionality test (TwoSampleMR ``directionality_test``) from the arrays.

    Per-variant r² come from `trait_r2` for each trait; see `steiger_test`.
    """
    bx_ = np.asarray(bx, dtype=np.float64)
    k = bx_.shape[0]
    r2x, src_x = trait_r2(bx_, bxse, exposure)
    r2y, src_y = trait_r2(by, byse, outcome)
    sx, sy, direction, p = steiger_test(r2x, r2y, exposure.sample_size(k), outcome.sample_size(k))
    return SteigerResult(
        r2_exposure=sx,
        r2_outcome=sy,
        correct_causal_direction=direction,
        steiger_pval=p,
        r2_source_exposure=src_x,
        r2_source_outcome=src_y,
    )


@dataclass(frozen=True, slots=True)
class SteigerFiltering:
    """Per-variant Steiger test (TwoSampleMR ``steiger_filtering``).

    ``steiger_dir[j]`` is True when variant j explains more exposure than outcome variance;
    ``steiger_pval[j]`` tests the difference. Variants to keep: ``keep``.
    """

    rsq_exposure: FloatArray
    rsq_outcome: FloatArray
    steiger_dir: NDArray[np.bool_]
    steiger_pval: FloatArray
    r2_source_exposure: str
    r2_source_outcome: str

    def keep(self, alpha: float | None = None) -> NDArray[np.bool_]:
        """Variants in the exposure → outcome direction (and with p < ``alpha`` if given)."""
        if alpha is None:
            return self.steiger_dir.copy()
        return np.asarray(self.steiger_dir & (self.steiger_pval < alpha))


def steiger_filtering(
    bx: ArrayLike,
    bxse: ArrayLike,
    by: ArrayLike,
    byse: ArrayLike,
    exposure: TraitSample,
    outcome: TraitSample,
) -> SteigerFiltering:
    """Steiger test for each variant (TwoSampleMR ``steiger_filtering``).

    r²_j of each trait as ``add_rsq`` gives it (`trait_r2` without the p-value route:
    liability scale for binary traits, 2β²f(1 − f) in SD units, else from b, se and n); then
    z_j = (atanh r_xj − atanh r_yj)/√(1/(n_xj − 3) + 1/(n_yj − 3)) (psych ``r.test`` for two
    independent correlations), p_j = 2Φ(−|z_j|), direction r²_xj > r²_yj.

    References
    ----------
    Hemani G, Tilling K, Davey Smith G. PLoS Genet 2017;13:e1007081.
    """
    bx_ = np.asarray(bx, dtype=np.float64)
    k = bx_.shape[0]
    r2x, src_x = trait_r2(bx_, bxse, exposure, use_pval=False)
    r2y, src_y = trait_r2(by, byse, outcome, use_pval=False)
    nx = exposure.sample_size(k)
    ny = outcome.sample_size(k)
    z = (np.arctanh(np.sqrt(r2x)) - np.arctanh(np.sqrt(r2y))) / np.sqrt(
        1.0 / (nx - 3.0) + 1.0 / (ny - 3.0)
    )
    return SteigerFiltering(
        rsq_exposure=r2x,
        rsq_outcome=r2y,
        steiger_dir=np.asarray(r2x > r2y),
        steiger_pval=np.asarray(2.0 * stats.norm.sf(np.abs(z)), dtype=np.float64),
        r2_source_exposure=src_x,
        r2_source_outcome=src_y,
    )


__all__ = [
    "SteigerFiltering",
    "TraitSample",
    "f1_isf",
    "population_allele_frequency",
    "r2_from_beta_eaf",
    "r2_from_bsen",
    "r2_from_lor",
    "r2_from_pn",
    "steiger",
    "steiger_filtering",
    "steiger_test",
    "trait_r2",
]
