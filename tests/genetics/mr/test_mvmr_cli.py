"""`alsatlas mvmr` and `run_mvmr` on the shipped Waterworth lipids → CHD data, against the
MendelianRandomization / MVMR reference values."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from mr_testdata import REF
from typer.testing import CliRunner

from alsatlas.cli.root import app
from alsatlas.errors import StatsInputError
from alsatlas.genetics.mr.mvmr import run_mvmr

FILE = str(REF / "waterworth2010_lipids_chd.csv")
ARGS = [
    "mvmr",
    FILE,
    "--exposure-beta",
    "ldlc_beta,hdlc_beta,trig_beta",
    "--exposure-se",
    "ldlc_se,hdlc_se,trig_se",
    "--outcome-beta",
    "chd_logodds",
    "--outcome-se",
    "chd_logodds_se",
]


def _ref(method: str) -> dict[str, float]:
    with open(REF / "mendelianrandomization_methods_r4.2.tsv") as fh:
        return {
            r["quantity"]: float(r["value"])
            for r in csv.DictReader(fh, delimiter="\t")
            if r["dataset"] == "waterworth_lipids_chd" and r["method"] == method
        }


def test_cli_json_matches_reference() -> None:
    from alsatlas.cli.mvmr import mvmr  # noqa: F401  (registers the command)

    res = CliRunner().invoke(app, [*ARGS, "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["exposures"] == ["ldlc_beta", "hdlc_beta", "trig_beta"]
    ivw, egger = out["results"]
    ref_ivw, ref_egger = _ref("mvivw_random"), _ref("mvegger_orient1")
    for i in range(3):
        assert ivw["b"][i] == pytest.approx(ref_ivw[f"b_{i + 1}"], rel=1e-6)
        assert ivw["se"][i] == pytest.approx(ref_ivw[f"se_{i + 1}"], rel=1e-6)
        assert egger["b"][i] == pytest.approx(ref_egger[f"b_{i + 1}"], rel=1e-6)
    assert egger["intercept"] == pytest.approx(ref_egger["intercept"], rel=1e-6)
    ref_f = _ref("strength_mvmr")
    assert out["conditional_f"] == pytest.approx([ref_f[f"f_{i}"] for i in (1, 2, 3)], rel=1e-6)


def test_cli_table_and_errors() -> None:
    from alsatlas.cli.mvmr import mvmr  # noqa: F401

    res = CliRunner().invoke(app, ARGS)
    assert res.exit_code == 0
    assert "conditional F-statistics: ldlc_beta 18.38" in res.stdout
    bad = CliRunner().invoke(app, [*ARGS[:3], "ldlc_beta,hdlc_beta,nope", *ARGS[4:]])
    assert bad.exit_code == 2
    assert "no such column" in bad.output and "Traceback" not in bad.output
    mismatch = CliRunner().invoke(app, [*ARGS[:5], "ldlc_se", *ARGS[6:]])
    assert mismatch.exit_code == 2 and "standard-error columns" in mismatch.output


def test_run_mvmr_checks_input() -> None:
    with pytest.raises(StatsInputError, match="more variants"):
        run_mvmr([[1.0, 2.0]], [[0.1, 0.1]], [0.5], [0.1])
    with pytest.raises(StatsInputError, match="unknown method"):
        run_mvmr(
            [[0.1, 0.2], [0.3, 0.1], [0.2, 0.5], [0.4, 0.4]],
            [[0.01, 0.01]] * 4,
            [0.1, 0.2, 0.3, 0.1],
            [0.05] * 4,
            methods=["mvmedian"],
        )


def test_cli_singular_design_is_an_error(tmp_path: Path) -> None:
    """An exposure with no association at any variant leaves the fit undefined: exit 2."""
    from alsatlas.cli.mvmr import mvmr  # noqa: F401

    f = tmp_path / "mv.csv"
    rows = [f"rs{i},{0.01 * (i + 1)},0.01,0,0.01,{0.02 * (-1) ** i},0.02" for i in range(8)]
    f.write_text("SNP,b1,s1,b2,s2,by,sy\n" + "\n".join(rows) + "\n")
    args = ["mvmr", str(f), "--exposure-beta", "b1,b2", "--exposure-se", "s1,s2"]
    res = CliRunner().invoke(app, [*args, "--outcome-beta", "by", "--outcome-se", "sy"])
    assert res.exit_code == 2, res.output
    assert "singular" in res.output and "Traceback" not in res.output
