"""Each validation rule has a broken fixture; the error names the exact file, record and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from alsatlas.errors import EvidenceError
from alsatlas.evidence import InvalidEvidence, load_evidence, read_evidence

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = FIXTURES / "broken"

# fixture file -> (record, field, words the reason must contain)
CASES: dict[str, tuple[str | None, str | None, str]] = {
    "ci_excludes_estimate": ("broken.rec", "estimate", "outside its CI"),
    "ci_bounds_reversed": ("broken.rec", "ci_lb", "not below upper bound"),
    "ratio_not_positive": ("broken.rec", "estimate", "must be > 0"),
    "numeric_missing_bound": ("broken.rec", "ci_ub", "both bounds"),
    "direction_only_without_direction": ("broken.rec", "direction", "needs a direction"),
    "direction_only_pooled": ("broken.rec", "pooling", "cannot be pooled"),
    "numeric_without_measure": ("broken.rec", "measure", "needs its measure"),
    "unknown_disease": ("broken.rec", "exposure", "unknown disease term 'lupus_nephritis_x'"),
    "unknown_drug": ("broken.rec", "drug", "unknown drug term 'wonderdrug'"),
    "bad_nct": ("broken.rec", "nct_id", "NCT id"),
    "bad_pmid": ("broken.rec", "citation.pmid", "PMID"),
    "bad_doi": ("broken.rec", "citation.doi", "DOI"),
    "bad_pmcid": ("broken.rec", "citation.pmcid", "PMCID"),
    "bad_id": ("Broken Record", "id", "lower-case"),
    "schema_missing_field": ("broken.rec", "design", "Field required"),
    "schema_wrong_type": ("broken.rec", "estimate", "valid number"),
    "schema_unknown_field": ("broken.rec", "colour", "Extra inputs"),
    "unknown_kind": ("broken.rec", "kind", "unknown kind 'anecdote'"),
    "bad_verification": ("broken.rec", "verification", "'primary'"),
    "primary_on_mirror": ("broken.rec", "verification", "suppr.example.cn is not one"),
    "unsafe_extra_source": ("broken.rec", "extra_sources[0]", "http(s) URL"),
    "not_finite": ("broken.rec", "estimate", "finite number"),
    "yaml_syntax": (None, None, "YAML syntax error at line 6"),
    "not_a_mapping": (None, None, "expected a mapping"),
}


def test_every_broken_fixture_has_a_case() -> None:
    assert {p.stem for p in BROKEN.glob("*.yaml")} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_fixture_reports_file_record_and_field(name: str) -> None:
    record, field, words = CASES[name]
    path = BROKEN / f"{name}.yaml"
    result = read_evidence(path)
    assert not result.ok
    assert all(isinstance(e, EvidenceError) for e in result.errors)
    matching = [e for e in result.errors if words in e.reason]
    assert matching, [e.message for e in result.errors]
    err = matching[0]
    assert err.file == str(path)
    assert err.row == record
    assert err.field == field
    message = err.message
    assert message.startswith(str(path))
    if record is not None:
        assert f"record {record}" in message
    if field is not None:
        assert f"field '{field}'" in message


@pytest.mark.parametrize("name", sorted(CASES))
def test_load_evidence_raises_with_all_errors(name: str) -> None:
    with pytest.raises(InvalidEvidence) as info:
        load_evidence(BROKEN / f"{name}.yaml")
    assert info.value.errors
    assert isinstance(info.value, EvidenceError)


def test_duplicate_ids_across_files_name_the_second_file() -> None:
    result = read_evidence(FIXTURES / "duplicate_ids")
    assert [e.message for e in result.errors] == [
        "second.yaml, record dup.rec, field 'id': duplicate id, first used in first.yaml"
    ]


def test_all_errors_are_collected_not_just_the_first() -> None:
    result = read_evidence(BROKEN)
    files_with_errors = {e.file for e in result.errors}
    assert files_with_errors == {p.name for p in BROKEN.glob("*.yaml")}
    assert len(result.errors) >= len(CASES)


def test_several_errors_in_one_record_are_all_reported() -> None:
    # ratio_not_positive breaks positivity of the estimate and of the lower bound
    result = read_evidence(BROKEN / "ratio_not_positive.yaml")
    fields = sorted(str(e.field) for e in result.errors)
    assert fields == ["ci_lb", "estimate"]


def test_valid_fixture_is_clean_and_covers_every_kind() -> None:
    result = read_evidence(FIXTURES / "valid")
    assert result.ok, [e.message for e in result.errors]
    kinds = {record.kind for _, record in result.located}
    assert kinds == {
        "epi_association",
        "published_meta_analysis",
        "mr",
        "genetic_correlation",
        "shared_locus",
        "immune_trial",
        "immune_biomarker",
    }


def test_missing_path_is_an_error_not_a_crash(tmp_path: Path) -> None:
    result = read_evidence(tmp_path / "nowhere")
    assert [e.reason for e in result.errors] == ["no such file or folder"]


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    result = read_evidence(tmp_path)
    assert "no evidence files" in result.errors[0].reason


def test_non_utf8_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"study_id: Caf\xe9\n")
    result = read_evidence(path)
    assert result.errors[0].file == str(path)
    assert "not UTF-8" in result.errors[0].reason


def test_records_inherit_file_citation() -> None:
    base = load_evidence(FIXTURES / "valid")
    record = base.get("fixture2020.sle")
    assert record.citation.pmid == "12345678"
    assert record.study_id == "Fixture2020"
    assert base.files["fixture2020.sle"] == "all_kinds.yaml"
