"""Reference exports (BibTeX, RIS, CSL-JSON) and the report's Parquet tables."""

from __future__ import annotations

import json

import polars as pl
from typer.testing import CliRunner

from alsatlas.cli import app
from alsatlas.evidence import load_evidence
from alsatlas.evidence.citations import references, to_bibtex, to_csl, to_ris
from alsatlas.presentation.tables import Column, Table
from alsatlas.report.exports import table_to_frame

EV = load_evidence()
REFS = references(EV.records)


def test_one_reference_per_publication_with_its_identifiers() -> None:
    assert len(REFS) == len({r.study_id for r in EV.records})
    mariosa = next(r for r in REFS if r.key == "Mariosa2015")
    assert mariosa.citation.pmid == "25600257"
    assert mariosa.url == "https://pubmed.ncbi.nlm.nih.gov/25600257/"


def test_bibtex_entries_are_balanced_and_keyed() -> None:
    text = to_bibtex(REFS)
    assert text.count("@article{") + text.count("@misc{") == len(REFS)
    assert text.count("{") == text.count("}")
    assert "@article{Mariosa2015,\n  author = {Mariosa, D. and others}," in text
    assert "doi = {10.1111/ene.12632}" in text


def test_ris_records_end_and_carry_doi() -> None:
    text = to_ris(REFS)
    assert text.count("ER  - ") == len(REFS)
    block = text.split("ID  - Mariosa2015\n", 1)[1].split("ER  - ", 1)[0]
    assert "DO  - 10.1111/ene.12632" in block and "AN  - PMID:25600257" in block


def test_csl_json_items_have_type_and_issued_year() -> None:
    items = to_csl(REFS)
    item = next(i for i in items if i["id"] == "Mariosa2015")
    assert item["type"] == "article-journal"
    assert item["issued"] == {"date-parts": [[2015]]}
    assert item["DOI"] == "10.1111/ene.12632"
    assert item["author"] == [{"family": "Mariosa", "given": "D."}]


def test_cli_export_for_one_question() -> None:
    result = CliRunner().invoke(
        app, ["evidence", "export", "--format", "csljson", "--question", "t1d_als_risk"]
    )
    assert result.exit_code == 0, result.output
    ids = {i["id"] for i in json.loads(result.output)}
    assert {"Mariosa2015", "Kioumourtzoglou2015"} <= ids
    assert "Turner2013" in ids or len(ids) >= 2


def test_table_to_parquet_frame_keeps_types_and_nulls(tmp_path) -> None:  # type: ignore[no-untyped-def]
    table = Table(
        "t",
        "caption",
        (Column("a", "A"), Column("x", "X", "number")),
        ({"a": "one", "x": 1.5}, {"a": "two", "x": float("nan")}, {"a": None, "x": None}),
    )
    path = tmp_path / "t.parquet"
    table_to_frame(table).write_parquet(path)
    back = pl.read_parquet(path)
    assert back.columns == ["a", "x"]
    assert back["a"].to_list() == ["one", "two", None]
    assert back["x"].to_list() == [1.5, None, None]
