"""Invariants of selection, pooling, verdicts and grades on random small evidence sets."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from synthesis_factories import base, direction_only, epi

from alsatlas.evidence.schema import EpiAssociation
from alsatlas.synthesis import CERTAINTY_LEVELS, VERDICTS, answer


@st.composite
def records(draw: st.DrawFn) -> list[EpiAssociation]:
    n = draw(st.integers(min_value=0, max_value=7))
    out: list[EpiAssociation] = []
    for i in range(n):
        rid = f"r{i}.sle"
        group = draw(st.sampled_from([None, "g1", "g2"]))
        if draw(st.booleans()):
            out.append(
                direction_only(
                    rid,
                    draw(st.sampled_from(["increased", "decreased", "null"])),
                    overlap_group=group,
                )
            )
            continue
        log_est = draw(st.floats(min_value=-2.0, max_value=2.0))
        half = draw(st.floats(min_value=0.02, max_value=1.5))
        out.append(
            epi(
                rid,
                math.exp(log_est),
                math.exp(log_est - half),
                math.exp(log_est + half),
                overlap_group=group,
                lag=draw(st.booleans()),
                role=draw(st.sampled_from(["main", "main", "subgroup"])),
                pooling=draw(st.sampled_from(["eligible", "eligible", "caution", "excluded"])),
                verification=draw(st.sampled_from(["primary", "secondary", "unverified"])),
                design=draw(st.sampled_from(["prospective cohort", "nested case-control"])),
            )
        )
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records())
def test_selection_and_grades_keep_their_invariants(recs: list[EpiAssociation]) -> None:
    a = answer("sle_als_risk", base(*recs))
    by_id = {r.id: r for r in recs}
    assert a.verdict in VERDICTS
    assert a.certainty.level in CERTAINTY_LEVELS
    considered = {u.record_id for u in a.used} | {e.record_id for e in a.excluded}
    assert considered == set(by_id)
    if a.pooled is None:
        assert a.verdict in ("partly supported", "insufficient evidence")
        return
    rows = [by_id[r.record_id] for r in a.pooled.rows]
    for r in rows:  # only verified numeric main (or curator-chosen) rows are pooled
        assert r.verified and not r.direction_only
        assert r.pooling == "eligible"
    groups = [r.overlap_group for r in rows if r.overlap_group is not None]
    assert len(groups) == len(set(groups))
    assert a.pooled.ci_lb <= a.pooled.estimate <= a.pooled.ci_ub
    if a.verdict == "supported":
        assert a.pooled.ci_lb > 1.0 and a.votes.decreased == 0
    if a.verdict == "contradicted":
        assert a.pooled.ci_ub < 1.0 and a.votes.increased == 0
    if a.verdict == "not supported":
        assert a.pooled.ci_lb >= 0.8 and a.pooled.ci_ub <= 1.25
