"""Inputs of the shipped report: the evidence base, every answer, and the synthesis rules."""

from __future__ import annotations

from rich.progress import Progress

from alsatlas.errors import EvidenceError
from alsatlas.evidence import load_evidence, shipped_evidence_dir
from alsatlas.evidence.version import read_changelog
from alsatlas.report.build import ReportInputs
from alsatlas.report.context import EvidenceStamp
from alsatlas.synthesis import answer_all, methods_text

EVIDENCE_DATE_UNKNOWN = "date not recorded"


def evidence_stamp(version: str, content_hash: str = "") -> EvidenceStamp:
    """Version, date and content hash of the evidence base.

    The date is that of the shipped ``CHANGELOG.md`` entry for ``version``; a version the
    changelog does not list (a custom or edited folder) gets :data:`EVIDENCE_DATE_UNKNOWN`.
    """
    try:
        entries = read_changelog(shipped_evidence_dir() / "CHANGELOG.md")
    except EvidenceError:
        entries = ()
    date = next((e.date for e in entries if e.version == version), EVIDENCE_DATE_UNKNOWN)
    return EvidenceStamp(version, date, content_hash)


def shipped_inputs(progress: Progress | None = None) -> ReportInputs:
    """Load the shipped evidence base and answer every question of the catalogue."""
    task = progress.add_task("Loading evidence", total=2) if progress is not None else None
    evidence = load_evidence()
    if progress is not None and task is not None:
        progress.update(task, advance=1, description="Answering questions")
    answers = answer_all(evidence)
    if progress is not None and task is not None:
        progress.update(task, advance=1, description="Evidence loaded, questions answered")
    return ReportInputs(
        answers=answers,
        records=tuple(evidence.records),
        methods_text=methods_text(),
        evidence=evidence_stamp(evidence.version, evidence.content_hash),
    )


__all__ = ["EVIDENCE_DATE_UNKNOWN", "evidence_stamp", "shipped_inputs"]
