"""The evidence shipped with alsatlas validates clean and keeps the research caveats."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from alsatlas.evidence import EpiAssociation, load_evidence, read_evidence, shipped_evidence_dir

RESEARCH = Path("/work/shared/research")


def test_shipped_evidence_validates_clean() -> None:
    result = read_evidence()
    assert result.ok, [e.message for e in result.errors[:10]]


def test_at_least_60_records_across_all_kinds() -> None:
    base = load_evidence()
    assert len(base) >= 60
    counts = base.counts()
    for kind in (
        "epi_association",
        "published_meta_analysis",
        "mr",
        "genetic_correlation",
        "shared_locus",
        "immune_trial",
        "immune_biomarker",
    ):
        assert counts.get(kind, 0) >= 1, kind


def test_every_record_has_provenance() -> None:
    base = load_evidence()
    for record in base:
        assert record.read_from.startswith(("http://", "https://")), record.id
        assert record.verification in {"primary", "secondary", "unverified"}
        assert record.study_id
    # identifiers that were not visible on any source page stay empty (never guessed);
    # they must remain the exception
    bare = [r for r in base if not r.citation.identifiers and not r.citation.first_author]
    assert len(bare) < 0.15 * len(base)


def test_turner_and_sweden_per_disease_rows_are_direction_only() -> None:
    base = load_evidence()
    rows = [
        r
        for r in base.epi_associations
        if r.study_id == "Turner2013"
        or (r.study_id == "SwedenNCC2021" and r.exposure != "any_immune_mediated")
    ]
    assert len(rows) == 16
    for r in rows:
        assert r.direction_only and r.estimate is None and r.ci_lb is None and r.ci_ub is None
        assert r.direction == "increased"
        assert r.pooling == "excluded"


def test_swedish_register_studies_share_one_overlap_group() -> None:
    base = load_evidence()
    groups = {
        r.overlap_group
        for r in base.epi_associations
        if r.study_id in {"SwedenNCC2021", "Mariosa2015", "Ludvigsson2014", "Arkema2014"}
    }
    assert groups == {"sweden_national_registers"}


def test_celiac_first_year_spike_is_a_subgroup_not_pooled() -> None:
    record = load_evidence().get("ludvigsson2014.celiac-disease.time-lt-1y")
    assert isinstance(record, EpiAssociation)
    assert (record.estimate, record.ci_lb, record.ci_ub) == (4.1, 1.2, 13.4)
    assert record.analysis_role == "subgroup"
    assert record.pooling == "excluded"
    assert record.time_window.excludes_year_before_als is False


def test_sweden_2021_includes_the_year_before_als() -> None:
    record = load_evidence().get("swedenncc2021.any-immune-mediated")
    assert isinstance(record, EpiAssociation)
    assert (record.measure, record.estimate, record.ci_lb, record.ci_ub) == ("OR", 1.47, 1.31, 1.64)
    assert record.time_window.excludes_year_before_als is False


def test_lag_of_three_years_is_structured() -> None:
    record = load_evidence().get("kioumourtzoglou2015.type1-diabetes.age-at-diabetes-lt-40")
    assert isinstance(record, EpiAssociation)
    assert record.time_window.lag_years_min == 3.0
    assert record.time_window.excludes_year_before_als is True


def test_readme_states_version_and_counts() -> None:
    text = (shipped_evidence_dir() / "README.md").read_text(encoding="utf-8")
    base = load_evidence()
    assert base.version in text
    assert f"**{len(base)}**" in text


def _csv_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.DictReader(handle))


@pytest.mark.skipif(not RESEARCH.is_dir(), reason="research tables are not on this machine")
def test_every_research_row_was_imported() -> None:
    names = [
        "epi_studies",
        "epi_meta_analyses",
        "genetic_studies",
        "immune_trials",
        "immune_biomarkers",
    ]
    expected = sum(_csv_rows(RESEARCH / f"{n}.csv") for n in names)
    assert len(load_evidence()) >= expected


def _printed(value: float) -> str:
    return f"{value:g}"


def test_structured_trial_effects_match_the_reported_text() -> None:
    trials = [t for t in load_evidence().immune_trials if t.effect is not None]
    assert len(trials) >= 5
    for trial in trials:
        assert trial.effect is not None
        text = (trial.effect_summary or "").replace("-", " ").replace("(", " ")
        assert trial.effect.estimate is not None
        for value in (trial.effect.estimate, trial.effect.ci_lb, trial.effect.ci_ub):
            if value is not None:
                assert _printed(abs(value)) in text, (trial.id, value, trial.effect_summary)
