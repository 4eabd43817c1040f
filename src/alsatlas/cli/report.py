"""`alsatlas report`: build the evidence report (HTML plus JSON/TSV tables) into a folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from alsatlas.cli.exits import FINDINGS, INPUT_ERROR
from alsatlas.cli.root import app
from alsatlas.errors import AlsatlasError, EvidenceError


@app.command()
def report(
    out: Path = typer.Option(
        Path("report-out"),
        "--out",
        "-o",
        help="Folder to write report.html and tables/ into (created if missing).",
        file_okay=False,
        dir_okay=True,
        writable=True,
    ),
) -> None:
    """Answer every question from the evidence base and write the self-contained HTML report."""
    from alsatlas.report.build import build_report
    from alsatlas.report.sources import shipped_inputs

    console = Console(stderr=True)
    columns = (
        TextColumn("[progress.description]{task.description:<40}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    try:
        with Progress(*columns, console=console, transient=False) as progress:
            tasks: dict[str, TaskID] = {}

            def bar(name: str) -> Callable[[str, int, int], None]:
                def update(what: str, done: int, total: int) -> None:
                    if name not in tasks:
                        tasks[name] = progress.add_task(name, total=total)
                    progress.update(tasks[name], completed=done, description=escape(what))

                return update

            inputs = shipped_inputs(on_progress=bar("Loading evidence"))
            files = build_report(out, inputs, on_progress=bar("Building report"))
    except AlsatlasError as exc:
        console.print(Text.assemble(("error:", "red"), f" {exc}"), markup=False)
        code = FINDINGS if isinstance(exc, EvidenceError) else INPUT_ERROR
        raise typer.Exit(code=code) from exc
    verdicts = len(files.view.questions)
    typer.echo(f"Wrote {files.html} ({verdicts} questions)")
    typer.echo(f"Wrote {len(files.tables)} table files under {files.out_dir / 'tables'}")
