"""Pooled numbers of the synthesis against R metafor 3.8.1 (values in reference/).

The R script ``reference/make_synthesis_reference.R`` fits ``rma(yi, sei = sei)`` (REML, z),
``test = "knha"`` and ``predict()`` on published ratio estimates with 95% CIs; here the same
estimates go through the whole synthesis (records -> selection -> log scale -> pooling) and the
pooled estimate, CIs, prediction interval, τ², I² and weights must agree to 1e-6 (relative).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from synthesis_factories import base, epi

from alsatlas.synthesis import answer

REFERENCE = json.loads(
    (Path(__file__).parent / "reference" / "synthesis_reference.json").read_text("utf-8")
)

SETS = {
    "any_imd": [(1.42, 1.03, 1.94), (1.47, 1.31, 1.64)],
    "t1d": [(1.66, 0.85, 3.21), (0.83, 0.60, 1.15)],
    "hetero": [(2.5, 2.0, 3.1), (0.5, 0.4, 0.62), (1.1, 0.9, 1.3)],
}


@pytest.mark.parametrize("name", sorted(SETS))
def test_pooled_estimate_matches_metafor(name: str) -> None:
    rows = [epi(f"s{i}.sle", e, lb, ub) for i, (e, lb, ub) in enumerate(SETS[name])]
    pooled = answer("sle_als_risk", base(*rows)).pooled
    ref = REFERENCE[name]
    assert pooled is not None and pooled.k == len(rows)
    for field in ("estimate", "ci_lb", "ci_ub"):
        assert getattr(pooled, field) == pytest.approx(ref[field], rel=1e-6), field
    if pooled.k >= 3:
        for field in ("pi_lb", "pi_ub"):
            assert getattr(pooled, field) == pytest.approx(ref[field], rel=1e-6), field
    else:  # no prediction interval from two studies, and the answer says why
        assert pooled.pi_lb is None and pooled.pi_ub is None
        assert "no prediction interval with k = 2" in pooled.note
    assert pooled.tau2 == pytest.approx(ref["tau2"], rel=1e-6, abs=1e-10)
    i2 = pooled.I2
    assert i2 == pytest.approx(ref["I2"], rel=1e-6, abs=1e-8)
    assert [r.weight for r in pooled.rows] == pytest.approx(ref["weights"], rel=1e-6)
    hksj = next(s for s in pooled.sensitivity if s.name == "HKSJ")
    assert hksj.ci_lb == pytest.approx(ref["knha_ci_lb"], rel=1e-6)
    assert hksj.ci_ub == pytest.approx(ref["knha_ci_ub"], rel=1e-6)
