"""Data is never rich markup and control characters never reach the terminal."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from typer.testing import CliRunner

from alsatlas.cli import app
from alsatlas.cli.console import DataConsole, clean
from alsatlas.evidence import shipped_evidence_dir

runner = CliRunner()
HOSTILE = "[/bold] Lupus \x1b]8;;http://evil\x07raises\x1b[2J the risk of ALS."


def test_a_hostile_claim_is_printed_as_text() -> None:
    result = runner.invoke(app, ["check", HOSTILE])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "[/bold]" in result.output


def test_hostile_evidence_text_is_printed_as_text(tmp_path: Path) -> None:
    src = shipped_evidence_dir() / "epidemiology" / "Fang2011_PLoSONE_infections.yaml"
    data = yaml.safe_load(src.read_text(encoding="utf-8"))
    data["citation"]["first_author"] = "Fang [/bold]\x1b[31m"
    (tmp_path / "fang.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    shutil.copy(shipped_evidence_dir() / "epidemiology" / "Cao2024.yaml", tmp_path / "cao.yaml")
    result = runner.invoke(app, ["evidence", "list", "--path", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "[/bold]" in result.output


def test_clean_strips_c0_and_c1_but_keeps_layout() -> None:
    assert clean("a\x1b[31mb\tc\nd\x9be\x00") == "a[31mb\tc\nde"
    console = DataConsole(record=True, width=80)
    console.print("[red]x[/red] \x1b[2J")
    assert console.export_text().strip() == "[red]x[/red] [2J"
