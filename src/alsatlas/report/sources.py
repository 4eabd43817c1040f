"""Inputs of the shipped report: the evidence base, every answer, and the synthesis rules."""

from __future__ import annotations

from alsatlas.errors import EvidenceError
from alsatlas.evidence import load_evidence, shipped_evidence_dir
from alsatlas.evidence.version import read_changelog
from alsatlas.presentation.views import EvidenceStamp
from alsatlas.report.build import ProgressCallback, ReportInputs
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


def shipped_inputs(on_progress: ProgressCallback | None = None) -> ReportInputs:
    """Load the shipped evidence base and answer every question of the catalogue;
    ``on_progress(what, done, total)`` is called after each of the two steps."""
    evidence = load_evidence()
    if on_progress is not None:
        on_progress("Evidence loaded", 1, 2)
    answers = answer_all(evidence)
    if on_progress is not None:
        on_progress("Questions answered", 2, 2)
    return ReportInputs(
        answers=answers,
        records=tuple(evidence.records),
        methods_text=methods_text(),
        evidence=evidence_stamp(evidence.version, evidence.content_hash),
    )


__all__ = ["EVIDENCE_DATE_UNKNOWN", "evidence_stamp", "shipped_inputs"]
