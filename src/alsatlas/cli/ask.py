"""`alsatlas questions` and `alsatlas ask QUESTION_ID`: synthesis answers on the command line."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from alsatlas.cli.console import DataConsole
from alsatlas.cli.exits import FINDINGS, INPUT_ERROR
from alsatlas.cli.root import app
from alsatlas.errors import AlsatlasError
from alsatlas.evidence import EvidenceBase, InvalidEvidence, load_evidence
from alsatlas.synthesis import QUESTIONS, Answer, answer, answer_all, methods_text
from alsatlas.synthesis.answer import (
    criteria_of,
    drug_findings_of,
    mr_of,
    pooled_terms_of,
    votes_of,
)


class AskFormat(StrEnum):
    """Output formats of ``ask`` and ``questions``."""

    text = "text"
    json = "json"


PathOption = Annotated[
    Path | None,
    typer.Option("--path", help="Evidence file or folder (default: the shipped evidence)."),
]
FormatOption = Annotated[AskFormat, typer.Option("--format", "-f", help="text or json.")]


def fail(message: str, code: int = INPUT_ERROR) -> typer.Exit:
    DataConsole(stderr=True, highlight=False, soft_wrap=True).print(
        f"error: {message}", markup=False
    )
    return typer.Exit(code)


def load_base(path: Path | None) -> EvidenceBase:
    try:
        return load_evidence(path)
    except InvalidEvidence as exc:
        raise fail(
            f"{len(exc.errors)} validation error(s), first: {exc.message}; "
            "run `alsatlas validate` for all",
            code=FINDINGS,
        ) from exc
    except AlsatlasError as exc:
        raise fail(str(exc)) from exc


def _ratio(estimate: float | None, lb: float | None, ub: float | None) -> str:
    if estimate is None or lb is None or ub is None:
        return "-"
    return f"{estimate:.2f} ({lb:.2f}-{ub:.2f})"


def _print_answer(console: Console, a: Answer, *, detail: bool) -> None:
    console.print(Text.assemble((a.question.title, "bold"), "  ", (f"({a.question.id})", "dim")))
    console.print(f"  claim: {a.question.claim}", markup=False)
    console.print(
        Text.assemble(
            "  verdict: ", (a.verdict, "bold"), "   certainty: ", (a.certainty.level, "bold")
        )
    )
    console.print(f"  why: {a.verdict_reason}", markup=False)
    console.print(f"  {a.plain_summary}", markup=False, style="italic")
    if not detail:
        return
    steps = Table(title="Certainty", show_lines=False)
    for col in ("domain", "change", "reason"):
        steps.add_column(col)
    steps.add_row("start", a.certainty.start, a.certainty.start_reason)
    for s in a.certainty.grade_steps:
        steps.add_row(s.domain, f"{s.change:+d}", s.reason)
    console.print(steps)
    for p in pooled_terms_of(a):
        rows = Table(title=f"{p.term}: {p.measure} {_ratio(p.estimate, p.ci_lb, p.ci_ub)}, k={p.k}")
        for col in ("record", "estimate (95% CI)", "weight %", "design", "lag"):
            rows.add_column(col)
        for r in p.rows:
            rows.add_row(
                r.record_id,
                _ratio(r.estimate, r.ci_lb, r.ci_ub),
                f"{r.weight:.1f}",
                r.design_class,
                "yes" if r.has_lag else "no",
            )
        console.print(rows)
        for sens in p.sensitivity:
            console.print(
                f"  sensitivity '{sens.name}': k={sens.k} "
                f"{_ratio(sens.estimate, sens.ci_lb, sens.ci_ub)} {sens.note}",
                markup=False,
            )
    if votes_of(a).total:
        console.print(
            f"  votes: {votes_of(a).increased} increased, {votes_of(a).decreased} decreased, "
            f"{votes_of(a).null} null"
        )
    for e in a.excluded:
        console.print(f"  excluded {e.record_id}: {e.reason}", markup=False, style="dim")
    if drug_findings_of(a):
        drugs = Table(title="Drugs")
        for col in ("drug", "verdict", "certainty", "why"):
            drugs.add_column(col)
        for f in drug_findings_of(a):
            drugs.add_row(f.label, f.verdict, f.certainty.level, f.reason)
        console.print(drugs)
    for c in criteria_of(a):
        mark = {True: "met", False: "not met", None: "?"}[c.met]
        console.print(f"  criterion [{mark}] {c.name}: {c.reason}", markup=False)
    mr = mr_of(a)
    if mr is not None:
        console.print(f"  MR: {mr.text}", markup=False)


@app.command()
def questions(
    output: FormatOption = AskFormat.text,
    path: PathOption = None,
    methods: Annotated[bool, typer.Option("--methods", help="Print the synthesis rules.")] = False,
) -> None:
    """List every catalogue question with its verdict and certainty."""
    if methods:
        typer.echo(methods_text())
        return
    answers = answer_all(load_base(path))
    if output == AskFormat.json:
        typer.echo(
            json.dumps(
                [
                    {
                        "id": a.question.id,
                        "title": a.question.title,
                        "verdict": a.verdict,
                        "certainty": a.certainty.level,
                    }
                    for a in answers
                ],
                indent=2,
            )
        )
        return
    table = Table(title=f"{len(QUESTIONS)} questions")
    for col in ("id", "question", "verdict", "certainty"):
        table.add_column(col)
    for a in answers:
        table.add_row(a.question.id, a.question.plain, a.verdict, a.certainty.level)
    DataConsole().print(table)


@app.command()
def ask(
    question_id: Annotated[str, typer.Argument(help="Question id (see `alsatlas questions`).")],
    output: FormatOption = AskFormat.text,
    path: PathOption = None,
) -> None:
    """Answer one question: verdict, certainty with each step, pooled estimate and evidence."""
    base = load_base(path)
    try:
        result = answer(question_id, base)
    except AlsatlasError as exc:
        raise fail(str(exc)) from exc
    if output == AskFormat.json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    _print_answer(DataConsole(soft_wrap=True), result, detail=True)
