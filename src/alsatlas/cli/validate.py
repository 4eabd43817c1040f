"""`alsatlas validate [PATH]`: check evidence files against the schema and every rule."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from alsatlas.cli.console import DataConsole
from alsatlas.cli.root import app
from alsatlas.evidence import EVIDENCE_VERSION, read_evidence
from alsatlas.evidence.schema import VERIFICATION_LEVELS


@app.command()
def validate(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="Evidence file or folder (default: the evidence shipped with alsatlas)."
        ),
    ] = None,
) -> None:
    """Validate evidence YAML: schema, CIs, ids, vocabulary terms; report every error."""
    out = DataConsole(highlight=False, soft_wrap=True)
    try:
        result = read_evidence(path)
    except Exception as exc:  # never show a traceback to the user
        out.print(f"error: could not read evidence: {exc}")
        raise typer.Exit(2) from None
    if result.errors:
        for err in result.errors:
            out.print(f"error: {err.message}", markup=False)
        out.print(
            f"{len(result.errors)} error(s) in {len(result.files)} file(s); "
            f"{len(result.located)} record(s) passed the schema.",
            markup=False,
        )
        raise typer.Exit(1)
    counts: dict[str, dict[str, int]] = {}
    for _, record in result.located:
        row = counts.setdefault(record.kind, dict.fromkeys(VERIFICATION_LEVELS, 0))
        row[record.verification] += 1
    table = Table(title="evidence records by kind")
    for name in ("kind", "records", *VERIFICATION_LEVELS):
        table.add_column(name, justify="left" if name == "kind" else "right")
    for kind in sorted(counts):
        row = counts[kind]
        table.add_row(kind, str(sum(row.values())), *(str(v) for v in row.values()))
    out.print(table)
    source = "shipped evidence base " + EVIDENCE_VERSION if path is None else str(path)
    out.print(
        f"OK: {len(result.located)} records in {len(result.files)} files ({source}).",
        markup=False,
    )
