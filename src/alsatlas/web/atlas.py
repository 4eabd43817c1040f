"""What the web explorer serves: the evidence base and every answered question, loaded once.

An :class:`Atlas` is built once per application (:meth:`Atlas.load` in
:func:`alsatlas.web.app.create_app`) and shared by every request. It holds the
:class:`~alsatlas.evidence.EvidenceBase` and the :class:`~alsatlas.synthesis.Answer` of every
catalogue question as :func:`alsatlas.synthesis.answer_all` returns them; every number the
explorer shows or sends is a field of one of those objects, never recomputed here. The tables
of a question page are the HTML report's tables (:func:`alsatlas.presentation.views.report_tables`)
and its figures the report's figures (:func:`alsatlas.presentation.figures.answer_figures`), so the
explorer and the report cannot disagree either.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

from alsatlas.evidence import EvidenceBase, Record, load_evidence, normalise_disease
from alsatlas.evidence.vocabulary import disease_and_members
from alsatlas.presentation.figures import answer_figures
from alsatlas.presentation.tables import Table
from alsatlas.presentation.views import FigureView, Link, references, report_tables
from alsatlas.synthesis import Answer, answer_all

FigureMaker = Callable[[Answer], tuple[FigureView, ...]]
"""Draws a question's figures (default: the report's :func:`answer_figures`)."""


class UnknownDisease(LookupError):
    """A disease filter that is neither a vocabulary term nor a synonym of one."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"unknown disease {name!r}: not a term or synonym in the vocabulary")


@dataclass(frozen=True)
class RecordUsage:
    """How one question used a record: ``status`` ``used`` (with its ``role``) or ``excluded``."""

    question_id: str
    question_title: str
    status: Literal["used", "excluded"]
    role: str | None
    reason: str


@dataclass(frozen=True)
class RecordRow:
    """A record as the store's ``records`` table summarises it: a short label and the
    headline measure, estimate, 95% CI and direction where the record has them."""

    label: str
    measure: str | None
    estimate: float | None
    ci_lb: float | None
    ci_ub: float | None
    direction: str | None


@dataclass(frozen=True)
class EvidenceFilter:
    """Filters of the evidence browser; ``disease_term`` is ``disease`` resolved by the
    vocabulary (``"lupus"`` -> ``sle``)."""

    kind: str | None = None
    disease: str | None = None
    disease_term: str | None = None
    include_members: bool = False
    verified_only: bool = False
    level: str | None = None
    """Verification level: ``primary``, ``secondary`` or ``unverified``."""
    design: str | None = None
    """Design class of epidemiological records: ``cohort``, ``case_control`` or ``other``."""
    year_min: int | None = None
    year_max: int | None = None


