"""`alsatlas mr` end to end through typer's CliRunner.

Expected numbers are computed here from the closed forms in the research notes
(mr-methods.md): IVW = Σw·bx·by / Σw·bx² with w = byse⁻²; TwoSampleMR's ``mr_ivw`` SE is the
fixed-effect SE × max(1, σ̂), σ̂² = Q/(k − 1).
"""

from __future__ import annotations

import gzip
import json
from importlib import resources
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from alsatlas.cli import app

DATA = Path(str(resources.files("alsatlas").joinpath("data", "genetics")))
EXPOSURE = DATA / "twosamplemr_vignette_bmi_ieu-a-2_exposure.tsv"
OUTCOME = DATA / "twosamplemr_vignette_chd_ieu-a-7_outcome.tsv"
LOOKUPS = DATA / "als_vanrheenen2021_outcome_lookups_bmi_t2d_tc.tsv"


def _ivw(bx: np.ndarray, by: np.ndarray, byse: np.ndarray) -> tuple[float, float]:
    w = byse**-2.0
    b = float(np.sum(w * bx * by) / np.sum(w * bx**2))
    se_fixed = float(np.sqrt(1.0 / np.sum(w * bx**2)))
    q = float(np.sum(w * (by - b * bx) ** 2))
    sigma = np.sqrt(q / (len(bx) - 1))
    return b, se_fixed * max(1.0, float(sigma))


