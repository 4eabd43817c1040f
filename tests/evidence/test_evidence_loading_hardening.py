"""Evidence loading refuses what it cannot read instead of skipping it."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from alsatlas.cli import app
from alsatlas.evidence import read_evidence, shipped_evidence_dir

runner = CliRunner()
ONE = shipped_evidence_dir() / "epidemiology" / "Cao2024.yaml"


def test_duplicate_keys_are_refused_with_their_line(tmp_path: Path) -> None:
    text = ONE.read_text(encoding="utf-8").replace(
        "study_id: Cao2024\n", "study_id: Cao2024\nstudy_id: Other\n", 1
    )
    (tmp_path / "dup.yaml").write_text(text, encoding="utf-8")
    result = read_evidence(tmp_path)
    assert not result.ok
    assert any(
        "duplicate key 'study_id'" in e.message and "line 2" in e.message for e in result.errors
    )


def test_a_broken_link_is_an_error_not_a_silent_skip(tmp_path: Path) -> None:
    shutil.copy(ONE, tmp_path / "ok.yaml")
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    result = read_evidence(tmp_path)
    assert [e.reason for e in result.errors] == ["a link to nothing"]
    out = runner.invoke(app, ["validate", str(tmp_path)])
    assert out.exit_code == 1 and "a link to nothing" in out.output


def test_a_device_is_not_called_missing() -> None:
    out = runner.invoke(app, ["validate", "/dev/zero"])
    assert out.exit_code == 1
    assert "not a file or folder" in out.output and "no such file" not in out.output
