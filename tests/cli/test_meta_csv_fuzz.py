"""Fuzzing the CSV reader and `alsatlas meta`: any file gives a result or a located error."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from alsatlas.cli import app
from alsatlas.cli.meta import read_csv_table
from alsatlas.errors import AlsatlasInputError

CELL = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(min_value=1e-4, max_value=10.0).map(repr),
    st.sampled_from(["", "NA", "abc", "1e400", "-0", " 0.5 ", '"1,5"', "0x10"]),
    st.text(max_size=6),
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=200))
def test_reader_never_crashes(tmp_path: Path, content: str) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_text(content, encoding="utf-8")
    try:
        table = read_csv_table(path)
    except AlsatlasInputError as exc:
        assert str(path) in exc.message
    else:
        assert table.rows and len(table.rows) == len(table.lines)
        assert all(set(row) == set(table.columns) for row in table.rows)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(CELL, CELL), min_size=1, max_size=6))
def test_meta_gives_json_or_a_located_error(tmp_path: Path, rows: list[tuple[str, str]]) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_text("yi,vi\n" + "".join(f"{a},{b}\n" for a, b in rows), encoding="utf-8")
    result = CliRunner().invoke(app, ["meta", str(path), "--yi", "yi", "--vi", "vi",
                                      "--format", "json"])  # fmt: skip
    if result.exit_code == 0:
        out = json.loads(result.stdout)
        assert out["k"] >= 2
    else:
        assert result.exit_code == 2, result.output
        assert isinstance(result.exception, SystemExit)
        assert "error:" in result.stderr and "fuzz.csv" in result.stderr


def test_effect_sizes_beyond_double_precision_are_a_located_error(tmp_path: Path) -> None:
    # found by the fuzz test above: a range of 9.5e80 made the τ² information underflow to 0
    path = tmp_path / "huge.csv"
    path.write_text("yi,vi\n0.0,1.0\n9.485687950328058e+80,1.0\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["meta", str(path), "--yi", "yi", "--vi", "vi"])
    assert result.exit_code == 2
    assert "field 'yi'" in result.output and "wider than 1e+50" in result.output
