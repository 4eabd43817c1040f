"""Verdicts, certainty grades and pooled numbers on small epidemiological evidence sets.

Expected verdicts and grades follow from the written rules (alsatlas.synthesis.rules.RULES);
expected numbers come from alsatlas.stats on the selected rows, recomputed here from the CIs.
"""

from __future__ import annotations

import numpy as np
import pytest
from synthesis_factories import base, direction_only, epi, log_yi_vi

from alsatlas.stats.regtest import regtest
from alsatlas.stats.rma import rma
from alsatlas.synthesis import Answer, answer


def sle(*records: object) -> Answer:
    return answer("sle_als_risk", base(*records))  # type: ignore[arg-type]


def steps(a: Answer) -> dict[str, int]:
    return {s.domain: s.change for s in a.certainty.grade_steps}


CONSISTENT = (
    epi("a.sle", 1.50, 1.30, 1.73),
    epi("b.sle", 1.45, 1.25, 1.68),
    epi("c.sle", 1.55, 1.32, 1.82),
)


def test_three_consistent_cohorts_supported_low_certainty() -> None:
    a = sle(*CONSISTENT)
    assert a.verdict == "supported"
    assert a.certainty.start == "low"
    assert a.certainty.level == "low"
    assert all(s.change == 0 for s in a.certainty.grade_steps)
    assert a.pooled is not None and a.pooled.k == 3
    assert (a.votes.increased, a.votes.decreased, a.votes.null) == (3, 0, 0)


def test_pooled_numbers_equal_rma_on_selected_rows() -> None:
    a = sle(*CONSISTENT)
    assert a.pooled is not None
    pairs = [log_yi_vi(r.estimate, r.ci_lb, r.ci_ub) for r in CONSISTENT]  # type: ignore[arg-type]
    yi = np.array([p[0] for p in pairs])
    vi = np.array([p[1] for p in pairs])
    fit = rma(yi, vi, method="REML", test="z")
    pred = fit.predict()
    assert a.pooled.estimate == pytest.approx(np.exp(fit.estimate), rel=1e-12)
    assert a.pooled.ci_lb == pytest.approx(np.exp(fit.ci_lb[0]), rel=1e-12)
    assert a.pooled.ci_ub == pytest.approx(np.exp(fit.ci_ub[0]), rel=1e-12)
    assert a.pooled.pi_lb == pytest.approx(np.exp(pred.pi_lb[0]), rel=1e-12)
    assert a.pooled.pi_ub == pytest.approx(np.exp(pred.pi_ub[0]), rel=1e-12)
    assert a.pooled.I2 is not None and abs(a.pooled.I2 - fit.I2) < 1e-12
    assert a.pooled.tau2 == pytest.approx(fit.tau2, abs=1e-15)
    assert [r.weight for r in a.pooled.rows] == pytest.approx(list(fit.weights), rel=1e-12)
    assert (a.pooled.method, a.pooled.test) == ("REML", "z")
    hksj = next(s for s in a.pooled.sensitivity if s.name == "HKSJ")
    knha = rma(yi, vi, method="REML", test="knha")
    assert hksj.ci_lb == pytest.approx(np.exp(knha.ci_lb[0]), rel=1e-12)
    assert hksj.ci_ub == pytest.approx(np.exp(knha.ci_ub[0]), rel=1e-12)


def test_single_imprecise_estimate_is_insufficient() -> None:
    a = sle(epi("a.sle", 1.3, 0.6, 2.8))
    assert a.verdict == "insufficient evidence"
    assert a.pooled is not None and a.pooled.k == 1 and not a.pooled.pooled
    assert a.pooled.estimate == 1.3 and a.pooled.I2 is None and a.pooled.method is None
    assert steps(a)["imprecision"] == -2


def test_direction_only_records_vote_but_never_pool() -> None:
    a = sle(direction_only("a.sle", "increased"), direction_only("b.sle", "increased"))
    assert a.pooled is None and a.pooled_by_term == ()
    assert (a.votes.increased, a.votes.total) == (2, 2)
    assert a.verdict == "partly supported"
    assert steps(a)["imprecision"] == -1
    assert {e.record_id for e in a.excluded} == {"a.sle", "b.sle"}
    one = sle(direction_only("a.sle", "increased"))
    assert one.verdict == "insufficient evidence"
    mixed = sle(direction_only("a.sle", "increased"), direction_only("b.sle", "null"))
    assert mixed.verdict == "insufficient evidence"


