"""`alsatlas check "CLAIM"`: grade a free-text claim against the catalogue questions."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from alsatlas.cli.app import app
from alsatlas.cli.ask import AskFormat, FormatOption, PathOption, fail, load_base
from alsatlas.synthesis.claims import check_claim


@app.command()
def check(
    claim: Annotated[str, typer.Argument(help='A claim, e.g. "Lupus raises the risk of ALS".')],
    output: FormatOption = AskFormat.text,
    path: PathOption = None,
) -> None:
    """Check a claim: which questions it maps to, and the verdict for the claim as stated."""
    result = check_claim(claim, load_base(path))
    if output == AskFormat.json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    if not result.matches:
        raise fail(
            "the claim matches no question; name a disease, a drug, or a topic "
            "(autoimmune, genes, microglia, biomarkers, treatment); see `alsatlas questions`",
            code=1,
        )
    table = Table(title=claim)
    for col in ("question", "matched because", "verdict for the claim", "certainty"):
        table.add_column(col)
    for m in result.matches:
        table.add_row(m.question_id, m.why, m.verdict, m.answer.certainty.level)
    console = Console(soft_wrap=True)
    console.print(table)
    for m in result.matches:
        console.print(f"{m.question_id}: {m.answer.plain_summary}", markup=False)


__all__ = ["check"]
