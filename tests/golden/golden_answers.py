"""The pinned form of every shipped answer (shared by the golden test and its update script)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alsatlas.synthesis import answer_all
from alsatlas.synthesis.answer import pooled_of

GOLDEN = Path(__file__).with_name("answers.yaml")


def current() -> dict[str, dict[str, Any]]:
    """Verdict, its reason, certainty, headline estimate (4 decimals) and the plain-language
    summary patients read, of every question."""
    out: dict[str, dict[str, Any]] = {}
    for a in answer_all():
        p = pooled_of(a)
        out[a.question.id] = {
            "verdict": a.verdict,
            "reason": a.verdict_reason,
            "certainty": a.certainty.level,
            "pooled": None
            if p is None
            else {
                "k": p.k,
                "estimate": round(p.estimate, 4),
                "ci_lb": round(p.ci_lb, 4),
                "ci_ub": round(p.ci_ub, 4),
            },
            "plain": a.plain_summary,
        }
    return out