def test_one_estimate_per_overlap_group() -> None:
    big = epi("big.sle", 1.5, 1.3, 1.73, overlap_group="reg", year=2015)
    small = epi("small.sle", 2.0, 1.1, 3.6, overlap_group="reg", year=2021)
    other = epi("other.sle", 1.4, 1.1, 1.8)
    a = sle(big, small, other)
    assert a.pooled is not None
    assert [r.record_id for r in a.pooled.rows] == ["big.sle", "other.sle"]
    reason = next(e.reason for e in a.excluded if e.record_id == "small.sle")
    assert "big.sle" in reason and "smallest standard error" in reason
    assert a.votes.total == 2  # one vote per population


def test_precise_null_is_not_supported() -> None:
    a = sle(epi("a.sle", 1.0, 0.9, 1.11), epi("b.sle", 1.02, 0.92, 1.13))
    assert a.verdict == "not supported"


def test_opposite_direction_is_contradicted() -> None:
    a = sle(epi("a.sle", 0.6, 0.5, 0.72), epi("b.sle", 0.65, 0.55, 0.77))
    assert a.verdict == "contradicted"


def test_opposite_vote_makes_partly_supported_and_lowers_consistency() -> None:
    a = sle(*CONSISTENT, direction_only("d.sle", "decreased"))
    assert a.verdict == "partly supported"
    assert steps(a)["inconsistency"] == -1


def test_no_lag_lowers_certainty_and_lag_sensitivity_can_change_verdict() -> None:
    rows = (
        epi("a.sle", 1.8, 1.5, 2.16, lag=False),
        epi("b.sle", 1.7, 1.4, 2.06, lag=False),
        epi("c.sle", 1.05, 0.7, 1.58, lag=True),
    )
    a = sle(*rows)
    assert steps(a)["risk of bias"] == -1
    assert a.certainty.level == "very low"
    lag_only = next(s for s in a.pooled.sensitivity if s.name == "lag only")  # type: ignore[union-attr]
    assert lag_only.record_ids == ("c.sle",) and lag_only.k == 1
    assert a.verdict == "partly supported"


def test_large_effect_raises_two_levels_without_bias() -> None:
    a = sle(epi("a.sle", 8.0, 6.0, 10.7), epi("b.sle", 7.5, 5.6, 10.0))
    assert a.verdict == "supported"
    assert steps(a)["large effect"] == 2
    assert a.certainty.level == "high"


def test_heterogeneity_on_both_sides_two_down() -> None:
    a = sle(epi("a.sle", 2.5, 2.0, 3.1), epi("b.sle", 0.5, 0.4, 0.62), epi("c.sle", 1.1, 0.9, 1.3))
    assert a.pooled is not None and a.pooled.I2 is not None and a.pooled.I2 > 75
    assert steps(a)["inconsistency"] == -2
    assert a.verdict == "insufficient evidence"


def test_subgroups_caution_and_unverified_rows_are_not_pooled() -> None:
    main = epi("a.sle", 1.5, 1.3, 1.73)
    sub = epi("a.sle.young", 4.0, 2.0, 8.0, role="subgroup", pooling="excluded")
    caution = epi("b.sle", 0.7, 0.5, 0.98, pooling="caution")
    unverified = epi("c.sle", 1.2, 1.0, 1.44, verification="unverified")
    a = sle(main, sub, caution, unverified)
    assert a.pooled is not None and [r.record_id for r in a.pooled.rows] == ["a.sle"]
    reasons = {e.record_id: e.reason for e in a.excluded}
    assert "never pooled with its parent" in reasons["a.sle.young"]
    assert "not verified" in reasons["c.sle"]
    with_caution = next(s for s in a.pooled.sensitivity if s.name == "with caution rows")
    assert with_caution.record_ids == ("a.sle", "b.sle") and with_caution.k == 2


def test_design_sensitivity_and_mixed_measures() -> None:
    rows = (
        epi("a.sle", 1.5, 1.3, 1.73),
        epi("b.sle", 1.4, 1.2, 1.63, measure="OR", design="nested case-control"),
    )
    a = sle(*rows)
    assert a.pooled is not None
    names = {s.name for s in a.pooled.sensitivity}
    assert {"cohort only", "case-control only"} <= names
    assert "rare-outcome" in a.pooled.note


