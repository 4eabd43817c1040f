"""EvidenceBase look-ups and the DuckDB store, on the small valid fixture."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import polars as pl
import pydantic
import pytest

from alsatlas.errors import EvidenceError
from alsatlas.evidence import TABLES, EpiAssociation, EvidenceBase, load_evidence

VALID = Path(__file__).parent / "fixtures" / "valid"


@pytest.fixture(scope="module")
def base() -> EvidenceBase:
    return load_evidence(VALID)


def test_typed_tuples(base: EvidenceBase) -> None:
    assert [r.id for r in base.epi_associations] == ["fixture2020.sle", "fixture2020.ra-direction"]
    assert len(base.published_meta_analyses) == 1
    assert len(base.mr_results) == 1
    assert len(base.genetic_correlations) == 1
    assert len(base.shared_loci) == 1
    assert len(base.immune_trials) == 1
    assert len(base.immune_biomarkers) == 1
    assert sum(base.counts().values()) == len(base) == 8


def test_lookups(base: EvidenceBase) -> None:
    assert isinstance(base.get("fixture2020.sle"), EpiAssociation)
    with pytest.raises(EvidenceError):
        base.get("nope")
    assert [r.id for r in base.for_disease("lupus")] == ["fixture2020.sle", "fixture2020.locus"]
    assert base.for_disease("not a disease") == ()
    assert [r.id for r in base.of_kind("mr")] == ["fixture2020.mr"]


def test_for_disease_with_members(base: EvidenceBase) -> None:
    assert base.for_disease("ibd") == ()
    ids = [r.id for r in base.for_disease("inflammatory bowel disease", include_members=True)]
    assert ids == ["fixture2020.mr"]


def test_records_and_base_are_immutable(base: EvidenceBase) -> None:
    record = base.get("fixture2020.sle")
    with pytest.raises(pydantic.ValidationError):
        record.estimate = 9.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        base.records = ()  # type: ignore[misc]


def test_from_records_rejects_duplicate_ids(base: EvidenceBase) -> None:
    with pytest.raises(EvidenceError):
        EvidenceBase.from_records((base.records[0], base.records[0]))


def test_store_tables_and_query(base: EvidenceBase) -> None:
    store = base.store
    assert set(store.tables) == {*TABLES.values(), "records"}
    epi = store.table("epi_association")
    assert epi.schema["estimate"] == pl.Float64
    assert epi.schema["citation_pmid"] == pl.String
    assert epi.schema["time_window_lag_years_min"] == pl.Float64
    out = store.query(
        "SELECT id, estimate, ci_lb, ci_ub FROM epi_associations WHERE exposure = ?", ["sle"]
    )
    assert out.to_dicts() == [
        {"id": "fixture2020.sle", "estimate": 1.5, "ci_lb": 1.1, "ci_ub": 2.0}
    ]
    loci = store.query("SELECT genes FROM shared_loci")
    assert loci["genes"].to_list() == [["TNIP1"]]
    kinds = store.query("SELECT kind, count(*) AS n FROM records GROUP BY kind ORDER BY kind")
    assert kinds.height == 7


def test_store_empty_result_keeps_columns(base: EvidenceBase) -> None:
    out = base.store.query("SELECT id, estimate FROM epi_associations WHERE false")
    assert out.columns == ["id", "estimate"]
    assert out.height == 0
    with pytest.raises(KeyError):
        base.store.table("nope")


def test_shipped_store_has_every_kind() -> None:
    store = load_evidence().store
    counts = dict(store.query("SELECT kind, count(*) FROM records GROUP BY kind").iter_rows())
    assert len(counts) == 7
