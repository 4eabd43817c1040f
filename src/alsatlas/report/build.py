"""Build the evidence report: ``report.html`` plus ``tables/<name>.json|tsv`` in one folder.

:func:`build_report` runs the whole pipeline: load the evidence base, answer every question
(:func:`alsatlas.synthesis.answer_all`), draw the figures, render the HTML and write every
table. Nothing is cached between runs.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from alsatlas import __version__
from alsatlas.atomic import atomic_dir, ensure_dir, write_text_atomic
from alsatlas.evidence.citations import references, render
from alsatlas.evidence.schema import Record
from alsatlas.presentation.figures import answer_figures
from alsatlas.presentation.views import (
    CitedRecord,
    EvidenceStamp,
    FigureView,
    ReportView,
    build_view,
)
from alsatlas.report.exports import write_tables
from alsatlas.report.render import render_html
from alsatlas.synthesis.answer import Answer

REPORT_FILE = "report.html"
ANSWERS_FILE = "answers.json"
TABLES_DIR = "tables"


@dataclass(frozen=True)
class ReportInputs:
    """What a report is built from: answers, the records they cite, the rules, the version."""

    answers: tuple[Answer, ...]
    records: tuple[CitedRecord, ...]
    methods_text: str
    evidence: EvidenceStamp


@dataclass(frozen=True)
class ReportFiles:
    """Paths written by :func:`build_report`."""

    out_dir: Path
    html: Path
    tables: tuple[Path, ...]
    view: ReportView
    answers: Path


def write_references(records: tuple[CitedRecord, ...], directory: Path) -> tuple[Path, ...]:
    """Every reference as ``references.bib``, ``references.ris`` and ``references.csl.json``."""
    refs = references(cast("tuple[Record, ...]", records))
    written: list[Path] = []
    for fmt, name in (
        ("bibtex", "references.bib"),
        ("ris", "references.ris"),
        ("csljson", "references.csl.json"),
    ):
        path = directory / name
        write_text_atomic(path, render(refs, fmt))  # type: ignore[arg-type]
        written.append(path)
    return tuple(written)


def answers_json(inputs: ReportInputs, generated_at: str) -> str:
    """Every answer as the synthesis layer returned it (``Answer.to_dict()``), with the version
    of the evidence base: the nested form of what the tables hold."""
    payload = {
        "evidence_version": inputs.evidence.version,
        "evidence_date": inputs.evidence.date,
        "evidence_content_hash": inputs.evidence.content_hash,
        "generated_at": generated_at,
        "answers": [_finite(a.to_dict()) for a in inputs.answers],
    }
    return json.dumps(payload, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def _finite(value: Any) -> Any:
    """``value`` with non-finite floats replaced by ``None`` (JSON has no NaN)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


ProgressCallback = Callable[[str, int, int], None]
"""``(what was just done, steps done, steps in all)``."""


def build_report(
    out_dir: Path,
    inputs: ReportInputs,
    *,
    on_progress: ProgressCallback | None = None,
    figures_for: Callable[[Answer], tuple[FigureView, ...]] = answer_figures,
    now: datetime | None = None,
) -> ReportFiles:
    """Write ``report.html`` and the table exports of ``inputs`` under ``out_dir``.

    ``on_progress(what, done, total)``, when given, is called after each question and each
    output step (a face draws it as a progress bar; the library prints nothing).
    """
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    steps = len(inputs.answers) + 2
    done = 0

    def advance(what: str) -> None:
        nonlocal done
        done += 1
        if on_progress is not None:
            on_progress(what, done, steps)

    view = build_view(
        inputs.answers,
        inputs.records,
        methods_text=inputs.methods_text,
        evidence=inputs.evidence,
        package_version=__version__,
        generated_at=stamp,
        figures_for=figures_for,
        on_question=lambda qid: advance(f"Question {qid}"),
    )
    # report.html is written last, so a failed run never leaves a new page whose tables or
    # answers.json are missing or from an older run.
    html = render_html(view)
    advance("Rendered report.html")
    # the tables folder is replaced whole: no table of an older run is left beside new ones
    with atomic_dir(ensure_dir(out_dir) / TABLES_DIR) as staging:
        written = write_tables(view.tables, staging)
        written += write_references(inputs.records, staging)
    table_paths = tuple(out_dir / TABLES_DIR / p.name for p in written)
    answers_path = out_dir / ANSWERS_FILE
    write_text_atomic(answers_path, answers_json(inputs, stamp))
    html_path = write_text_atomic(out_dir / REPORT_FILE, html)
    advance("Wrote tables and answers.json")
    return ReportFiles(out_dir, html_path, table_paths, view, answers_path)


__all__ = [
    "ANSWERS_FILE",
    "REPORT_FILE",
    "TABLES_DIR",
    "ProgressCallback",
    "ReportFiles",
    "ReportInputs",
    "answers_json",
    "build_report",
]
