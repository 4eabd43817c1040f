"""`alsatlas meta --control`: metafor's default stopping rules against metafor 3.8.1.

Expected values come from tests/reference/metafor/control_reference.json (made by
make_control_reference.R with metafor's default control and with a tight control).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from alsatlas.cli import app

REF: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "reference" / "metafor" / "control_reference.json").read_text()
)


def _set(name: str) -> dict[str, Any]:
    return next(s for s in REF["sets"] if s["name"] == name)


def _csv(tmp_path: Path, name: str) -> Path:
    s = _set(name)
    path = tmp_path / f"{name}.csv"
    rows = [f"{y!r},{v!r}" for y, v in zip(s["yi"], s["vi"], strict=True)]
    path.write_text("yi,vi\n" + "\n".join(rows) + "\n")
    return path


def _meta(*args: str) -> Any:
    return CliRunner().invoke(app, ["meta", *args])


@pytest.mark.parametrize("method", ["REML", "PM", "EB", "ML"])
@pytest.mark.parametrize("name", ["yusuf1985_rd", "bcg", "random05"])
def test_control_metafor_prints_metafors_numbers(tmp_path: Path, name: str, method: str) -> None:
    path = _csv(tmp_path, name)
    fit = next(f for f in _set(name)["fits"] if f["method"] == method)
    for control, key in (("metafor", "default"), ("exact", "tight")):
        result = _meta(
            str(path), "--yi", "yi", "--vi", "vi", "--method", method, "--control", control,
            "--format", "json",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        out = json.loads(result.stdout)
        ref = fit[key]
        rtol = 1e-8 if control == "metafor" else 1e-6
        pairs = {"estimate": "beta", "tau2": "tau2", "I2": "I2"}
        pairs.update({"tau2_ci_lb": "tau2_ci_lb", "tau2_ci_ub": "tau2_ci_ub"})
        for mine, theirs in pairs.items():
            np.testing.assert_allclose(out[mine], ref[theirs], rtol=rtol, atol=1e-8, err_msg=mine)
        assert out.get("control", "exact") == control


def test_non_convergence_is_reported_without_traceback(tmp_path: Path) -> None:
    path = _csv(tmp_path, "random36")  # metafor: "Fisher scoring algorithm did not converge"
    assert "error" in next(f for f in _set("random36")["fits"] if f["method"] == "REML")["default"]
    result = _meta(str(path), "--yi", "yi", "--vi", "vi", "--control", "metafor")
    assert result.exit_code == 2
    assert "did not converge" in result.output and "could not be fitted" in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    exact = _meta(str(path), "--yi", "yi", "--vi", "vi", "--format", "json")
    assert exact.exit_code == 0, exact.output  # the exact mode finds the REML root


def test_unknown_control_is_a_usage_error(tmp_path: Path) -> None:
    result = _meta(str(_csv(tmp_path, "bcg")), "--yi", "yi", "--vi", "vi", "--control", "R")
    assert result.exit_code == 2
    assert "--control" in result.output and "Traceback" not in result.output
