"""`alsatlas check [TEXT | FILE | -]`: rate every claim of a sentence or a whole article."""

from __future__ import annotations

import io
import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from alsatlas.atomic import write_text_atomic
from alsatlas.cli.ask import PathOption, fail, load_base
from alsatlas.cli.console import DataConsole
from alsatlas.cli.root import app
from alsatlas.errors import AlsatlasError

if TYPE_CHECKING:
    from alsatlas.claims.article import ArticleCheck


class CheckFormat(StrEnum):
    """Output formats of ``check``."""

    table = "table"
    json = "json"
    html = "html"


def _with_citations(text: str, citations: tuple[str, ...]) -> str:
    return f"{text} ({', '.join(citations)})" if citations else text


@app.command()
def check(
    source: Annotated[
        str,
        typer.Argument(
            help='A claim ("Lupus raises the risk of ALS"), an article file (plain text, '
            "Markdown or HTML), or - for standard input."
        ),
    ],
    output: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="table, json or html.")
    ] = CheckFormat.table,
    path: PathOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the result to this file.")
    ] = None,
) -> None:
    """Rate every claim about ALS and the immune system, negation and framing included."""
    from alsatlas.claims import check_document, read_source
    from alsatlas.presentation.article import render_article

    try:
        doc = read_source(source)
        result = check_document(doc, load_base(path))
    except AlsatlasError as exc:
        raise fail(str(exc)) from None
    if output is CheckFormat.table:
        rendered = _claims_table(doc.name, result)
        if out is None:
            DataConsole(highlight=False).print(rendered)
            return
        buffer = io.StringIO()
        DataConsole(file=buffer, width=160, force_terminal=False).print(rendered)
        text = buffer.getvalue()
    elif output is CheckFormat.json:
        text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = render_article(result, doc.text)
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        write_text_atomic(out, text)
    except AlsatlasError as exc:
        raise fail(str(exc)) from None
    typer.echo(f"Wrote {out}")


def _claims_table(name: str, result: ArticleCheck) -> Table | str:
    """The rated claims as a rich table (or one line when none was found)."""
    from alsatlas.presentation.article import verdict_label

    if not result.claims:
        return "No claim about ALS and the immune system was found."
    table = Table(title=escape(name))
    for col in ("sentence", "question", "verdict", "certainty", "why"):
        table.add_column(col, overflow="fold")
    for claim in result.claims:
        for sub in claim.subclaims:
            table.add_row(
                escape(claim.sentence),
                escape(sub.question_id or "-"),
                verdict_label(sub.verdict),
                sub.certainty or "-",
                escape(
                    sub.explanation + (f" ({', '.join(sub.citations)})" if sub.citations else "")
                ),
            )
    return table


__all__ = ["CheckFormat", "check"]
