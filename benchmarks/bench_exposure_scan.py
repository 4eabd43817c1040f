"""Benchmark: 731 immune-cell exposures × 1 outcome (ALS), harmonise and estimate.

The 731 exposure ids, traits and sample sizes are the Orrù et al. 2020 immune-cell GWAS rows of
the shipped OpenGWAS catalogue (PMID 32929287). Their instruments are not available offline,
so instrument sets are SYNTHESISED with realistic sizes: k = 1 + NegBin(mean ≈ 14) variants,
capped at 80 (immune-cell MR studies typically keep a handful to a few dozen variants per trait
at p < 1e-5), with exposure SEs from each trait's sample size. The outcome is a synthetic ALS
look-up table of all those variants, with about a third reported on the other effect allele and
a fifth on the other strand, so that harmonisation has real work to do.

Timed, each as the best of a few runs:

1. harmonisation of all 731 pairs at once (``harmonise_alleles`` on the stacked table);
2. IVW (multiplicative random effects) and MR-Egger for all 731 pairs through the estimators'
   public API, one ``run_mr`` call per exposure (Wald ratio for single-variant exposures);
   (and once more with the weighted median added, for scale);
3. the same IVW (Wald ratio for one variant) batched over all exposures with segment sums
   (numpy), as a floor for what a vectorised batch API could reach; checked against ``run_mr``.

Goal: the whole scan (1 + 2) under 5 s.  Run: ``python benchmarks/bench_exposure_scan.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import polars as pl

from alsatlas.genetics.harmonise import harmonise_alleles
from alsatlas.genetics.instruments import immune_cell_gwas
from alsatlas.genetics.mr import run_mr

GOAL_S = 5.0
BASES = np.array(list("ACGT"))
COMPLEMENT = {"A": "T", "C": "G", "G": "C", "T": "A"}


def synthesise(seed: int = 2020) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Stacked exposure instruments (with ``id``) and an outcome look-up of their variants."""
    rng = np.random.default_rng(seed)
    cat = immune_cell_gwas()
    ids = cat.get_column("id").to_list()
    sizes = cat.get_column("sample_size").cast(pl.Float64, strict=False).fill_null(3437.0)
    k = np.minimum(1 + rng.negative_binomial(2, 2 / 15, len(ids)), 80)
    n_var = int(k.sum())
    snp = [f"rs{v}" for v in rng.choice(10_000_000, size=n_var, replace=False)]
    ea = BASES[rng.integers(0, 4, n_var)]
    oa = BASES[(rng.integers(1, 4, n_var) + np.searchsorted(BASES, ea)) % 4]
    eaf = rng.uniform(0.05, 0.95, n_var)
    n_rep = np.repeat(sizes.to_numpy(), k)
    bxse = 1.0 / np.sqrt(2 * eaf * (1 - eaf) * n_rep)
    bx = rng.choice([-1.0, 1.0], n_var) * rng.uniform(4.5, 9.0, n_var) * bxse
    theta = np.repeat(rng.normal(0.0, 0.02, len(ids)), k)
    byse = rng.uniform(0.008, 0.03, n_var)
    by = theta * bx + rng.normal(0.0, byse)
    exposure = pl.DataFrame(
        {
            "id": np.repeat(ids, k),
            "SNP": snp,
            "effect_allele": ea,
            "other_allele": oa,
            "beta": bx,
            "se": bxse,
            "eaf": eaf,
        }
    )
    # outcome reported on a random effect allele and strand
    swap = rng.random(n_var) < 0.35
    o_ea = np.where(swap, oa, ea)
    o_oa = np.where(swap, ea, oa)
    palin = np.array([COMPLEMENT[a] == b for a, b in zip(ea, oa, strict=True)])
    flip = (rng.random(n_var) < 0.2) & ~palin
    o_ea = np.where(flip, [COMPLEMENT[a] for a in o_ea], o_ea)
    o_oa = np.where(flip, [COMPLEMENT[a] for a in o_oa], o_oa)
    outcome = pl.DataFrame(
        {
            "SNP": snp,
            "effect_allele": o_ea,
            "other_allele": o_oa,
            "beta": np.where(swap, -by, by),
            "se": byse,
            "eaf": np.where(swap, 1 - eaf, eaf),
        }
    )
    return exposure, outcome


