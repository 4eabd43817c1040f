"""Serial scans: agreement with `alsatlas mr` on a single pair, adjusted p-values, resuming an
interrupted scan, bad files recorded per pair, refusal of a foreign results file."""

from __future__ import annotations

import gzip
import json
import shlex
import shutil
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from conftest import ScanCase
from typer.testing import CliRunner

from alsatlas.cli import app
from alsatlas.errors import AlsatlasInputError
from alsatlas.genetics.scan import ScanParams, expand_sources, plan_pairs, run_scan
from alsatlas.genetics.scan.store import META_COMPLETE, META_KEY
from alsatlas.stats.multiple_testing import p_adjust


def test_serial_scan_covers_every_pair(scan_case: ScanCase) -> None:
    r = scan_case.serial
    keys = set(r.select("exposure_source", "outcome_source", "direction").rows())
    assert keys == {p.key for p in scan_case.pairs}
    ok = r.filter(pl.col("status") == "ok")
    assert set(ok.get_column("method")) == {"ivw", "egger", "weighted_median"}
    # the shipped ALS set's variants are absent from the synthetic files
    als_set = r.filter(pl.col("exposure_source") == "set:ieu-a-1085")
    assert set(als_set.get_column("status")) == {"no_variants"}
    assert als_set.get_column("reason")[0].startswith("none of the")
    assert pl.read_parquet_metadata(scan_case.root / "serial.parquet")[META_COMPLETE] == "true"


