"""Outputs are written atomically: a failure mid-write leaves the old file whole and no litter."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from alsatlas.atomic import (
    atomic_dir,
    atomic_path,
    ensure_dir,
    write_bytes_atomic,
    write_text_atomic,
)
from alsatlas.errors import AlsatlasInputError
from alsatlas.figures.style import save_figure


def test_write_replaces_whole_file(tmp_path: Path) -> None:
    out = tmp_path / "answers.json"
    out.write_text("old", encoding="utf-8")
    write_text_atomic(out, "new ✓")
    assert out.read_text(encoding="utf-8") == "new ✓"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.json"]


def test_mode_follows_umask_not_mkstemp(tmp_path: Path) -> None:
    out = write_bytes_atomic(tmp_path / "report.html", b"<html></html>")
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


def test_failure_keeps_old_content_and_removes_temporary(tmp_path: Path) -> None:
    out = tmp_path / "table.parquet"
    out.write_bytes(b"previous")
    with pytest.raises(RuntimeError), atomic_path(out) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("disk full")
    assert out.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.parquet"]


def test_save_figure_goes_through_a_temporary(tmp_path: Path) -> None:
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    out = save_figure(fig, tmp_path / "forest.svg")
    plt.close(fig)
    assert out.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["forest.svg"]


def test_a_device_or_folder_target_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(AlsatlasInputError, match="not a regular file") as err:
        write_text_atomic(tmp_path, "x")
    assert str(tmp_path) in str(err.value)


def test_a_missing_folder_is_a_located_error(tmp_path: Path) -> None:
    with pytest.raises(AlsatlasInputError, match="cannot write") as err:
        write_text_atomic(tmp_path / "no" / "such.json", "x")
    assert "such.json" in str(err.value)


def test_ensure_dir_names_the_file_in_the_way(tmp_path: Path) -> None:
    (tmp_path / "tables").write_text("", encoding="utf-8")
    with pytest.raises(AlsatlasInputError, match="cannot make this folder"):
        ensure_dir(tmp_path / "tables")


def test_cli_outputs_fail_cleanly(tmp_path: Path) -> None:
    """Each output option of the CLI ends a bad target with exit 2 and one error line."""
    from typer.testing import CliRunner

    from alsatlas.cli import app

    table = tmp_path / "t.csv"
    table.write_text("yi,vi\n0.1,0.01\n0.3,0.02\n0.2,0.015\n", encoding="utf-8")
    missing = tmp_path / "no" / "f.svg"
    (tmp_path / "rep").mkdir()
    (tmp_path / "rep" / "tables").write_text("", encoding="utf-8")
    runs = [
        ["meta", str(table), "--yi", "yi", "--vi", "vi", "--forest", str(missing)],
        ["check", "Lupus raises ALS risk.", "--out", str(tmp_path / "no" / "c.txt")],
        ["mr", "--example", "bmi", "--harmonised-out", str(tmp_path / "no" / "h.tsv")],
        ["report", "--out", str(tmp_path / "rep")],
    ]
    for argv in runs:
        result = CliRunner().invoke(app, argv)
        assert result.exit_code == 2, (argv, result.output)
        assert "Traceback" not in result.output and "error:" in result.output, argv
    assert not (tmp_path / "rep" / "report.html").exists()  # nothing half-written


def test_check_table_goes_to_out(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from alsatlas.cli import app

    out = tmp_path / "claims.txt"
    result = CliRunner().invoke(app, ["check", "Lupus raises ALS risk.", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "sle_als_risk" in out.read_text(encoding="utf-8")
    assert "\x1b[" not in out.read_text(encoding="utf-8")


def test_atomic_dir_replaces_the_folder_whole(tmp_path: Path) -> None:
    target = tmp_path / "tables"
    target.mkdir()
    (target / "stale.tsv").write_text("old", encoding="utf-8")
    (target / "kept.tsv").write_text("old", encoding="utf-8")
    with atomic_dir(target) as staging:
        (staging / "kept.tsv").write_text("new", encoding="utf-8")
        assert (target / "stale.tsv").exists()  # readers still see the old folder
    assert sorted(p.name for p in target.iterdir()) == ["kept.tsv"]
    assert (target / "kept.tsv").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tables"]  # no litter


def test_atomic_dir_keeps_the_old_folder_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "tables"
    target.mkdir()
    (target / "a.tsv").write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_dir(target) as staging:
        (staging / "a.tsv").write_text("half", encoding="utf-8")
        raise RuntimeError("interrupted")
    assert (target / "a.tsv").read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tables"]
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(AlsatlasInputError, match="not a folder"), atomic_dir(tmp_path / "file"):
        pass


def test_report_removes_tables_of_an_older_run(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from alsatlas.cli import app

    out = tmp_path / "rep"
    (out / "tables").mkdir(parents=True)
    (out / "tables" / "from_an_old_version.tsv").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(app, ["report", "--out", str(out)])
    assert result.exit_code == 0, result.output
    names = {p.name for p in (out / "tables").iterdir()}
    assert "from_an_old_version.tsv" not in names and "references.bib" in names
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
