"""Scoring the claim checker on the labelled set (shared by the tests and the benchmark)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from alsatlas.claims import check_text
from alsatlas.claims.claim import SubClaim

LABELS = Path(__file__).with_name("labelled_claims.yaml")


def labelled() -> list[dict[str, Any]]:
    return list(yaml.safe_load(LABELS.read_text(encoding="utf-8")))


def rated(entry: dict[str, Any]) -> list[SubClaim]:
    """The sub-claims of the entry's sentence (after its context sentence, if any)."""
    context = entry.get("context")
    text = f"{context} {entry['text']}" if context else entry["text"]
    result = check_text(text)
    return [s for c in result.claims if c.sentence == entry["text"] for s in c.subclaims]


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    verdict_ok: int = 0
    verdict_n: int = 0
    by_class: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    failures: list[str] = field(default_factory=list)
    pairs_opposite: int = 0
    pairs: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        return self.verdict_ok / self.verdict_n if self.verdict_n else 1.0


def score(entries: list[dict[str, Any]] | None = None) -> Scores:
    """Routing precision/recall (sub-claim question ids against the labels), verdict accuracy
    (a sentence is right when every expected question gets an acceptable verdict, and a
    sentence with no expected question gets no graded verdict), and negation pairs."""
    s = Scores()
    verdict_of: dict[tuple[str, str], str] = {}
    pair_members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in entries if entries is not None else labelled():
        subs = rated(entry)
        expect: dict[str, list[str]] = entry.get("expect") or {}
        got = {x.question_id: x.verdict for x in subs if x.question_id is not None}
        s.tp += len(set(got) & set(expect))
        s.fp += len(set(got) - set(expect))
        s.fn += len(set(expect) - set(got))
        if expect:
            ok = all(got.get(q) in allowed for q, allowed in expect.items())
        else:
            ok = all(x.verdict == "out_of_scope" for x in subs)
        s.verdict_n += 1
        s.verdict_ok += ok
        cls = s.by_class[entry["class"]]
        cls[0] += ok
        cls[1] += 1
        if not ok:
            s.failures.append(f"{entry['text']!r}: expected {expect}, got {got or 'no claim'}")
        for q, v in got.items():
            verdict_of[(entry["text"], q)] = v
        if "pair" in entry:
            pair_members[entry["pair"]].append(entry)
    decisive = {"supported", "not_supported", "contradicted"}
    for members in pair_members.values():
        if len(members) != 2:
            continue
        a, b = members
        for q in a.get("expect", {}):
            va, vb = verdict_of.get((a["text"], q)), verdict_of.get((b["text"], q))
            if va in decisive or vb in decisive:
                s.pairs += 1
                s.pairs_opposite += va != vb and va is not None and vb is not None
    return s