def test_pair_matches_alsatlas_mr(scan_case: ScanCase, tmp_path: Path) -> None:
    """With every exposure row as instrument (p ≤ 1), a scan pair equals `alsatlas mr`."""
    exposure = scan_case.root / "immune" / "cell001.tsv"
    outcome = scan_case.root / "als" / "als000.tsv"
    pairs = plan_pairs(
        expand_sources([str(exposure)], role="e"), expand_sources([str(outcome)], role="o")
    )
    out = tmp_path / "one.parquet"
    run_scan(pairs, ScanParams(methods=("ivw", "egger"), instrument_p=1.0), out, workers=0)
    got = pl.read_parquet(out)
    res = CliRunner().invoke(
        app,
        [
            "mr",
            "--exposure",
            str(exposure),
            "--outcome",
            str(outcome),
            "--methods",
            "ivw,egger",
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    want = {r["method"]: r for r in json.loads(res.stdout)["results"]}
    for row in got.iter_rows(named=True):
        for col in ("b", "se", "pval", "nsnp"):
            assert row[col] == want[row["method"]][col]


def test_adjusted_p_values_per_method(scan_case: ScanCase) -> None:
    ok = scan_case.serial.filter(pl.col("status") == "ok")
    for method in ("ivw", "egger", "weighted_median"):
        rows = ok.filter(pl.col("method") == method)
        p = rows.get_column("pval").to_numpy()
        np.testing.assert_array_equal(rows.get_column("p_bh").to_numpy(), p_adjust(p, "BH"))
        bonf = p_adjust(p, "bonferroni")
        np.testing.assert_array_equal(rows.get_column("p_bonferroni").to_numpy(), bonf)
    failed = scan_case.serial.filter(pl.col("status") != "ok")
    assert failed.get_column("p_bh").null_count() == failed.height


class _Stop(Exception):
    pass


def test_interrupted_scan_resumes_where_it_stopped(scan_case: ScanCase, tmp_path: Path) -> None:
    out = tmp_path / "resume.parquet"
    calls: list[int] = []

    def stop_after_two_chunks(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 3:
            raise _Stop

    with pytest.raises(_Stop):
        run_scan(
            scan_case.pairs,
            scan_case.params,
            out,
            workers=1,
            chunk_size=3,
            progress=stop_after_two_chunks,
            flush_seconds=0.0,
        )
    partial = pl.read_parquet(out)
    assert pl.read_parquet_metadata(out)[META_COMPLETE] == "false"
    n_partial = partial.select("exposure_source", "outcome_source", "direction").unique().height
    assert n_partial == 6  # two whole chunks of three pairs
    assert partial.get_column("p_bh").null_count() == partial.height
    summary = run_scan(scan_case.pairs, scan_case.params, out, workers=1, chunk_size=3)
    assert summary.n_skipped == 6 and summary.n_run == len(scan_case.pairs) - 6
    assert pl.read_parquet(out).equals(scan_case.serial)


def test_bad_files_fail_their_pairs_only(scan_case: ScanCase, tmp_path: Path) -> None:
    folder = tmp_path / "inputs"
    shutil.copytree(scan_case.root / "immune", folder)
    (folder / "broken.tsv").write_text("this is not\ta summary statistics file\n1\t2\n")
    good_outcome = scan_case.root / "als" / "als000.tsv"
    truncated = tmp_path / "truncated.tsv.gz"
    truncated.write_bytes(gzip.compress(good_outcome.read_bytes())[:300])
    pairs = plan_pairs(
        expand_sources([str(folder)], role="e"),
        expand_sources([str(good_outcome), str(truncated)], role="o"),
    )
    out = tmp_path / "bad.parquet"
    summary = run_scan(pairs, scan_case.params, out, workers=1)
    r = pl.read_parquet(out)
    failed = r.filter(pl.col("status") == "error")
    broken = failed.filter(pl.col("exposure") == "broken.tsv")
    assert broken.height == 2
    assert all("broken.tsv" in reason for reason in broken.get_column("reason"))
    cut = failed.filter(pl.col("outcome") == "truncated.tsv.gz")
    assert cut.height == 7  # every exposure, the broken one included
    reasons = cut.filter(pl.col("exposure") != "broken.tsv").get_column("reason").to_list()
    assert len(reasons) == 6 and all("truncated.tsv.gz" in reason for reason in reasons)
    assert summary.n_error == 7 + 1
    good = r.filter((pl.col("outcome") == "als000.tsv") & (pl.col("exposure") != "broken.tsv"))
    assert set(good.get_column("status")) == {"ok"}
    assert pl.read_parquet_metadata(out)[META_COMPLETE] == "true"
    # once the files are mended, a second run retries the failed pairs only
    shutil.copy(folder / "cell000.tsv", folder / "broken.tsv")
    shutil.copy(good_outcome, truncated)
    again = run_scan(pairs, scan_case.params, out, workers=1)
    assert (again.n_run, again.n_error) == (8, 0)
    assert set(pl.read_parquet(out).get_column("status")) == {"ok"}


def test_refuses_other_settings_and_foreign_files(scan_case: ScanCase, tmp_path: Path) -> None:
    out = tmp_path / "r.parquet"
    shutil.copy(scan_case.root / "serial.parquet", out)
    with pytest.raises(AlsatlasInputError, match="other settings"):
        run_scan(scan_case.pairs, ScanParams(seed=7), out, workers=1)
    foreign = tmp_path / "foreign.parquet"
    pl.DataFrame({"a": [1]}).write_parquet(foreign)
    with pytest.raises(AlsatlasInputError, match="not a results file"):
        run_scan(scan_case.pairs, scan_case.params, foreign, workers=1)
    summary = run_scan(scan_case.pairs, scan_case.params, out, workers=1)
    assert summary.n_run == 0 and summary.n_skipped == len(scan_case.pairs)
    assert pl.read_parquet_metadata(out)[META_KEY] == scan_case.params.to_json()


def test_cli_scan_table_figure_and_errors(scan_case: ScanCase, tmp_path: Path) -> None:
    out = tmp_path / "cli.parquet"
    args = ["mr", "scan", "--exposures", *scan_case.exposures, "--outcomes", *scan_case.outcomes]
    res = CliRunner().invoke(app, [*args, "--out", str(out), "--workers", "1", "--both-directions"])
    assert res.exit_code == 0, res.output
    assert "MR scan: " in res.stdout and "Benjamini-Hochberg" in res.stdout
    assert pl.read_parquet(out).equals(scan_case.serial)
    svg = out.with_suffix(".svg").read_text()
    assert 'id="scan-volcano' in svg and "-log10 p" in svg
    bad = CliRunner().invoke(app, [*args, "--out", str(out), "--methods", "nonsense"])
    assert bad.exit_code == 2 and "unknown method" in bad.stderr
    none = CliRunner().invoke(
        app,
        [
            "mr",
            "scan",
            "--exposures",
            "set:RA",
            "--outcomes",
            "set:ALS",
            "--out",
            str(tmp_path / "x.parquet"),
        ],
    )
    assert none.exit_code == 2 and "no pair" in none.stderr
    # an unsupported figure format is refused before any pair runs
    fresh = tmp_path / "fresh.parquet"
    bad_plot = CliRunner().invoke(app, [*args, "--out", str(fresh), "--plot", "scan.txt"])
    assert bad_plot.exit_code == 2 and "unsupported figure format" in bad_plot.stderr
    assert not fresh.exists()


def test_readme_scan_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = Path(__file__).resolve().parents[3]
    text = (root / "README.md").read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [ln for ln in text.splitlines() if ln.startswith(".venv/bin/alsatlas mr scan ")]
    assert len(lines) == 1
    argv = shlex.split(lines[0].split("alsatlas", 1)[1])
    argv = [str(root / a) if a.startswith("src/") else a for a in argv]
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(app, argv)
    assert res.exit_code == 0, res.output
    ok = pl.read_parquet(tmp_path / "scan.parquet").filter(pl.col("status") == "ok")
    # BMI → CHD (TwoSampleMR vignette files): the same estimate as `alsatlas mr` on the pair
    ivw = ok.filter(pl.col("method") == "ivw").row(0, named=True)
    exposure, outcome = argv[argv.index("--exposures") + 1], argv[argv.index("--outcomes") + 1]
    single = CliRunner().invoke(
        app,
        [
            "mr",
            "--exposure",
            exposure,
            "--outcome",
            outcome,
            "--methods",
            "ivw",
            "--format",
            "json",
        ],
    )
    want = json.loads(single.stdout)["results"][0]
    assert ivw["nsnp"] == want["nsnp"] == 79 and ivw["b"] == want["b"]
    assert (tmp_path / "scan.svg").is_file()


def test_instrument_window_prunes_genome_wide_exposures(tmp_path: Path) -> None:
    header = "variant_id\tchromosome\tbase_pair_location\teffect_allele\tother_allele\tbeta\t"
    header += "standard_error\tp_value\n"
    rows = [  # rs2 lies 1 Mb from rs1, a stronger signal: pruned by a 10,000 kb window
        ("rs1", "1", 1_000_000, 0.08, 0.01, 1e-10),
        ("rs2", "1", 2_000_000, 0.07, 0.01, 1e-9),
        ("rs3", "2", 1_000_000, 0.09, 0.01, 1e-12),
        ("rs4", "3", 5_000_000, -0.07, 0.01, 1e-9),
        ("rs5", "4", 5_000_000, 0.01, 0.01, 0.5),
    ]
    exposure = tmp_path / "x.tsv"
    exposure.write_text(
        header + "".join(f"{r[0]}\t{r[1]}\t{r[2]}\tA\tG\t{r[3]}\t{r[4]}\t{r[5]}\n" for r in rows)
    )
    outcome = tmp_path / "y.tsv"
    outcome.write_text(
        header + "".join(f"{r[0]}\t{r[1]}\t{r[2]}\tA\tG\t0.01\t0.02\t0.6\n" for r in rows)
    )
    pairs = plan_pairs(
        expand_sources([str(exposure)], role="e"), expand_sources([str(outcome)], role="o")
    )
    counts = {}
    for window in (None, 10_000.0):
        out = tmp_path / f"w{window}.parquet"
        params = ScanParams(methods=("ivw",), instrument_window_kb=window)
        run_scan(pairs, params, out, workers=1)
        counts[window] = pl.read_parquet(out).get_column("n_instruments")[0]
    assert counts == {None: 4, 10_000.0: 3}


@pytest.mark.parametrize("window_kb", [None, 500.0])
def test_exposure_instruments_are_the_full_read_filtered(
    tmp_path: Path, window_kb: float | None
) -> None:
    """The streamed selection gives the rows (and pruning) of a full read filtered by p."""
    from scan_data import write_trait

    from alsatlas.genetics.instrument_select import select_instruments
    from alsatlas.genetics.scan.analysis import exposure_instruments
    from alsatlas.genetics.sumstats import read_sumstats

    plain = write_trait(tmp_path / "t.tsv", 5, n_snps=4000, n_strong=60)
    frame = pl.read_csv(plain, separator="\t")
    path = tmp_path / "t_pos.tsv.gz"
    path.write_bytes(
        gzip.compress(
            frame.with_columns(
                chromosome=pl.int_range(pl.len()) % 3 + 1,
                base_pair_location=(pl.int_range(pl.len()) * 7919) % 5_000_000 + 1,
            )
            .write_csv(separator="\t")
            .encode()
        )
    )
    full = read_sumstats(path, use_index=False)
    for p in (5e-8, 1e-4, 1.0):
        params = ScanParams(instrument_p=p, instrument_window_kb=window_kb)
        source = expand_sources([str(path)], role="exposures")[0]
        got, _ = exposure_instruments(source, params)
        if window_kb is None:
            want = full.data.filter(pl.col("pval") <= p)
        else:
            want = select_instruments(full, p=p, window_kb=window_kb).data
        assert got.height > 0 and got.equals(want)


def test_instrument_window_and_threshold_are_checked(tmp_path: Path) -> None:
    from alsatlas.genetics.instrument_select import select_instruments
    from alsatlas.genetics.sumstats import read_sumstats

    ss = read_sumstats(
        Path(__file__).parents[3]
        / "src/alsatlas/data/genetics/twosamplemr_vignette_bmi_ieu-a-2_exposure.tsv"
    )
    for p, kb in ((5e-8, -1.0), (5e-8, float("nan")), (0.0, 10.0), (float("nan"), 10.0)):
        with pytest.raises(AlsatlasInputError):
            select_instruments(ss, p=p, window_kb=kb)
    assert select_instruments(ss, p=5e-8, window_kb=0.0).data.height > 0
    res = CliRunner().invoke(
        app,
        [
            "mr",
            "scan",
            "--exposures",
            "set:RA",
            "--outcomes",
            "set:ALS",
            "--out",
            str(tmp_path / "x.parquet"),
            "--instrument-window-kb",
            "nan",
        ],
    )
    assert res.exit_code == 2 and "must be positive" in res.stderr
