"""Synthetic GWAS summary-statistics files for the scan benchmarks (no download).

Every file of a set shares one variant universe (``rs1`` … ``rsN`` on chromosomes 1–22, fixed
alleles); a file has ``n_strong`` genome-wide significant variants (|z| between 6 and 9) and
null effects elsewhere, standard errors from a sample size, GWAS-SSF column names, and is gzip
compressed (level 1, as bgzip's default speed) when asked.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import polars as pl
from scipy import special

BASES = np.array(list("ACGT"))


def universe(n_rows: int, seed: int = 1) -> pl.DataFrame:
    """Variant id, chromosome, position and alleles of ``n_rows`` variants."""
    rng = np.random.default_rng(seed)
    ea = rng.integers(0, 4, n_rows)
    oa = (ea + rng.integers(1, 4, n_rows)) % 4
    chrom = np.sort(rng.integers(1, 23, n_rows))
    return pl.DataFrame(
        {
            "variant_id": [f"rs{i}" for i in range(1, n_rows + 1)],
            "chromosome": chrom.astype(str),
            "base_pair_location": np.arange(n_rows, dtype=np.int64) * 300 + 10_000,
            "effect_allele": BASES[ea],
            "other_allele": BASES[oa],
            "effect_allele_frequency": np.round(rng.uniform(0.02, 0.98, n_rows), 4),
        }
    )


def write_gwas(
    path: Path,
    variants: pl.DataFrame,
    seed: int,
    *,
    n: float = 20_000.0,
    n_strong: int = 15,
    gzipped: bool = True,
) -> Path:
    """One trait's summary statistics over ``variants``."""
    rng = np.random.default_rng(seed)
    rows = variants.height
    eaf = variants.get_column("effect_allele_frequency").to_numpy()
    se = 1.0 / np.sqrt(2.0 * n * eaf * (1.0 - eaf))
    z = rng.normal(0.0, 1.0, rows)
    strong = rng.choice(rows, min(n_strong, rows), replace=False)
    z[strong] = rng.choice([-1.0, 1.0], strong.size) * rng.uniform(6.0, 9.0, strong.size)
    p = special.erfc(np.abs(z) / np.sqrt(2.0))
    frame = variants.with_columns(
        pl.Series("beta", np.round(z * se, 6)),
        pl.Series("standard_error", np.round(se, 6)),
        pl.Series("p_value", p),
        pl.lit(int(n)).alias("n"),
    )
    text = frame.write_csv(separator="\t", float_scientific=True, float_precision=5).encode()
    path.write_bytes(gzip.compress(text, compresslevel=1, mtime=0) if gzipped else text)
    return path


__all__ = ["universe", "write_gwas"]
