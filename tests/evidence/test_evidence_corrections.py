"""Labelling errors found on review stay corrected (each test fails on the old records)."""

from __future__ import annotations

from alsatlas.evidence import load_evidence
from alsatlas.synthesis import answer
from alsatlas.synthesis.biomarkers import is_significant
from alsatlas.synthesis.mr_rubric import summarise_mr
from alsatlas.synthesis.trials import trial_finding
from alsatlas.synthesis.verdict import is_precise_null

EV = load_evidence()
BY_ID = {r.id: r for r in EV}


def test_olesen_2020_measures_survival_from_onset_not_onset() -> None:
    rows = [r for r in EV.immune_biomarkers if r.study_id == "Olesen2020_NNN"]
    assert len(rows) == 4
    for r in rows:
        assert r.predicts == ("survival",)
        assert r.survival_origin == "onset"


def test_deecke_2025_is_not_a_significant_marker() -> None:
    (r,) = [r for r in EV.immune_biomarkers if r.study_id == "Deecke2025_Cells"]
    assert r.multiple_testing == "not_survived"
    assert is_significant(r) is False


def test_cao_2024_prior_disease_is_not_also_a_biomarker() -> None:
    assert not [r for r in EV.immune_biomarkers if "immune-mediat" in r.id and "cao2024" in r.id]
    assert [r for r in EV.epi_associations if r.study_id == "Cao2024"]


def test_uk_biobank_is_its_own_overlap_group() -> None:
    cao = [r for r in EV.epi_associations if r.study_id == "Cao2024"]
    turner = [r for r in EV.epi_associations if r.study_id == "Turner2013"]
    assert {r.overlap_group for r in cao} == {"uk_biobank"}
    assert {r.overlap_group for r in turner} == {"england_hospital_episode_statistics"}
    ukb_markers = [r for r in EV.immune_biomarkers if r.overlap_group == "uk_biobank"]
    assert {r.study_id for r in ukb_markers} >= {"Cao2023_AnnNeurol_UKB", "Batty2023_BBI_UKB_CRP"}


def test_a_ci_excluding_one_is_never_a_precise_null() -> None:
    graves = [
        r for r in EV.mr_results if r.ci_lb == 0.93 and r.ci_ub == 0.99 and r.estimate == 0.96
    ]
    assert graves, "the autoimmune hyperthyroidism MR record"
    assert not is_precise_null(0.93, 0.99)
    finding = next(f for f in summarise_mr(graves).findings)
    assert finding.direction == "decreased" and not finding.precise_null


def test_miller_2016_has_its_identifiers() -> None:
    (r,) = [r for r in EV if r.study_id == "MillerZA2016_C9_FTD-MND_autoimmune"]
    assert r.citation.pmid == "27844039"
    assert r.citation.doi == "10.1212/NXI.0000000000000301"


def test_mirocals_is_not_graded_as_a_null_trial() -> None:
    rows = [r for r in EV.immune_trials if r.nct_id == "NCT03039673"]
    assert rows
    for r in rows:
        assert r.primary_result == "no_benefit"
        roles = {a.role for a in r.supporting_analyses if a.result == "benefit"}
        assert roles == {"prespecified_adjusted", "prespecified_subgroup"}
        assert trial_finding(r).outcome == "secondary benefit"


def test_t1d_pool_compares_young_onset_with_young_onset() -> None:
    a = answer("t1d_als_risk", EV)
    assert a.pooled is not None
    pooled = {row.record_id for row in a.pooled.rows}
    assert pooled == {
        "kioumourtzoglou2015.type1-diabetes.age-at-diabetes-lt-40",
        "mariosa2015.type1-diabetes.age-lt-50",
    }
    assert BY_ID["mariosa2015.type1-diabetes"].pooling == "caution"


def test_masitinib_status_is_current() -> None:
    r = BY_ID["masitinib-nct03127267.ab19001-confirmatory"]
    assert r.status == "ongoing" and r.status_checked is not None
    assert r.status_checked >= "2026-12-01"


def test_stopped_trials_are_terminated() -> None:
    assert BY_ID["ravulizumab-nct04248465.champion-als"].status == "terminated"
    assert BY_ID["pegcetacoplan-nct04579666.meridian-apl2-als-206"].status == "terminated"


def test_news_summaries_are_not_primary_pages() -> None:
    r = BY_ID["swedeninfections-ndd-lakartidningen2022.infection-hospital-treated"]
    assert r.verification == "secondary"
