"""`alsatlas mr` options for the TwoSampleMR-side methods: --methods all, Steiger routes and
filtering, MR-PRESSO switches and per-variant RSSobs, --ld-matrix, --both-directions, and the
variants left out with their alleles.

Reference numbers: tests/reference/mr/twosamplemr_methods_reference_r4.2.json (TwoSampleMR's
own functions run by twosamplemr_methods_reference.R on the same 79 BMI → CHD variants).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from alsatlas.cli import app
from alsatlas.cli.mr_extras import read_ld_matrix
from alsatlas.genetics.instrument_select import select_instruments
from alsatlas.genetics.sumstats import read_sumstats

DATA = Path(str(resources.files("alsatlas").joinpath("data", "genetics")))
EXPOSURE = DATA / "twosamplemr_vignette_bmi_ieu-a-2_exposure.tsv"
OUTCOME = DATA / "twosamplemr_vignette_chd_ieu-a-7_outcome.tsv"
REF = Path(__file__).resolve().parents[1] / "reference" / "mr"
BASE = ["--exposure", str(EXPOSURE), "--outcome", str(OUTCOME)]


@pytest.fixture(scope="module")
def ref() -> dict[str, Any]:
    with open(REF / "twosamplemr_methods_reference_r4.2.json") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def _run(args: list[str]) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["mr", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


def test_methods_all_lists_skipped() -> None:
    p = _run([*BASE, "--methods", "all", "--presso-n", "200"])
    ran = [r["method"] for r in p["results"]]
    assert {"raps", "uwr", "penalised_mode", "simple_mode_nome", "weighted_mode_nome"} <= set(ran)
    assert "wald_ratio" not in ran
    assert dict(p["skipped"]) == {"wald_ratio": "takes exactly one variant, got 79"}


def test_cli_steiger_uses_p_value_route_like_twosamplemr(ref: dict[str, Any]) -> None:
    p = _run([*BASE, "--methods", "ivw"])
    want = ref["steiger"]["directionality"]
    st_ = p["steiger"]
    assert st_["r2_source_exposure"] == st_["r2_source_outcome"] == "pn"
    assert st_["r2_exposure"] == pytest.approx(want["snp_r2.exposure"], rel=1e-12)
    assert st_["r2_outcome"] == pytest.approx(want["snp_r2.outcome"], rel=1e-12)
    assert st_["steiger_pval"] == pytest.approx(want["steiger_pval"], rel=1e-9)


def test_cli_steiger_sd_units(ref: dict[str, Any]) -> None:
    p = _run([*BASE, "--methods", "ivw", "--exposure-sd-units", "--outcome-sd-units"])
    sd = ref["steiger"]["filtering_sd"]
    assert p["steiger"]["r2_source_exposure"] == "sd_eaf"
    assert p["steiger"]["r2_exposure"] == pytest.approx(sum(sd["rsq_exposure"]), rel=1e-12)
    assert p["steiger"]["r2_outcome"] == pytest.approx(sum(sd["rsq_outcome"]), rel=1e-12)


def test_cli_steiger_filter_matches_twosamplemr(ref: dict[str, Any]) -> None:
    p = _run([*BASE, "--methods", "ivw", "--steiger-filter"])
    want = ref["steiger"]["filtering_bsen"]
    got = p["steiger_filtering"]
    order = [got["snps"].index(s) for s in want["snps"]]
    np.testing.assert_allclose(np.array(got["rsq_exposure"])[order], want["rsq_exposure"], 1e-12)
    np.testing.assert_allclose(np.array(got["steiger_pval"])[order], want["steiger_pval"], 1e-9)
    assert p["results"][0]["nsnp"] == sum(want["steiger_dir"])


def test_presso_switches_and_snp_rss() -> None:
    p = _run([*BASE, "--methods", "presso", "--presso-n", "500", "--no-presso-distortion-test"])
    presso = p["presso"]
    assert presso["n_distribution"] == 500
    assert presso["distortion_pval"] is None
    assert len(presso["snp_rss_obs"]) == len(presso["snps"]) == 79
    assert presso["outliers"], "BMI -> CHD has MR-PRESSO outliers"
    for o in presso["outliers"]:
        i = presso["snps"].index(o["SNP"])
        assert o["rss_obs"] == presso["snp_rss_obs"][i]
        assert o["effect_allele.exposure"] and o["other_allele.outcome"]
    table = CliRunner().invoke(app, ["mr", *BASE, "--methods", "presso", "--presso-n", "500"])
    first = presso["outliers"][0]
    assert f"{first['SNP']}" in table.stdout and "yes (" in table.stdout
    assert "RSSobs" in table.stdout
    q = _run([*BASE, "--methods", "presso", "--presso-n", "500", "--no-presso-outlier-test"])
    assert q["presso"]["snp_rss_obs"] is None and q["presso"]["outlier_indices"] == []


def test_removed_variants_show_alleles() -> None:
    p = _run([*BASE, "--methods", "ivw", "--action", "3"])
    removed = p["removed"]
    assert len(removed) == 4
    for r in removed:
        assert r["reason"].startswith("palindromic")
        pair = {r["effect_allele.exposure"], r["other_allele.exposure"]}
        assert pair in ({"A", "T"}, {"C", "G"})
    result = CliRunner().invoke(app, ["mr", *BASE, "--methods", "ivw", "--action", "3"])
    assert result.exit_code == 0
    assert "rs9304665" in result.stdout and "A/T" in result.stdout


def _ld_file(path: Path, snps: list[str], rho: np.ndarray) -> Path:
    frame = pl.DataFrame({"SNP": snps, **{s: rho[:, i] for i, s in enumerate(snps)}})
    frame.write_csv(path)
    return path


def test_ld_matrix_identity_equals_independent(tmp_path: Path) -> None:
    snps = pl.read_csv(EXPOSURE, separator="\t").get_column("SNP").to_list()
    ld = _ld_file(tmp_path / "ld.csv", snps[::-1], np.eye(len(snps)))
    plain = _run([*BASE, "--methods", "ivw,egger"])
    corr = _run([*BASE, "--methods", "ivw,egger", "--ld-matrix", str(ld)])
    for a, b in zip(plain["results"], corr["results"], strict=True):
        assert b["b"] == pytest.approx(a["b"], rel=1e-10)
    assert corr["fstat"]["ld_adjusted"] is not None
    bad = CliRunner().invoke(app, ["mr", *BASE, "--methods", "presso", "--ld-matrix", str(ld)])
    assert bad.exit_code == 2 and "uncorrelated" in bad.output


def test_ld_matrix_missing_variant(tmp_path: Path) -> None:
    snps = pl.read_csv(EXPOSURE, separator="\t").get_column("SNP").to_list()[:-1]
    ld = _ld_file(tmp_path / "ld.csv", snps, np.eye(len(snps)))
    res = CliRunner().invoke(app, ["mr", *BASE, "--ld-matrix", str(ld)])
    assert res.exit_code == 2 and "not in the LD matrix" in res.output


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 8), st.randoms(use_true_random=False))
def test_read_ld_matrix_reorders(tmp_path_factory: Any, k: int, rnd: Any) -> None:
    snps = [f"rs{i}" for i in range(k)]
    a = np.array([[rnd.uniform(-1, 1) for _ in range(k)] for _ in range(k)])
    rho = (a + a.T) / 2
    np.fill_diagonal(rho, 1.0)
    order = snps[:]
    rnd.shuffle(order)
    perm = [snps.index(s) for s in order]
    path = _ld_file(tmp_path_factory.mktemp("ld") / "ld.csv", order, rho[np.ix_(perm, perm)])
    np.testing.assert_array_equal(read_ld_matrix(path, snps), rho)


def _genome_wide(path: Path, trait_effect: np.ndarray, other: np.ndarray, n: int) -> Path:
    k = trait_effect.size
    se = np.full(k, 0.01)
    from scipy import stats

    frame = pl.DataFrame(
        {
            "SNP": [f"rs{i + 1}" for i in range(k)],
            "chr": [str(1 + i // 50) for i in range(k)],
            "pos": [1_000_000 + (i % 50) * 3_000_000 for i in range(k)],
            "effect_allele": ["A"] * k,
            "other_allele": ["G"] * k,
            "eaf": [0.3] * k,
            "beta": trait_effect + other,
            "se": se,
            "pval": 2 * stats.norm.sf(np.abs((trait_effect + other) / se)),
            "n": [n] * k,
        }
    )
    frame.write_csv(path, separator="\t")
    return path


def test_both_directions(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    k = 200
    gx = np.where(rng.random(k) < 0.2, rng.normal(0, 0.08, k), 0.0)
    gy = np.where(rng.random(k) < 0.1, rng.normal(0, 0.08, k), 0.0)
    x = _genome_wide(tmp_path / "x.tsv", gx, rng.normal(0, 0.01, k), 100_000)
    y = _genome_wide(tmp_path / "y.tsv", gy + 0.3 * gx, rng.normal(0, 0.01, k), 100_000)
    p = _run(["--exposure", str(x), "--outcome", str(y), "--both-directions", "--methods", "ivw"])
    fwd, rev = p["directions"]
    assert (fwd["exposure"], rev["exposure"]) == ("x.tsv", "y.tsv")
    sel = select_instruments(read_sumstats(x), p=5e-8, window_kb=10_000)
    assert fwd["instruments"] == sel.data.height == fwd["results"][0]["nsnp"]
    assert fwd["results"][0]["b"] == pytest.approx(0.3, abs=0.05)
    assert p["instrument_selection"] == {"p": 5e-8, "window_kb": 10_000.0}
    bad = CliRunner().invoke(app, ["mr", "--example", "bmi", "--both-directions"])
    assert bad.exit_code == 2


def test_select_instruments_window() -> None:
    ss = read_sumstats(EXPOSURE)
    sel = select_instruments(ss, p=5e-8, window_kb=10_000).data
    pos = sel.select("chr", "pos").rows()
    for i, (c, q) in enumerate(pos):
        for c2, q2 in pos[i + 1 :]:
            assert c != c2 or abs(q - q2) > 10_000_000
    assert sel.height < ss.data.height


def test_readme_mr_example_on_shipped_files(monkeypatch: pytest.MonkeyPatch) -> None:
    import shlex

    root = Path(__file__).resolve().parents[2]
    text = (root / "README.md").read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [
        ln.split("#", 1)[0]
        for ln in text.splitlines()
        if ln.startswith(".venv/bin/alsatlas mr ")
        and "src/alsatlas/data/" in ln
        and "--methods all" in ln
    ]
    assert len(lines) == 1
    argv = shlex.split(lines[0].split("alsatlas", 1)[1])
    monkeypatch.chdir(root)
    result = CliRunner().invoke(app, [*argv, "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["presso"]["n_distribution"] == 10_000
    assert "raps" in {r["method"] for r in payload["results"]}


def test_ld_matrix_calcium_matches_vignette(tmp_path: Path) -> None:
    """Correlated IVW through the CLI on the MendelianRandomization vignette's six CASR
    variants (printed: estimate 2.245, se 0.643, MendelianRandomization convention)."""
    with open(REF / "mendelianrandomization_calcium_fastgluc_correlated.json") as fh:
        data = json.load(fh)
    snps = [f"casr{i}" for i in range(len(data["calcium"]))]
    table = tmp_path / "h.tsv"
    pl.DataFrame(
        {
            "SNP": snps,
            "beta.exposure": data["calcium"],
            "se.exposure": data["calciumse"],
            "beta.outcome": data["fastgluc"],
            "se.outcome": data["fastglucse"],
        }
    ).write_csv(table, separator="\t", float_precision=17)
    ld = _ld_file(tmp_path / "ld.tsv", snps, np.array(data["calc_rho"]))
    p = _run(
        [
            "--harmonised",
            str(table),
            "--ld-matrix",
            str(ld),
            "--convention",
            "mendelianrandomization",
            "--methods",
            "ivw",
        ]
    )
    r = p["results"][0]
    assert abs(r["b"] - 2.245) <= 5e-4 and abs(r["se"] - 0.643) <= 5e-4


@pytest.mark.parametrize(("loss", "od"), [("tukey", True), ("l2", False)])
def test_raps_options(loss: str, od: bool, ref: dict[str, Any]) -> None:
    args = [*BASE, "--methods", "raps", "--raps-loss", loss]
    if not od:
        args.append("--no-raps-over-dispersion")
    r = _run(args)["results"][0]
    want = ref["bmi_chd"][f"raps_{'od' if od else 'simple'}_{loss}"]
    assert r["b"] == pytest.approx(want["beta"], rel=1e-6)
    assert r["se"] == pytest.approx(want["se"], rel=1e-6)
    bad = CliRunner().invoke(app, ["mr", *BASE, "--methods", "raps", "--raps-loss", "x"])
    assert bad.exit_code == 2
