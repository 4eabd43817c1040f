"""`alsatlas meta --test adhoc --method PMM/GENQ --weights --tau2 --pi-type --level` and the
fit statistics it prints, against metafor 3.8.1
(tests/reference/metafor/make_inference_reference.R, dat.bcg log risk ratios)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from alsatlas.cli import app

REF = json.loads(
    (Path(__file__).parents[1] / "reference/metafor/inference_reference.json").read_text()
)


def _case(name: str) -> dict[str, Any]:
    result: dict[str, Any] = next(c for c in REF["cases"] if c["name"] == name)["result"]
    return result


@pytest.fixture
def bcg_csv(tmp_path: Path) -> Path:
    d = REF["datasets"]["bcg"]
    rows = ["yi,vi,n"] + [
        f"{y!r},{v!r},{w!r}" for y, v, w in zip(d["yi"], d["vi"], d["weights"], strict=True)
    ]
    path = tmp_path / "bcg.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def _json(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["meta", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    out: dict[str, Any] = json.loads(result.stdout)
    return out


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("bcg PMM adhoc", ["--method", "PMM", "--test", "adhoc"]),
        ("bcg GENQ knha", ["--method", "GENQ", "--test", "knha", "--weights", "n"]),
        ("bcg REML tau2=0.05", ["--tau2", "0.05"]),
        ("bcg DL weights", ["--method", "DL", "--weights", "n"]),
    ],
)
def test_cli_options_match_metafor(bcg_csv: Path, name: str, options: list[str]) -> None:
    ref = _case(name)
    out = _json(str(bcg_csv), "--yi", "yi", "--vi", "vi", *options, "--pi-type", "riley")
    got = [out[k] for k in ("estimate", "se", "pval", "ci_lb", "tau2", "se_tau2")]
    want = [ref[k][0] if isinstance(ref[k], list) else ref[k]
            for k in ("beta", "se", "pval", "ci_lb", "tau2", "se_tau2")]  # fmt: skip
    np.testing.assert_allclose(got, want, rtol=1e-6)
    np.testing.assert_allclose(
        [out["pi_lb"], out["pi_ub"]],
        [ref["pred_riley"]["pi_lb"], ref["pred_riley"]["pi_ub"]],
        rtol=1e-6,
    )
    fit = out["fit"]
    stats = ref["fit_REML"] if "REML" in name or "tau2" in name else ref["fit_ML"]
    np.testing.assert_allclose(
        [fit[k] for k in ("logLik", "deviance", "AIC", "BIC", "AICc")], stats, rtol=1e-6
    )
    assert out["pi_type"] == "riley"


def test_level_90(bcg_csv: Path) -> None:
    ref = _case("bcg REML adhoc")
    out = _json(str(bcg_csv), "--yi", "yi", "--vi", "vi", "--test", "adhoc", "--level", "90")
    assert out["level"] == 90.0
    half95 = ref["ci_ub"] - ref["beta"]
    half90 = out["ci_ub"] - out["estimate"]
    from scipy import stats

    df = len(REF["datasets"]["bcg"]["yi"]) - 1
    ratio = stats.t.ppf(0.95, df) / stats.t.ppf(0.975, df)
    np.testing.assert_allclose(half90, np.asarray(half95) * ratio, rtol=1e-9)


@pytest.mark.parametrize(
    ("options", "field"),
    [
        (["--pi-type", "wide"], "--pi-type"),
        (["--method", "GENQ"], "--weights"),
        (["--tau2", "-1"], "--tau2"),
        (["--weights", "nope"], "nope"),
    ],
)
def test_cli_option_errors(bcg_csv: Path, options: list[str], field: str) -> None:
    result = CliRunner().invoke(app, ["meta", str(bcg_csv), "--yi", "yi", "--vi", "vi", *options])
    assert result.exit_code == 2
    assert field in result.output and "Traceback" not in result.output


MV = json.loads((Path(__file__).parents[1] / "reference/metafor/rma_mv_reference.json").read_text())


@pytest.mark.parametrize("method", ["REML", "ML"])
def test_cluster_fits_multilevel_model(tmp_path: Path, method: str) -> None:
    """--cluster: rma.mv(yi, vi, random = ~ 1 | district/school) on dat.konstantopoulos2011."""
    d = MV["datasets"]["konstantopoulos2011"]
    rows = ["district,yi,vi"] + [
        f"{o},{y!r},{v!r}" for o, y, v in zip(d["outer"], d["yi"], d["vi"], strict=True)
    ]
    path = tmp_path / "k11.csv"
    path.write_text("\n".join(rows) + "\n")
    ref = next(c for c in MV["cases"] if c["name"] == f"konstantopoulos2011 {method}")
    out = _json(str(path), "--yi", "yi", "--vi", "vi", "--cluster", "district", "--method", method)
    np.testing.assert_allclose(
        [out["estimate"], out["se"], out["pval"], out["pi_lb"], out["QE"], *out["sigma2"]],
        [ref["beta"], ref["se"], ref["pval"], ref["pi_lb"], ref["QE"], *ref["sigma2"]],
        rtol=1e-6,
    )
    assert out["s_nlevels"] == ref["s_nlevels"]
    np.testing.assert_allclose(out["fit"]["logLik"], ref["logLik"], rtol=1e-6)
    bad = CliRunner().invoke(app, ["meta", str(path), "--yi", "yi", "--vi", "vi", "--cluster",
                                   "district", "--method", "DL"])  # fmt: skip
    assert bad.exit_code == 2 and "--cluster" in bad.output


def test_cluster_non_convergence_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A multilevel fit that runs out of iterations says the model could not be fitted."""
    d = MV["datasets"]["konstantopoulos2011"]
    rows = ["district,yi,vi"] + [
        f"{o},{y!r},{v!r}" for o, y, v in zip(d["outer"], d["yi"], d["vi"], strict=True)
    ]
    path = tmp_path / "k11.csv"
    path.write_text("\n".join(rows) + "\n")
    monkeypatch.setattr("alsatlas.stats.rma_mv.MAXITER", 1)
    result = CliRunner().invoke(
        app, ["meta", str(path), "--yi", "yi", "--vi", "vi", "--cluster", "district"]
    )
    assert result.exit_code == 2
    assert "could not be fitted" in result.output and "did not converge" in result.output
