"""Inputs of the shipped report: the evidence base, every answer, and the synthesis rules."""

from __future__ import annotations

import re

from rich.progress import Progress

from alsatlas.evidence import EVIDENCE_VERSION, load_evidence, shipped_evidence_dir
from alsatlas.report.build import ReportInputs
from alsatlas.report.context import EvidenceStamp
from alsatlas.synthesis import answer_all, methods_text

EVIDENCE_DATE_UNKNOWN = "date not recorded"


_GENERATED = re.compile(r"generated\s+(\d{4}-\d{2}-\d{2})")


def evidence_stamp(version: str) -> EvidenceStamp:
    """Version and date of the shipped evidence base.

    The date is ``alsatlas.evidence.EVIDENCE_DATE`` where the evidence package defines one;
    otherwise the ``generated YYYY-MM-DD`` date that the shipped evidence folder's README
    states next to the version; otherwise :data:`EVIDENCE_DATE_UNKNOWN`.
    """
    import alsatlas.evidence as evidence

    date = getattr(evidence, "EVIDENCE_DATE", None)
    if date:
        return EvidenceStamp(version, str(date))
    readme = shipped_evidence_dir() / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    found = _GENERATED.search(text) if version in text else None
    return EvidenceStamp(version, found.group(1) if found else EVIDENCE_DATE_UNKNOWN)


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
        evidence=evidence_stamp(getattr(evidence, "version", EVIDENCE_VERSION)),
    )


__all__ = ["EVIDENCE_DATE_UNKNOWN", "evidence_stamp", "shipped_inputs"]