@dataclass(frozen=True, eq=False)
class Atlas:
    """The evidence base and its answered questions, with the look-ups the explorer needs.

    Attributes
    ----------
    evidence
        The loaded evidence base.
    answers
        Every answered question, in catalogue order (as :func:`answer_all` returns them).
    figures_for
        Draws a question's figures; results are cached per question.
    """

    evidence: EvidenceBase
    answers: tuple[Answer, ...]
    figures_for: FigureMaker = answer_figures
    _figure_cache: dict[str, tuple[FigureView, ...]] = field(
        default_factory=dict, init=False, repr=False
    )
    _figure_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _question_locks: dict[str, threading.Lock] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def load(cls, evidence_path: Path | None = None) -> Atlas:
        """Load the evidence (``None``: the shipped base) and answer every question once."""
        evidence = load_evidence(evidence_path)
        return cls(evidence=evidence, answers=answer_all(evidence))

    def warm(self) -> Atlas:
        """Build every look-up now (question index, record usages, report tables, record rows
        and links), so that requests served in parallel threads only read. Figures stay lazy:
        each is drawn once, under a lock, the first time its page is asked for."""
        for name in ("by_question", "usages", "tables", "rows", "record_links"):
            getattr(self, name)
        return self

    @cached_property
    def by_question(self) -> Mapping[str, Answer]:
        """Question id -> answer."""
        return {a.question.id: a for a in self.answers}

    def answer(self, question_id: str) -> Answer | None:
        """The answer of ``question_id``, or ``None`` for an unknown id."""
        return self.by_question.get(question_id)

    def record(self, record_id: str) -> Record | None:
        """The record ``record_id``, or ``None`` for an unknown id."""
        return self.evidence.by_id.get(record_id)

    def records_of(self, answer: Answer) -> tuple[Record, ...]:
        """The evidence records an answer rests on (used and excluded), in its order."""
        by_id = self.evidence.by_id
        return tuple(by_id[i] for i in answer.record_ids if i in by_id)

    @cached_property
    def usages(self) -> Mapping[str, tuple[RecordUsage, ...]]:
        """Record id -> every question that used or excluded it, in catalogue order."""
        out: dict[str, list[RecordUsage]] = {}
        for a in self.answers:
            q = a.question
            for u in a.used:
                out.setdefault(u.record_id, []).append(
                    RecordUsage(q.id, q.title, "used", u.role, u.reason)
                )
            for e in a.excluded:
                out.setdefault(e.record_id, []).append(
                    RecordUsage(q.id, q.title, "excluded", None, e.reason)
                )
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def tables(self) -> Mapping[str, Table]:
        """The report's tables over every answer (name -> table with a ``question_id`` column)."""
        return report_tables(self.answers, self.evidence.records)

    @cached_property
    def rows(self) -> Mapping[str, RecordRow]:
        """Record id -> its row of the store's ``records`` table (label and headline numbers)."""
        frame = self.evidence.store.query(
            "SELECT id, label, measure, estimate, ci_lb, ci_ub, direction FROM records"
        )
        return {
            str(rid): RecordRow(str(label), measure, estimate, ci_lb, ci_ub, direction)
            for rid, label, measure, estimate, ci_lb, ci_ub, direction in frame.iter_rows()
        }

    @cached_property
    def record_links(self) -> Mapping[str, tuple[Link, ...]]:
        """Record id -> its PubMed / DOI / PMC / ClinicalTrials.gov / source-page links, as
        the report's reference list builds them."""
        return {r.id: references((r,))[0].links for r in self.evidence.records}

    def links(self, record_id: str) -> tuple[Link, ...]:
        """The links of a record (``()`` for an unknown id)."""
        return self.record_links.get(record_id, ())

    def study_links(self, record_id: str) -> tuple[Link, ...]:
        """The publication and registry links of a record (PubMed, DOI, PMC, NCT), without
        source pages: the compact form a table row shows."""
        return tuple(
            link for link in self.links(record_id) if not link.label.startswith("source page")
        )

    def figures(self, question_id: str) -> tuple[FigureView, ...]:
        """The figures of a question (drawn on first request, then cached)."""
        a = self.answer(question_id)
        if a is None:
            return ()
        cached = self._figure_cache.get(question_id)
        if cached is not None:
            return cached
        with self._figure_lock:  # held only to find the question's own lock
            lock = self._question_locks.setdefault(question_id, threading.Lock())
        with lock:  # one drawing per question; other questions draw at the same time
            cached = self._figure_cache.get(question_id)
            if cached is None:
                cached = self.figures_for(a)
                self._figure_cache[question_id] = cached
            return cached

    def select(self, flt: EvidenceFilter) -> tuple[Record, ...]:
        """Records matching a filter, ordered by kind and id.

        The disease filter resolves through the vocabulary (term or any synonym) and, with
        ``include_members``, a broad term also matches its member diseases
        (:meth:`EvidenceBase.for_disease`).
        """
        records: tuple[Record, ...] = self.evidence.records
        if flt.disease_term is not None:
            records = self.evidence.for_disease(
                flt.disease_term, include_members=flt.include_members
            )
        if flt.kind is not None:
            records = tuple(r for r in records if r.kind == flt.kind)
        if flt.verified_only:
            records = tuple(r for r in records if r.verified)
        if flt.level is not None:
            records = tuple(r for r in records if r.verification == flt.level)
        if flt.design is not None:
            records = tuple(r for r in records if getattr(r, "design_type", None) == flt.design)
        if flt.year_min is not None:
            records = tuple(r for r in records if (r.citation.year or 0) >= flt.year_min)
        if flt.year_max is not None:
            records = tuple(
                r
                for r in records
                if r.citation.year is not None and r.citation.year <= flt.year_max
            )
        return tuple(sorted(records, key=lambda r: (r.kind, r.id)))


def evidence_filter(
    *,
    kind: str | None = None,
    disease: str | None = None,
    include_members: bool = False,
    verified_only: bool = False,
    level: str | None = None,
    design: str | None = None,
    year_min: int | None = None,
    year_max: int | None = None,
) -> EvidenceFilter:
    """Build a filter, resolving ``disease`` through the vocabulary.

    Raises
    ------
    UnknownDisease
        When ``disease`` is given and is not a vocabulary term or synonym.
    """
    name = disease.strip() if disease else None
    term = None
    if name:
        term = normalise_disease(name)
        if term is None:
            raise UnknownDisease(name)
    return EvidenceFilter(
        kind=kind or None,
        disease=name or None,
        disease_term=term,
        include_members=include_members,
        verified_only=verified_only,
        level=level or None,
        design=design or None,
        year_min=year_min,
        year_max=year_max,
    )


def member_terms(flt: EvidenceFilter) -> tuple[str, ...]:
    """The vocabulary terms a filter's disease matches (with members when asked)."""
    if flt.disease_term is None:
        return ()
    if flt.include_members:
        return disease_and_members(flt.disease_term)
    return (flt.disease_term,)


__all__ = [
    "Atlas",
    "EvidenceFilter",
    "FigureMaker",
    "RecordRow",
    "RecordUsage",
    "UnknownDisease",
    "evidence_filter",
    "member_terms",
]
