"""The claim checker on the labelled set: routing F1 and verdict accuracy at least 0.9, every
decisive claim/negation pair rated differently."""

from __future__ import annotations

from claim_metrics import labelled, score


def test_the_labelled_set_is_large_and_varied() -> None:
    entries = labelled()
    assert len(entries) >= 150
    classes = {e["class"] for e in entries}
    assert {"positive", "negated", "hedged", "exaggerated", "multi", "myth", "pronoun"} <= classes
    assert {"out_of_scope", "off_topic"} <= classes


def test_routing_and_verdicts_meet_the_goal() -> None:
    s = score()
    assert s.f1 >= 0.9, (s.precision, s.recall, s.failures[:20])
    assert s.accuracy >= 0.9, s.failures[:20]


def test_every_decisive_negation_pair_is_rated_apart() -> None:
    s = score()
    assert s.pairs >= 8
    assert s.pairs_opposite == s.pairs
