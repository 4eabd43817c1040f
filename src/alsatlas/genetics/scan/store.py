"""The results file of a scan: one Parquet file, rewritten atomically as chunks finish.

Each write goes to a temporary file beside the target and replaces it in one rename
(:func:`alsatlas.atomic.atomic_path`), so the file on disk is always a whole, readable table of
whole chunks; a scan that is stopped (Ctrl+C, a killed process, a full disk) resumes from it,
skipping the pairs already present (except pairs with status ``error``, which run again).

The settings of the scan (:class:`~alsatlas.genetics.scan.plan.ScanParams`) are stored in the
file's key-value metadata under :data:`META_KEY`; resuming with other settings is refused, so
one file never mixes two analyses.

Adjusted p-values (:func:`finalise`): for each method, across all pairs with an estimate,
``p_bh`` (Benjamini–Hochberg) and ``p_bonferroni``, by
:func:`alsatlas.stats.multiple_testing.p_adjust`. They are filled when the scan is complete and
left empty in a partial file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from alsatlas.atomic import atomic_path
from alsatlas.errors import AlsatlasInputError
from alsatlas.genetics.scan.analysis import RESULT_SCHEMA

META_KEY = "alsatlas.scan.params"
META_COMPLETE = "alsatlas.scan.complete"
ADJUSTED_COLUMNS: tuple[str, ...] = ("p_bh", "p_bonferroni")
SORT_KEY: tuple[str, ...] = ("direction", "exposure_source", "outcome_source", "method_rank")
PairKey = tuple[str, str, str]


def read_results(path: str | Path, params_json: str) -> pl.DataFrame:
    """Rows already in ``path`` (:data:`RESULT_SCHEMA` columns), or an empty table if there is
    no such file.

    Raises
    ------
    AlsatlasInputError
        The file is not a scan results file, cannot be read, or was made with other settings.
    """
    target = Path(path)
    if not target.exists():
        return pl.DataFrame(schema=RESULT_SCHEMA)
    name = str(target)
    try:
        meta = pl.read_parquet_metadata(target)
        frame = pl.read_parquet(target)
    except Exception as exc:
        raise AlsatlasInputError(
            f"exists and is not a readable Parquet file ({type(exc).__name__}); give another --out",
            file=name,
        ) from exc
    stored = meta.get(META_KEY)
    if stored is None or not set(RESULT_SCHEMA).issubset(frame.columns):
        raise AlsatlasInputError(
            "exists and is not a results file of 'alsatlas mr scan'; give another --out",
            file=name,
        )
    if stored != params_json:
        raise AlsatlasInputError(
            f"was made with other settings ({stored}); resume with the same settings "
            f"({params_json}) or give another --out",
            file=name,
        )
    return frame.select(list(RESULT_SCHEMA)).cast(RESULT_SCHEMA)  # type: ignore[arg-type]


def pair_keys(frame: pl.DataFrame, *, settled_only: bool = False) -> set[PairKey]:
    """``(exposure_source, outcome_source, direction)`` of the pairs in ``frame``; with
    ``settled_only``, leaving out pairs with status ``error``."""
    if settled_only:
        frame = frame.filter(pl.col("status") != "error")
    rows = frame.select("exposure_source", "outcome_source", "direction").unique().rows()
    return {(str(e), str(o), str(d)) for e, o, d in rows}


def merge_results(existing: pl.DataFrame, new: pl.DataFrame) -> pl.DataFrame:
    """``existing`` without the pairs in ``new``, then ``new``, sorted by :data:`SORT_KEY`."""
    if existing.height:
        keys = new.select("exposure_source", "outcome_source", "direction").unique()
        existing = existing.join(
            keys, on=["exposure_source", "outcome_source", "direction"], how="anti"
        )
    merged = pl.concat([existing, new], how="vertical")
    return merged.sort(list(SORT_KEY), nulls_last=False, maintain_order=True)


def finalise(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` sorted, with ``p_bh`` and ``p_bonferroni`` per method across pairs."""
    from alsatlas.stats.multiple_testing import p_adjust

    frame = frame.select(list(RESULT_SCHEMA)).sort(list(SORT_KEY), nulls_last=False)
    bh = np.full(frame.height, np.nan)
    bonf = np.full(frame.height, np.nan)
    methods = frame.get_column("method").to_numpy()
    status = frame.get_column("status").to_numpy()
    pval = frame.get_column("pval").fill_null(np.nan).to_numpy().astype(np.float64)
    for m in sorted({str(x) for x in methods if x is not None}):
        rows = np.flatnonzero((methods == m) & (status == "ok"))
        bh[rows] = p_adjust(pval[rows], "BH")
        bonf[rows] = p_adjust(pval[rows], "bonferroni")
    return frame.with_columns(
        pl.Series("p_bh", bh).fill_nan(None), pl.Series("p_bonferroni", bonf).fill_nan(None)
    )


def write_results(
    path: str | Path, frame: pl.DataFrame, params_json: str, *, complete: bool
) -> None:
    """Write ``frame`` to ``path`` atomically with the scan settings in its metadata; a
    complete scan gets its adjusted p-values (:func:`finalise`)."""
    body = (
        finalise(frame)
        if complete
        else frame.with_columns(*(pl.lit(None, pl.Float64).alias(c) for c in ADJUSTED_COLUMNS))
    )
    meta = {META_KEY: params_json, META_COMPLETE: "true" if complete else "false"}
    with atomic_path(path) as tmp:
        body.write_parquet(tmp, metadata=meta, statistics=True)


__all__ = [
    "ADJUSTED_COLUMNS",
    "META_COMPLETE",
    "META_KEY",
    "finalise",
    "merge_results",
    "pair_keys",
    "read_results",
    "write_results",
]
