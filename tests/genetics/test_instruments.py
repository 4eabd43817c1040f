"""Shipped instrument sets: row counts as documented in the data README, and set selection.

Row counts come from the research data README (``shared/research/data/README.md``): 2,153
MR-Base rows over 69 GWAS, 879 catalogue rows (731 Orrù 2020), 1,053 ALS look-up rows, 45 + 45
MRcovid rows, 79 + 79 vignette rows.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

import pytest

from alsatlas.errors import AlsatlasInputError
from alsatlas.genetics.instruments import (
    immune_cell_gwas,
    list_exposure_sets,
    load_exposure_set,
    opengwas_catalogue,
    select_exposure_set,
    traits,
)

DATA = Path(str(resources.files("alsatlas").joinpath("data", "genetics")))
RESEARCH = Path(__file__).resolve().parents[3] / "shared" / "research" / "data"

ROWS = {
    "mrbase_instruments_als_autoimmune.tsv": 2153,
    "opengwas_catalogue_als_autoimmune_immunecell.tsv": 879,
    "als_vanrheenen2021_outcome_lookups_bmi_t2d_tc.tsv": 1053,
    "mrcovid_ra_okada2014_instruments_5e-8.tsv": 45,
    "mrcovid_sle_bentham2015_instruments_5e-8.tsv": 45,
    "twosamplemr_vignette_bmi_ieu-a-2_exposure.tsv": 79,
    "twosamplemr_vignette_chd_ieu-a-7_outcome.tsv": 79,
    "go_immune_gene_sets_orghsegdb_3.16.0.tsv": 2892 + 1955 + 927 + 744 + 848,
    "als_genes_alsod_definitive_17.tsv": 17,
    "go_bp_annotated_genes_orghsegdb_3.16.0.tsv": 18903,
}


@pytest.mark.parametrize(("name", "rows"), sorted(ROWS.items()))
def test_shipped_row_counts(name: str, rows: int) -> None:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    assert len(lines) - 1 == rows


@pytest.mark.parametrize("name", sorted(n for n in ROWS if not n.startswith("go_bp")))
def test_shipped_files_are_copies_of_the_research_extracts(name: str) -> None:
    source = RESEARCH / name
    if not source.exists():
        pytest.skip("research folder not present")
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (source, DATA / name)]
    assert digest[0] == digest[1]


def test_readme_present() -> None:
    text = (DATA / "README.md").read_text(encoding="utf-8")
    for name in ROWS:
        assert name in text


def test_sets_and_catalogue() -> None:
    sets = list_exposure_sets()
    mrbase = [s for s in sets if s.source.startswith("mrbase")]
    assert len(mrbase) == 69
    assert sum(s.nsnp for s in mrbase) == 2153
    assert len(sets) == 71
    assert opengwas_catalogue().height == 879
    assert immune_cell_gwas().height == 731
    als = {s.id for s in traits()["amyotrophic lateral sclerosis"]}
    assert als == {"ieu-a-1085", "ieu-a-1086", "ieu-a-33"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("rheumatoid arthritis", "okada2014-ra-mrcovid"),
        ("RA", "okada2014-ra-mrcovid"),
        ("Rheumatoid Arthritis", "okada2014-ra-mrcovid"),
        ("lupus", "bentham2015-sle-mrcovid"),
        ("SLE", "bentham2015-sle-mrcovid"),
        ("IEU-A-832", "ieu-a-832"),
        ("ukb-a-105", "ukb-a-105"),
        ("crohns disease", "ieu-a-12"),
        ("coeliac disease", "ieu-a-1058"),
        ("ALS", "ieu-a-1085"),
        ("vitiligo", "ukb-a-115"),
    ],
)
def test_select(query: str, expected: str) -> None:
    assert select_exposure_set(query).set.id == expected


def test_selection_lists_alternatives() -> None:
    chosen = select_exposure_set("rheumatoid arthritis")
    assert chosen.matched_by == "trait 'rheumatoid arthritis'"
    assert {a.id for a in chosen.alternatives} >= {"ieu-a-832", "ieu-a-833", "ukb-a-105"}


def test_ambiguous_names_are_refused_with_candidates() -> None:
    with pytest.raises(AlsatlasInputError) as info:
        select_exposure_set("arthritis")
    text = str(info.value)
    assert "juvenile idiopathic arthritis" in text and "rheumatoid arthritis" in text
    assert "ieu-a-279" in text


def test_unknown_name() -> None:
    with pytest.raises(AlsatlasInputError, match="no shipped instrument set"):
        select_exposure_set("myasthenia gravis")


def test_load_sets_with_reports() -> None:
    ra = load_exposure_set("RA")
    assert ra.data.height == 45 and ra.report.n_dropped == 0
    assert ra.data.get_column("eaf").is_not_null().all()
    celiac = load_exposure_set("ieu-a-1058")
    assert celiac.report.n_rows == 17
    assert celiac.report.reasons == {"missing other allele": 4}
    # line numbers are those of the shipped file
    shipped = (DATA / "mrbase_instruments_als_autoimmune.tsv").read_text().splitlines()
    for example in celiac.report.examples:
        assert shipped[example.line - 1].startswith("ieu-a-1058\t")
    first = celiac.data.row(0, named=True)
    assert f"\t{first['SNP']}\t" in shipped[first["line"] - 1]
    als = load_exposure_set("ieu-a-1085")
    assert als.data.height == 7
    assert "rs3849943" in als.data.get_column("SNP").to_list()


def test_every_set_loads_and_accounts_for_every_row() -> None:
    dropped = 0
    for s in list_exposure_sets():
        loaded = load_exposure_set(s)
        assert loaded.report.n_rows == s.nsnp
        assert loaded.data.height + loaded.report.n_dropped == s.nsnp
        assert loaded.data.get_column("SNP").is_unique().all()
        dropped += loaded.report.n_dropped
    # the MR-Base extract has rows without an effect or other allele and with se = 0
    assert dropped > 0
