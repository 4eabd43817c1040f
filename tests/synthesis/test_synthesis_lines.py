"""Therapy, Mendelian randomization and biomarker lines on small evidence sets."""

from __future__ import annotations

import numpy as np
from synthesis_factories import base, biomarker, locus, mr, rg, trial

from alsatlas.genetics.mr import run_mr
from alsatlas.synthesis import answer
from alsatlas.synthesis.biomarkers import p_below
from alsatlas.synthesis.mr_rubric import report_certainty
from alsatlas.synthesis.trials import drug_finding


def test_drug_verdicts_follow_trial_outcomes() -> None:
    worked = drug_finding("x", [trial("t1", "x", result="benefit")])
    assert worked.verdict == "supported"
    # one trial: consistency cannot be checked -> one level down from high
    assert worked.certainty.level == "moderate"
    harm = drug_finding("m", [trial("t2", "m", result="harm")])
    assert harm.verdict == "contradicted"
    failed = drug_finding(
        "c",
        [
            trial("t3", "c", result="no_benefit"),
            trial("t4", "c", result="no_benefit"),
        ],
    )
    assert failed.verdict == "not supported" and failed.certainty.level == "high"
    subgroup = drug_finding("s", [trial("t5", "s", result="benefit_prespecified_subgroup")])
    assert subgroup.verdict == "partly supported"
    safety = drug_finding(
        "i",
        [
            trial("t6", "i", result="not_efficacy", endpoint="safety"),
            trial("t7", "i", result="pending"),
        ],
    )
    assert safety.verdict == "insufficient evidence" and safety.certainty.level == "very low"
    small = drug_finding("y", [trial("t8", "y", result="no_benefit", n=60)])
    assert {s.domain: s.change for s in small.certainty.grade_steps}["imprecision"] == -1


def test_open_label_trials_are_not_randomised_evidence() -> None:
    finding = drug_finding(
        "z", [trial("t9", "z", result="benefit", phase="2 (open-label)", randomised=False)]
    )
    assert finding.verdict == "insufficient evidence"


def test_therapy_class_and_single_drug_questions() -> None:
    ev = base(
        trial("a1", "minocycline", result="harm"),
        trial("a2", "celecoxib", result="no_benefit"),
        trial("a3", "pioglitazone", result="no_benefit"),
        trial("a4", "ibudilast", result="pending"),
    )
    cls = answer("immune_therapies", ev)
    assert cls.verdict == "not supported"
    assert {f.drug: f.verdict for f in cls.drug_findings}["minocycline"] == "contradicted"
    ibu = answer("ibudilast", ev)
    assert ibu.verdict == "insufficient evidence"
    assert [t.record_id for t in ibu.trials] == ["a4"]


def test_mr_precise_nulls_are_not_supported() -> None:
    ev = base(
        mr("m1", "ulcerative_colitis", 0.98, 0.96, 1.01),
        mr(
            "m2",
            "crohn_disease",
            0.99,
            0.96,
            1.02,
            method="IVW, MR-Egger, weighted median",
            robust=("mr_egger", "weighted_median"),
        ),
    )
    a = answer("autoimmune_causal_mr", ev)
    assert a.verdict == "not supported"
    assert a.mr is not None and a.mr.null == 2
    f2 = next(f for f in a.mr.findings if f.record_id == "m2")
    by_domain = {s.domain: s.change for s in f2.certainty.grade_steps}
    assert by_domain == {
        "instrument strength": -1,
        "pleiotropy": 0,
        "inconsistency": 0,
        "imprecision": 0,
    }
    assert f2.certainty.start == "moderate" and f2.certainty.level == "low"


def test_mr_risk_increasing_majority_is_supported_and_conflicts_lower_certainty() -> None:
    ev = base(
        mr("m1", "sle", 1.3, 1.1, 1.5, study="s1"),
        mr("m2", "sle", 0.8, 0.7, 0.9, study="s2"),
    )
    a = answer("autoimmune_causal_mr", ev)
    assert a.mr is not None
    first = next(f for f in a.mr.findings if f.record_id == "m1")
    assert {s.domain: s.change for s in first.certainty.grade_steps}["inconsistency"] == -1


