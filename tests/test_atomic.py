"""Outputs are written atomically: a failure mid-write leaves the old file whole and no litter."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from alsatlas.atomic import atomic_path, write_bytes_atomic, write_text_atomic
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
