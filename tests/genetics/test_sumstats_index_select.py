"""Parquet index, streamed instrument selection and the `alsatlas sumstats` commands."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from alsatlas.cli import app
from alsatlas.genetics.lookup import lookup_variants
from alsatlas.genetics.select import select_by_p, select_instruments
from alsatlas.genetics.sumstats import read_sumstats
from alsatlas.genetics.sumstats_index import build_index, default_index_dir, find_index

ROOT = Path(__file__).parents[2]
PANEL = ROOT / "tests" / "genetics" / "data" / "ld_ref_1kg_eur" / "eur"
REF = ROOT / "tests" / "reference" / "clump"
QUOTED = Path(__file__).parent / "data" / "quoted_r" / "bmi_exposure_write_csv.csv"


def _ssf(tmp_path: Path, n: int = 3000, *, gz: bool = True) -> Path:
    rng = np.random.default_rng(11)
    alleles = np.array(list("ACGT"))
    ea = alleles[rng.integers(0, 4, n)]
    oa = alleles[(rng.integers(1, 4, n) + np.searchsorted(alleles, ea)) % 4]
    frame = pl.DataFrame(
        {
            "chromosome": rng.integers(1, 23, n),
            "base_pair_location": np.arange(n) * 37 + 5,
            "effect_allele": ea,
            "other_allele": oa,
            "beta": rng.normal(0, 0.05, n).round(5),
            "standard_error": rng.uniform(0.01, 0.05, n).round(5),
            "effect_allele_frequency": rng.uniform(0.05, 0.95, n).round(3),
            "p_value": 10.0 ** -rng.uniform(0, 12, n),
            "rsid": [f"rs{i * 7 + 1}" for i in range(n)],
        }
    )
    text = frame.write_csv(separator="\t").encode()
    # a few bad rows, reported the same way by every path
    text += b"1\t5\tA\tA\t0.1\t0.01\t0.5\t1e-20\trs_bad\n1\t7\tA\tG\tx\t0.01\t0.5\t1e-20\trs_x\n"
    path = tmp_path / ("ss.tsv.gz" if gz else "ss.tsv")
    path.write_bytes(gzip.compress(text) if gz else text)
    return path


@pytest.mark.parametrize("gz", [True, False])
def test_streamed_selection_equals_full_read_filtered(tmp_path: Path, gz: bool) -> None:
    path = _ssf(tmp_path, gz=gz)
    full = read_sumstats(path).data.filter(pl.col("pval") <= 1e-6)
    sel = select_by_p(path, 1e-6, block_bytes=1024)
    assert sel.rows_scanned == 3002
    assert sel.sumstats.data.equals(full)  # line numbers included
    assert sel.sumstats.report.reasons == {
        "effect and other allele equal": 1,
        "effect size not a number": 1,
    }


def test_selection_from_quoted_r_file() -> None:
    full = read_sumstats(QUOTED).data.filter(pl.col("pval") <= 1e-10)
    sel = select_by_p(QUOTED, 1e-10, block_bytes=512)
    assert sel.sumstats.data.height == full.height > 0
    assert sel.sumstats.data.equals(full)


def test_index_reads_and_lookups_match_text(tmp_path: Path) -> None:
    path = _ssf(tmp_path)
    text_read = read_sumstats(path, use_index=False)
    wanted = ["rs1", "RS8", "rs701", "rs_absent", "rs20994"]
    text_lookup = lookup_variants(path, wanted, use_index=False)
    index = build_index(path)
    assert index.folder == default_index_dir(path)
    assert (index.folder / "index.json").is_file()
    via_index = read_sumstats(path)
    assert via_index.report.index == str(index.folder)
    assert via_index.data.equals(text_read.data)
    assert via_index.report.reasons == text_read.report.reasons
    idx_lookup = lookup_variants(path, wanted)
    assert idx_lookup.index == str(index.folder)
    assert idx_lookup.sumstats.data.equals(text_lookup.sumstats.data)
    # the index also matches RS written in upper case, by its number
    assert set(idx_lookup.missing) == {"rs_absent"}
    row = text_read.data.row(100, named=True)
    key = f"chr{row['chr']}:{row['pos']}"
    by_pos = lookup_variants(path, [key, "1:3"], by="chrpos")
    assert by_pos.sumstats.data.get_column("SNP").to_list() == [row["SNP"]]
    assert by_pos.missing == ("1:3",)
    sel = select_by_p(path, 1e-6)
    assert sel.index == str(index.folder)
    assert sel.sumstats.data.equals(text_read.data.filter(pl.col("pval") <= 1e-6))


def test_stale_or_mismatched_index_is_not_used(tmp_path: Path) -> None:
    path = _ssf(tmp_path)
    build_index(path)
    assert find_index(path) is not None
    assert find_index(path, overrides={"pval": "p_value"}) is None
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert find_index(path) is None
    assert read_sumstats(path).report.index is None


def test_cli_index_then_mr_says_it_uses_the_index(tmp_path: Path) -> None:
    exposure = ROOT / "src/alsatlas/data/genetics/twosamplemr_vignette_bmi_ieu-a-2_exposure.tsv"
    outcome_src = ROOT / "src/alsatlas/data/genetics/twosamplemr_vignette_chd_ieu-a-7_outcome.tsv"
    outcome = tmp_path / "chd.tsv.gz"
    outcome.write_bytes(gzip.compress(outcome_src.read_bytes()))
    runner = CliRunner()
    before = runner.invoke(app, ["mr", "--exposure", str(exposure), "--outcome", str(outcome)])
    assert before.exit_code == 0 and "using index" not in before.output
    result = runner.invoke(app, ["sumstats", "index", str(outcome)])
    assert result.exit_code == 0, result.output
    assert "indexed 79 of 79 rows" in result.output
    args = ["mr", "--exposure", str(exposure), "--outcome", str(outcome), "--format", "json"]
    after = runner.invoke(app, args)
    assert after.exit_code == 0
    assert after.stderr.count("using index") == 1
    plain = runner.invoke(app, [*args[:4], str(outcome_src), "--format", "json"])
    assert json.loads(after.stdout)["results"] == json.loads(plain.stdout)["results"]


def test_cli_instruments_clumped_equals_plink(tmp_path: Path) -> None:
    out = tmp_path / "set.tsv"
    args = ["sumstats", "instruments", str(REF / "assoc.tsv"), "--p", "5e-8", "--clump"]
    args += ["--ld-ref", str(PANEL), "--r2", "0.1", "--kb", "250", "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert text.startswith("## alsatlas")
    assert "reference" in text and "r2 > 0.1" in text
    plink = (REF / "plink_gw_r2_0.1_kb_250.clumped").read_text().split("\n")[1:]
    expected = [ln.split()[2] for ln in plink if ln.strip()]
    back = read_sumstats(out)
    assert back.data.get_column("SNP").to_list() == expected
    table = pl.read_csv(out, separator="\t", comment_prefix="##")
    assert np.allclose(table["F"], (table["beta"] / table["se"]) ** 2)


def test_select_instruments_drops_variants_missing_from_panel(tmp_path: Path) -> None:
    assoc = (REF / "assoc.tsv").read_text()
    extra = "rs999999999\t1\t5000\tA\tG\t0.5\t0.01\t1e-100\n"
    path = tmp_path / "assoc.tsv"
    path.write_text(assoc + extra)
    result = select_instruments(path, 5e-8, ld_ref=PANEL, r2=0.001, kb=10000)
    assert result.clumping is not None
    assert result.clumping.not_in_reference == ("rs999999999",)
    assert "rs999999999" not in result.data.get_column("SNP").to_list()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--clump"], "--clump needs --ld-ref"),
        (["--ld-ref", "x"], "only with --clump"),
        (["--p", "2"], "outside (0, 1]"),
        (["--clump", "--ld-ref", "/nonexistent/eur"], "no such file"),
    ],
)
def test_cli_instruments_input_errors(extra: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["sumstats", "instruments", str(REF / "assoc.tsv"), *extra])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_query_sumstats_one_entry_point(tmp_path: Path) -> None:
    from alsatlas.genetics.sumstats_index import query_sumstats

    path = _ssf(tmp_path)
    text = query_sumstats(path, p_threshold=1e-6)
    assert text.report.index is None
    build_index(path)
    indexed = query_sumstats(path, p_threshold=1e-6)
    assert indexed.report.index is not None and indexed.data.equals(text.data)
    found = query_sumstats(path, variants=["rs1", "rs8"])
    assert found.data.get_column("SNP").to_list() == ["rs1", "rs8"]
    assert query_sumstats(path).data.height == 3000
    with pytest.raises(Exception, match="not both"):
        query_sumstats(path, variants=["rs1"], p_threshold=0.1)


def test_index_folder_elsewhere_is_given_in_place_of_the_file(tmp_path: Path) -> None:
    exposure = ROOT / "src/alsatlas/data/genetics/twosamplemr_vignette_bmi_ieu-a-2_exposure.tsv"
    outcome = ROOT / "src/alsatlas/data/genetics/twosamplemr_vignette_chd_ieu-a-7_outcome.tsv"
    folder = tmp_path / "chd-index"
    runner = CliRunner()
    built = runner.invoke(app, ["sumstats", "index", str(outcome), "--out", str(folder)])
    assert built.exit_code == 0, built.output
    assert find_index(outcome) is None  # not beside the file
    result = runner.invoke(
        app, ["mr", "--exposure", str(exposure), "--outcome", str(folder), "--methods", "ivw"]
    )
    assert result.exit_code == 0, result.output
    assert f"using index {folder}" in result.stderr


def test_index_build_replaces_an_index_whole_and_never_another_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import alsatlas.genetics.sumstats_index as sumstats_index
    from alsatlas.errors import AlsatlasInputError, SumstatsError

    path = _ssf(tmp_path)
    # a folder holding other files is refused, and left as it was
    other = tmp_path / "notes"
    (other / "lookup").mkdir(parents=True)
    (other / "lookup" / "keep.txt").write_text("mine")
    with pytest.raises(SumstatsError, match="not an index folder"):
        build_index(path, out=other)
    assert sorted(p.name for p in other.rglob("*")) == ["keep.txt", "lookup"]
    # missing parent folders are made
    nested = build_index(path, out=tmp_path / "a" / "b" / "idx")
    assert find_index(nested.folder) is not None
    # a rebuild replaces the whole folder: a stray file of the old one is gone
    index = build_index(path)
    (index.folder / "stray.txt").write_text("old")
    build_index(path)
    assert not (index.folder / "stray.txt").exists()
    # a build that fails part-way leaves the previous index whole and nothing beside it
    before = sorted(p.name for p in tmp_path.iterdir())

    def broken(folder: Path, data: pl.DataFrame) -> dict[str, object]:
        folder.mkdir()
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sumstats_index, "_write_store", broken)
    with pytest.raises(AlsatlasInputError, match="No space left"):
        build_index(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert read_sumstats(path).report.index == str(index.folder)


def test_index_lookup_counts_requested_variants_as_the_text_read(tmp_path: Path) -> None:
    # two variants at one position (multi-allelic): one requested key, two rows
    path = tmp_path / "multi.tsv"
    path.write_text(
        "SNP\tchr\tpos\teffect_allele\tother_allele\tbeta\tse\tpval\n"
        "rs1\t1\t100\tA\tG\t0.1\t0.01\t1e-9\n"
        "rs2\t1\t100\tA\tT\t0.1\t0.01\t1e-9\n"
        "rs3\t1\t200\tC\tT\t0.1\t0.01\t1e-9\n"
    )
    asked = {"chrpos": ["1:100", "chr1:100", "1:300"], "snp": ["rs1", "RS1", "rs9"]}
    text = {by: lookup_variants(path, keys, by=by) for by, keys in asked.items()}
    build_index(path)
    for by, keys in asked.items():
        indexed = lookup_variants(path, iter(keys), by=by)
        assert indexed.index is not None and text[by].index is None
        assert (indexed.requested, indexed.found) == (2, 1)
        assert (indexed.requested, indexed.found, indexed.missing) == (
            text[by].requested,
            text[by].found,
            text[by].missing,
        )
        assert indexed.sumstats.data.equals(text[by].sumstats.data)
