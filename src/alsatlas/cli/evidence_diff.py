"""`alsatlas evidence diff OLD NEW`: records and answers that changed between two versions."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from alsatlas.cli.console import DataConsole
from alsatlas.cli.evidence import _fail, evidence_app
from alsatlas.errors import AlsatlasError
from alsatlas.evidence import EvidenceBase, InvalidEvidence, load_evidence
from alsatlas.evidence.diff import RecordDiff, diff_records, evidence_folder, raw_records
from alsatlas.synthesis.changes import AnswerChange, answer_changes


class DiffFormat(StrEnum):
    """Output formats of ``evidence diff``."""

    table = "table"
    json = "json"


def _load(folder: Path, spec: str) -> tuple[EvidenceBase | None, str | None]:
    try:
        return load_evidence(folder), None
    except InvalidEvidence as exc:
        return None, f"{spec} does not validate ({len(exc.errors)} error(s); first: {exc.message})"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "..."


def _print(records: RecordDiff, answers: tuple[AnswerChange, ...] | None, note: str | None) -> None:
    out = DataConsole(highlight=False, soft_wrap=True)
    out.print(
        f"records: {records.old_count} -> {records.new_count}; {len(records.added)} added, "
        f"{len(records.removed)} removed, {len(records.changed)} changed",
        markup=False,
    )
    for rid in records.added:
        out.print(f"  + {rid}", markup=False)
    for rid in records.removed:
        out.print(f"  - {rid}", markup=False)
    if records.changed:
        table = Table(title="changed records")
        for name in ("record", "field", "old", "new"):
            table.add_column(name, overflow="fold")
        for change in records.changed:
            for f in change.fields:
                table.add_row(
                    *(escape(x) for x in (change.record_id, f.field)),
                    escape(_short(f.old)),
                    escape(_short(f.new)),
                )
        out.print(table)
    if answers is None:
        out.print(f"answers not compared: {note}", markup=False)
        return
    if not answers:
        out.print("answers: no verdict, certainty or pooled estimate changed", markup=False)
        return
    table = Table(title="answers that changed")
    for name in ("question", "changed", "old", "new"):
        table.add_column(name, overflow="fold")
    for a in answers:
        table.add_row(
            escape(a.question_id),
            ", ".join(a.what),
            escape(a.old.text() if a.old else "(no such question)"),
            escape(a.new.text() if a.new else "(no such question)"),
        )
    out.print(table)


@evidence_app.command("diff")
def diff(
    old: Annotated[
        str, typer.Argument(help="Old evidence: a folder, or a git revision (REV or REV:PATH).")
    ],
    new: Annotated[str, typer.Argument(help="New evidence: a folder, or a git revision.")],
    output: Annotated[DiffFormat, typer.Option("--format", "-f", help="table or json.")] = (
        DiffFormat.table
    ),
) -> None:
    """Records added, removed and changed, and every verdict, certainty grade and pooled
    estimate that changed as a result."""
    try:
        with evidence_folder(old) as old_dir, evidence_folder(new) as new_dir:
            records = diff_records(raw_records(old_dir), raw_records(new_dir))
            old_base, old_note = _load(old_dir, old)
            new_base, new_note = _load(new_dir, new)
            note = old_note or new_note
            answers = (
                answer_changes(old_base, new_base)
                if old_base is not None and new_base is not None
                else None
            )
    except AlsatlasError as exc:
        raise _fail(str(exc)) from None
    if output is DiffFormat.json:
        body = {
            "old": old,
            "new": new,
            "old_version": getattr(old_base, "version", None),
            "new_version": getattr(new_base, "version", None),
            "records": records.to_dict(),
            "answers": None
            if answers is None
            else [
                {
                    "question_id": a.question_id,
                    "changed": list(a.what),
                    "old": a.old.to_dict() if a.old else None,
                    "new": a.new.to_dict() if a.new else None,
                }
                for a in answers
            ],
            "answers_note": note,
        }
        typer.echo(json.dumps(body, indent=2, ensure_ascii=False, default=str))
        return
    _print(records, answers, note)


__all__ = ["DiffFormat", "diff"]