def _run(args: list[str]) -> dict:
    result = CliRunner().invoke(app, ["mr", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _ssf_outcome(tmp_path: Path) -> Path:
    """The CHD look-ups as a gzip GWAS-SSF file, with alleles recoded on some rows."""
    out = pl.read_csv(OUTCOME, separator="\t")
    comp = {"A": "T", "C": "G", "G": "C", "T": "A"}
    rows = []
    for i, r in enumerate(out.iter_rows(named=True)):
        ea, oa, beta, eaf = (
            r["effect_allele.outcome"],
            r["other_allele.outcome"],
            r["beta.outcome"],
            r["eaf.outcome"],
        )
        if i % 3 == 1:  # other effect allele
            ea, oa, beta, eaf = oa, ea, -beta, 1 - eaf
        if i % 5 == 2 and comp[ea] != oa:  # reverse strand (non-palindromic only)
            ea, oa = comp[ea], comp[oa]
        rows.append(
            {
                "chromosome": r["chr"],
                "base_pair_location": r["pos"],
                "effect_allele": ea,
                "other_allele": oa,
                "beta": beta,
                "standard_error": r["se.outcome"],
                "effect_allele_frequency": eaf,
                "p_value": r["pval.outcome"],
                "rsid": r["SNP"],
                "n": r["samplesize.outcome"],
            }
        )
    path = tmp_path / "chd.h.tsv.gz"
    path.write_bytes(gzip.compress(pl.DataFrame(rows).write_csv(separator="\t").encode()))
    return path


def test_example_t2d_json() -> None:
    payload = _run(["--example", "t2d", "--methods", "ivw,egger"])
    assert [r["method"] for r in payload["results"]] == ["ivw", "egger"]
    assert set(payload["results"][0]) == {"method", "nsnp", "b", "se", "ci_lb", "ci_ub", "pval"}
    for block in ("heterogeneity", "egger_intercept", "steiger"):
        assert block in payload
    table = pl.read_csv(LOOKUPS, separator="\t", null_values="NA", infer_schema_length=None)
    kept = table.filter((pl.col("id.exposure") == "ebi-a-GCST006867") & pl.col("mr_keep"))
    b, se = _ivw(
        kept.get_column("beta.exposure").to_numpy(),
        kept.get_column("beta.outcome").to_numpy(),
        kept.get_column("se.outcome").to_numpy(),
    )
    ivw = payload["results"][0]
    assert ivw["nsnp"] == kept.height == 116
    assert ivw["b"] == pytest.approx(b, rel=1e-9)
    assert ivw["se"] == pytest.approx(se, rel=1e-9)


def test_exposure_and_gzip_ssf_outcome(tmp_path: Path) -> None:
    outcome = _ssf_outcome(tmp_path)
    harmonised = tmp_path / "h.tsv"
    payload = _run(
        [
            "--exposure", str(EXPOSURE), "--outcome", str(outcome), "--methods", "ivw",
            "--harmonised-out", str(harmonised),
        ]
    )  # fmt: skip
    exp = pl.read_csv(EXPOSURE, separator="\t")
    out = pl.read_csv(OUTCOME, separator="\t")
    m = exp.join(out, on="SNP")
    b, se = _ivw(
        m.get_column("beta.exposure").to_numpy(),
        m.get_column("beta.outcome").to_numpy(),
        m.get_column("se.outcome").to_numpy(),
    )
    ivw = payload["results"][0]
    assert ivw["nsnp"] == 79
    assert ivw["b"] == pytest.approx(b, rel=1e-9)
    assert ivw["se"] == pytest.approx(se, rel=1e-9)
    counts = payload["harmonisation"]
    assert counts["mr_keep"] == 79 and counts["swapped"] > 0 and counts["strand flipped"] > 0
    assert payload["inputs"]["outcome"]["format"] == "gwas-ssf"
    assert payload["inputs"]["outcome"]["instruments_not_found"] == []
    # the written table feeds --harmonised and gives the same answer
    again = _run(["--harmonised", str(harmonised), "--methods", "ivw"])
    assert again["results"][0]["b"] == pytest.approx(ivw["b"], rel=1e-12)


def test_action_three_drops_palindromes(tmp_path: Path) -> None:
    outcome = _ssf_outcome(tmp_path)
    args = ["--exposure", str(EXPOSURE), "--outcome", str(outcome), "--methods", "ivw"]
    payload = _run([*args, "--action", "3"])
    assert payload["results"][0]["nsnp"] == 75


def test_table_output_shows_column_mapping(tmp_path: Path) -> None:
    outcome = _ssf_outcome(tmp_path)
    result = CliRunner().invoke(
        app, ["mr", "--exposure", str(EXPOSURE), "--outcome", str(outcome), "--methods", "ivw"]
    )
    assert result.exit_code == 0, result.output
    assert "gwas-ssf" in result.stdout
    assert "base_pair_location" in result.stdout
    assert "ivw" in result.stdout and "Harmonisation" in result.stdout


def _als_outcome(tmp_path: Path) -> Path:
    """A space-separated outcome for the 7 ALS (ieu-a-1085) instruments, true effect 0.3."""
    als = pl.read_csv(DATA / "mrbase_instruments_als_autoimmune.tsv", separator="\t")
    als = als.filter(pl.col("opengwas_id") == "ieu-a-1085")
    rng = np.random.default_rng(5)
    outcome = pl.DataFrame(
        {
            "SNP": als.get_column("SNP"),
            "A1": als.get_column("effect_allele.exposure").str.to_uppercase(),
            "A2": als.get_column("other_allele.exposure").str.to_uppercase(),
            "BETA": 0.3 * als.get_column("beta.exposure") + rng.normal(0, 0.005, als.height),
            "SE": np.full(als.height, 0.01),
            "FRQ": als.get_column("eaf.exposure"),
        }
    )
    path = tmp_path / "out.txt"
    outcome.write_csv(path, separator=" ")
    return path


def test_exposure_set_with_synthetic_outcome(tmp_path: Path) -> None:
    path = _als_outcome(tmp_path)
    payload = _run(["--exposure-set", "ALS", "--outcome", str(path), "--methods", "ivw"])
    assert payload["inputs"]["exposure_set"]["id"] == "ieu-a-1085"
    assert payload["results"][0]["nsnp"] == 7
    assert payload["results"][0]["b"] == pytest.approx(0.3, abs=0.1)


def test_plots_are_written(tmp_path: Path) -> None:
    path = _als_outcome(tmp_path)
    args = ["--exposure-set", "ALS", "--outcome", str(path), "--methods", "ivw,egger"]
    payload = _run([*args, "--plots", str(tmp_path / "plots")])
    names = sorted(Path(p).name for p in payload["plots"])
    assert len(names) == 8
    assert "mr_scatter.svg" in names and "mr_leave_one_out.png" in names
    assert all(Path(p).stat().st_size > 0 for p in payload["plots"])


def test_list_sets() -> None:
    result = CliRunner().invoke(app, ["mr", "--list-sets"])
    assert result.exit_code == 0
    assert "okada2014-ra-mrcovid" in result.stdout and "ieu-a-1085" in result.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        ([], "exactly one of"),
        (["--exposure-set", "arthritis", "--outcome", "x"], "matches 2 traits"),
        (["--example", "t2d", "--action", "4"], "--action"),
        (["--example", "bmi", "--format", "xml"], "--format"),
        (["--example", "nope"], "unknown example"),
        (["--exposure-set", "RA"], "--outcome is required"),
        (["--harmonised", str(LOOKUPS)], "--exposure-id"),
        (["--exposure", "/nonexistent/file.tsv", "--outcome", "x"], "cannot read"),
    ],
)
def test_errors_are_messages_not_tracebacks(args: list[str], needle: str) -> None:
    result = CliRunner().invoke(app, ["mr", *args])
    assert result.exit_code == 2
    assert needle in result.output
    assert "Traceback" not in result.output


