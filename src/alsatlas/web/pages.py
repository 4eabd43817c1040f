"""The HTML pages of the explorer (server-rendered, no JavaScript).

===================================  ==========================================================
page                                 shows
===================================  ==========================================================
``GET /``                            the short answer and the verdict table of every question
``GET /questions/{question_id}``     verdict, certainty and its grading steps, summaries,
                                     figures (inline SVG), the studies and every record used
                                     or excluded, and the references with their links
``GET /evidence``                    the evidence browser: a filter form (kind, disease,
                                     members, verified only) and the matching records
``GET /evidence/{record_id}``        every field of one record, its links, and the questions
                                     that used or excluded it
===================================  ==========================================================

Pages only arrange what the :class:`~alsatlas.web.atlas.Atlas` holds; the texts that the
report also shows (``pooled_text``, ``heterogeneity_text``, ``short_answer``, the tables) come
from :mod:`alsatlas.presentation.views`, so both faces word a result the same way.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from alsatlas import __version__
from alsatlas.evidence import Record, diseases
from alsatlas.presentation.views import (
    HEADLINE_QUESTION,
    pooled_text,
    question_view,
    references,
    short_answer,
)
from alsatlas.synthesis import VERDICTS
from alsatlas.synthesis.answer import pooled_of
from alsatlas.synthesis.summaries import verdict_sentence
from alsatlas.web.atlas import Atlas, EvidenceFilter, UnknownDisease, evidence_filter
from alsatlas.web.errors import NotFound
from alsatlas.web.state import get_atlas
from alsatlas.web.templating import KIND_LABELS, templates

router = APIRouter(include_in_schema=False)
LEVELS: tuple[str, ...] = ("primary", "secondary", "unverified")
DESIGNS: dict[str, str] = {"cohort": "cohort", "case_control": "case-control", "other": "other"}
AtlasDep = Annotated[Atlas, Depends(get_atlas)]

_HIDDEN_FIELDS = frozenset({"id", "kind", "citation", "study_id", "read_from", "extra_sources"})


def _render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("package_version", __version__)
    return templates().TemplateResponse(request, name, context, status_code=status_code)


def _value_text(value: Any) -> str:
    """Text of one record field: lists joined, nested models as ``key: value`` pairs."""
    if isinstance(value, dict):
        parts = [
            _value_text(v) if k == "description" else f"{field_label(k)}: {_value_text(v)}"
            for k, v in value.items()
            if _present(v)
        ]
        return "; ".join(parts)
    if isinstance(value, list | tuple):
        return ", ".join(_value_text(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _present(value: Any) -> bool:
    if value is None or value == "" or value == [] or value == ():
        return False
    if isinstance(value, dict):
        return any(_present(v) for v in value.values())
    return True


FIELD_LABELS: dict[str, str] = {
    "ci_lb": "95% CI lower",
    "ci_ub": "95% CI upper",
    "se": "SE",
    "p_value": "p-value",
    "n_snps": "SNPs",
    "nct_id": "NCT id",
    "exposure_gwas": "Exposure GWAS",
    "outcome_gwas": "Outcome GWAS",
    "n_cases_exposed": "Exposed ALS cases",
    "n_participants": "Participants",
    "cohort_n": "ALS patients (n)",
    "i2_percent": "I² (%)",
    "lag_years_min": "minimum lag (years)",
    "lag_years_max": "maximum lag (years)",
    "excludes_year_before_als": "excludes the year before ALS",
}
"""Labels of record fields whose names do not read well with underscores as spaces."""


def field_label(name: str) -> str:
    """``ci_lb`` -> ``95% CI lower``; otherwise ``exposure_as_named`` -> ``Exposure as named``."""
    label = FIELD_LABELS.get(name, name.replace("_", " "))
    return label[:1].upper() + label[1:]


def record_fields(record: Record) -> list[tuple[str, str]]:
    """(field label, text) of every filled-in field of a record, in schema order."""
    dumped = record.model_dump(mode="json")
    return [
        (field_label(key), _value_text(value))
        for key, value in dumped.items()
        if key not in _HIDDEN_FIELDS and _present(value)
    ]


def record_title(record: Record, label: str | None) -> str:
    """``Cao W 2024 · any_immune_mediated``: the study and the store's short label."""
    study = record.citation.label if record.citation.label != "?" else record.study_id
    return f"{study} \u00b7 {label}" if label else study


