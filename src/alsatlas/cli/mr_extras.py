"""Parts of ``alsatlas mr`` beyond the estimates: variants left out (with their alleles),
MR-PRESSO details, methods skipped, the LD matrix file and Steiger filtering."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from rich.console import Console
from rich.table import Table

from alsatlas.errors import AlsatlasInputError
from alsatlas.genetics.harmonise import HarmonisedData

ALLELE_COLUMNS: tuple[str, ...] = (
    "SNP",
    "effect_allele.exposure",
    "other_allele.exposure",
    "effect_allele.outcome",
    "other_allele.outcome",
    "eaf.exposure",
    "eaf.outcome",
)
"""Columns shown for a variant left out: TwoSampleMR's harmonised-data names."""


def variant_rows(frame: pl.DataFrame, reason: str | None = None) -> list[dict[str, Any]]:
    cols = [c for c in ALLELE_COLUMNS if c in frame.columns]
    out = []
    for row in frame.select(cols + (["reason"] if reason is None else [])).iter_rows(named=True):
        if reason is not None:
            row["reason"] = reason
        out.append(row)
    return out


def removed_by_harmonisation(h: HarmonisedData) -> list[dict[str, Any]]:
    """Rows with ``mr_keep`` false: SNP, alleles and EAFs of both sides, and the reason."""
    return variant_rows(h.data.filter(~pl.col("mr_keep")))


def read_ld_matrix(path: Path, snps: list[str]) -> np.ndarray:
    """The LD (signed correlation) matrix of ``snps`` from a CSV/TSV file.

    The header names the variants; a first column of variant ids (any header, or none) is
    allowed. Correlations must be signed for the exposure effect alleles of the harmonised
    data (MendelianRandomization ``correl``). Returns the matrix in the order of ``snps``.
    """
    if not path.is_file():
        raise AlsatlasInputError("no such file", file=str(path), field="ld-matrix")
    with path.open("rb") as handle:  # the header line tells the separator
        header_line = handle.readline(1 << 20)
    sep = "\t" if b"\t" in header_line else ","
    try:
        frame = pl.read_csv(path, separator=sep, infer_schema_length=0)
    except Exception as exc:  # polars raises several error types for malformed text
        why = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise AlsatlasInputError(f"cannot read the LD matrix: {why}", file=str(path)) from None
    cols = frame.columns
    ids = cols
    if frame.width == frame.height + 1:
        ids = cols[1:]
        first = frame.get_column(cols[0]).to_list()
        if first != ids:
            raise AlsatlasInputError(
                "the first column of the LD matrix must list the variants in header order",
                file=str(path),
            )
        frame = frame.drop(cols[0])
    if frame.width != frame.height:
        raise AlsatlasInputError(
            f"the LD matrix is not square ({frame.height} rows, {frame.width} columns)",
            file=str(path),
        )
    try:
        values = frame.select(pl.all().cast(pl.Float64)).to_numpy()
    except Exception as exc:
        raise AlsatlasInputError("LD matrix entries must be numbers", file=str(path)) from exc
    index = {s: i for i, s in enumerate(ids)}
    missing = [s for s in snps if s not in index]
    if missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise AlsatlasInputError(
            f"{len(missing)} variant(s) used in the MR are not in the LD matrix: {shown}",
            file=str(path),
        )
    order = [index[s] for s in snps]
    return np.asarray(values[np.ix_(order, order)], dtype=np.float64)


def _pair(row: dict[str, Any], side: str) -> str:
    """Effect/other allele of one side, as in the harmonised data."""
    return f"{row.get(f'effect_allele.{side}') or '?'}/{row.get(f'other_allele.{side}') or '?'}"


def _num(x: object) -> str:
    return "NA" if not isinstance(x, int | float) or x != x else f"{x:.4g}"


def print_extras(out: Console, payload: dict[str, Any]) -> None:
    """Variants left out, MR-PRESSO outliers with their RSSobs, methods skipped."""
    presso = payload.get("presso")
    if presso:
        out.print(
            f"MR-PRESSO: global RSSobs {presso['rss_obs']:.4g}, p = {presso['global_pval']:.3g} "
            f"(N = {presso['n_distribution']}; p = 0 means p < 1/N)"
        )
        snps = presso.get("snps") or []
        rss = presso.get("snp_rss_obs")
        pvals = presso.get("outlier_pvals")
        if rss:
            t = Table(title="MR-PRESSO outlier test", title_justify="left")
            for col in ("SNP", "RSSobs", "p (Bonferroni)", "outlier"):
                t.add_column(col, no_wrap=True)
            alleles = {o["SNP"]: o for o in presso.get("outliers") or []}
            for i, r in enumerate(rss):
                label = snps[i] if i < len(snps) else str(i)
                p = pvals[i] if pvals else None
                o = alleles.get(label)
                mark = ""
                if o:
                    known = any(o.get(f"effect_allele.{side}") for side in ("exposure", "outcome"))
                    mark = (
                        f"yes ({_pair(o, 'exposure')}, outcome {_pair(o, 'outcome')})"
                        if known
                        else "yes"
                    )
                t.add_row(label, f"{r:.4g}", "NA" if p is None else f"{p:.3g}", mark)
            out.print(t)
        if presso.get("distortion_coefficient") is not None:
            out.print(
                f"MR-PRESSO distortion: {presso['distortion_coefficient']:.4g} %, "
                f"p = {presso['distortion_pval']:.3g}"
            )
    removed = payload.get("removed") or []
    by_reason: dict[str, list[dict[str, Any]]] = {}
    for r in removed:
        by_reason.setdefault(str(r.get("reason") or "removed"), []).append(r)
    for reason, rows in by_reason.items():
        t = Table(
            title=f"Removed, {reason}: {len(rows)}",
            title_justify="left",
            caption="alleles: effect/other, as in the harmonised data (TwoSampleMR columns)",
            caption_justify="left",
        )
        for col in ("SNP", "exposure", "outcome", "eaf.exposure", "eaf.outcome"):
            t.add_column(col, no_wrap=True)
        for r in rows:
            t.add_row(
                str(r.get("SNP")),
                _pair(r, "exposure"),
                _pair(r, "outcome"),
                _num(r.get("eaf.exposure")),
                _num(r.get("eaf.outcome")),
            )
        out.print(t)
    for method, why in payload.get("skipped") or []:
        out.print(f"skipped {method}: {why}")


__all__ = [
    "ALLELE_COLUMNS",
    "print_extras",
    "read_ld_matrix",
    "removed_by_harmonisation",
    "variant_rows",
]