def harmonise_all(exposure: pl.DataFrame, outcome: pl.DataFrame) -> pl.DataFrame:
    """All pairs at once: join on SNP, align alleles, keep ``mr_keep`` rows."""
    m = exposure.join(outcome, on="SNP", suffix="_o")
    h = harmonise_alleles(
        m.get_column("effect_allele").to_numpy().astype(str),
        m.get_column("other_allele").to_numpy().astype(str),
        m.get_column("effect_allele_o").to_numpy().astype(str),
        m.get_column("other_allele_o").to_numpy().astype(str),
        m.get_column("beta_o").to_numpy(),
        m.get_column("eaf").to_numpy(),
        m.get_column("eaf_o").to_numpy(),
        action=2,
    )
    return m.with_columns(pl.Series("by", h.beta_outcome), pl.Series("keep", h.mr_keep)).filter(
        pl.col("keep")
    )


def estimate_api(h: pl.DataFrame, extra: tuple[str, ...] = ()) -> dict[str, tuple[float, float]]:
    """IVW (or Wald ratio) and MR-Egger (plus ``extra`` methods) per exposure via ``run_mr``."""
    out: dict[str, tuple[float, float]] = {}
    for (eid,), g in h.group_by("id", maintain_order=True):
        bx, bxse = g.get_column("beta").to_numpy(), g.get_column("se").to_numpy()
        by, byse = g.get_column("by").to_numpy(), g.get_column("se_o").to_numpy()
        if g.height == 1:
            rep = run_mr(bx, bxse, by, byse, methods=["wald_ratio"])
        elif g.height == 2:
            rep = run_mr(bx, bxse, by, byse, methods=["ivw"])
        else:
            rep = run_mr(bx, bxse, by, byse, methods=["ivw", "egger", *extra])
        out[str(eid)] = (rep.results[0].b, rep.results[0].se)
    return out


def estimate_batched(h: pl.DataFrame) -> dict[str, tuple[float, float]]:
    """IVW with multiplicative random effects for every exposure via segment sums."""
    uniq, group = np.unique(h.get_column("id").to_numpy(), return_inverse=True)
    bx, by, byse = (h.get_column(c).to_numpy() for c in ("beta", "by", "se_o"))
    w = byse**-2.0
    sxx = np.bincount(group, w * bx * bx)
    sxy = np.bincount(group, w * bx * by)
    k = np.bincount(group)
    b = sxy / sxx
    resid = w * (by - b[group] * bx) ** 2
    q = np.bincount(group, resid)
    with np.errstate(invalid="ignore", divide="ignore"):
        sigma = np.sqrt(np.where(k > 1, q / (k - 1), 1.0))
    se = np.sqrt(1.0 / sxx) * np.maximum(1.0, sigma)
    return {str(u): (float(b[i]), float(se[i])) for i, u in enumerate(uniq)}


def best_of(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - t0)
    return best, value


def main() -> None:
    exposure, outcome = synthesise()
    k = exposure.group_by("id").len().get_column("len")
    print(
        f"exposures: {exposure.get_column('id').n_unique()} (Orrù 2020 ids, synthetic instruments)"
        f"; variants: {exposure.height}; per exposure median {k.median():.0f}, max {k.max()}"
    )
    t_h, h = best_of(lambda: harmonise_all(exposure, outcome), 3)
    assert isinstance(h, pl.DataFrame)
    print(f"harmonise all pairs           : {t_h:7.3f} s  ({h.height} variants kept)")
    t_api, api = best_of(lambda: estimate_api(h), 2)
    print(f"run_mr per exposure (IVW+Egger): {t_api:7.3f} s")
    t_wm, _ = best_of(lambda: estimate_api(h, ("weighted_median",)), 1)
    print(f"  ... + weighted median (1000 bootstraps each): {t_wm:7.3f} s")
    t_vec, vec = best_of(lambda: estimate_batched(h), 5)
    print(f"batched IVW (segment sums)     : {t_vec:7.3f} s")
    assert isinstance(api, dict) and isinstance(vec, dict)
    worst = max(abs(api[e][0] - vec[e][0]) / max(abs(api[e][0]), 1e-12) for e in api if e in vec)
    print(f"batched vs run_mr IVW, max relative difference: {worst:.2e}")
    total = t_h + t_api
    print(
        f"scan total (harmonise + run_mr): {total:.3f} s; goal < {GOAL_S:.0f} s: "
        f"{'met' if total < GOAL_S else 'NOT met'}; with batched IVW: {t_h + t_vec:.3f} s"
    )


if __name__ == "__main__":
    main()
