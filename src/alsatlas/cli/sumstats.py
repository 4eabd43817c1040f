"""`alsatlas sumstats`: index a summary-statistics file once; select instruments from it.

- ``alsatlas sumstats index FILE [--out DIR]``: read ``FILE`` with every check and write a
  Parquet index beside it (``FILE.alsatlas-index``) with the load report; every command that
  takes a sumstats file then reads the index instead (and says so on stderr).
- ``alsatlas sumstats instruments FILE --p 5e-8 [--clump --ld-ref PREFIX --r2 0.001
  --kb 10000] [--out SET.tsv]``: streamed p-value selection, PLINK 1.9 clumping against a
  PLINK 1 binary reference, F statistics, an instrument-set file with provenance.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from alsatlas.cli.console import DataConsole
from alsatlas.cli.root import app
from alsatlas.errors import AlsatlasInputError

sumstats_app = typer.Typer(help="Summary-statistics files: index once, select instruments.")
app.add_typer(sumstats_app, name="sumstats")


def _overrides(items: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items or []:
        role, sep, column = item.partition("=")
        if not sep or not role or not column:
            raise AlsatlasInputError(f"--column takes ROLE=COLUMN, got '{item}'", field="column")
        out[role.strip()] = column.strip()
    return out


def _fail(err: DataConsole, exc: AlsatlasInputError) -> typer.Exit:
    err.print(Text.assemble(("error:", "red"), f" {exc.message}"))
    return typer.Exit(code=2)


@sumstats_app.command("index")
def index_command(
    file: Path = typer.Argument(..., help="Summary-statistics file (plain, gzip or bgzip)."),
    out: Path | None = typer.Option(
        None, help="Index folder (default: FILE.alsatlas-index beside the file)."
    ),
    column: list[str] | None = typer.Option(
        None, "--column", help="Column override ROLE=COLUMN (repeatable)."
    ),
) -> None:
    """Convert a summary-statistics file once to a Parquet index with its load report."""
    from alsatlas.genetics.sumstats_index import build_index

    out_console = DataConsole()
    err = DataConsole(stderr=True)
    try:
        if not file.is_file():
            raise AlsatlasInputError("no such file", file=str(file))
        index = build_index(file, out=out, overrides=_overrides(column))
    except AlsatlasInputError as exc:
        raise _fail(err, exc) from exc
    report = index.load_report()
    out_console.print(
        f"indexed {report.n_kept} of {report.n_rows} rows of {file} "
        f"(format {report.format}) into {index.folder}"
    )
    for reason, n in sorted(report.reasons.items()):
        out_console.print(f"  {n} dropped: {reason}")
    if out is not None and out != index.folder.parent / (file.name + ".alsatlas-index"):
        out_console.print(
            f"(other commands find the index when given {index.folder} in place of the file)"
        )


@sumstats_app.command("instruments")
def instruments_command(
    file: Path = typer.Argument(..., help="Exposure summary statistics (any size)."),
    p: float = typer.Option(5e-8, "--p", help="p-value threshold (p <= P is kept)."),
    do_clump: bool = typer.Option(False, "--clump", help="LD-clump (PLINK 1.9 algorithm)."),
    ld_ref: Path | None = typer.Option(
        None, "--ld-ref", help="PLINK 1 binary reference panel prefix (PREFIX.bed/.bim/.fam)."
    ),
    r2: float = typer.Option(0.001, "--r2", help="Clumping r² threshold (r² > R2 clumps)."),
    kb: float = typer.Option(10000.0, "--kb", help="Clumping window in kb."),
    out: Path | None = typer.Option(None, help="Write the instrument set (TSV) here."),
    column: list[str] | None = typer.Option(
        None, "--column", help="Column override ROLE=COLUMN (repeatable)."
    ),
    output_format: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Select instruments: streamed p-value filter, optional LD clumping, F statistics."""
    from alsatlas.genetics.select import provenance_lines, select_instruments, write_instrument_set

    out_console = DataConsole()
    err = DataConsole(stderr=True)
    try:
        if output_format not in ("table", "json"):
            raise AlsatlasInputError("--format must be table or json", field="format")
        if do_clump and ld_ref is None:
            raise AlsatlasInputError("--clump needs --ld-ref PLINK_PREFIX", field="ld-ref")
        if ld_ref is not None and not do_clump:
            raise AlsatlasInputError("--ld-ref is used only with --clump", field="ld-ref")
        if not 0.0 <= r2 < 1.0:
            raise AlsatlasInputError("--r2 must lie in [0, 1)", field="r2")
        if not file.exists():
            raise AlsatlasInputError("no such file", file=str(file))
        result = select_instruments(
            file,
            p,
            ld_ref=ld_ref if do_clump else None,
            r2=r2,
            kb=kb,
            overrides=_overrides(column),
        )
        if result.selection.index is not None:
            err.print(f"using index {result.selection.index} for {file}")
        if out is not None:
            write_instrument_set(result, out, source=file)
    except AlsatlasInputError as exc:
        raise _fail(err, exc) from exc
    data = result.data
    if output_format == "json":
        payload: dict[str, Any] = {
            "provenance": [ln.removeprefix("## ") for ln in provenance_lines(result, file)],
            "instruments": data.to_dicts(),
        }
        sys.stdout.write(json.dumps(payload, indent=2, default=str) + "\n")
        return
    for line in provenance_lines(result, file):
        err.print(line.removeprefix("## "))
    table = Table(title=f"Instruments from {file.name}", title_justify="left")
    for col in ("SNP", "chr", "pos", "EA", "OA", "beta", "se", "p", "F"):
        table.add_column(col, justify="left" if col in ("SNP", "EA", "OA", "chr") else "right")
    for row in data.iter_rows(named=True):
        table.add_row(
            row["SNP"],
            str(row["chr"] or ""),
            str(row["pos"] or ""),
            row["effect_allele"],
            row["other_allele"] or "",
            f"{row['beta']:.4g}",
            f"{row['se']:.3g}",
            f"{row['pval']:.3g}",
            f"{row['F']:.1f}",
        )
    out_console.print(table)
    if out is not None:
        err.print(f"wrote {data.height} instruments to {out}")
