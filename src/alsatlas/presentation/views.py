"""The report's view model: what the HTML template shows, built from synthesis answers.

:func:`build_view` turns the answered questions, the evidence records (for the reference list)
and the synthesis rules text into a :class:`ReportView`. It formats; it never pools, grades or
decides a verdict: those come, field by field, from :mod:`alsatlas.synthesis`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from markupsafe import Markup

from alsatlas.evidence.vocabulary import diseases
from alsatlas.presentation.answer_tables import (
    answers_table,
    biomarkers_table,
    criteria_table,
    drug_findings_table,
    grade_steps_table,
    mr_table,
    pooled_table,
    provenance_table,
    records_table,
    shared_genes_table,
    study_rows_table,
    trials_table,
    votes_table,
)
from alsatlas.presentation.patient_organisations import PATIENT_ORGANISATIONS, PatientOrganisation
from alsatlas.presentation.readability import reading_grade
from alsatlas.presentation.tables import (
    CLINICALTRIALS,
    DOI,
    PMC,
    PUBMED,
    Column,
    Row,
    Table,
    format_number,
)
from alsatlas.synthesis.answer import (
    VERDICTS,
    Answer,
    PooledEstimate,
    biomarkers_of,
    mr_of,
    pooled_of,
    pooled_terms_of,
    trials_of,
    votes_of,
)

HEADLINE_QUESTION = "als_autoimmune"

QUESTION_TABLES: tuple[str, ...] = (
    "pooled_estimates",
    "study_rows",
    "votes",
    "mr_results",
    "criteria",
    "drug_findings",
    "trials",
    "biomarkers",
    "shared_genes",
    "provenance",
    "records",
)
"""The report tables a question's section shows after its grading steps, in this order."""
"""The question the report opens with."""


class CitationLike(Protocol):
    """The citation fields the reference list reads (see ``alsatlas.evidence.schema``)."""

    @property
    def pmid(self) -> str | None: ...
    @property
    def doi(self) -> str | None: ...
    @property
    def pmcid(self) -> str | None: ...
    @property
    def nct_id(self) -> str | None: ...
    @property
    def title(self) -> str | None: ...
    @property
    def first_author(self) -> str | None: ...
    @property
    def year(self) -> int | None: ...
    @property
    def journal(self) -> str | None: ...


class CitedRecord(Protocol):
    """An evidence record as the reference list needs it."""

    @property
    def id(self) -> str: ...
    @property
    def study_id(self) -> str: ...
    @property
    def citation(self) -> CitationLike: ...
    @property
    def read_from(self) -> str: ...
    @property
    def verification(self) -> str: ...


@dataclass(frozen=True)
class FigureView:
    """One inline figure: markup, accessible title and a caption."""

    id: str
    title: str
    caption: str
    svg: Markup


@dataclass(frozen=True)
class QuestionTables:
    """A question's slices of the report tables, in the order they are shown."""

    grade_steps: Table
    ordered: tuple[Table, ...]


@dataclass(frozen=True)
class QuestionView:
    """One question's section."""

    id: str
    question: str
    plain_question: str
    category: str
    claim: str
    verdict: str
    verdict_reason: str
    certainty: str
    certainty_start: str
    certainty_start_reason: str
    summary: tuple[str, ...]
    plain_summary: str
    pooled_text: str
    heterogeneity_text: str
    evidence_text: str
    figures: tuple[FigureView, ...]
    tables: QuestionTables
    notes: tuple[str, ...]
    pooled_terms: tuple[PooledEstimate, ...] = ()
    """Each pooled analysis of the question, with its study rows."""


@dataclass(frozen=True)
class TextBlock:
    """A heading with paragraphs, a bullet list and question/answer pairs (any may be empty)."""

    heading: str
    paragraphs: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    qa: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PlainLanguage:
    """The section for patients and families, with its Flesch-Kincaid grade."""

    blocks: tuple[TextBlock, ...]
    organisations: tuple[PatientOrganisation, ...]
    grade: float

    def text(self) -> str:
        """All prose of the section (headings, paragraphs, items), as a reader sees it."""
        parts: list[str] = []
        for block in self.blocks:
            parts.append(block.heading + ".")
            parts.extend(block.paragraphs)
            parts.extend(block.items)
            for question, answer in block.qa:
                parts.extend((question, answer))
        return " ".join(parts)


