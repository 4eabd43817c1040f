"""The exit-code contract of :mod:`alsatlas.cli.exits`, exercised through the real commands:
broken evidence is a finding (1) in every command that loads it, bad input is 2, Ctrl+C is 130."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from alsatlas.cli import app, main
from alsatlas.cli.exits import FINDINGS, INPUT_ERROR, INTERRUPTED


@pytest.fixture
def broken_evidence(tmp_path: Path) -> Path:
    (tmp_path / "broken.yaml").write_text("study_id: [unclosed\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "argv",
    [
        ["ask", "als_autoimmune", "--path", "{dir}"],
        ["serve", "--evidence", "{dir}"],
        ["validate", "{dir}"],
    ],
)
def test_broken_evidence_is_a_finding(broken_evidence: Path, argv: list[str]) -> None:
    args = [a.format(dir=broken_evidence) for a in argv]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == FINDINGS, result.output
    assert "Traceback" not in result.output


def test_unreadable_input_is_an_input_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["meta", str(tmp_path / "missing.csv")])
    assert result.exit_code == INPUT_ERROR, result.output


def test_unknown_question_is_an_input_error() -> None:
    result = CliRunner().invoke(app, ["ask", "no-such-question"])
    assert result.exit_code == INPUT_ERROR, result.output


def test_ctrl_c_exits_130_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("alsatlas.cli.app", interrupted)
    with pytest.raises(SystemExit) as stop:
        main()
    assert stop.value.code == INTERRUPTED
    assert capsys.readouterr().err == "interrupted\n"
