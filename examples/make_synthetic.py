"""Write the synthetic summary statistics the README's MR examples run on (no real data).

Three gzip files in ``examples/synthetic/`` (seeded, so the same bytes every time):

- ``outcome.tsv.gz``: an outcome with *no* causal effect of anything, at every variant of the
  shipped instrument sets (same effect/other alleles; betas drawn around zero), for trying
  ``mr --exposure-set ...`` and ``mr --exposure-set all`` without a real ALS file.
- ``x_gwas.tsv.gz`` and ``y_gwas.tsv.gz``: two genome-wide-style files of 20,000 variants on
  chromosomes 1-22 (positions every 100 kb, GRCh37-like but made up), where 40 variants
  affect trait x, y = 0.3 x plus noise, and 15 further variants affect y alone: for
  ``mr --both-directions`` and ``sumstats index``/``instruments``.

Columns: ``SNP CHR BP A1 A2 BETA SE P EAF N`` (A1 the effect allele). Not evidence: nothing in
them describes a real trait, and no answer of alsatlas reads them.

    .venv/bin/python examples/make_synthetic.py
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import numpy as np
from scipy import stats

from alsatlas.genetics.instruments import list_exposure_sets, load_exposure_set

HERE = Path(__file__).resolve().parent / "synthetic"
SEED = 20261202
N = 100_000


def _write(path: Path, rows: list[tuple[object, ...]]) -> None:
    text = io.StringIO()
    text.write("SNP\tCHR\tBP\tA1\tA2\tBETA\tSE\tP\tEAF\tN\n")
    for snp, chrom, bp, a1, a2, beta, se, eaf in rows:
        p = 2 * stats.norm.sf(abs(float(beta)) / float(se))  # type: ignore[arg-type]
        text.write(
            f"{snp}\t{chrom}\t{bp}\t{a1}\t{a2}\t{beta:.6g}\t{se:.6g}\t{p:.6g}\t{eaf:.4f}\t{N}\n"
        )
    # mtime 0: the same bytes on every run
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(text.getvalue().encode())


def outcome_rows(rng: np.random.Generator) -> list[tuple[object, ...]]:
    seen: dict[str, tuple[object, ...]] = {}
    for chosen in list_exposure_sets():
        data = load_exposure_set(chosen).data
        for row in data.iter_rows(named=True):
            snp = row["SNP"]
            if snp in seen or not row["effect_allele"] or not row["other_allele"]:
                continue
            eaf = row.get("eaf") or 0.3
            se = 1.0 / np.sqrt(2 * eaf * (1 - eaf) * N)
            seen[snp] = (snp, "NA", "NA", row["effect_allele"], row["other_allele"],
                         rng.normal(0.0, se), se, eaf)  # fmt: skip
    return list(seen.values())


def xy_rows(rng: np.random.Generator) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    m = 20_000
    chrom = 1 + np.arange(m) * 22 // m
    bp = 1_000_000 + (np.arange(m) % (m // 22 + 1)) * 100_000
    eaf = rng.uniform(0.05, 0.5, m)
    se = 1.0 / np.sqrt(2 * eaf * (1 - eaf) * N)
    picks = rng.permutation(np.flatnonzero(np.arange(m) % 150 == 0))  # > 10 Mb apart
    gx = np.zeros(m)
    gy = np.zeros(m)
    gx[picks[:40]] = rng.choice([-1, 1], 40) * rng.uniform(8, 14, 40) * se[picks[:40]]
    gy[picks[40:55]] = rng.choice([-1, 1], 15) * rng.uniform(8, 14, 15) * se[picks[40:55]]
    bx = gx + rng.normal(0, se)
    by = 0.3 * gx + gy + rng.normal(0, se)
    alleles = np.array(["A", "C", "G", "T"])
    a1 = alleles[rng.integers(0, 4, m)]
    a2 = alleles[(np.searchsorted(alleles, a1) + 2) % 4]  # never a palindrome (A/T, C/G)
    names = [f"rs{90_000_000 + i}" for i in range(m)]
    x = [(names[i], chrom[i], bp[i], a1[i], a2[i], bx[i], se[i], eaf[i]) for i in range(m)]
    y = [(names[i], chrom[i], bp[i], a1[i], a2[i], by[i], se[i], eaf[i]) for i in range(m)]
    return x, y


def main() -> None:
    rng = np.random.default_rng(SEED)
    HERE.mkdir(exist_ok=True)
    _write(HERE / "outcome.tsv.gz", outcome_rows(rng))
    x, y = xy_rows(rng)
    _write(HERE / "x_gwas.tsv.gz", x)
    _write(HERE / "y_gwas.tsv.gz", y)
    for name in ("outcome.tsv.gz", "x_gwas.tsv.gz", "y_gwas.tsv.gz"):
        print(f"examples/synthetic/{name}: {(HERE / name).stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
