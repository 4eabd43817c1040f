"""scripts/import_research.py on small hand-made tables: honest handling of awkward rows."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from alsatlas.evidence import EpiAssociation, load_evidence

SCRIPT = Path(__file__).parents[2] / "scripts" / "import_research.py"

EPI_COLUMNS = [
    "row_id",
    "study_id",
    "first_author",
    "year",
    "pmid",
    "pmcid",
    "doi",
    "citation",
    "country",
    "data_source",
    "design",
    "exposure_as_named",
    "disease_harmonized",
    "exposure_scope",
    "outcome",
    "measure",
    "estimate",
    "ci_low",
    "ci_high",
    "n_cases_exposed",
    "study_size",
    "adjustment",
    "time_window",
    "analysis",
    "include_primary",
    "page_url",
    "verified",
    "notes",
]


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_research", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["import_research"] = module
    spec.loader.exec_module(module)
    return module


def _epi_row(**values: str) -> dict[str, str]:
    row = dict.fromkeys(EPI_COLUMNS, "")
    row.update(
        row_id="1",
        study_id="Test2020",
        first_author="Test A",
        year="2020",
        doi="https://doi.org/10.1000/test",
        country="Testland",
        data_source="test register",
        design="population-based case-control",
        exposure_as_named="lupus",
        disease_harmonized="sle",
        exposure_scope="autoimmune",
        outcome="ALS",
        measure="OR",
        study_size="100 ALS cases; 400 controls",
        time_window="diagnoses at least 2 years before ALS",
        analysis="main",
        include_primary="yes",
        page_url="https://example.org/test",
        verified="yes",
    )
    row.update(values)
    return row


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=EPI_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def test_awkward_rows_are_imported_honestly(script: ModuleType, tmp_path: Path) -> None:
    research, curation, out = tmp_path / "r", tmp_path / "c", tmp_path / "out"
    research.mkdir()
    curation.mkdir()
    _write(
        research / "epi_studies.csv",
        [
            _epi_row(row_id="1", estimate="1.5", ci_low="1.1", ci_high="2.0"),
            # estimate outside its CI and no corrected number in the notes
            _epi_row(
                row_id="2",
                disease_harmonized="ra",
                exposure_as_named="RA",
                estimate="3.5",
                ci_low="1.1",
                ci_high="2.0",
            ),
            # ratio printed without a CI
            _epi_row(
                row_id="3", disease_harmonized="asthma", exposure_as_named="asthma", estimate="0.4"
            ),
            # direction only, read in the abstract
            _epi_row(
                row_id="4",
                disease_harmonized="celiac_disease",
                analysis="direction_only",
                include_primary="no",
                verified="no",
                notes="Abstract: no association with celiac disease.",
            ),
        ],
    )
    _write(
        curation / "epi_additions.csv",
        [
            _epi_row(
                row_id="1001",
                study_id="Extra2021",
                disease_harmonized="myxedema",
                estimate="2.0",
                ci_low="1.2",
                ci_high="3.3",
            )
        ],
    )
    (curation / "citations.csv").write_text(
        "study_id,pmid,pmcid,doi,nct_id,first_author,title,journal,year,page_url,notes\n"
        "Test2020,1234567,,,,Test A,A made-up title,J Test,2020,https://example.org/c,"
        "SAME PUBLICATION as genetics/Other2020\n",
        encoding="utf-8",
    )
    assert (
        script.main(["--research", str(research), "--curation", str(curation), "--out", str(out)])
        == 0
    )
    base = load_evidence(out)
    by_exposure = {r.exposure: r for r in base.epi_associations if isinstance(r, EpiAssociation)}

    sle = by_exposure["sle"]
    assert (sle.estimate, sle.ci_lb, sle.ci_ub) == (1.5, 1.1, 2.0)
    assert sle.citation.doi == "10.1000/test"
    assert sle.citation.pmid == "1234567"
    assert sle.citation.title == "A made-up title"
    assert "Same publication as Other2020" in sle.notes
    assert (sle.n_cases, sle.n_controls) == (100, 400)
    assert sle.time_window.lag_years_min == 2.0
    assert sle.time_window.excludes_year_before_als is True
    assert sle.pooling == "eligible"

    ra = by_exposure["rheumatoid_arthritis"]
    assert ra.estimate is None and ra.ci_lb is None and ra.ci_ub is None
    assert ra.verification == "unverified"
    assert ra.reported_statistic is not None and "3.5" in ra.reported_statistic
    assert ra.pooling == "excluded"

    asthma = by_exposure["asthma"]
    assert asthma.estimate is None
    assert asthma.direction == "decreased"
    assert asthma.reported_statistic == "OR: 0.4"

    celiac = by_exposure["celiac_disease"]
    assert celiac.direction == "null"
    assert celiac.verification == "partial"

    assert by_exposure["hypothyroidism"].study_id == "Extra2021"
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "**5**" in readme


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("Abstract states a positive association", "increased"),
        ("no association with autoimmune diseases", "null"),
        ("Higher lymphocyte count protective", "decreased"),
        ("Significant negative genetic correlation", "decreased"),
        ("numbers not shown", None),
    ],
)
def test_direction_from_text(script: ModuleType, text: str, direction: str | None) -> None:
    assert script.direction_from_text(text) == direction
