"""`alsatlas validate` through typer's CliRunner."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from alsatlas.cli import app

FIXTURES = Path(__file__).parents[1] / "evidence" / "fixtures"


def test_shipped_data_is_clean_and_summarised() -> None:
    result = CliRunner().invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    assert "OK:" in result.output
    for kind in ("epi_association", "mr", "immune_trial", "immune_biomarker"):
        assert kind in result.output


def test_valid_folder() -> None:
    result = CliRunner().invoke(app, ["validate", str(FIXTURES / "valid")])
    assert result.exit_code == 0
    assert "OK: 8 records in 1 files" in result.output


def test_broken_file_names_file_record_and_field() -> None:
    path = FIXTURES / "broken" / "ci_excludes_estimate.yaml"
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert (
        f"error: {path}, record broken.rec, field 'estimate': estimate 2.5 lies outside its CI"
        in result.output
    )
    assert "1 error(s) in 1 file(s)" in result.output


def test_broken_folder_reports_every_error() -> None:
    result = CliRunner().invoke(app, ["validate", str(FIXTURES / "broken")])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("error: ")]
    files = {line.split(",")[0].split(":")[1].strip() for line in lines}
    assert len(files) == len(list((FIXTURES / "broken").glob("*.yaml")))
    assert "Traceback" not in result.output


def test_yaml_syntax_error_has_line() -> None:
    result = CliRunner().invoke(app, ["validate", str(FIXTURES / "broken" / "yaml_syntax.yaml")])
    assert result.exit_code == 1
    assert "YAML syntax error at line 6" in result.output


def test_missing_path(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(tmp_path / "absent")])
    assert result.exit_code == 1
    assert "no such file or folder" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