def test_p_value_reading() -> None:
    assert p_below(0.007) is True
    assert p_below(0.001, "<") is True
    assert p_below(0.05, "<") is True
    assert p_below(0.1, "<") is None  # p < 0.1 may or may not be below 0.05
    assert p_below(0.24) is False
    assert p_below(0.05) is False
    assert p_below(0.05, ">") is False
    assert p_below(0.01, ">") is None
    assert p_below(None) is None


def test_biomarker_replication_needs_independent_studies() -> None:
    one_study = base(
        biomarker("b1", "CRP", ("survival",), study="s1", hr=(1.2, 1.1, 1.3)),
        biomarker("b2", "CRP", ("survival",), study="s1", hr=(1.1, 1.02, 1.2)),
    )
    a = answer("immune_biomarkers", one_study)
    assert a.verdict == "partly supported"
    two_studies = base(
        biomarker("b1", "CRP", ("survival",), study="s1", hr=(1.2, 1.1, 1.3)),
        biomarker("b2", "CRP", ("survival",), study="s2", p=0.01, measure="r"),
    )
    b = answer("immune_biomarkers", two_studies)
    assert b.verdict == "supported"
    none = base(biomarker("b1", "CRP", ("survival",), study="s1", hr=(1.0, 0.9, 1.1)))
    assert answer("immune_biomarkers", none).verdict == "insufficient evidence"


def test_immune_trait_mr_is_two_sided_and_needs_replication() -> None:
    single = base(
        mr("m1", None, 0.9, 0.84, 0.97).model_copy(
            update={"exposure": "leukocyte count", "exposure_class": "immune_trait"}
        )
    )
    a = answer("immune_traits_mr", single)
    assert a.verdict == "partly supported"
    replicated = base(
        mr("m1", None, 0.9, 0.84, 0.97, study="s1").model_copy(
            update={"exposure": "leukocyte count", "exposure_class": "immune_trait"}
        ),
        mr("m2", None, 0.92, 0.86, 0.99, study="s2").model_copy(
            update={"exposure": "leukocyte count", "exposure_class": "immune_trait"}
        ),
    )
    assert answer("immune_traits_mr", replicated).verdict == "supported"
    unmapped = base(mr("m3", None, 1.0, 0.99, 1.02).model_copy(update={"exposure": "TSH"}))
    assert answer("immune_traits_mr", unmapped).verdict == "insufficient evidence"
    causal = answer("autoimmune_causal_mr", unmapped)
    assert [e.record_id for e in causal.excluded] == ["m3"]
    assert "not mapped" in causal.excluded[0].reason


