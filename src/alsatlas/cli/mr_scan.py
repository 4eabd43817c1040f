"""`alsatlas mr scan`: every exposure × outcome pair of many files, serially or on Dask.

Inputs are files, folders, glob patterns or ``set:NAME`` (shipped instrument sets,
``set:all`` for all); several may follow one option (``--exposures a.tsv b.tsv``) or the option
may be repeated. Results go to a Parquet file that a second run resumes; a summary table goes to
stdout, a progress bar to stderr, and a volcano/Manhattan-style SVG beside the results (or to
``--plot``). The work is done by :mod:`alsatlas.genetics.scan`; Dask is imported only when a
cluster is used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from typer.core import TyperCommand

MULTI_OPTIONS: tuple[str, ...] = ("--exposures", "--outcomes")


class MultiValueCommand(TyperCommand):
    """A command whose :data:`MULTI_OPTIONS` take every value up to the next option
    (``--exposures a b c`` is read as ``--exposures a --exposures b --exposures c``)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        spread: list[str] = []
        current: str | None = None
        for arg in args:
            if arg in MULTI_OPTIONS:
                current = arg
                continue
            if arg.startswith("-") and len(arg) > 1:
                current = None
            elif current is not None:
                spread += [current, arg]
                continue
            spread.append(arg)
        return super().parse_args(ctx, spread)


def _methods(text: str | None) -> tuple[str, ...] | None:
    if not text:
        return None
    from alsatlas.genetics.mr.conventions import check_methods

    return tuple(check_methods([m.strip() for m in text.split(",") if m.strip()]))


def _fmt(x: Any, digits: int = 3) -> str:
    if x is None or x != x:
        return "NA"
    value = float(x)
    return f"{value:.{digits}g}" if value == 0 or abs(value) < 1e-3 else f"{value:.{digits + 1}f}"


