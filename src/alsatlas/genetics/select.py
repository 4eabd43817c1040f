"""Instrument selection from full summary statistics: streamed p-value filter, clumping, F.

:func:`select_by_p` streams a file of any size in blocks of whole records
(:class:`~alsatlas.genetics.textstream.RecordBlocks`); in each block only the p-value column
(and ``-log10 p`` when present) is parsed, and the records with ``p ≤ threshold`` are kept as
text. The kept records are then read with every check of a full read. Memory holds one block
and the selected records, whatever the file size. When the file has no p-value column, each
block is read in full and filtered on the derived p-value instead. An index built by
``alsatlas sumstats index`` is used when present.

:func:`select_instruments` adds LD clumping (:func:`alsatlas.genetics.clump.clump`, PLINK 1.9's
algorithm with ``p1 = p2 =`` the threshold, as ``ieugwasr::ld_clump`` and TwoSampleMR's
``clump_data`` call it) and the per-instrument F statistic ``F = β̂² / se²`` (the Wald χ² of the
variant's association with the exposure; Burgess & Thompson 2011, Int J Epidemiol 40:755, where
``F ≈ (β̂/se)²`` for one variant). :func:`write_instrument_set` writes the result as a table with
TwoSampleMR column names, preceded by ``##`` provenance lines that every alsatlas reader skips.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import polars as pl

from alsatlas.errors import SumstatsError
from alsatlas.genetics.clump import ClumpResult, clump
from alsatlas.genetics.plink_bed import read_bed
from alsatlas.genetics.sumstats import (
    Header,
    Sumstats,
    Tally,
    finish,
    parse_block,
    parse_records,
    read_fields,
    read_header,
)
from alsatlas.genetics.textstream import (
    DEFAULT_BLOCK_BYTES,
    DEFAULT_LIMITS,
    Limits,
    RecordBlocks,
    record_spans,
)

SET_COLUMNS: tuple[str, ...] = (
    "SNP",
    "chr",
    "pos",
    "effect_allele",
    "other_allele",
    "beta",
    "se",
    "eaf",
    "pval",
    "samplesize",
    "ncase",
    "ncontrol",
    "F",
)
"""Columns of an instrument-set file."""


@dataclass(frozen=True)
class Selection:
    """Rows passing the p-value threshold, and how many rows the file had."""

    sumstats: Sumstats
    p_threshold: float
    rows_scanned: int
    index: str | None = None


@dataclass(frozen=True)
class InstrumentSet:
    """Selected (and possibly clumped) instruments with F statistics and their provenance."""

    data: pl.DataFrame
    selection: Selection
    clumping: ClumpResult | None
    ld_ref: str | None


def _p_columns(header: Header) -> tuple[list[int], bool] | None:
    """Field indexes of (p, -log10 p) present, and whether the first is -log10 p."""
    p_col = header.mapping.column("pval")
    lp_col = header.mapping.column("log10p")
    cols = [c for c in (p_col, lp_col) if c is not None]
    if not cols:
        return None
    return [header.names.index(c) for c in cols], p_col is None


def _block_mask(
    block: bytes, header: Header, cols: list[int], log_first: bool, threshold: float
) -> pl.Series | None:
    """Which records of ``block`` pass the threshold (``None``: could not be decided cheaply)."""
    try:
        series = read_fields(block, header.sep, cols)
    except (pl.exceptions.PolarsError, ValueError):
        return None
    values = [s.str.strip_chars().cast(pl.Float64, strict=False) for s in series]
    if log_first:
        p = 10.0 ** (-values[0])
    elif len(values) == 2:
        p = values[0].fill_null(10.0 ** (-values[1]))
    else:
        p = values[0]
    return (p <= threshold).fill_null(False)


def select_by_p(
    path: str | Path,
    p_threshold: float,
    *,
    overrides: Mapping[str, str] | None = None,
    use_index: bool = True,
    block_bytes: int = DEFAULT_BLOCK_BYTES,
    limits: Limits = DEFAULT_LIMITS,
    progress: Callable[[int, int], None] | None = None,
) -> Selection:
    """Rows with ``p ≤ p_threshold``, read with full checks (see the module docstring).

    Raises
    ------
    SumstatsError
        As :func:`~alsatlas.genetics.sumstats.read_sumstats`; a threshold outside (0, 1].
    """
    if not 0.0 < p_threshold <= 1.0:
        raise SumstatsError(f"p threshold {p_threshold} outside (0, 1]", field="p")
    file = str(path)
    if use_index:
        from alsatlas.genetics.sumstats_index import find_index

        index = find_index(path, overrides=overrides)
        if index is not None:
            return Selection(
                sumstats=index.select(p_threshold),
                p_threshold=p_threshold,
                rows_scanned=int(index.meta["report"]["n_rows"]),
                index=str(index.folder),
            )
    with RecordBlocks(path, block_bytes=block_bytes, limits=limits) as blocks:
        header, body, rest = read_header(blocks, source=file, overrides=overrides)
        pcols = _p_columns(header)
        hits: list[bytes] = []
        hit_lines: list[int] = []
        tables: list[pl.DataFrame] = []
        tally = Tally()
        rows = 0
        first = header.line + 1
        block: bytes | None = body
        while block is not None:
            if block:
                if header.sep == " ":
                    block = re.sub(rb"(?m)^[ \t]+", b"", re.sub(rb"[ \t]+", b" ", block))
                quoted = b'"' in block
                mask = None
                if pcols is not None:
                    mask = _block_mask(block, header, pcols[0], pcols[1], p_threshold)
                    if mask is not None and not quoted and mask.len() != blocks.line_count(block):
                        mask = None  # blank lines: let the full parser count them
                if mask is not None and (quoted or mask.any()):
                    starts, ends = record_spans(block)
                    if mask.len() != starts.size:
                        mask = None
                if mask is None:
                    parsed = parse_block(block, header, first_line=first, source=file)
                    tally.add(parsed)
                    rows += parsed.n_rows
                    keep = parsed.table.filter(pl.col("pval") <= p_threshold)
                    if keep.height:
                        tables.append(keep)
                else:
                    rows += mask.len()
                    hit_idx = np.flatnonzero(mask.to_numpy())
                    if hit_idx.size:
                        if quoted:  # a record may span lines: number it by its first line
                            all_nl = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 10)
                            numbers = first + np.searchsorted(all_nl, starts[hit_idx])
                        else:  # one record per line
                            numbers = first + hit_idx
                        for i, number in zip(hit_idx.tolist(), numbers.tolist(), strict=True):
                            hits.append(block[int(starts[i]) : int(ends[i])])
                            hit_lines.append(int(number))
            if progress is not None:
                progress(blocks.position(), blocks.total)
            block = next(rest, None)
            first = blocks.line  # the first line of the block just received
    if hits:
        picked = parse_records(header, hits, hit_lines, source=file, overrides=overrides)
        tables.append(picked.data)
        tally.reasons.update(picked.report.reasons)
        tally.derived.update(picked.report.derived)
        tally.examples.extend(picked.report.examples)
        tally.examples.sort(key=lambda e: e.line)
        del tally.examples[20:]
    tally.n_rows = rows
    several = len(tables) > 1
    ss = finish(tables, header, tally_reasons=tally, source=file)
    if several:
        ss = replace(ss, data=ss.data.sort("line"))
    return Selection(sumstats=ss, p_threshold=p_threshold, rows_scanned=rows)


def f_statistic(beta: pl.Expr | None = None, se: pl.Expr | None = None) -> pl.Expr:
    """``F = β̂² / se²`` as a polars expression (see the module docstring)."""
    b = beta if beta is not None else pl.col("beta")
    s = se if se is not None else pl.col("se")
    return (b * b / (s * s)).alias("F")


def select_instruments(
    path: str | Path,
    p_threshold: float = 5e-8,
    *,
    ld_ref: str | Path | None = None,
    r2: float = 0.001,
    kb: float = 10000.0,
    overrides: Mapping[str, str] | None = None,
    use_index: bool = True,
    block_bytes: int = DEFAULT_BLOCK_BYTES,
    limits: Limits = DEFAULT_LIMITS,
    progress: Callable[[int, int], None] | None = None,
) -> InstrumentSet:
    """Streamed p-value selection, then (with ``ld_ref``) PLINK clumping, then F statistics.

    Variants absent from the reference panel are dropped by clumping, as PLINK drops them.
    """
    selection = select_by_p(
        path,
        p_threshold,
        overrides=overrides,
        use_index=use_index,
        block_bytes=block_bytes,
        limits=limits,
        progress=progress,
    )
    data = selection.sumstats.data
    clumping = None
    if ld_ref is not None:
        panel = read_bed(ld_ref)
        clumping = clump(
            data.get_column("SNP").to_list(),
            data.get_column("pval").to_numpy(),
            panel,
            p1=p_threshold,
            p2=p_threshold,
            r2=r2,
            kb=kb,
        )
        order = {snp: i for i, snp in enumerate(clumping.index_snps)}
        data = (
            data.filter(pl.col("SNP").is_in(list(order)))
            .with_columns(pl.col("SNP").replace_strict(order, return_dtype=pl.Int64).alias("_o"))
            .sort("_o")
            .drop("_o")
        )
    data = data.with_columns(f_statistic())
    return InstrumentSet(
        data=data,
        selection=selection,
        clumping=clumping,
        ld_ref=str(ld_ref) if ld_ref is not None else None,
    )


def provenance_lines(result: InstrumentSet, source: str | Path) -> list[str]:
    """The ``##`` lines heading an instrument-set file."""
    from alsatlas import __version__

    rep = result.selection.sumstats.report
    lines = [
        f"## alsatlas {__version__} instrument set",
        f"## source: {source}"
        + (f" (read from index {result.selection.index})" if result.selection.index else ""),
        f"## format: {rep.format}; rows scanned: {result.selection.rows_scanned}",
        f"## selection: p <= {result.selection.p_threshold:g}: {rep.n_kept} variants kept"
        + (
            "; dropped: " + ", ".join(f"{k} {v}" for k, v in sorted(rep.reasons.items()))
            if rep.reasons
            else ""
        ),
    ]
    c = result.clumping
    if c is not None:
        lines.append(
            f"## clumping: PLINK 1.9 --clump algorithm, reference {result.ld_ref}, "
            f"p1 = p2 = {c.p1:g}, r2 > {c.r2:g}, window {c.kb:g} kb: {len(c.clumps)} index "
            f"variants; {len(c.not_in_reference)} selected variants absent from the reference"
        )
    else:
        lines.append("## clumping: none")
    lines.append("## F = beta^2 / se^2 per instrument (Burgess & Thompson 2011)")
    return lines


def write_instrument_set(result: InstrumentSet, out: str | Path, *, source: str | Path) -> Path:
    """Write ``result`` as a tab-separated instrument-set file (atomically)."""
    from alsatlas.atomic import atomic_path

    table = result.data.select(SET_COLUMNS)
    table = table.with_columns(pl.col(pl.Float64).fill_nan(None))
    body = table.write_csv(separator="\t", null_value="NA")
    text = "\n".join(provenance_lines(result, source)) + "\n" + body
    with atomic_path(out) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return Path(out)


__all__ = [
    "SET_COLUMNS",
    "InstrumentSet",
    "Selection",
    "f_statistic",
    "provenance_lines",
    "select_by_p",
    "select_instruments",
    "write_instrument_set",
]
