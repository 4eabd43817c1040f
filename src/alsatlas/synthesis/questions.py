"""The catalogue of canonical questions alsatlas answers, read from
``alsatlas/data/content/questions.yaml``.

Each :class:`~alsatlas.synthesis.answer.Question` names the claim its verdict grades, the line
of evidence that answers it (``kind``) and the evidence it reads: disease vocabulary terms for
the epidemiological and Mendelian randomization lines (each term pooled on its own, never
across terms), drug terms for therapy questions. The order of :data:`QUESTIONS` is the order of
the report. The file is checked when it is read: unknown fields, kinds, disease or drug terms,
duplicate ids and epidemiology questions without terms or a plain name are errors naming the
question and field.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from alsatlas.errors import AlsatlasInputError, EvidenceError
from alsatlas.evidence.vocabulary import diseases, drugs
from alsatlas.synthesis.answer import Question, QuestionCategory, QuestionKind

_DATA = ("data", "content", "questions.yaml")


class _Entry(BaseModel):
    """One question as the data file writes it."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: str
    kind: QuestionKind
    category: QuestionCategory
    title: str
    plain: str
    claim: str
    claim_direction: Literal["increased", "decreased"] = "increased"
    plain_name: str = ""
    terms: tuple[str, ...] = ()
    drugs: tuple[str, ...] = ()


class _Catalogue(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    questions: tuple[_Entry, ...]


def catalogue_path() -> Path:
    """The shipped question file."""
    return Path(str(resources.files("alsatlas").joinpath(*_DATA)))


def _check(entry: _Entry, file: str) -> None:
    def fail(field: str, reason: str) -> EvidenceError:
        return EvidenceError(reason, file=file, row=entry.id, field=field)

    if entry.kind == "epidemiology" and not (entry.terms and entry.plain_name):
        raise fail("terms", "an epidemiology question needs disease terms and a plain_name")
    unknown = [t for t in entry.terms if t not in diseases()]
    if unknown:
        raise fail("terms", f"unknown disease term(s): {', '.join(unknown)}")
    unknown = [d for d in entry.drugs if d not in drugs()]
    if unknown:
        raise fail("drugs", f"unknown drug term(s): {', '.join(unknown)}")


def load_questions(path: Path | None = None) -> tuple[Question, ...]:
    """Read and check a question catalogue (the shipped one by default).

    Raises
    ------
    EvidenceError
        Naming the file, question id and field of the first problem.
    """
    path = path or catalogue_path()
    file = str(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise EvidenceError(f"cannot read the question catalogue: {exc}", file=file) from None
    try:
        cat = _Catalogue.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = err["loc"]
        row = None
        if len(loc) >= 2 and isinstance(loc[1], int) and isinstance(raw, dict):
            row = str(raw["questions"][loc[1]].get("id", f"question {loc[1] + 1}"))
        field = ".".join(str(x) for x in loc[2:]) or None
        raise EvidenceError(err["msg"], file=file, row=row, field=field) from None
    seen: set[str] = set()
    out: list[Question] = []
    for entry in cat.questions:
        if entry.id in seen:
            raise EvidenceError("duplicate question id", file=file, row=entry.id, field="id")
        seen.add(entry.id)
        _check(entry, file)
        out.append(Question(**entry.model_dump()))
    return tuple(out)


QUESTIONS: tuple[Question, ...] = load_questions()
"""Every question, in report order."""


def question(question_id: str) -> Question:
    """The catalogue entry ``question_id``.

    Raises
    ------
    AlsatlasInputError
        When no question has that id (the message lists the known ids).
    """
    for q in QUESTIONS:
        if q.id == question_id:
            return q
    known = ", ".join(q.id for q in QUESTIONS)
    raise AlsatlasInputError(f"unknown question {question_id!r}; known: {known}", field="question")


__all__ = ["QUESTIONS", "catalogue_path", "load_questions", "question"]
