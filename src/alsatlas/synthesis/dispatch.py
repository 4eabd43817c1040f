"""Answering catalogue questions: :func:`answer` and :func:`answer_all`.

Each question is answered by the function registered for its ``kind`` in
:data:`alsatlas.synthesis.lines.ANSWERERS`; those select the evidence
(:mod:`~alsatlas.synthesis.selection`), call the engines (:mod:`~alsatlas.synthesis.pooling`
over :func:`alsatlas.stats.rma.rma`), and apply the verdict and certainty rules.
"""

from __future__ import annotations

from alsatlas.errors import AlsatlasInputError
from alsatlas.evidence import EvidenceBase, load_evidence
from alsatlas.synthesis.answer import Answer, Question
from alsatlas.synthesis.lines import ANSWERERS
from alsatlas.synthesis.questions import QUESTIONS, question


def answer_question(q: Question, evidence: EvidenceBase) -> Answer:
    """Answer one question (catalogue entry or not) with the function of its ``kind``."""
    try:
        answerer = ANSWERERS[q.kind]
    except KeyError:
        raise AlsatlasInputError(
            f"no line of evidence answers kind {q.kind!r}", row=q.id, field="kind"
        ) from None
    return answerer(q, evidence)


def answer(question_id: str, evidence: EvidenceBase | None = None) -> Answer:
    """Answer one catalogue question.

    Parameters
    ----------
    question_id
        Id of a question in :data:`~alsatlas.synthesis.questions.QUESTIONS`.
    evidence
        Evidence base; ``None`` loads the shipped one (:func:`alsatlas.evidence.load_evidence`).

    Raises
    ------
    AlsatlasInputError
        For an unknown question id.
    """
    q = question(question_id)
    return answer_question(q, load_evidence() if evidence is None else evidence)


def answer_all(evidence: EvidenceBase | None = None) -> tuple[Answer, ...]:
    """Answer every catalogue question, in catalogue order (loads the evidence once)."""
    base = load_evidence() if evidence is None else evidence
    return tuple(answer_question(q, base) for q in QUESTIONS)


__all__ = ["answer", "answer_all", "answer_question"]