@dataclass(frozen=True)
class Link:
    """A labelled hyperlink."""

    label: str
    href: str


@dataclass(frozen=True)
class ReferenceView:
    """One publication or registration and the records read from it."""

    study_id: str
    text: str
    links: tuple[Link, ...]
    record_ids: tuple[str, ...]


@dataclass(frozen=True)
class Headline:
    """The question the report opens with, and its answer."""

    question: str
    verdict: str
    certainty: str
    summary: str
    plain_summary: str


@dataclass(frozen=True)
class ReportView:
    """Everything the template shows."""

    title: str
    package_version: str
    generated_at: str
    evidence_version: str
    evidence_date: str
    evidence_hash: str
    record_count: int
    headline: Headline | None
    short_answer: tuple[str, ...]
    verdict_vocabulary: tuple[str, ...]
    questions: tuple[QuestionView, ...]
    plain: PlainLanguage
    methods: tuple[TextBlock, ...]
    references: tuple[ReferenceView, ...]
    tables: tuple[Table, ...]


def term_label(term: str) -> str:
    """The vocabulary's preferred name of a disease term (the term itself when unknown)."""
    disease = diseases().get(term)
    return disease.label if disease is not None else term


def pooled_text(p: PooledEstimate | None) -> str:
    """``HR 1.42 (95% CI 1.03–1.94; k = 3)``, or ``""`` without an estimate."""
    if p is None:
        return ""
    est = format_number(p.estimate)
    lb = format_number(p.ci_lb)
    ub = format_number(p.ci_ub)
    scope = f"k = {p.k}" if p.k >= 2 else "single estimate"
    return f"{p.measure} {est} (95% CI {lb}\u2013{ub}; {scope}; {term_label(p.term)})"


def heterogeneity_text(p: PooledEstimate | None) -> str:
    """``I² 42.0%, τ² 0.0123, 95% PI 0.81–2.10`` for a fitted model, else ``""``."""
    if p is None or p.k < 2:
        return ""
    parts: list[str] = []
    if p.I2 is not None:
        parts.append(f"I\u00b2 {format_number(p.I2, 1)}%")
    if p.tau2 is not None:
        parts.append(f"\u03c4\u00b2 {format_number(p.tau2, 4)}")
    if p.pi_lb is not None and p.pi_ub is not None:
        parts.append(f"95% PI {format_number(p.pi_lb)}\u2013{format_number(p.pi_ub)}")
    if p.method:
        parts.append(f"{p.method}{' + ' + p.test if p.test else ''}")
    return ", ".join(parts)


