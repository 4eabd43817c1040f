"""Text and numbers cannot disagree: every number in an answer's verdict reason, technical
summary and plain summary is a number of the answer's own data (a field, a count of its
findings, a rule threshold, or the cited baseline risk), as printed or rounded."""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

import pytest

from alsatlas.synthesis import answer_all, rules
from alsatlas.synthesis.summaries import baseline_risk

NUMBER = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?(?:e-?\d+)?")
TEXT_FIELDS = ("plain_summary", "technical_summary", "verdict_reason")
ANSWERS = answer_all()


def numbers_in(text: str) -> list[float]:
    return [float(m.group(0).replace(",", "")) for m in NUMBER.finditer(text)]


def data_numbers(obj: Any) -> list[float]:
    """Numbers of the data: numeric fields, numbers inside labels, list lengths and the count
    of each value of each field across a list of findings."""
    out: list[float] = []
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key not in TEXT_FIELDS:
                out += data_numbers(value)
    elif isinstance(obj, (list, tuple)):
        out.append(float(len(obj)))
        rows = [x for x in obj if isinstance(x, dict)]
        for key in {k for row in rows for k in row}:
            counts = Counter(str(row.get(key)) for row in rows)
            out += [float(n) for n in counts.values()]
        for value in obj:
            out += data_numbers(value)
    elif isinstance(obj, bool) or obj is None:
        pass
    elif isinstance(obj, (int, float)):
        if math.isfinite(obj):
            out.append(float(obj))
    elif isinstance(obj, str):
        out += numbers_in(obj)
    return out


def rule_numbers() -> list[float]:
    out: list[float] = []
    for name, value in vars(rules).items():
        if name.isupper() and isinstance(value, (int, float)):
            out.append(float(value))
        elif name.isupper() and isinstance(value, tuple):
            out += [float(v) for v in value if isinstance(v, (int, float))]
    return out


def explained(x: float, pool: list[float]) -> bool:
    base = baseline_risk().lifetime_risk_per_1000 * 10
    for y in pool:
        for candidate in (y, 100 * y, 100 * (y - 1), 100 * (1 - y), base * y):
            for digits in (0, 1, 2, 3):
                if round(candidate, digits) == x:
                    return True
            if x != 0 and abs(candidate - x) / x < 1e-9:
                return True
    return False


@pytest.mark.parametrize("a", ANSWERS, ids=[a.question.id for a in ANSWERS])
def test_every_number_in_the_text_is_in_the_data(a: Any) -> None:
    base = baseline_risk().lifetime_risk_per_1000
    pool = [*data_numbers(a.to_dict()), *rule_numbers(), base, base * 10, 10_000.0, 95.0]
    strays = [
        (field, x)
        for field in TEXT_FIELDS
        for x in numbers_in(getattr(a, field))
        if not explained(x, pool)
    ]
    assert not strays, strays


def test_the_check_catches_a_number_from_nowhere() -> None:
    a = ANSWERS[0]
    pool = [*data_numbers(a.to_dict()), *rule_numbers()]
    assert not explained(987654.0, pool)
