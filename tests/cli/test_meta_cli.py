"""`alsatlas meta`: JSON numbers against metafor 3.8 on dat.bcg, plots, diagnostics and errors.

Expected values come from tests/reference/metafor/rma_reference.json (made by
make_rma_reference.R: ``rma(yi, vi, method, test)`` on ``escalc("RR", ai=tpos, bi=tneg,
ci=cpos, di=cneg, data=dat.bcg)``, ``predict()`` and ``confint()``) and
tests/reference/metafor/diagnostics_reference.json (made by make_diagnostics_reference.R).
The CSV fixtures are written from the 2x2 counts and moderators stored there.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from alsatlas.cli import app
from alsatlas.stats import rma

REF_DIR = Path(__file__).parents[1] / "reference" / "metafor"
RMA_REF: dict[str, Any] = json.loads((REF_DIR / "rma_reference.json").read_text())
DIAG_REF: dict[str, Any] = json.loads((REF_DIR / "diagnostics_reference.json").read_text())
RTOL = 1e-6
KEYS = ("estimate", "se", "stat", "pval", "ci_lb", "ci_ub", "tau2", "se_tau2", "tau2_ci_lb",
        "tau2_ci_ub", "I2", "H2", "QE", "QEp", "pi_lb", "pi_ub")  # fmt: skip
ALLOC = ["random", "random", "random", "random", "alternate", "alternate", "random",
         "random", "random", "systematic", "systematic", "systematic", "systematic"]  # fmt: skip


def _case(name: str) -> dict[str, Any]:
    return next(c for c in RMA_REF["cases"] if c["name"] == name)


def _fit(name: str, method: str, test: str) -> dict[str, Any]:
    return next(f for f in _case(name)["fits"] if f["method"] == method and f["test"] == test)


@pytest.fixture
def bcg_csv(tmp_path: Path) -> Path:
    counts = DIAG_REF["escalc"]["bcg"]
    ablat = _case("bcg ~ ablat")["mods"][0]
    case = _case("bcg")
    lines = ["trial,label,tpos,tneg,cpos,cneg,n1,n2,ablat,alloc,yi,vi,sei"]
    for i in range(13):
        a, b, c, d = (int(counts[x][i]) for x in ("ai", "bi", "ci", "di"))
        yi, vi = case["yi"][i], case["vi"][i]
        lines.append(
            f"{i + 1},Trial {i + 1},{a},{b},{c},{d},{a + b},{c + d},{ablat[i]},{ALLOC[i]},"
            f"{yi!r},{vi!r},{math.sqrt(vi)!r}"
        )
    path = tmp_path / "bcg.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _run(*args: str) -> Any:
    return CliRunner().invoke(app, ["meta", *args])


def _json(*args: str) -> dict[str, Any]:
    result = _run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    out: dict[str, Any] = json.loads(result.stdout)
    return out


def _assert_matches(out: dict[str, Any], ref: dict[str, Any]) -> None:
    renamed = {"estimate": "beta", "stat": "zval"}
    for key in KEYS:
        expected = ref[renamed.get(key, key)]
        np.testing.assert_allclose(out[key], expected, rtol=RTOL, atol=1e-12, err_msg=key)
    assert out["k"] == ref["k"]


COUNT_INPUTS = {
    "cells": ["--ai", "tpos", "--bi", "tneg", "--ci", "cpos", "--di", "cneg"],
    "sizes": ["--events1", "tpos", "--n1", "n1", "--events2", "cpos", "--n2", "n2"],
    "yi-vi": ["--yi", "yi", "--vi", "vi"],
    "yi-sei": ["--yi", "yi", "--sei", "sei"],
}


@pytest.mark.parametrize("inputs", list(COUNT_INPUTS), ids=list(COUNT_INPUTS))
def test_bcg_json_matches_metafor(bcg_csv: Path, inputs: str) -> None:
    out = _json(str(bcg_csv), *COUNT_INPUTS[inputs], "--measure", "RR")
    ref = _fit("bcg", "REML", "z")
    _assert_matches(out, ref)
    assert out["method"] == "REML" and out["test"] == "z"
    exp = out["exp"]
    np.testing.assert_allclose(exp["estimate"], math.exp(ref["beta"]), rtol=RTOL)
    np.testing.assert_allclose(
        [exp["ci_lb"], exp["ci_ub"], exp["pi_lb"], exp["pi_ub"]],
        np.exp([ref["ci_lb"], ref["ci_ub"], ref["pi_lb"], ref["pi_ub"]]),
        rtol=RTOL,
    )


@pytest.mark.parametrize(("method", "test"), [("DL", "knha"), ("PM", "z"), ("SJ", "t")])
def test_method_and_test_options(bcg_csv: Path, method: str, test: str) -> None:
    out = _json(str(bcg_csv), *COUNT_INPUTS["cells"], "--measure", "RR", "--method", method,
                "--test", test)  # fmt: skip
    _assert_matches(out, _fit("bcg", method, test))


def test_moderators(bcg_csv: Path) -> None:
    out = _json(str(bcg_csv), "--yi", "yi", "--vi", "vi", "--mods", "ablat")
    ref = _fit("bcg ~ ablat", "REML", "z")
    np.testing.assert_allclose(out["beta"], ref["beta"], rtol=RTOL)
    np.testing.assert_allclose(out["se_beta"], ref["se"], rtol=RTOL)
    np.testing.assert_allclose([out["QM"], out["QMp"]], [ref["QM"], ref["QMp"]], rtol=RTOL)
    np.testing.assert_allclose(out["tau2"], ref["tau2"], rtol=RTOL)
    assert out["terms"] == ["intrcpt", "ablat"]
    assert "exp" not in out  # --yi values without a ratio measure stay on their scale


def test_diagnostics_with_moderators(bcg_csv: Path) -> None:
    result = _run(str(bcg_csv), "--yi", "yi", "--vi", "vi", "--mods", "ablat", "--diagnostics")
    assert result.exit_code == 0, result.output
    assert "include the moderators" in result.stdout
    out = _json(str(bcg_csv), "--yi", "yi", "--vi", "vi", "--mods", "ablat", "--diagnostics")
    ref = DIAG_REF["moderators"]["bcg ~ ablat"]["fits"]["REML_z"]
    diag = out["diagnostics"]
    np.testing.assert_allclose([r["cook_d"] for r in diag["influence"]],
                               ref["influence"]["cook_d"], rtol=RTOL)  # fmt: skip
    np.testing.assert_allclose(diag["regtest"]["stat"], ref["regtest"]["stat"], rtol=RTOL)
    assert len(diag["influence"][0]["dfbetas"]) == 2


def test_subgroups(bcg_csv: Path) -> None:
    out = _json(str(bcg_csv), *COUNT_INPUTS["cells"], "--measure", "RR", "--subgroup", "alloc")
    assert list(out["subgroups"]) == ["random", "alternate", "systematic"]
    assert [s["k"] for s in out["subgroups"].values()] == [7, 2, 4]
    yi = np.array(_case("bcg")["yi"])
    vi = np.array(_case("bcg")["vi"])
    for group, sub in out["subgroups"].items():
        idx = [i for i, g in enumerate(ALLOC) if g == group]
        assert sub["estimate"] == pytest.approx(rma(yi[idx], vi[idx]).estimate, rel=1e-9)
    diff = out["subgroup_test"]
    assert diff["df"] == 2 and 0.0 < diff["pval"] < 1.0
    assert diff["common_tau2"]["df"] == [2]
    assert "exp" in out["subgroups"]["random"]


def test_single_study_subgroup_is_reported_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("yi,vi,g\n0.1,0.01,a\n0.3,0.02,a\n0.2,0.03,a\n0.5,0.04,b\n")
    out = _json(str(path), "--yi", "yi", "--vi", "vi", "--subgroup", "g")
    assert out["subgroups"]["b"]["k"] == 1 and "note" in out["subgroups"]["b"]
    assert "error" in out["subgroup_test"]


def test_diagnostics_match_metafor(bcg_csv: Path) -> None:
    out = _json(str(bcg_csv), *COUNT_INPUTS["cells"], "--measure", "RR", "--diagnostics")
    ref = DIAG_REF["datasets"]["bcg"]["fits"]["REML_z"]
    diag = out["diagnostics"]
    l1o = diag["leave1out"]
    np.testing.assert_allclose([r["estimate"] for r in l1o], ref["leave1out"]["estimate"],
                               rtol=RTOL)  # fmt: skip
    np.testing.assert_allclose([r["cook_d"] for r in diag["influence"]],
                               ref["influence"]["cook_d"], rtol=RTOL)  # fmt: skip
    np.testing.assert_allclose(diag["regtest"]["stat"], ref["regtest"]["stat"], rtol=RTOL)
    bcg = DIAG_REF["datasets"]["bcg"]
    np.testing.assert_allclose(diag["regtest_lm"]["stat"], bcg["regtest_lm"]["stat"], rtol=RTOL)
    np.testing.assert_allclose(diag["ranktest"]["pval"], bcg["ranktest"]["pval"], rtol=RTOL)
    tf = diag["trimfill"]
    assert tf["k0"] == ref["trimfill_L0"]["k0"] and tf["side"] == ref["trimfill_L0"]["side"]
    np.testing.assert_allclose(tf["model"]["estimate"], ref["trimfill_L0"]["estimate"], rtol=RTOL)


def test_table_output_and_figures(bcg_csv: Path, tmp_path: Path) -> None:
    forest, funnel = tmp_path / "forest.svg", tmp_path / "funnel.png"
    result = _run(str(bcg_csv), *COUNT_INPUTS["cells"], "--measure", "RR", "--label", "label",
                  "--subgroup", "alloc", "--diagnostics", "--forest", str(forest),
                  "--funnel", str(funnel))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "exp(estimate)" in result.stdout and "Trim and fill" in result.stdout
    svg = forest.read_text()
    assert len(re.findall(r'id="study-label-\d+"', svg)) == 13
    assert ">Trial 13<" in svg
    assert funnel.read_bytes()[:4] == b"\x89PNG"


def test_ratio_estimates_with_ci(tmp_path: Path) -> None:
    generic = RMA_REF["generic"]["ratio_ci"]
    path = tmp_path / "hr.csv"
    rows = zip(generic["estimate"], generic["ci_lb"], generic["ci_ub"], strict=True)
    path.write_text("hr,lo,hi\n" + "".join(f"{e},{lo},{hi}\n" for e, lo, hi in rows))
    out = _json(str(path), "--estimate", "hr", "--ci-lb", "lo", "--ci-ub", "hi", "--log",
                "--measure", "HR")  # fmt: skip
    assert out["measure"] == "HR" and out["scale"] == "log"
    path_yi = tmp_path / "yi.csv"
    pairs = zip(generic["yi"], generic["sei"], strict=True)
    path_yi.write_text("yi,sei\n" + "".join(f"{y!r},{s!r}\n" for y, s in pairs))
    same = _json(str(path_yi), "--yi", "yi", "--sei", "sei", "--measure", "HR")
    for key in KEYS:
        np.testing.assert_allclose(out[key], same[key], rtol=RTOL, err_msg=key)
    np.testing.assert_allclose(out["exp"]["estimate"], math.exp(out["estimate"]), rtol=1e-12)


def _error(result: Any) -> str:
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)  # no traceback
    assert "Traceback" not in result.output
    return str(result.stderr)


def test_missing_column(bcg_csv: Path) -> None:
    msg = _error(_run(str(bcg_csv), "--yi", "logrr", "--vi", "vi"))
    assert str(bcg_csv) in msg and "'logrr'" in msg and "no such column" in msg


def test_non_numeric_cell_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("yi,vi\n0.1,0.01\n0.2,abc\n0.3,0.02\n")
    msg = _error(_run(str(path), "--yi", "yi", "--vi", "vi"))
    assert "bad.csv" in msg and "row 3" in msg and "'vi'" in msg and "abc" in msg


def test_bad_ci_names_line(tmp_path: Path) -> None:
    path = tmp_path / "ci.csv"
    path.write_text("hr,lo,hi\n1.2,1.0,1.5\n0.8,0.9,0.7\n1.1,0.9,1.3\n")
    msg = _error(_run(str(path), "--estimate", "hr", "--ci-lb", "lo", "--ci-ub", "hi", "--log"))
    assert "row 3" in msg and "'hi'" in msg


def test_empty_cell_and_nonpositive_variance(tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text("yi,vi\n0.1,0.01\n0.2,\n")
    assert "missing value" in _error(_run(str(path), "--yi", "yi", "--vi", "vi"))
    path.write_text("yi,vi\n0.1,0.01\n0.2,0\n0.3,0.1\n")
    msg = _error(_run(str(path), "--yi", "yi", "--vi", "vi"))
    assert "row 3" in msg and "positive" in msg


@pytest.mark.parametrize(
    ("args", "pattern"),
    [
        ([], "exactly one input"),
        (["--yi", "yi", "--vi", "vi", "--ai", "tpos"], "exactly one input"),
        (["--yi", "yi"], "exactly one of --vi or --sei"),
        (["--ai", "tpos", "--bi", "tneg"], "2x2 input needs"),
        (["--ai", "tpos", "--bi", "tneg", "--ci", "cpos", "--di", "cneg", "--measure", "SMD"],
         "2x2 tables need"),
        (["--yi", "yi", "--vi", "vi", "--method", "XX"], "unknown method"),
        (["--yi", "yi", "--vi", "vi", "--format", "xml"], "table or json"),
    ],
)  # fmt: skip
def test_option_errors(bcg_csv: Path, args: list[str], pattern: str) -> None:
    assert pattern in _error(_run(str(bcg_csv), *args))


def test_missing_file(tmp_path: Path) -> None:
    msg = _error(_run(str(tmp_path / "nope.csv"), "--yi", "yi", "--vi", "vi"))
    assert "cannot open" in msg