@router.get("/", response_class=HTMLResponse, name="index")
def index(request: Request, atlas: AtlasDep) -> HTMLResponse:
    """The short answer and the verdict table."""
    headline, _ = short_answer(atlas.answers)
    counts = Counter(a.verdict for a in atlas.answers)
    return _render(
        request,
        "index.html",
        headline=headline,
        headline_id=HEADLINE_QUESTION if headline is not None else None,
        answers=atlas.answers,
        pooled_text=pooled_text,
        pooled_of=pooled_of,
        verdict_counts=[(v, counts[v]) for v in VERDICTS if counts[v]],
        verdict_sentences=[(v, verdict_sentence(v)) for v in VERDICTS],
        evidence_version=atlas.evidence.version,
        record_count=len(atlas.evidence),
    )


@router.get("/questions/{question_id}", response_class=HTMLResponse, name="question_page")
def question_page(question_id: str, request: Request, atlas: AtlasDep) -> HTMLResponse:
    """One answered question."""
    a = atlas.answer(question_id)
    if a is None:
        raise NotFound("question", question_id)
    ids = [x.question.id for x in atlas.answers]
    i = ids.index(question_id)
    return _render(
        request,
        "question.html",
        q=question_view(a, atlas.tables, atlas.figures(question_id)),
        refs=references(atlas.records_of(a)),
        links_of=atlas.study_links,
        previous=atlas.answers[i - 1] if i > 0 else None,
        next=atlas.answers[i + 1] if i + 1 < len(ids) else None,
    )


@router.get("/evidence", response_class=HTMLResponse, name="evidence_page")
def evidence_page(
    request: Request,
    atlas: AtlasDep,
    kind: Annotated[str | None, Query()] = None,
    disease: Annotated[str | None, Query()] = None,
    include_members: Annotated[bool, Query()] = False,
    verified_only: Annotated[bool, Query()] = False,
    level: Annotated[str | None, Query()] = None,
    design: Annotated[str | None, Query()] = None,
    year_min: Annotated[str | None, Query()] = None,
    year_max: Annotated[str | None, Query()] = None,
) -> HTMLResponse:
    """The evidence browser; a bad filter shows the form with the problem (status 422)."""
    errors: list[str] = []
    if kind and kind not in KIND_LABELS:
        errors.append(f"unknown kind {kind!r}; choose one of the listed kinds")
        kind = None
    if level and level not in LEVELS:
        errors.append(f"unknown verification level {level!r}")
        level = None
    if design and design not in DESIGNS:
        errors.append(f"unknown design {design!r}")
        design = None
    years: list[int | None] = []
    for name, value in (("from year", year_min), ("to year", year_max)):
        if value and not (value.isdigit() and 1900 <= int(value) <= 2100):
            errors.append(f"{name} must be a year such as 2015, got {value!r}")
            value = None
        years.append(int(value) if value else None)
    try:
        flt = evidence_filter(
            kind=kind,
            disease=disease,
            include_members=include_members,
            verified_only=verified_only,
            level=level,
            design=design,
            year_min=years[0],
            year_max=years[1],
        )
    except UnknownDisease as exc:
        errors.append(str(exc))
        flt = EvidenceFilter(
            kind=kind or None,
            disease=disease,
            include_members=include_members,
            verified_only=verified_only,
        )
    records = () if errors else atlas.select(flt)
    return _render(
        request,
        "evidence.html",
        status_code=422 if errors else 200,
        flt=flt,
        errors=errors,
        records=records,
        rows=atlas.rows,
        links_of=atlas.links,
        kinds=KIND_LABELS,
        levels=LEVELS,
        designs=DESIGNS,
        kind_counts=atlas.evidence.counts(),
        disease_options=sorted(diseases().values(), key=lambda d: d.label.lower()),
        total=len(atlas.evidence),
    )


@router.get("/evidence/{record_id}", response_class=HTMLResponse, name="record_page")
def record_page(record_id: str, request: Request, atlas: AtlasDep) -> HTMLResponse:
    """One evidence record."""
    rec = atlas.record(record_id)
    if rec is None:
        raise NotFound("record", record_id)
    row = atlas.rows.get(record_id)
    return _render(
        request,
        "record.html",
        rec=rec,
        row=row,
        title=record_title(rec, row.label if row is not None else None),
        fields=record_fields(rec),
        reference=references((rec,))[0].text,
        links=atlas.links(record_id),
        usages=atlas.usages.get(record_id, ()),
        file=atlas.evidence.files.get(record_id),
    )


__all__ = [
    "FIELD_LABELS",
    "field_label",
    "record_fields",
    "record_title",
    "router",
]
