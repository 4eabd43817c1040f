"""`alsatlas meta` with the measures read from columns, --method MH|PETO, --cumulative and
--fsn: JSON numbers against metafor 3.8 (tests/reference/metafor/escalc_reference.json, made by
make_escalc_reference.R) on dat.bcg and dat.normand1999, and the errors."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from alsatlas.cli import app
from alsatlas.stats.rma import rma

ROOT = Path(__file__).resolve().parents[2]
REF: dict[str, Any] = json.loads(
    (ROOT / "tests" / "reference" / "metafor" / "escalc_reference.json").read_text()
)
TRIALS = ROOT / "examples" / "trials.csv"
NORMAND = ROOT / "examples" / "normand1999.csv"


def _json(args: list[str]) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["meta", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    out: dict[str, Any] = json.loads(result.stdout)
    return out


def _pool(name: str, method: str, measure: str) -> dict[str, Any]:
    return next(
        c for c in REF["pool"]
        if c["name"] == name and c["method"] == method and c["measure"] == measure
        and c.get("correct", True) and "add" not in c
    )  # fmt: skip


@pytest.fixture
def bcg_years(tmp_path: Path) -> Path:
    case = next(c for c in REF["cumul"] if c["kind"] == "MH")
    cells = case["inputs"]
    lines = ["label,year,ai,bi,ci,di"]
    for i, year in enumerate(case["key"]):
        lines.append(
            f"Trial {i + 1},{year},{cells['ai'][i]},{cells['bi'][i]},{cells['ci'][i]},"
            f"{cells['di'][i]}"
        )
    path = tmp_path / "bcg_years.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize(("method", "measure"), [("MH", "OR"), ("MH", "RR"), ("MH", "RD"),
                                                 ("PETO", "PETO")])  # fmt: skip
def test_mh_and_peto_match_metafor(method: str, measure: str) -> None:
    args = [str(TRIALS), "--ai", "ai", "--bi", "bi", "--ci", "ci", "--di", "di"]
    out = _json([*args, "--method", method, "--measure", measure])
    ref = _pool("bcg", method, measure)
    for key in ("se", "pval", "ci_lb", "ci_ub", "QE", "I2", "MH", "BD", "TA"):
        if ref[key] is not None:
            np.testing.assert_allclose(out[key], ref[key], rtol=1e-10, err_msg=key)
    np.testing.assert_allclose(out["estimate"], ref["beta"], rtol=1e-10)
    if measure != "RD":
        assert out["exp"]["estimate"] == pytest.approx(math.exp(ref["beta"]), rel=1e-10)


def test_smd_from_columns_pools_metafor_effect_sizes() -> None:
    ref = next(c for c in REF["escalc"] if c["name"] == "normand1999" and c["measure"] == "SMD"
               and c["vtype"] == "LS")  # fmt: skip
    out = _json([str(NORMAND), "--measure", "SMD"])
    fit = rma(ref["yi"], ref["vi"])
    assert out["k"] == 9
    assert out["estimate"] == pytest.approx(fit.estimate, rel=1e-10)
    assert out["tau2"] == pytest.approx(fit.tau2, rel=1e-10)


def test_col_maps_arguments_to_columns(tmp_path: Path) -> None:
    text = NORMAND.read_text().replace("m1i", "mean_t", 1)
    renamed = tmp_path / "renamed.csv"
    renamed.write_text(text)
    plain = _json([str(NORMAND), "--measure", "ROM"])
    mapped = _json([str(renamed), "--measure", "ROM", "--col", "m1i=mean_t"])
    assert mapped["estimate"] == plain["estimate"]
    assert mapped["exp"]["estimate"] == pytest.approx(math.exp(plain["estimate"]))


@pytest.mark.parametrize("kind", ["rma", "MH"])
def test_cumulative_matches_metafor(kind: str, bcg_years: Path) -> None:
    cells = ["--ai", "ai", "--bi", "bi", "--ci", "ci", "--di", "di", "--label", "label"]
    extra = ["--method", "MH"] if kind == "MH" else ["--measure", "OR"]
    out = _json([str(bcg_years), *cells, *extra, "--cumulative", "--order", "year"])
    ref = next(c for c in REF["cumul"] if c["kind"] == kind and c.get("test", "z") == "z"
               and c.get("method", "REML") == "REML")  # fmt: skip
    records = out["cumulative"]
    np.testing.assert_allclose([r["estimate"] for r in records], ref["estimate"], rtol=1e-6)
    np.testing.assert_allclose([r["ci_ub"] for r in records], ref["ci_ub"], rtol=1e-6)
    years = ref["key"]
    first = min(range(len(years)), key=lambda i: (years[i], i))
    assert records[0]["study"] == f"Trial {first + 1}"


def test_fsn_matches_metafor(bcg_years: Path) -> None:
    cells = ["--ai", "ai", "--bi", "bi", "--ci", "ci", "--di", "di"]
    out = _json([str(bcg_years), *cells, "--measure", "OR", "--fsn"])
    for kind in ("Rosenthal", "Orwin", "Rosenberg"):
        ref = next(c for c in REF["fsn"] if c["name"] == "bcg" and c["spec"] == {"type": kind})
        assert out["fsn"][kind]["fsnum"] == ref["fsnum"]


def test_table_output_shows_pooled_and_extras() -> None:
    args = [str(TRIALS), "--ai", "ai", "--bi", "bi", "--ci", "ci", "--di", "di", "--method"]
    result = CliRunner().invoke(app, ["meta", *args, "PETO", "--cumulative", "--fsn"])
    assert result.exit_code == 0, result.output
    assert "PETO meta-analysis" in result.stdout
    assert "Cumulative meta-analysis" in result.stdout
    assert "Fail-safe N (Rosenberg)" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--measure", "SMD", "--col", "ri=x"], "not read by this measure"),
        (["--measure", "SMD", "--col", "m1i"], "ARG=COLUMN"),
        (["--measure", "COR"], "no such column"),
        (["--measure", "SMD", "--order", "study"], "--order only orders"),
        (["--measure", "SMD", "--method", "MH"], "--method MH pools"),
        (["--method", "PETO"], "needs 2x2 columns"),
    ],
)
def test_errors_are_one_line(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["meta", str(NORMAND), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_cumulative_refuses_moderators() -> None:
    result = CliRunner().invoke(
        app, ["meta", str(NORMAND), "--measure", "MD", "--mods", "n1i", "--cumulative"]
    )
    assert result.exit_code == 2
    assert "without moderators" in result.output


def test_mh_refuses_model_options() -> None:
    args = [str(TRIALS), "--ai", "ai", "--bi", "bi", "--ci", "ci", "--di", "di"]
    result = CliRunner().invoke(app, ["meta", *args, "--method", "MH", "--mods", "ai"])
    assert result.exit_code == 2
    assert "takes none of" in result.output


def test_irr_mantel_haenszel_cumulative_matches_metafor(tmp_path: Path) -> None:
    ref = next(c for c in REF["cumul"] if c.get("measure") == "IRR")
    pooled = _pool("hart1999", "MH", "IRR")
    cols = ref["inputs"]
    lines = ["x1i,t1i,x2i,t2i,year"]
    for i, year in enumerate(ref["key"]):
        lines.append(f"{cols['x1i'][i]},{cols['t1i'][i]},{cols['x2i'][i]},{cols['t2i'][i]},{year}")
    path = tmp_path / "hart.csv"
    path.write_text("\n".join(lines) + "\n")
    args = ["--measure", "IRR", "--method", "MH", "--cumulative", "--order", "year"]
    out = _json([str(path), *args])
    np.testing.assert_allclose(out["estimate"], pooled["beta"], rtol=1e-10)
    np.testing.assert_allclose(out["MH"], pooled["MH"], rtol=1e-10)
    got = [r["estimate"] for r in out["cumulative"]]
    np.testing.assert_allclose(got, ref["estimate"], rtol=1e-10)


NUMBERISH = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(min_value=-2.0, max_value=300.0).map(repr),
    st.integers(min_value=-1, max_value=60).map(str),
    st.sampled_from(["", "NA", "0", "1", "1e308", "-0"]),
)
FAMILIES = {
    "SMD": ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"),
    "ROM": ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"),
    "COR": ("ri", "ni"),
    "ZCOR": ("ri", "ni"),
    "PLO": ("xi", "ni"),
    "IRLN": ("xi", "ti"),
    "IRR": ("x1i", "t1i", "x2i", "t2i"),
    "MH": ("ai", "bi", "ci", "di"),
    "PETO": ("ai", "bi", "ci", "di"),
}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from(sorted(FAMILIES)),
    st.lists(st.lists(NUMBERISH, min_size=6, max_size=6), min_size=1, max_size=5),
    st.booleans(),
)
def test_any_cells_give_a_result_or_a_located_error(
    tmp_path: Path, family: str, rows: list[list[str]], extras: bool
) -> None:
    cols = FAMILIES[family]
    path = tmp_path / "fuzz.csv"
    body = "".join(",".join(row[: len(cols)]) + "\n" for row in rows)
    path.write_text(",".join(cols) + "\n" + body, encoding="utf-8")
    if family in ("MH", "PETO"):
        args = ["--ai", "ai", "--bi", "bi", "--ci", "ci", "--di", "di", "--method", family]
    else:
        args = ["--measure", family]
    if extras:
        args += ["--cumulative", "--fsn"]
    result = CliRunner().invoke(app, ["meta", str(path), *args, "--format", "json"])
    if result.exit_code == 0:
        json.loads(result.stdout)
    else:
        assert result.exit_code == 2, result.output
        assert isinstance(result.exception, SystemExit), result.exception
        assert "error:" in result.stderr