def test_progress_bar_on_long_outcome_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import alsatlas.cli.mr as mr_cli

    monkeypatch.setattr(mr_cli, "PROGRESS_MIN_BYTES", 0)
    outcome = _ssf_outcome(tmp_path)
    result = CliRunner().invoke(
        app, ["mr", "--exposure", str(EXPOSURE), "--outcome", str(outcome), "--methods", "ivw"]
    )
    assert result.exit_code == 0, result.output


def test_match_by_chromosome_position(tmp_path: Path) -> None:
    with_rsid = _ssf_outcome(tmp_path)
    frame = pl.read_csv(with_rsid, separator="\t").drop("rsid")
    no_rsid = tmp_path / "norsid.tsv"
    frame.write_csv(no_rsid, separator="\t")
    base = ["--exposure", str(EXPOSURE), "--methods", "ivw"]
    by_id = _run([*base, "--outcome", str(with_rsid)])
    by_pos = _run([*base, "--outcome", str(no_rsid), "--match", "chrpos"])
    assert by_pos["results"][0]["nsnp"] == 79
    assert by_pos["results"][0]["b"] == pytest.approx(by_id["results"][0]["b"], rel=1e-12)
    # the shipped MR-Base sets carry no positions
    result = CliRunner().invoke(
        app, ["mr", "--exposure-set", "ALS", "--outcome", str(no_rsid), "--match", "chrpos"]
    )
    assert result.exit_code == 2 and "chromosome and position" in result.output
    # the MRcovid RA set has positions, but none is in this outcome file
    result = CliRunner().invoke(
        app, ["mr", "--exposure-set", "RA", "--outcome", str(no_rsid), "--match", "chrpos"]
    )
    assert result.exit_code == 2 and "none of the 45 instruments was found" in result.output


def test_scan_all_shipped_sets(tmp_path: Path) -> None:
    mrbase = pl.read_csv(DATA / "mrbase_instruments_als_autoimmune.tsv", separator="\t")
    mrbase = mrbase.filter(pl.col("other_allele.exposure").is_not_null())
    snps = mrbase.unique("SNP", keep="first", maintain_order=True)
    rng = np.random.default_rng(9)
    outcome = pl.DataFrame(
        {
            "SNP": snps.get_column("SNP"),
            "effect_allele": snps.get_column("effect_allele.exposure").str.to_uppercase(),
            "other_allele": snps.get_column("other_allele.exposure").str.to_uppercase(),
            "beta": rng.normal(0, 0.01, snps.height),
            "se": np.full(snps.height, 0.01),
        }
    )
    path = tmp_path / "als_like.tsv"
    outcome.write_csv(path, separator="\t")
    payload = _run(["--exposure-set", "all", "--outcome", str(path), "--methods", "ivw"])
    sets = {row["id"]: row for row in payload["sets"]}
    assert len(sets) == 71
    # palindromes are ambiguous when the outcome has no allele frequency (TwoSampleMR reads 0.5)
    als = mrbase.filter(pl.col("opengwas_id") == "ieu-a-1085")
    pairs = zip(
        als["effect_allele.exposure"].str.to_uppercase(),
        als["other_allele.exposure"].str.to_uppercase(),
        strict=True,
    )
    palindromes = sum({a, b} in ({"A", "T"}, {"C", "G"}) for a, b in pairs)
    assert sets["ieu-a-1085"]["nsnp"] == 7 - palindromes
    # a set with >= 2 variants gets IVW, equal to running that set alone
    single = _run(["--exposure-set", "ieu-a-1025", "--outcome", str(path), "--methods", "ivw"])
    row = sets["ieu-a-1025"]
    assert row["results"][0]["b"] == pytest.approx(single["results"][0]["b"], rel=1e-12)
    # single-variant sets cannot run IVW: reported per set, the scan goes on
    one = next(r for r in payload["sets"] if r["nsnp"] == 1)
    assert "error" in one
    table = CliRunner().invoke(app, ["mr", "--exposure-set", "all", "--outcome", str(path)])
    assert table.exit_code == 0, table.output
    assert "ieu-a-1025" in table.stdout


