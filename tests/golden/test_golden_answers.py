"""Every shipped answer is pinned: a change to evidence or rules that moves a verdict, its
reason, a certainty grade or a headline estimate fails here until ``answers.yaml`` is updated
in the same commit (``python tests/golden/update_golden_answers.py``); the diff is the review."""

from __future__ import annotations

import yaml
from golden_answers import GOLDEN, current


def test_every_shipped_answer_matches_the_reviewed_file() -> None:
    pinned = yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))
    now = current()
    assert set(now) == set(pinned), "questions added or removed: update answers.yaml"
    moved = {
        qid: {"pinned": pinned[qid], "now": now[qid]} for qid in now if now[qid] != pinned[qid]
    }
    assert not moved, (
        "answers moved; review and run `python tests/golden/update_golden_answers.py`: "
        + yaml.safe_dump(moved, sort_keys=False, allow_unicode=True)
    )


def test_the_golden_file_covers_every_verdict_field() -> None:
    pinned = yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))
    for qid, entry in pinned.items():
        assert set(entry) == {"verdict", "reason", "certainty", "pooled", "plain"}, qid
        assert entry["reason"], qid