def _simulated(n: int, beta: float, pleiotropy: float, seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    bx = rng.uniform(0.05, 0.15, n)
    bxse = np.full(n, 0.01)
    byse = np.full(n, 0.01)
    by = beta * bx + pleiotropy + rng.normal(0.0, 0.002, n)
    return bx, bxse, by, byse


def test_mr_engine_report_certainty_steps() -> None:
    clean = run_mr(*_simulated(30, 0.0, 0.0, 1), methods=["ivw", "egger", "weighted_median"])
    cert = report_certainty(clean)
    steps = {s.domain: s.change for s in cert.grade_steps}
    assert steps["instrument strength"] == 0  # F = (0.05..0.15 / 0.01)^2 >= 25
    assert steps["pleiotropy"] == 0 and steps["agreement across methods"] == 0
    assert steps["imprecision"] == 0 and cert.level == "moderate"
    pleio = run_mr(*_simulated(30, 0.0, 0.02, 2), methods=["ivw", "egger"])
    assert pleio.egger_intercept is not None and pleio.egger_intercept.pval < 0.05
    assert {s.domain: s.change for s in report_certainty(pleio).grade_steps}["pleiotropy"] == -1
    few = run_mr(*_simulated(2, 0.0, 0.0, 3), methods=["ivw"])
    assert {s.domain: s.change for s in report_certainty(few).grade_steps}["pleiotropy"] == -1


def test_classification_follows_the_three_criteria() -> None:
    failed = [
        trial(f"f{i}", drug, result="no_benefit")
        for i, drug in enumerate(("celecoxib", "pioglitazone", "glatiramer_acetate"))
    ]
    nulls = [mr("m1", "ulcerative_colitis", 0.98, 0.96, 1.01), mr("m2", "sle", 1.0, 0.95, 1.05)]
    a = answer("als_autoimmune", base(*failed, *nulls))
    assert a.verdict == "not supported"
    assert [c.met for c in a.criteria] == [False, False, False]
    assert {s.domain: s.change for s in a.certainty.grade_steps} == {"indirectness": -1}
    worked = [trial("w1", "tocilizumab", result="benefit", n=400)]
    causal = [mr("m3", "sle", 1.3, 1.2, 1.4)]
    b = answer("als_autoimmune", base(*worked, *causal))
    assert b.verdict == "supported"
    assert [c.met for c in b.criteria] == [False, True, True]
    assert answer("als_autoimmune", base()).verdict == "insufficient evidence"


def test_shared_genetics_needs_loci_and_consistent_rg() -> None:
    loci = [
        locus("l1", ("C9orf72",), ("als", "sle"), study="a"),
        locus("l2", ("TNIP1",), ("als",), study="b"),
        locus("l3", ("TNIP1",), ("sle",), study="c"),
    ]
    consistent = answer("shared_genetics", base(*loci, rg("g1", "sle", 0.2, 0.05)))
    assert consistent.verdict == "supported"
    assert {g.gene for g in consistent.shared_genes} == {"C9orf72", "TNIP1"}
    mixed = answer(
        "shared_genetics",
        base(*loci, rg("g1", "sle", 0.2, 0.05), rg("g2", "ibd", -0.2, 0.05)),
    )
    assert mixed.verdict == "partly supported"
    assert {s.domain: s.change for s in mixed.certainty.grade_steps}["inconsistency"] == -1
    null = answer("shared_genetics", base(rg("g1", "sle", 0.01, 0.05)))
    assert null.verdict == "not supported"


def test_neuroinflammation_and_involvement() -> None:
    markers = [
        biomarker("b1", "CHIT1", ("progression",), study="s1", p=0.001, measure="r"),
        biomarker("b2", "IL-6", ("diagnosis",), study="s2", p=0.01, measure="g"),
        biomarker("b3", "TNF", ("diagnosis",), study="s3", p=0.02, measure="g"),
    ]
    failed = [
        trial(f"f{i}", drug, result="no_benefit")
        for i, drug in enumerate(("celecoxib", "pioglitazone", "glatiramer_acetate"))
    ]
    ev = base(*markers, *failed)
    neuro = answer("neuroinflammation_progression", ev)
    assert neuro.verdict == "partly supported"
    assert [c.met for c in neuro.criteria] == [True, False]
    involvement = answer("immune_involvement", ev)
    assert involvement.verdict == "supported"


def test_two_reports_of_one_trial_count_once() -> None:
    first = trial("r1", "x", result="no_benefit").model_copy(
        update={"nct_id": "NCT00000001", "year": 2023}
    )
    second = trial("r2", "x", result="no_benefit").model_copy(
        update={"nct_id": "NCT00000001", "year": 2025}
    )
    finding = drug_finding("x", [first, second])
    steps = {s.domain: s.change for s in finding.certainty.grade_steps}
    assert steps["inconsistency"] == -1  # a single trial, not two agreeing ones
    assert finding.trial_ids == ("r1", "r2")
