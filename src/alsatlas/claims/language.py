"""The language cues of the claim checker, read from ``data/content/claim_language.yaml`` and
compiled once (an invalid pattern or an unknown question id is an error naming the file)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from alsatlas.errors import EvidenceError


@dataclass(frozen=True, slots=True)
class Topic:
    """A topic cue: the question it routes to and the pattern that raises it."""

    name: str
    question: str
    pattern: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Strength:
    """A strength word and the ratio it asserts (0: strong, no number)."""

    pattern: re.Pattern[str]
    ratio: float


@dataclass(frozen=True, slots=True)
class Language:
    """Every compiled cue."""

    back_reference: re.Pattern[str]
    subject_reference: re.Pattern[str]
    clause_break: re.Pattern[str]
    negation: re.Pattern[str]
    hedge: re.Pattern[str]
    decrease: re.Pattern[str]
    misconception: re.Pattern[str]
    question_form: re.Pattern[str]
    out_of_scope: re.Pattern[str]
    risk_relation: re.Pattern[str]
    strength: tuple[Strength, ...]
    topics: tuple[Topic, ...]


def language_path() -> Path:
    """The shipped cue file."""
    return Path(str(resources.files("alsatlas") / "data" / "content" / "claim_language.yaml"))


@cache
def language() -> Language:
    """The compiled cues (read once)."""
    from alsatlas.synthesis.questions import QUESTIONS

    path = language_path()
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    known = {q.id for q in QUESTIONS}

    def rx(value: object, field: str) -> re.Pattern[str]:
        try:
            return re.compile(str(value))
        except re.error as exc:
            raise EvidenceError(f"bad pattern: {exc}", file=str(path), field=field) from None

    topics = []
    for name, entry in raw["topics"].items():
        if entry["question"] not in known:
            raise EvidenceError(
                f"unknown question {entry['question']!r}", file=str(path), field=f"topics.{name}"
            )
        topics.append(Topic(name, entry["question"], rx(entry["pattern"], f"topics.{name}")))
    return Language(
        back_reference=rx(raw["back_reference"], "back_reference"),
        subject_reference=rx(raw["subject_reference"], "subject_reference"),
        clause_break=rx(raw["clause_break"], "clause_break"),
        negation=rx(raw["negation"], "negation"),
        hedge=rx(raw["hedge"], "hedge"),
        decrease=rx(raw["decrease"], "decrease"),
        misconception=rx(raw["misconception"], "misconception"),
        question_form=rx(raw["question_form"], "question_form"),
        out_of_scope=rx(raw["out_of_scope"], "out_of_scope"),
        risk_relation=rx(raw["risk_relation"], "risk_relation"),
        strength=tuple(
            Strength(rx(s["pattern"], "strength"), float(s["ratio"])) for s in raw["strength"]
        ),
        topics=tuple(topics),
    )


__all__ = ["Language", "Strength", "Topic", "language", "language_path"]
