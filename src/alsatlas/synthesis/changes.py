"""What an evidence change does to the answers: verdicts, certainty and pooled estimates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alsatlas.evidence import EvidenceBase
from alsatlas.synthesis.answer import Answer, pooled_of
from alsatlas.synthesis.dispatch import answer_all


@dataclass(frozen=True, slots=True)
class AnswerState:
    """The parts of an answer that a living review reports: verdict, certainty and the
    headline pooled estimate (``k``, estimate, 95% CI) when there is one."""

    verdict: str
    certainty: str
    pooled: tuple[int, float, float, float] | None

    @classmethod
    def of(cls, a: Answer) -> AnswerState:
        p = pooled_of(a)
        pooled = None if p is None else (p.k, p.estimate, p.ci_lb, p.ci_ub)
        return cls(a.verdict, a.certainty.level, pooled)

    def text(self) -> str:
        """``supported (low); 1.46 (1.32-1.63), k = 2``."""
        out = f"{self.verdict} ({self.certainty})"
        if self.pooled is not None:
            k, est, lo, hi = self.pooled
            out += f"; {est:.2f} ({lo:.2f}-{hi:.2f}), k = {k}"
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        pooled = None
        if self.pooled is not None:
            k, est, lo, hi = self.pooled
            pooled = {"k": k, "estimate": est, "ci_lb": lo, "ci_ub": hi}
        return {"verdict": self.verdict, "certainty": self.certainty, "pooled": pooled}


@dataclass(frozen=True, slots=True)
class AnswerChange:
    """A question whose verdict, certainty or pooled estimate differs (``None``: the question
    is missing on that side)."""

    question_id: str
    old: AnswerState | None
    new: AnswerState | None

    @property
    def what(self) -> tuple[str, ...]:
        """Which parts changed: ``verdict``, ``certainty``, ``pooled``, or ``question``."""
        if self.old is None or self.new is None:
            return ("question",)
        parts = ("verdict", "certainty", "pooled")
        return tuple(p for p in parts if getattr(self.old, p) != getattr(self.new, p))


def _close(a: AnswerState, b: AnswerState) -> bool:
    if (a.verdict, a.certainty) != (b.verdict, b.certainty):
        return False
    if a.pooled is None or b.pooled is None:
        return a.pooled is b.pooled
    return a.pooled[0] == b.pooled[0] and all(
        abs(x - y) <= 1e-9 * max(1.0, abs(x))
        for x, y in zip(a.pooled[1:], b.pooled[1:], strict=True)
    )


def answer_changes(old: EvidenceBase, new: EvidenceBase) -> tuple[AnswerChange, ...]:
    """Questions whose answer differs between two evidence bases, in catalogue order."""
    before = {a.question.id: AnswerState.of(a) for a in answer_all(old)}
    after = {a.question.id: AnswerState.of(a) for a in answer_all(new)}
    order = list(after) + [q for q in before if q not in after]
    out: list[AnswerChange] = []
    for qid in order:
        a, b = before.get(qid), after.get(qid)
        if a is None or b is None or not _close(a, b):
            out.append(AnswerChange(qid, a, b))
    return tuple(out)


__all__ = ["AnswerChange", "AnswerState", "answer_changes"]