def scan_command(
    exposures: list[str] = typer.Option(
        ..., "--exposures", help="Exposure files, folders, globs or set:NAME (set:all)."
    ),
    outcomes: list[str] = typer.Option(
        ..., "--outcomes", help="Outcome summary-statistics files, folders or globs."
    ),
    out: Path = typer.Option(..., "--out", help="Results file (Parquet); resumed if it exists."),
    workers: int | None = typer.Option(
        None, help="Local Dask worker processes (default: one per core; 0 or 1: no Dask)."
    ),
    scheduler: str | None = typer.Option(
        None, help="Address of an existing Dask scheduler, tcp://HOST:PORT."
    ),
    methods: str | None = typer.Option(
        None, help="Comma-separated method ids (default: ivw,egger,weighted_median)."
    ),
    both_directions: bool = typer.Option(
        False, "--both-directions", help="Also run each outcome as exposure on each exposure."
    ),
    instrument_p: float = typer.Option(
        5e-8, "--instrument-p", help="Instruments of an exposure file: rows with p at most this."
    ),
    instrument_window_kb: float | None = typer.Option(
        None,
        "--instrument-window-kb",
        help="Prune exposure-file instruments to one per window (kb; 10000 as TwoSampleMR "
        "clump_kb); for genome-wide files. Default: rows used as given.",
    ),
    seed: int | None = typer.Option(None, help="Seed of bootstrap streams."),
    convention: str = typer.Option("twosamplemr", help="twosamplemr or mendelianrandomization."),
    action: int = typer.Option(2, help="Harmonisation action 1, 2 or 3."),
    chunk_size: int | None = typer.Option(None, "--chunk-size", help="Pairs per task."),
    plot: Path | None = typer.Option(
        None, help="Scan figure (SVG/PNG/PDF; default: the results path with .svg)."
    ),
    top: int = typer.Option(20, help="Pairs shown in the summary table."),
) -> None:
    """Phenome-wide MR scan: every exposure × outcome pair, adjusted across pairs."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    from alsatlas.cli.console import DataConsole
    from alsatlas.errors import AlsatlasInputError

    stdout = DataConsole()
    err = DataConsole(stderr=True)
    try:
        from alsatlas.genetics.mr.conventions import convention_defaults
        from alsatlas.genetics.scan import ScanParams, expand_sources, plan_pairs, run_scan

        if workers is not None and scheduler is not None:
            raise AlsatlasInputError("give --workers or --scheduler, not both", field="workers")
        if action not in (1, 2, 3):
            raise AlsatlasInputError("--action must be 1, 2 or 3", field="action")
        if not 0.0 < instrument_p <= 1.0:
            raise AlsatlasInputError("--instrument-p must lie in (0, 1]", field="instrument-p")
        if instrument_window_kb is not None and not instrument_window_kb > 0:  # NaN too
            raise AlsatlasInputError(
                "--instrument-window-kb must be positive", field="instrument-window-kb"
            )
        if plot is not None:  # refused now, not after the scan
            from alsatlas.figures.style import figure_format

            figure_format(plot)
        convention_defaults(convention)
        params = ScanParams(
            methods=_methods(methods),
            convention=convention,
            seed=seed,
            action=action,
            instrument_p=instrument_p,
            instrument_window_kb=instrument_window_kb,
        )
        exp = expand_sources(exposures, role="exposures")
        outc = expand_sources(outcomes, role="outcomes")
        pairs = plan_pairs(exp, outc, both_directions=both_directions)
        if not pairs:
            raise AlsatlasInputError(
                "no pair to run (an outcome must be a summary-statistics file, not a set)",
                field="outcomes",
            )
        with Progress(
            TextColumn("MR scan"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("pairs"),
            TimeRemainingColumn(),
            console=err,
            transient=True,
        ) as bar:
            task = bar.add_task("scan", total=len(pairs))
            summary = run_scan(
                pairs,
                params,
                out,
                workers=workers,
                scheduler=scheduler,
                chunk_size=chunk_size,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        _report(stdout, err, summary, params, plot, top)
    except AlsatlasInputError as exc:
        err.print(Text.assemble(("error:", "red"), f" {exc.message}"))
        raise typer.Exit(code=2) from exc


def _report(stdout: Any, err: Any, summary: Any, params: Any, plot: Path | None, top: int) -> None:
    import polars as pl
    from rich.table import Table

    from alsatlas.figures.scan_plot import scan_plot
    from alsatlas.genetics.scan import DEFAULT_METHODS

    results = pl.read_parquet(summary.path)
    method = (params.methods or DEFAULT_METHODS)[0]
    ok = results.filter((pl.col("status") == "ok") & (pl.col("method") == method))
    if ok.height == 0 and results.filter(pl.col("status") == "ok").height:
        method = str(results.filter(pl.col("status") == "ok").get_column("method")[0])
        ok = results.filter((pl.col("status") == "ok") & (pl.col("method") == method))
    best = ok.sort("pval", nulls_last=True).head(top)
    table = Table(title=f"MR scan: {summary.n_pairs} pairs, method {method}", title_justify="left")
    both = results.get_column("direction").n_unique() > 1
    columns = ("direction",) * both + ("exposure", "outcome", "nsnp", "b", "se", "p", "p BH")
    for col in (*columns, "p Bonf."):
        text = col in ("direction", "exposure", "outcome")
        table.add_column(
            col, justify="left" if text else "right", overflow="fold", no_wrap=not text
        )
    for r in best.iter_rows(named=True):
        table.add_row(
            *([r["direction"]] if both else []),
            r["exposure"],
            r["outcome"],
            str(r["nsnp"]),
            _fmt(r["b"]),
            _fmt(r["se"]),
            _fmt(r["pval"]),
            _fmt(r["p_bh"]),
            _fmt(r["p_bonferroni"]),
        )
    pairs = results.unique(subset=["exposure_source", "outcome_source", "direction"])
    counts = pairs.group_by("status").len().sort("status").rows()
    n_bh = int(ok.filter(pl.col("p_bh") <= 0.05).height)
    table.caption = (
        f"pairs by status: {', '.join(f'{s} {n}' for s, n in counts)}; "
        f"{n_bh} pass Benjamini-Hochberg 5% ({method}); {summary.n_skipped} were already in "
        f"{summary.path}; {summary.n_run} run now ({summary.executor}, {summary.seconds:.1f} s)"
    )
    table.caption_justify = "left"
    stdout.print(table)
    failed = pairs.filter(pl.col("status") == "error").head(5)
    for r in failed.iter_rows(named=True):
        err.print(f"failed: {r['exposure']} → {r['outcome']}: {r['reason']}")
    if summary.n_error:
        err.print(f"{summary.n_error} pairs failed; run the same command again to retry them")
    target = plot if plot is not None else summary.path.with_suffix(".svg")
    if ok.height:
        scan_plot(results, method=method, title=f"MR scan ({method})", path=target)
        err.print(f"figure: {target}")


__all__ = ["MultiValueCommand", "scan_command"]