def _count(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def evidence_text(a: Answer) -> str:
    """How much evidence a verdict rests on: records used, votes, trials, MR results."""
    parts = [_count(len(a.used), "record")]
    if votes_of(a).total:
        parts.append(_count(votes_of(a).total, "vote"))
    mr = mr_of(a)
    if mr is not None and mr.findings:
        parts.append(_count(len(mr.findings), "MR result"))
    if trials_of(a):
        parts.append(_count(len(trials_of(a)), "trial"))
    if biomarkers_of(a):
        parts.append(_count(len(biomarkers_of(a)), "biomarker record"))
    return " · ".join(parts)


def paragraphs(text: str) -> tuple[str, ...]:
    """Split text on blank lines into paragraphs with single spaces."""
    return tuple(" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip())


def text_blocks(text: str) -> tuple[TextBlock, ...]:
    """Blocks from light markdown: ``#`` headings, ``-``/``*`` bullets, blank-line paragraphs."""
    blocks: list[TextBlock] = []
    heading = ""
    paras: list[str] = []
    items: list[str] = []
    current: list[str] = []

    def flush_paragraph() -> None:
        if current:
            paras.append(" ".join(" ".join(current).split()))
            current.clear()

    def flush_block() -> None:
        flush_paragraph()
        if heading or paras or items:
            blocks.append(TextBlock(heading, tuple(paras), tuple(items)))

    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#"):
            flush_block()
            heading, paras, items = line.lstrip("#").strip(), [], []
        elif line.startswith(("- ", "* ")):
            flush_paragraph()
            items.append(line[2:].strip())
        elif not line:
            flush_paragraph()
        elif items and raw.startswith((" ", "\t")) and not current:
            items[-1] = f"{items[-1]} {line}"
        else:
            current.append(line)
    flush_block()
    return tuple(blocks)


_LEAD = re.compile(r"^([A-Z][A-Za-z ,/&()-]{0,40})\.\s+(\S.*)$", re.DOTALL)


def methods_blocks(text: str) -> tuple[TextBlock, ...]:
    """The methods section: :func:`text_blocks`, where a paragraph that opens with a short
    topic sentence (``Pooling. Ratio measures …``, as ``methods_text()`` writes it) becomes a
    block headed by that topic."""
    blocks: list[TextBlock] = []
    for block in text_blocks(text):
        heading, paras = block.heading, []
        for para in block.paragraphs:
            lead = _LEAD.match(para)
            if lead is None:
                paras.append(para)
                continue
            if heading or paras:
                blocks.append(TextBlock(heading, tuple(paras)))
            heading, paras = lead.group(1), [lead.group(2)]
        blocks.append(TextBlock(heading, tuple(paras), block.items))
    return tuple(blocks)


def _reference_text(study_id: str, c: CitationLike) -> str:
    parts: list[str] = [f"{c.first_author} et al." if c.first_author else study_id]
    if c.year and (c.first_author or str(c.year) not in study_id):
        parts.append(f"({c.year}).")
    elif not parts[0].endswith("."):
        parts[0] += "."
    if c.title:
        parts.append(c.title.rstrip(".") + ".")
    if c.journal:
        parts.append(c.journal.rstrip(".") + ".")
    return " ".join(parts)


def references(records: Iterable[CitedRecord]) -> tuple[ReferenceView, ...]:
    """One entry per study id with PubMed / DOI / PMC / ClinicalTrials.gov / source links."""
    by_study: dict[str, list[CitedRecord]] = defaultdict(list)
    for r in records:
        by_study[r.study_id].append(r)
    views: list[tuple[tuple[str, int, str], ReferenceView]] = []
    for study_id, recs in by_study.items():
        c = recs[0].citation
        links: list[Link] = []
        if c.pmid:
            links.append(Link(f"PMID {c.pmid}", PUBMED.format(c.pmid)))
        if c.doi:
            links.append(Link(f"doi:{c.doi}", DOI.format(c.doi)))
        if c.pmcid:
            links.append(Link(c.pmcid, PMC.format(c.pmcid)))
        ncts = {c.nct_id} if c.nct_id else set()
        for r in recs:
            nct = getattr(r, "nct_id", None)
            if isinstance(nct, str) and nct.upper().startswith("NCT"):
                ncts.add(nct)
        links.extend(Link(n, CLINICALTRIALS.format(n)) for n in sorted(ncts))
        sources = sorted({r.read_from for r in recs if r.read_from})
        links.extend(
            Link("source page" if len(sources) == 1 else f"source page {i}", url)
            for i, url in enumerate(sources, start=1)
        )
        key = ((c.first_author or study_id).lower(), c.year or 0, study_id)
        view = ReferenceView(
            study_id, _reference_text(study_id, c), tuple(links), tuple(sorted(r.id for r in recs))
        )
        views.append((key, view))
    return tuple(v for _, v in sorted(views, key=lambda kv: kv[0]))


PLAIN_INTRO = TextBlock(
    "What this page is about",
    (
        "ALS is a disease of the nerve cells that move our muscles. "
        "Some people call it MND or Lou Gehrig's disease.",
        "You may have read that ALS is an autoimmune disease. "
        "In an autoimmune disease, the body's defence system attacks the body by mistake. "
        "You may also have read that other immune diseases raise the risk of ALS, "
        "or that drugs that calm the immune system can slow it down.",
        "We checked each of these claims against the studies that have been published. "
        "For each one we say what the studies found and how sure we can be.",
    ),
)

PLAIN_LIMITS = (
    "Most of the studies watched groups of people over time. "
    "Studies like that can show a link, but they cannot show that one thing causes another.",
    "Some studies looked at the same people, so we counted them only once. "
    "Some links showed up only in the year before ALS was found. "
    "That may mean the first signs of ALS were taken for another illness.",
)

PLAIN_MEANING = TextBlock(
    "What this means for you",
    (
        "A link in a large group does not tell us what will happen to one person. "
        "Most people with an immune disease never get ALS.",
        "Do not stop or start a medicine because of this page. Talk to your doctor or ALS care "
        "team first. They can also tell you if a clinical trial is right for you.",
        "New studies come out each year, so these answers can change.",
    ),
)


REPORT_METHODS = TextBlock(
    "This report",
    (
        "Every verdict, grade, estimate and weight shown here is a field of the synthesis result "
        "for that question; the report formats them and computes nothing of its own. Forest "
        "plots are drawn by alsatlas.figures from the estimates that entered each pooled "
        "analysis; the pooled diamond and prediction interval come from the same random-effects "
        "model refitted for drawing, which must reproduce the synthesis estimate, CI and weights "
        "to a relative 1e-6 or the report is not built. Mendelian randomization figures show "
        "published estimates as reported; nothing is pooled across them.",
        "The reading level of the plain-language section is the Flesch-Kincaid grade (Kincaid et "
        "al. 1975) computed with textstat, syllables counted with the pyphen en_US hyphenation "
        "dictionary; the build is tested to keep it at grade 8 or below.",
    ),
)


def plain_language(answers: tuple[Answer, ...]) -> PlainLanguage:
    """The section for patients and families, from each answer's plain-language summary."""
    known: list[tuple[str, str]] = []
    unknown: list[tuple[str, str]] = []
    for a in answers:
        if not a.plain_summary:
            continue
        pair = (a.question.plain, a.plain_summary)
        (unknown if a.verdict == "insufficient evidence" else known).append(pair)
    blocks = [PLAIN_INTRO]
    blocks.append(
        TextBlock(
            "What we know",
            ("Here is what the studies show so far.",) if known else (),
            qa=tuple(known),
        )
    )
    blocks.append(
        TextBlock(
            "What we do not know yet",
            (*PLAIN_LIMITS, "For these questions there are not yet enough good studies.")
            if unknown
            else PLAIN_LIMITS,
            qa=tuple(unknown),
        )
    )
    blocks.append(PLAIN_MEANING)
    draft = PlainLanguage(tuple(blocks), PATIENT_ORGANISATIONS, 0.0)
    return PlainLanguage(draft.blocks, draft.organisations, reading_grade(draft.text()))


def short_answer(answers: tuple[Answer, ...]) -> tuple[Headline | None, tuple[str, ...]]:
    """The opening answer (``als_autoimmune``) and a count of verdicts across questions."""
    head = next((a for a in answers if a.question.id == HEADLINE_QUESTION), None)
    headline = (
        Headline(
            head.question.plain,
            head.verdict,
            head.certainty.level,
            head.technical_summary or head.verdict_reason,
            head.plain_summary,
        )
        if head is not None
        else None
    )
    counts = Counter(a.verdict for a in answers)
    tally = ", ".join(f"{counts[v]} {v}" for v in VERDICTS if counts[v])
    text = (
        f"alsatlas answers {len(answers)} questions from the evidence base: {tally}. "
        "The table gives the verdict and certainty of each; each question's section below "
        "shows the estimates, the grading steps and the records behind them."
    )
    return headline, (text,)


def _single_disease(table: Table) -> Table:
    """Drop the disease column of a question's table when every row names the same disease
    (the question's section already says which)."""
    if len({row.get("disease") for row in table.rows}) == 1:
        return table.where(lambda _: True, drop=("disease",))
    return table


def question_view(
    a: Answer,
    tables: Mapping[str, Table],
    figures: tuple[FigureView, ...],
) -> QuestionView:
    """The view of one answered question that every face renders (the report's section and
    the web explorer's question page)."""
    qid = a.question.id
    summary = paragraphs(a.technical_summary) or (a.verdict_reason,)
    notes = tuple(p.note for p in pooled_terms_of(a) if p.note)
    return QuestionView(
        id=qid,
        question=a.question.title,
        plain_question=a.question.plain,
        category=a.question.category,
        claim=a.question.claim,
        verdict=a.verdict,
        verdict_reason=a.verdict_reason,
        certainty=a.certainty.level,
        certainty_start=a.certainty.start,
        certainty_start_reason=a.certainty.start_reason,
        summary=summary,
        plain_summary=a.plain_summary,
        pooled_text=pooled_text(pooled_of(a)),
        heterogeneity_text=heterogeneity_text(pooled_of(a)),
        evidence_text=evidence_text(a),
        figures=figures,
        tables=QuestionTables(
            grade_steps=tables["grade_steps"].for_question(qid),
            ordered=tuple(
                _single_disease(tables[name].for_question(qid)) for name in QUESTION_TABLES
            ),
        ),
        notes=notes,
        pooled_terms=tuple(pooled_terms_of(a)),
    )


def reference_table(refs: tuple[ReferenceView, ...], records: Iterable[CitedRecord]) -> Table:
    """The reference list as a table (identifiers as plain values)."""
    citation = {r.study_id: r.citation for r in records}
    rows: list[Row] = []
    for ref in refs:
        c = citation[ref.study_id]
        rows.append(
            {
                "study_id": ref.study_id,
                "first_author": c.first_author,
                "year": c.year,
                "title": c.title,
                "journal": c.journal,
                "pmid": c.pmid,
                "doi": c.doi,
                "pmcid": c.pmcid,
                "nct_id": c.nct_id,
                "records": "; ".join(ref.record_ids),
            }
        )
    return Table(
        "references",
        "References: every publication or registration in the evidence base",
        (
            Column("study_id", "Study"),
            Column("first_author", "First author"),
            Column("year", "Year"),
            Column("title", "Title"),
            Column("journal", "Journal"),
            Column("pmid", "PMID", "pmid"),
            Column("doi", "DOI", "doi"),
            Column("pmcid", "PMCID", "pmcid"),
            Column("nct_id", "NCT", "nct"),
            Column("records", "Records"),
        ),
        tuple(rows),
    )


def report_tables(
    answers: tuple[Answer, ...], records: tuple[CitedRecord, ...]
) -> dict[str, Table]:
    """Every table of the report, by name (the reference table comes from the records)."""
    study_of = {r.id: r.study_id for r in records}
    level_of = {r.id: r.verification for r in records}
    built = (
        answers_table(answers),
        grade_steps_table(answers),
        pooled_table(answers),
        study_rows_table(answers, study_of),
        votes_table(answers, study_of),
        mr_table(answers, study_of),
        criteria_table(answers),
        drug_findings_table(answers),
        trials_table(answers, study_of),
        biomarkers_table(answers, study_of),
        shared_genes_table(answers),
        records_table(answers, study_of, level_of),
        provenance_table(answers, level_of),
    )
    return {t.name: t for t in built}


@dataclass(frozen=True)
class EvidenceStamp:
    """Version and date of the evidence base the report was built from."""

    version: str
    date: str
    content_hash: str = ""


def build_view(
    answers: tuple[Answer, ...],
    records: tuple[CitedRecord, ...],
    *,
    methods_text: str,
    evidence: EvidenceStamp,
    package_version: str,
    generated_at: str,
    figures_for: Callable[[Answer], tuple[FigureView, ...]],
    on_question: Callable[[str], None] | None = None,
) -> ReportView:
    """Assemble the view model of the whole report.

    ``figures_for`` draws a question's figures; ``on_question`` is called with each question id
    once its section is ready (for a progress bar).
    """
    tables = report_tables(answers, records)
    refs = references(records)
    tables["references"] = reference_table(refs, records)
    questions: list[QuestionView] = []
    for a in answers:
        questions.append(question_view(a, tables, figures_for(a)))
        if on_question is not None:
            on_question(a.question.id)
    headline, short = short_answer(answers)
    return ReportView(
        title="Is ALS an autoimmune disease? What the evidence says",
        package_version=package_version,
        generated_at=generated_at,
        evidence_version=evidence.version,
        evidence_date=evidence.date,
        evidence_hash=evidence.content_hash,
        record_count=len(records),
        headline=headline,
        short_answer=short,
        verdict_vocabulary=VERDICTS,
        questions=tuple(questions),
        plain=plain_language(answers),
        methods=(*methods_blocks(methods_text), REPORT_METHODS),
        references=refs,
        tables=tuple(tables.values()),
    )


__all__ = [
    "HEADLINE_QUESTION",
    "QUESTION_TABLES",
    "CitationLike",
    "CitedRecord",
    "EvidenceStamp",
    "FigureView",
    "Headline",
    "Link",
    "PlainLanguage",
    "QuestionTables",
    "QuestionView",
    "ReferenceView",
    "ReportView",
    "TextBlock",
    "build_view",
    "evidence_text",
    "heterogeneity_text",
    "methods_blocks",
    "paragraphs",
    "plain_language",
    "pooled_text",
    "question_view",
    "references",
    "report_tables",
    "short_answer",
    "term_label",
    "text_blocks",
]
