"""Write the association fixture clumped by run_plink.sh and tests/genetics/test_clump.py.

A quantitative trait is simulated on the 502 EUR founders of the shipped panel from six causal
variants (seeded); each of the 2,020 variants is then tested by simple linear regression of the
trait on its allele count, so that the p-values carry the panel's real LD structure. Output:
PLINK-style columns (SNP, CHR, BP, A1, A2, BETA, SE, P) that both plink1.9 --clump and
alsatlas read. Run from the repository root:

    PYTHONPATH=src python tests/reference/clump/make_fixture.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy import stats

from alsatlas.genetics.plink_bed import read_bed

ROOT = Path(__file__).resolve().parents[3]
PANEL = ROOT / "tests" / "genetics" / "data" / "ld_ref_1kg_eur" / "eur"
OUT = ROOT / "tests" / "reference" / "clump" / "assoc.tsv"


def main() -> None:
    panel = read_bed(PANEL)
    geno = panel.genotypes(np.arange(panel.variants.height)).astype(float)
    geno[geno < 0] = np.nan
    rng = np.random.default_rng(20260)
    maf = np.nanmean(geno, axis=1) / 2
    common = np.flatnonzero((maf > 0.1) & (maf < 0.9))
    causal = rng.choice(common, 6, replace=False)
    x = np.nan_to_num(geno[causal] - np.nanmean(geno[causal], axis=1, keepdims=True))
    y = (rng.normal(0.9, 0.2, 6) * rng.choice([-1, 1], 6)) @ x + rng.normal(size=x.shape[1])
    rows = []
    bim = panel.variants
    for i in range(bim.height):
        g = geno[i]
        ok = ~np.isnan(g)
        if np.nanstd(g) == 0:
            beta, se, p = 0.0, np.inf, 1.0
        else:
            fit = stats.linregress(g[ok], y[ok])
            beta, se, p = fit.slope, fit.stderr, fit.pvalue
        row = bim.row(i, named=True)
        rows.append(
            f"{row['snp']}\t{row['chr']}\t{row['pos']}\t{row['a2']}\t{row['a1']}\t"
            f"{beta:.6g}\t{se:.6g}\t{p:.6g}"
        )
    OUT.write_text("SNP\tCHR\tBP\tA1\tA2\tBETA\tSE\tP\n" + "\n".join(rows) + "\n")
    print(f"wrote {OUT} ({len(rows)} variants; causal {sorted(causal.tolist())})")


if __name__ == "__main__":
    main()
