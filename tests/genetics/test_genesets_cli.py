"""`alsatlas genes overlap` through typer's CliRunner; p-values checked with scipy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scipy.stats import fisher_exact
from typer.testing import CliRunner

from alsatlas.cli import app


def test_default_json() -> None:
    result = CliRunner().invoke(app, ["genes", "overlap", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert [p["query"] for p in payload] == ["alsod-definitive", "wp2447"]
    for p in payload:
        big_n, big_k, n, k = (
            p["background_size"],
            p["reference_size"],
            p["query_size"],
            p["overlap"],
        )
        _, ref = fisher_exact(
            [[k, n - k], [big_k - k, big_n - big_k - n + k]], alternative="greater"
        )
        assert p["pval"] == pytest.approx(ref, rel=1e-9)
        assert big_n == 18903 and big_k == 2892
        assert len(p["shared"]) == k


def test_table_and_files(tmp_path: Path) -> None:
    query = tmp_path / "q.txt"
    query.write_text("# my genes\nSOD1\ntnf\nNOTAGENE\n")
    ref = tmp_path / "r.txt"
    ref.write_text("SOD1\nTNF\nIL6\n")
    result = CliRunner().invoke(
        app, ["genes", "overlap", "--query", str(query), "--reference", str(ref),
              "--background", "100"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "SOD1, TNF" in result.stdout
    _, ref_p = fisher_exact([[2, 1], [1, 96]], alternative="greater")
    assert f"{ref_p:.3g}" in result.stdout


def test_errors() -> None:
    result = CliRunner().invoke(app, ["genes", "overlap", "--reference", "nope"])
    assert result.exit_code == 2 and "unknown gene set" in result.output
