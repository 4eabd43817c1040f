"""`alsatlas evidence export`: every reference as BibTeX, RIS or CSL-JSON."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from alsatlas.cli.evidence import _fail, evidence_app
from alsatlas.errors import AlsatlasError
from alsatlas.evidence import InvalidEvidence, load_evidence
from alsatlas.evidence.citations import references, render


class ExportFormat(StrEnum):
    """Reference formats."""

    bibtex = "bibtex"
    ris = "ris"
    csljson = "csljson"


@evidence_app.command("export")
def export(
    output: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="bibtex, ris or csljson.")
    ] = ExportFormat.bibtex,
    question_id: Annotated[
        str | None,
        typer.Option("--question", "-q", help="Only the references of one question's answer."),
    ] = None,
    path: Annotated[
        Path | None,
        typer.Option("--path", help="Evidence file or folder (default: the shipped evidence)."),
    ] = None,
) -> None:
    """Print every reference of the evidence base (or of one answer) as BibTeX, RIS or
    CSL-JSON."""
    try:
        base = load_evidence(path)
        records = tuple(base.records)
        if question_id is not None:
            from alsatlas.synthesis import answer

            a = answer(question_id, base)
            wanted = {u.record_id for u in a.used}
            records = tuple(r for r in records if r.id in wanted)
    except InvalidEvidence as exc:
        raise _fail(f"{len(exc.errors)} validation error(s), first: {exc.message}", 1) from None
    except AlsatlasError as exc:
        raise _fail(str(exc)) from None
    typer.echo(render(references(records), output.value), nl=False)


__all__ = ["ExportFormat", "export"]
