"""The JSON API (``/api/...``): questions with their answers, evidence records, health.

=====================================  =====================================================
route                                  returns
=====================================  =====================================================
``GET /api/health``                    :class:`Health`
``GET /api/questions``                 :class:`QuestionList` (id, title, verdict, certainty)
``GET /api/questions/{question_id}``   :class:`QuestionDetail` (the full answer + records)
``GET /api/evidence``                  :class:`EvidenceList`; filters ``kind``, ``disease``,
                                       ``include_members``, ``verified_only``
``GET /api/evidence/{record_id}``      :class:`EvidenceDetail` (record, file, questions)
=====================================  =====================================================

An unknown id answers 404 and a disease outside the vocabulary 422, both with an
:class:`ErrorBody`; a ``kind`` outside the record kinds or a non-boolean flag gets FastAPI's
422 validation body.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from alsatlas import __version__
from alsatlas.synthesis import Answer
from alsatlas.synthesis.answer import pooled_of
from alsatlas.web.atlas import Atlas, member_terms
from alsatlas.web.errors import NotFound
from alsatlas.web.filters import FilterDep
from alsatlas.web.responses import (
    ErrorBody,
    EvidenceDetail,
    EvidenceFilters,
    EvidenceList,
    HeadlineEstimate,
    Health,
    QuestionDetail,
    QuestionList,
    QuestionSummary,
    RecordUsageOut,
)
from alsatlas.web.state import get_atlas

router = APIRouter(prefix="/api", tags=["api"])

AtlasDep = Annotated[Atlas, Depends(get_atlas)]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "Unknown id"}
}
_BAD_PARAM: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorBody, "description": "Unknown disease name"}
}


def question_summary(a: Answer) -> QuestionSummary:
    """The list row of one answer (fields copied from the answer)."""
    p = pooled_of(a)
    estimate = (
        HeadlineEstimate(
            term=p.term,
            measure=p.measure,
            k=p.k,
            estimate=p.estimate,
            ci_lb=p.ci_lb,
            ci_ub=p.ci_ub,
        )
        if p is not None
        else None
    )
    q = a.question
    return QuestionSummary(
        id=q.id,
        title=q.title,
        plain=q.plain,
        category=q.category,
        claim=q.claim,
        verdict=a.verdict,
        certainty=a.certainty.level,
        estimate=estimate,
    )


@router.get("/health", response_model=Health)
def health(atlas: AtlasDep) -> Health:
    """Liveness, package and evidence versions, and how much is loaded."""
    return Health(
        package_version=__version__,
        evidence_version=atlas.evidence.version,
        evidence_content_hash=atlas.evidence.content_hash,
        records=len(atlas.evidence),
        questions=len(atlas.answers),
    )


@router.get("/questions", response_model=QuestionList)
def list_questions(atlas: AtlasDep) -> QuestionList:
    """Every question with its verdict and certainty, in catalogue order."""
    rows = [question_summary(a) for a in atlas.answers]
    return QuestionList(count=len(rows), questions=rows)


@router.get("/questions/{question_id}", response_model=QuestionDetail, responses=_NOT_FOUND)
def get_question(question_id: str, atlas: AtlasDep) -> QuestionDetail:
    """The full answer of one question (pooled estimates, grade steps, records used and
    excluded) and the evidence records it rests on."""
    a = atlas.answer(question_id)
    if a is None:
        raise NotFound("question", question_id)
    return QuestionDetail(id=question_id, answer=a, records=list(atlas.records_of(a)))


@router.get("/evidence", response_model=EvidenceList, responses=_BAD_PARAM)
def list_evidence(atlas: AtlasDep, flt: FilterDep) -> EvidenceList:
    """Evidence records matching the filters, ordered by kind and id."""
    records = atlas.select(flt)
    return EvidenceList(
        count=len(records),
        filters=EvidenceFilters(
            kind=flt.kind,
            disease=flt.disease,
            disease_term=flt.disease_term,
            disease_terms=list(member_terms(flt)),
            include_members=flt.include_members,
            verified_only=flt.verified_only,
        ),
        records=list(records),
    )


@router.get("/evidence/{record_id}", response_model=EvidenceDetail, responses=_NOT_FOUND)
def get_evidence(record_id: str, atlas: AtlasDep) -> EvidenceDetail:
    """One evidence record, the file it came from, and how each question used it."""
    rec = atlas.record(record_id)
    if rec is None:
        raise NotFound("record", record_id)
    uses = [
        RecordUsageOut(question_id=u.question_id, status=u.status, role=u.role, reason=u.reason)
        for u in atlas.usages.get(record_id, ())
    ]
    return EvidenceDetail(record=rec, file=atlas.evidence.files.get(record_id), used_by=uses)


__all__ = ["question_summary", "router"]