def test_familial_rows_do_not_vote() -> None:
    a = sle(*CONSISTENT, direction_only("f.sle", "decreased", scope="familial"))
    assert a.votes.total == 3 and a.verdict == "supported"


def test_publication_bias_assessed_from_k_10() -> None:
    estimates = [1.2, 1.5, 1.3, 1.8, 1.1, 1.6, 1.4, 2.0, 1.25, 1.7]
    widths = [1.2, 1.5, 1.3, 2.0, 1.15, 1.8, 1.4, 2.5, 1.2, 1.9]
    rows = [
        epi(f"s{i}.sle", e, e / w, e * w)
        for i, (e, w) in enumerate(zip(estimates, widths, strict=True))
    ]
    a = sle(*rows)
    assert a.pooled is not None and a.pooled.k == 10
    pairs = [log_yi_vi(e, e / w, e * w) for e, w in zip(estimates, widths, strict=True)]
    expected = regtest(np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])).pval
    assert a.pooled.regtest_pval == pytest.approx(expected, rel=1e-12)
    step = next(s for s in a.certainty.grade_steps if s.domain == "publication bias")
    assert "regression test" in step.reason
    assert sle(*rows[:9]).pooled.regtest_pval is None  # type: ignore[union-attr]


def test_significant_but_very_wide_single_estimate_is_only_partly_supported() -> None:
    a = sle(epi("a.sle", 25.7, 2.95, 224.6), direction_only("b.sle", "increased"))
    assert a.verdict == "partly supported"
    assert "very wide" in a.verdict_reason
    assert {s.domain: s.change for s in a.certainty.grade_steps}["imprecision"] == -1


def test_primary_sources_only_sensitivity_leaves_out_secondary_pages() -> None:
    a = answer(
        "sle_als_risk",
        base(
            epi("p.sle", 1.5, 1.2, 1.88, overlap_group="g1"),
            epi("s.sle", 1.2, 1.0, 1.44, overlap_group="g2", verification="secondary"),
        ),
    )
    assert a.pooled is not None and a.pooled.k == 2
    only = {s.name: s for s in a.pooled.sensitivity}["primary sources only"]
    assert only.record_ids == ("p.sle",)
    assert only.k == 1 and only.estimate == 1.5


def test_supported_needs_an_estimate_with_a_lag() -> None:
    rows = (
        epi("a.sle", 1.5, 1.3, 1.73, overlap_group="g1", lag=False),
        epi("b.sle", 1.4, 1.2, 1.63, overlap_group="g2", lag=False),
    )
    a = answer("sle_als_risk", base(*rows))
    assert a.verdict == "partly supported"
    assert "no estimate with a lag before ALS diagnosis exists" in a.verdict_reason
    lagged = answer("sle_als_risk", base(rows[0], epi("c.sle", 1.4, 1.2, 1.63)))
    assert lagged.verdict == "supported"  # the lag-only analysis has a row and agrees


def test_findings_their_authors_explain_away_do_not_carry_a_verdict() -> None:
    votes = [
        direction_only(f"{s}.sle", "increased", overlap_group=s).model_copy(
            update={"author_caveats": ("misdiagnosis",)}
        )
        for s in ("x", "y")
    ]
    a = answer("sle_als_risk", base(*votes))
    assert a.verdict == "insufficient evidence"
    assert "misdiagnosis" in a.verdict_reason
    risk = {s.domain: s for s in a.certainty.grade_steps}["risk of bias"]
    assert risk.change == -1 and "own authors" in risk.reason
    clean = answer(
        "sle_als_risk", base(*(v.model_copy(update={"author_caveats": ()}) for v in votes))
    )
    assert clean.verdict == "partly supported"


def test_a_null_share_at_the_limit_is_not_supported() -> None:
    rows = (
        epi("a.sle", 1.5, 1.3, 1.73, overlap_group="g1"),
        epi("b.sle", 1.45, 1.25, 1.68, overlap_group="g2"),
        direction_only("c.sle", "null", overlap_group="g3"),
    )
    a = answer("sle_als_risk", base(*rows))
    assert a.votes.null == 1 and a.votes.total == 3
    assert a.verdict == "partly supported"
    assert "1 of 3 independent findings are null" in a.verdict_reason
