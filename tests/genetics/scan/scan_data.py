"""Small synthetic summary-statistics files for scan tests and benchmarks.

Each trait file holds the same ``n_snps`` variants (``rs1`` …) with alleles fixed per variant;
about ``n_strong`` of them are genome-wide significant for that trait (|z| ≈ 6–9), the rest are
null. Any file can therefore serve as an exposure (its significant rows) and as an outcome (all
rows). Effect alleles are swapped on some rows of some files, so harmonisation has work to do.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
from scipy import stats

ALLELES = (("A", "G"), ("C", "T"), ("A", "C"), ("G", "T"))


def write_trait(
    path: Path,
    seed: int,
    *,
    n_snps: int = 200,
    n_strong: int = 12,
    causal_from: np.ndarray | None = None,
    gzipped: bool = False,
) -> Path:
    """One trait file; with ``causal_from`` (another trait's betas) the effects follow it."""
    rng = np.random.default_rng(seed)
    se = rng.uniform(0.008, 0.02, n_snps)
    beta = rng.normal(0.0, 1.0, n_snps) * se
    strong = rng.choice(n_snps, n_strong, replace=False)
    beta[strong] = rng.choice([-1.0, 1.0], n_strong) * rng.uniform(6.0, 9.0, n_strong) * se[strong]
    if causal_from is not None:
        beta = beta + 0.3 * causal_from
    p = 2.0 * stats.norm.sf(np.abs(beta / se))
    eaf = rng.uniform(0.05, 0.45, n_snps)
    lines = [
        "variant_id\teffect_allele\tother_allele\tbeta\tstandard_error\tp_value\teffect_allele_frequency"
    ]
    swap = rng.random(n_snps) < 0.2
    for i in range(n_snps):
        ea, oa = ALLELES[i % len(ALLELES)]
        b, f = beta[i], eaf[i]
        if swap[i]:
            ea, oa, b, f = oa, ea, -b, 1.0 - f
        lines.append(f"rs{i + 1}\t{ea}\t{oa}\t{b:.6g}\t{se[i]:.6g}\t{p[i]:.6g}\t{f:.4f}")
    text = "\n".join(lines) + "\n"
    if gzipped:
        path.write_bytes(gzip.compress(text.encode(), mtime=0))
    else:
        path.write_text(text)
    return path


def write_traits(folder: Path, prefix: str, n: int, seed: int, **kwargs: object) -> list[Path]:
    """``n`` trait files ``{prefix}{i:03d}.tsv`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        write_trait(folder / f"{prefix}{i:03d}.tsv", seed + i, **kwargs)  # type: ignore[arg-type]
        for i in range(n)
    ]
