"""Response models of the JSON API (pydantic; they make the OpenAPI schema).

An answer is sent as the synthesis :class:`~alsatlas.synthesis.Answer` itself (a frozen
dataclass that pydantic serialises field by field, the same fields as ``Answer.to_dict()``),
and a record as the evidence schema's own model, so the API adds no numbers of its own.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from alsatlas.evidence import Record, RecordKind
from alsatlas.synthesis import CertaintyLevel, QuestionCategory, Verdict
from alsatlas.synthesis.answer import AnyAnswer

_FROZEN = ConfigDict(frozen=True)


class ErrorBody(BaseModel):
    """An error: what went wrong, and the unknown ``id`` or the bad ``param`` when there is one."""

    model_config = _FROZEN

    detail: str
    id: str | None = None
    param: str | None = None


class Health(BaseModel):
    """Liveness and what is loaded."""

    model_config = _FROZEN

    status: Literal["ok"] = "ok"
    package_version: str
    evidence_version: str
    evidence_content_hash: str
    """Content hash of the loaded evidence files (changes whenever a record changes)."""
    records: int
    questions: int


class HeadlineEstimate(BaseModel):
    """The headline (pooled or single) estimate of a question, copied from ``Answer.pooled``."""

    model_config = _FROZEN

    term: str
    measure: str
    k: int
    estimate: float
    ci_lb: float
    ci_ub: float


class QuestionSummary(BaseModel):
    """One row of the question list: the question, its verdict and its certainty."""

    model_config = _FROZEN

    id: str
    title: str
    plain: str
    category: QuestionCategory
    claim: str
    verdict: Verdict
    certainty: CertaintyLevel
    estimate: HeadlineEstimate | None = Field(
        default=None, description="Headline estimate; null when the question has none."
    )


class QuestionList(BaseModel):
    """Every question of the catalogue, in catalogue order."""

    model_config = _FROZEN

    count: int
    questions: list[QuestionSummary]


class QuestionDetail(BaseModel):
    """A full answer and the evidence records it rests on (used and excluded)."""

    model_config = _FROZEN

    id: str
    answer: AnyAnswer
    """The answer with the parts of its kind (pooled estimates and votes, MR findings,
    trials, markers, shared genes or criteria)."""
    records: list[Record]


class EvidenceFilters(BaseModel):
    """The filters that were applied (``disease_term``: the vocabulary term ``disease`` named;
    ``disease_terms``: the terms matched, members included when asked)."""

    model_config = _FROZEN

    kind: RecordKind | None = None
    disease: str | None = None
    disease_term: str | None = None
    disease_terms: list[str] = Field(default_factory=list)
    include_members: bool = False
    verified_only: bool = False


class EvidenceList(BaseModel):
    """Records matching the filters, ordered by kind and id."""

    model_config = _FROZEN

    count: int
    filters: EvidenceFilters
    records: list[Record]


class RecordUsageOut(BaseModel):
    """How a question used a record (``used`` with a role, or ``excluded``) and why."""

    model_config = _FROZEN

    question_id: str
    status: Literal["used", "excluded"]
    role: str | None = None
    reason: str


class EvidenceDetail(BaseModel):
    """One record, the file it was read from, and the questions that used or excluded it."""

    model_config = _FROZEN

    record: Record
    file: str | None = None
    used_by: list[RecordUsageOut]


__all__ = [
    "ErrorBody",
    "EvidenceDetail",
    "EvidenceFilters",
    "EvidenceList",
    "HeadlineEstimate",
    "Health",
    "QuestionDetail",
    "QuestionList",
    "QuestionSummary",
    "RecordUsageOut",
]