_HARMONISED_WITH_TEXT = (
    "SNP\tbeta.exposure\tse.exposure\tbeta.outcome\tse.outcome\n"
    "rs1\t0.1\t0.01\t0.2\t0.05\n"
    "rs2\tabc\t0.01\t0.1\t0.05\n"
    "rs3\t0.3\t0.02\t0.5\t0.1\n"
    "rs4\t0.2\tn/a?\t0.4\t0.1\n"
    "rs5\t0.25\t0.02\t0.4\t0.1\n"
)


def test_non_numeric_cells_of_a_harmonised_table_are_counted_and_named(tmp_path: Path) -> None:
    path = tmp_path / "h.tsv"
    path.write_text(_HARMONISED_WITH_TEXT)
    result = CliRunner().invoke(
        app, ["mr", "--harmonised", str(path), "--methods", "ivw", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    warning = next(line for line in result.output.splitlines() if line.startswith("warning:"))
    assert "2 cell(s) not a number, 2 row(s) left out" in warning
    assert "line 3, column beta.exposure: 'abc'" in warning
    body = json.loads(result.output[result.output.index("{") :])
    assert body["harmonisation"]["non-numeric cells"] == 2
    assert body["harmonisation"]["mr_keep"] == 3
    ivw = next(r for r in body["results"] if r["method"] == "ivw")
    assert ivw["nsnp"] == 3


@pytest.mark.parametrize("flag", ["--exposure-column", "--outcome-column"])
def test_column_options_are_refused_with_a_harmonised_table(tmp_path: Path, flag: str) -> None:
    path = tmp_path / "h.tsv"
    path.write_text(_HARMONISED_WITH_TEXT)
    result = CliRunner().invoke(app, ["mr", "--harmonised", str(path), flag, "FOO"])
    assert result.exit_code == 2
    assert f"{flag} is not used with --harmonised" in result.output


def test_too_few_variants_for_a_method_names_the_input_and_writes_nothing(tmp_path: Path) -> None:
    # found by the reader fuzz suite: the error named no file, and --harmonised-out was left
    path = tmp_path / "two.tsv"
    path.write_text(
        "SNP\tbeta.exposure\tse.exposure\tbeta.outcome\tse.outcome\n"
        "rs1\t0.1\t0.01\t0.2\t0.05\nrs2\t0.2\t0.02\t0.3\t0.05\n"
    )
    result = CliRunner().invoke(app, ["mr", "--harmonised", str(path), "--methods", "egger"])
    assert result.exit_code == 2
    assert str(path) in result.output and "egger needs at least 3 variants" in result.output


def test_an_exposure_with_no_usable_row_is_blamed_not_the_outcome(tmp_path: Path) -> None:
    exposure = tmp_path / "exposure.tsv"
    exposure.write_text("SNP\tA1\tA2\tBETA\tSE\nrs1\tA\tG\tx\t0.1\nrs2\tC\tT\t0.2\t-1\n")
    outcome = tmp_path / "outcome.tsv"
    outcome.write_text("SNP\tA1\tA2\tBETA\tSE\nrs1\tA\tG\t0.1\t0.1\n")
    out = tmp_path / "h.tsv"
    result = CliRunner().invoke(
        app,
        [
            "mr",
            "--exposure",
            str(exposure),
            "--outcome",
            str(outcome),
            "--harmonised-out",
            str(out),
        ],
    )
    assert result.exit_code == 2
    assert str(exposure) in result.output and "no usable instrument" in result.output
    assert not out.exists()


def test_a_repeated_variant_in_a_harmonised_table_counts_once(tmp_path: Path) -> None:
    path = tmp_path / "dup.tsv"
    path.write_text(
        "SNP\tbeta.exposure\tse.exposure\tbeta.outcome\tse.outcome\n"
        "rs1\t0.1\t0.01\t0.2\t0.05\nrs1\t0.1\t0.01\t0.2\t0.05\n"
        "rs3\t0.3\t0.02\t0.5\t0.1\nrs4\t0.2\t0.02\t0.4\t0.1\n"
    )
    result = CliRunner().invoke(
        app, ["mr", "--harmonised", str(path), "--methods", "ivw", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert "1 repeated variant(s) left out" in result.output and "line 3, rs1" in result.output
    body = json.loads(result.output[result.output.index("{") :])
    assert body["nsnp"] == 3 and body["harmonisation"]["duplicate variants"] == 1


def test_equal_exposure_effects_leave_only_egger_undefined(tmp_path: Path) -> None:
    # every |beta.exposure| equal: MR-Egger's Sxx is 0 (was a ZeroDivisionError traceback)
    path = tmp_path / "same.tsv"
    path.write_text(
        "SNP\tbeta.exposure\tse.exposure\tbeta.outcome\tse.outcome\n"
        "rs1\t0.1\t0.01\t0.2\t0.05\nrs2\t-0.1\t0.01\t0.2\t0.05\n"
        "rs3\t0.1\t0.02\t0.5\t0.1\nrs4\t0.1\t0.02\t0.4\t0.1\n"
    )
    for methods in ("ivw", "ivw,egger"):
        result = CliRunner().invoke(
            app, ["mr", "--harmonised", str(path), "--methods", methods, "--format", "json"]
        )
        assert result.exit_code == 0, result.output
        body = json.loads(result.output[result.output.index("{") :])
        assert [r["method"] for r in body["results"]] == ["ivw"]
        assert body["egger_intercept"] is None
    assert dict(body["skipped"])["egger"].startswith("MR-Egger is undefined")


def test_a_negative_standard_error_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "neg.tsv"
    path.write_text(
        "SNP\tbeta.exposure\tse.exposure\tbeta.outcome\tse.outcome\n"
        "rs1\t0.1\t0.01\t0.2\t0.05\nrs2\t0.1\t-0.01\t0.2\t0.05\n"
    )
    result = CliRunner().invoke(app, ["mr", "--harmonised", str(path)])
    assert result.exit_code == 2
    assert str(path) in result.output and "'se.exposure'" in result.output
    assert "line 3" in result.output and "row 0" not in result.output


def test_a_zero_exposure_effect_is_left_out_not_fatal(tmp_path: Path) -> None:
    # found running the README's scan: one variant with beta.exposure 0 failed the whole pair
    path = tmp_path / "zero.tsv"
    path.write_text(
        "SNP\tbeta.exposure\tse.exposure\tbeta.outcome\tse.outcome\n"
        "rs1\t0.0\t0.01\t0.2\t0.05\nrs2\t0.2\t0.02\t0.3\t0.05\n"
        "rs3\t0.3\t0.02\t0.5\t0.1\nrs4\t0.25\t0.02\t0.4\t0.1\n"
    )
    out = tmp_path / "h.tsv"
    result = CliRunner().invoke(
        app,
        ["mr", "--harmonised", str(path), "--methods", "ivw", "--format", "json",
         "--harmonised-out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.output[result.output.index("{") :])["nsnp"] == 3
    table = pl.read_csv(out, separator="\t")
    row = table.filter(pl.col("SNP") == "rs1")
    assert row.get_column("mr_keep").to_list() == [False]
    assert row.get_column("reason").to_list() == ["beta.exposure is 0: no ratio estimate"]


def test_a_header_only_outcome_says_it_has_no_rows(tmp_path: Path) -> None:
    outcome = tmp_path / "empty.tsv"
    outcome.write_text("SNP\tA1\tA2\tBETA\tSE\n")
    exposure = resources.files("alsatlas.data.genetics").joinpath(
        "twosamplemr_vignette_bmi_ieu-a-2_exposure.tsv"
    )
    result = CliRunner().invoke(app, ["mr", "--exposure", str(exposure), "--outcome", str(outcome)])
    assert result.exit_code == 2
    assert "has no data rows" in result.output and "none of the 79" not in result.output
