"""Exports of the report's tables: ``tables/<name>.json``, ``.tsv`` and ``.parquet``.

JSON holds ``{"name", "caption", "columns": [{key, label}], "rows": [{key: value}]}`` with
numbers as JSON numbers and missing values as ``null``. TSV has one header line of column keys
and one line per row; missing values are empty, numbers are written with Python's shortest
round-trip ``repr`` (so parsing them back gives the same float), and tabs or newlines inside
text are replaced by spaces.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import polars as pl

from alsatlas.atomic import atomic_path, ensure_dir, write_text_atomic
from alsatlas.presentation.tables import CellValue, Table


def _json_value(value: CellValue) -> CellValue:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def table_to_json(table: Table) -> dict[str, Any]:
    """A JSON-ready dict of one table (a non-finite number becomes ``null``)."""
    return {
        "name": table.name,
        "caption": table.caption,
        "columns": [{"key": c.key, "label": c.label} for c in table.columns],
        "rows": [{c.key: _json_value(row.get(c.key)) for c in table.columns} for row in table.rows],
    }


def _tsv_cell(value: CellValue) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return " ".join(str(value).split("\t")).replace("\r", " ").replace("\n", " ")


def table_to_tsv(table: Table) -> str:
    """TSV text of one table (header of column keys, one line per row)."""
    lines = ["\t".join(c.key for c in table.columns)]
    lines.extend("\t".join(_tsv_cell(row.get(c.key)) for c in table.columns) for row in table.rows)
    return "\n".join(lines) + "\n"


def table_to_frame(table: Table) -> pl.DataFrame:
    """A polars frame of one table (column keys as names; a non-finite number is null)."""
    data = {c.key: [_json_value(row.get(c.key)) for row in table.rows] for c in table.columns}
    return pl.DataFrame(data, strict=False)


def write_tables(tables: tuple[Table, ...], directory: Path) -> tuple[Path, ...]:
    """Write every table as JSON, TSV and Parquet under ``directory``; return the paths."""
    ensure_dir(directory)
    written: list[Path] = []
    for table in tables:
        json_path = directory / f"{table.name}.json"
        write_text_atomic(
            json_path,
            json.dumps(table_to_json(table), indent=1, ensure_ascii=False, allow_nan=False) + "\n",
        )
        tsv_path = directory / f"{table.name}.tsv"
        write_text_atomic(tsv_path, table_to_tsv(table))
        parquet_path = directory / f"{table.name}.parquet"
        with atomic_path(parquet_path) as tmp:
            table_to_frame(table).write_parquet(tmp)
        written.extend((json_path, tsv_path, parquet_path))
    return tuple(written)


__all__ = ["table_to_frame", "table_to_json", "table_to_tsv", "write_tables"]
