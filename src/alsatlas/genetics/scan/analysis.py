"""One chunk of a scan: open the files, look the instruments up, harmonise, estimate.

Runs in whichever process executes the chunk (the caller's in a serial scan, a Dask worker's
otherwise): only :class:`~alsatlas.genetics.scan.plan.ScanPair` paths and
:class:`~alsatlas.genetics.scan.plan.ScanParams` come in, a small table of results goes out.

Per pair, with the library's own steps: exposure instruments from
:func:`~alsatlas.genetics.select.select_by_p` (rows with p ≤ ``instrument_p``, streamed, pruned
by distance with :func:`~alsatlas.genetics.instrument_select.select_instruments` when a window
is set), :func:`~alsatlas.genetics.sumstats.read_sumstats` (every row, without a threshold) or
:func:`~alsatlas.genetics.instruments.load_exposure_set`; the outcome rows of every instrument
of the chunk in one streamed :func:`~alsatlas.genetics.lookup.lookup_variants` (a chunk holds one
outcome); :func:`~alsatlas.genetics.harmonise.harmonise`; then
:func:`~alsatlas.genetics.mr.run_mr` with the methods the number of variants allows.

A pair that cannot be analysed is not an exception of the scan: it gets one row with
``status`` (:data:`STATUSES`) and ``reason``, and the other pairs go on.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl

from alsatlas.errors import AlsatlasInputError
from alsatlas.genetics.scan.plan import SET_PREFIX, ScanPair, ScanParams, ScanSource
from alsatlas.genetics.sumstats import CANONICAL_SCHEMA

DEFAULT_METHODS: tuple[str, ...] = ("ivw", "egger", "weighted_median")
"""Methods run when none are named, each where the number of variants allows."""

STATUSES: dict[str, str] = {
    "ok": "estimated",
    "no_instruments": "the exposure has no instrument (no row passes the p-value threshold)",
    "no_variants": "no instrument is left after look-up in the outcome and harmonisation",
    "too_few_variants": "too few variants for any of the requested methods",
    "error": "a file could not be read or an estimator refused the data (see reason)",
}
"""Pair status → meaning. Only ``error`` pairs are run again when a scan resumes."""

RESULT_SCHEMA: dict[str, Any] = {
    "direction": pl.String,
    "exposure": pl.String,
    "outcome": pl.String,
    "exposure_source": pl.String,
    "outcome_source": pl.String,
    "status": pl.String,
    "reason": pl.String,
    "n_instruments": pl.Int64,
    "n_in_outcome": pl.Int64,
    "n_used": pl.Int64,
    "method": pl.String,
    "method_rank": pl.Int64,
    "nsnp": pl.Int64,
    "b": pl.Float64,
    "se": pl.Float64,
    "ci_lb": pl.Float64,
    "ci_ub": pl.Float64,
    "pval": pl.Float64,
    "q_pval": pl.Float64,
    "egger_intercept_pval": pl.Float64,
}
"""Columns of a scan's results (one row per pair and method; one row for a pair without
estimates), before the adjusted p-values are added."""


def _describe(exc: BaseException) -> str:
    if isinstance(exc, AlsatlasInputError):
        return exc.message
    return f"{type(exc).__name__}: {exc}"


@lru_cache(maxsize=128)
def _instruments_cached(
    key: str,
    kind: str,
    instrument_p: float | None,
    window_kb: float | None,
    stamp: tuple[int, int],
) -> tuple[pl.DataFrame, str]:
    from alsatlas.genetics.instruments import load_exposure_set
    from alsatlas.genetics.select import select_by_p
    from alsatlas.genetics.sumstats import read_sumstats

    if kind == "file" and instrument_p is not None:
        # streamed: memory holds the rows passing the threshold, not the genome
        selection = select_by_p(key, instrument_p)
        read = selection.sumstats
        note = f"none of the {selection.rows_scanned} rows has a valid p ≤ {instrument_p:g}"
        if window_kb is not None and read.data.height:
            from alsatlas.genetics.instrument_select import select_instruments

            return select_instruments(read, p=instrument_p, window_kb=window_kb).data, note
        return read.data, note
    read = load_exposure_set(key[len(SET_PREFIX) :]) if kind == "set" else read_sumstats(key)
    report = read.report
    dropped = "; ".join(f"{n} {why}" for why, n in sorted(report.reasons.items()))
    note = f"{report.n_kept} of {report.n_rows} rows valid" + (f" ({dropped})" if dropped else "")
    return read.data, note


def exposure_instruments(source: ScanSource, params: ScanParams) -> tuple[pl.DataFrame, str]:
    """Instruments of an exposure (canonical sumstats columns), and a note of how they were
    selected (rows read, dropped, the p-value threshold) for a pair left without instruments.

    Kept per process for files unchanged since (path, size and modification time), so a worker
    reads an exposure used by many pairs once.
    """
    stamp = (0, 0)
    if source.kind == "file":
        try:
            st = os.stat(source.key)
        except OSError as exc:
            raise AlsatlasInputError(
                f"cannot read file: {exc.strerror or exc}", file=source.key
            ) from exc
        stamp = (st.st_size, st.st_mtime_ns)
    return _instruments_cached(
        source.key, source.kind, params.instrument_p, params.instrument_window_kb, stamp
    )


def _applicable(methods: Sequence[str], k: int) -> list[str]:
    from alsatlas.genetics.mr.conventions import MIN_SNPS

    out = []
    for m in methods:
        if m == "wald_ratio":
            if k == 1:
                out.append(m)
        elif m == "presso":
            if MIN_SNPS["presso"] <= k < 1000:
                out.append(m)
        elif k >= MIN_SNPS.get(m, 1):  # type: ignore[call-overload]
            out.append(m)
    if not out and k == 1 and (not methods or list(methods) == list(DEFAULT_METHODS)):
        out = ["wald_ratio"]
    return out


def _base_row(pair: ScanPair) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(RESULT_SCHEMA)
    row.update(
        direction=pair.direction,
        exposure=pair.exposure.label,
        outcome=pair.outcome.label,
        exposure_source=pair.exposure.key,
        outcome_source=pair.outcome.key,
    )
    return row


def _status_row(pair: ScanPair, status: str, reason: str, **counts: int) -> dict[str, Any]:
    row = _base_row(pair)
    row.update(status=status, reason=reason, **counts)
    return row


def _analyse(
    pair: ScanPair, exposure: pl.DataFrame, note: str, outcome: pl.DataFrame, params: ScanParams
) -> list[dict[str, Any]]:
    from alsatlas.genetics.harmonise import harmonise
    from alsatlas.genetics.mr import run_mr

    n_instruments = exposure.height
    if n_instruments == 0:
        return [_status_row(pair, "no_instruments", f"no instrument: {note}", n_instruments=0)]
    h = harmonise(
        exposure,
        outcome,
        action=params.action,  # type: ignore[arg-type]
        exposure_label=pair.exposure.label,
        outcome_label=pair.outcome.label,
    )
    counts = {"n_instruments": n_instruments, "n_in_outcome": h.data.height}
    k = int(h.data.get_column("mr_keep").sum())
    counts["n_used"] = k
    if k == 0:
        reason = (
            f"none of the {n_instruments} instruments was found in the outcome"
            if h.data.height == 0
            else f"{h.data.height} instruments found, none kept by harmonisation"
        )
        return [_status_row(pair, "no_variants", reason, **counts)]
    methods = _applicable(params.methods or DEFAULT_METHODS, k)
    if not methods:
        asked = ", ".join(params.methods or DEFAULT_METHODS)
        reason = f"{k} variant(s) left: too few for {asked}"
        return [_status_row(pair, "too_few_variants", reason, **counts)]
    bx, bxse, by, byse = h.mr_arrays()
    report = run_mr(
        bx, bxse, by, byse, methods=methods, convention=params.convention, seed=params.seed
    )
    het = report.heterogeneity
    q_pval = het.ivw.Q_pval if het is not None else None
    ei = report.egger_intercept
    rows = []
    for rank, r in enumerate(report.results):
        row = _base_row(pair)
        row.update(
            status="ok",
            method=r.method,
            method_rank=rank,
            nsnp=r.nsnp,
            b=r.b,
            se=r.se,
            ci_lb=r.ci_lb,
            ci_ub=r.ci_ub,
            pval=r.pval,
            q_pval=q_pval,
            egger_intercept_pval=ei.pval if ei is not None else None,
            **counts,
        )
        rows.append(row)
    return rows


def run_chunk(pairs: Sequence[ScanPair], params: ScanParams) -> pl.DataFrame:
    """Results of ``pairs`` (which share one outcome), in :data:`RESULT_SCHEMA`.

    Never raises for a bad input file: the pairs it touches get status ``error`` and the reason.
    """
    from alsatlas.genetics.lookup import lookup_variants

    rows: list[dict[str, Any]] = []
    loaded: dict[ScanPair, tuple[pl.DataFrame, str]] = {}
    for pair in pairs:
        try:
            loaded[pair] = exposure_instruments(pair.exposure, params)
        except Exception as exc:  # a bad exposure fails its own pairs only
            rows.append(_status_row(pair, "error", _describe(exc)))
    outcomes = {p.outcome.key for p in loaded}
    if len(outcomes) > 1:
        raise ValueError("a chunk must hold pairs of a single outcome")
    if loaded:
        outcome_key = next(iter(outcomes))
        union = sorted({s for data, _ in loaded.values() for s in data.get_column("SNP")})
        try:
            outcome = (
                lookup_variants(Path(outcome_key), union).sumstats.data
                if union
                else pl.DataFrame(schema=CANONICAL_SCHEMA)
            )
        except Exception as exc:  # a bad outcome fails the pairs of this chunk only
            reason = _describe(exc)
            rows += [_status_row(p, "error", reason) for p in loaded]
        else:
            for pair, (data, note) in loaded.items():
                try:
                    rows += _analyse(pair, data, note, outcome, params)
                except Exception as exc:
                    rows.append(_status_row(pair, "error", _describe(exc)))
    return pl.DataFrame(rows, schema=RESULT_SCHEMA) if rows else empty_results()


def empty_results() -> pl.DataFrame:
    """A results table with no row."""
    return pl.DataFrame(schema=RESULT_SCHEMA)


__all__ = [
    "DEFAULT_METHODS",
    "RESULT_SCHEMA",
    "STATUSES",
    "empty_results",
    "exposure_instruments",
    "run_chunk",
]
