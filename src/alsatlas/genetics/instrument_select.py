"""Instruments from a genome-wide summary-statistics table: p-value threshold and distance
pruning (for bidirectional MR, where each trait's full results are at hand)."""

from __future__ import annotations

import numpy as np
import polars as pl

from alsatlas.errors import AlsatlasInputError
from alsatlas.genetics.sumstats import Sumstats

GENOME_WIDE_P = 5e-8
"""TwoSampleMR ``extract_instruments`` default ``p1``."""

CLUMP_WINDOW_KB = 10_000
"""TwoSampleMR ``clump_data`` default ``clump_kb``."""


def select_instruments(
    sumstats: Sumstats, *, p: float = GENOME_WIDE_P, window_kb: float = CLUMP_WINDOW_KB
) -> Sumstats:
    """Variants with p < ``p``, pruned by distance: taking variants from the smallest p-value
    up, a variant is kept unless a kept variant lies on the same chromosome within
    ``window_kb`` kilobases.

    TwoSampleMR's ``clump_data`` removes a variant within ``clump_kb`` (10,000 kb) of a lead
    only when its r² with the lead exceeds 0.001; with no LD reference panel, pruning every
    variant within the window is the conservative version of the same rule (it keeps a subset
    of the variants clumping would keep, never two in LD within the window). Ties in p are
    broken by file order. Rows without chromosome or position are refused, and so are a
    threshold outside (0, 1] and a negative (or NaN) window.
    """
    if not 0.0 < p <= 1.0:
        raise AlsatlasInputError(f"p threshold {p:g} outside (0, 1]", field="instrument-p")
    if not window_kb >= 0.0:
        raise AlsatlasInputError(
            f"window {window_kb:g} kb: must be 0 or more", field="instrument-window-kb"
        )
    d = sumstats.data.filter(pl.col("pval") < p)
    if d.height == 0:
        raise AlsatlasInputError(
            f"no variant with p < {p:g} in {sumstats.source}", file=sumstats.source
        )
    if d.get_column("chr").is_null().any() or d.get_column("pos").is_null().any():
        raise AlsatlasInputError(
            "selecting instruments needs chromosome and position for every variant",
            file=sumstats.source,
        )
    d = d.with_row_index("_order").sort(["pval", "_order"])
    chrom = d.get_column("chr").to_list()
    pos = d.get_column("pos").to_numpy().astype(np.float64)
    window = window_kb * 1000.0
    kept_pos: dict[str, list[float]] = {}
    keep = np.zeros(d.height, dtype=bool)
    for i in range(d.height):
        near = kept_pos.setdefault(chrom[i], [])
        if all(abs(pos[i] - q) > window for q in near):
            near.append(pos[i])
            keep[i] = True
    picked = d.filter(pl.Series(keep)).sort("_order").drop("_order")
    return Sumstats(data=picked, mapping=sumstats.mapping, report=sumstats.report)


__all__ = ["CLUMP_WINDOW_KB", "GENOME_WIDE_P", "select_instruments"]
