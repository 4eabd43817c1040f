"""`alsatlas mvmr FILE.csv`: multivariable Mendelian randomization of one outcome on several
exposures from a CSV file of harmonised per-variant associations.

``--exposure-beta`` and ``--exposure-se`` name one column per exposure (comma-separated, same
order), ``--outcome-beta``/``--outcome-se`` the outcome's. Runs multivariable IVW and MR-Egger
(MendelianRandomization's ``mr_mvivw``/``mr_mvegger`` defaults) and the conditional
F-statistics of each exposure (MVMR's ``strength_mvmr``). Errors name the file, line and
column and exit with status 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from alsatlas.cli.console import DataConsole
from alsatlas.cli.root import app
from alsatlas.errors import AlsatlasInputError


def _columns(spec: str, option: str) -> list[str]:
    cols = [c.strip() for c in spec.split(",") if c.strip()]
    if not cols:
        raise AlsatlasInputError("name at least one column", field=option)
    return cols


def _print(payload: dict[str, Any]) -> None:
    from rich.table import Table

    width = None if sys.stdout.isatty() else 160
    out = DataConsole(highlight=False, width=width)
    names = payload["exposures"]
    for r in payload["results"]:
        t = Table(title=f"{r['method']} ({r['nsnp']} variants)", title_justify="left")
        for col in ("exposure", "b", "se", "95% CI", "p"):
            t.add_column(col, justify="left" if col == "exposure" else "right")

        def fmt(v: float | None, spec: str = ".4f") -> str:
            return "NA" if v is None else format(v, spec)

        for i, name in enumerate(names):
            t.add_row(
                name,
                fmt(r["b"][i]),
                fmt(r["se"][i]),
                f"{fmt(r['ci_lb'][i])} to {fmt(r['ci_ub'][i])}",
                fmt(r["pval"][i], ".3g"),
            )
        if r.get("intercept") is not None:
            t.add_row(
                "(intercept)",
                fmt(r["intercept"], ".5f"),
                fmt(r["intercept_se"], ".5f"),
                f"{fmt(r['intercept_ci_lb'], '.5f')} to {fmt(r['intercept_ci_ub'], '.5f')}",
                fmt(r["intercept_pval"], ".3g"),
            )
        out.print(t)
        out.print(
            f"residual SE {r['rse']:.4f}; Q = {r['Q']:.3f} on {r['Q_df']} df, "
            f"p = {fmt(r['Q_pval'], '.3g')}",
            markup=False,
        )
    if payload["conditional_f"]:
        cf = ", ".join(f"{n} {v:.2f}" for n, v in zip(names, payload["conditional_f"], strict=True))
        out.print(f"conditional F-statistics: {cf}", markup=False)


@app.command()
def mvmr(
    file: Path = typer.Argument(..., help="CSV file, one row per variant."),
    exposure_beta: str = typer.Option(
        ..., "--exposure-beta", help="Exposure association columns, comma-separated."
    ),
    exposure_se: str = typer.Option(
        ..., "--exposure-se", help="Their standard-error columns, same order."
    ),
    outcome_beta: str = typer.Option(..., "--outcome-beta", help="Outcome association column."),
    outcome_se: str = typer.Option(..., "--outcome-se", help="Its standard-error column."),
    methods: str = typer.Option("mvivw,mvegger", "--methods", help="mvivw and/or mvegger."),
    orient: int = typer.Option(
        1, "--orient", help="MR-Egger: orient variants on this exposure (1-based)."
    ),
    distribution: str = typer.Option("normal", "--distribution", help="normal or t."),
    output_format: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Multivariable Mendelian randomization: IVW, MR-Egger and conditional F-statistics."""
    err = DataConsole(stderr=True, highlight=False, soft_wrap=True)
    try:
        import numpy as np

        from alsatlas.cli.csv_table import read_csv_table
        from alsatlas.genetics.mr.mvmr import run_mvmr

        if output_format not in ("table", "json"):
            raise AlsatlasInputError(
                f"must be table or json, got {output_format!r}", field="--format"
            )
        if distribution not in ("normal", "t"):
            raise AlsatlasInputError(
                f"must be normal or t, got {distribution!r}", field="--distribution"
            )
        xb = _columns(exposure_beta, "--exposure-beta")
        xs = _columns(exposure_se, "--exposure-se")
        if len(xb) != len(xs):
            raise AlsatlasInputError(
                f"{len(xb)} association columns but {len(xs)} standard-error columns",
                field="--exposure-se",
            )
        if not 1 <= orient <= len(xb):
            raise AlsatlasInputError(f"must lie in 1..{len(xb)}", field="--orient")
        table = read_csv_table(file)
        bx = np.column_stack([table.numeric(c) for c in xb])
        bxse = np.column_stack([table.numeric(c) for c in xs])
        rep = run_mvmr(
            bx,
            bxse,
            table.numeric(outcome_beta),
            table.numeric(outcome_se),
            exposures=xb,
            methods=_columns(methods, "--methods"),
            orientate=orient - 1,
            distribution=distribution,  # type: ignore[arg-type]
        )
        payload = {"file": table.path, **rep.to_dict()}
        if output_format == "json":
            sys.stdout.write(json.dumps(payload, indent=2, allow_nan=False) + "\n")
        else:
            _print(payload)
    except AlsatlasInputError as exc:
        err.print(f"error: {exc.message}", markup=False)
        raise typer.Exit(code=2) from None


__all__ = ["mvmr"]
