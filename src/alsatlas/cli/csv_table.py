"""A CSV file with a header row, read as text cells that remember their file line, so that
every error names the file, line and column (``meta`` and ``mvmr`` tables)."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from alsatlas.errors import AlsatlasInputError

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class CsvTable:
    """A CSV file read as text cells, with the file line of each data row."""

    path: str
    columns: tuple[str, ...]
    rows: tuple[dict[str, str], ...]
    lines: tuple[int, ...]

    def column(self, name: str) -> list[str]:
        """Cells of column ``name``; raises if the file has no such column."""
        if name not in self.columns:
            raise AlsatlasInputError(
                f"no such column; the file has: {', '.join(self.columns)}",
                file=self.path,
                field=name,
            )
        return [row[name] for row in self.rows]

    def numeric(self, name: str) -> FloatArray:
        """Column ``name`` as numbers; an empty or non-numeric cell raises with its line."""
        values = []
        for cell, line in zip(self.column(name), self.lines, strict=True):
            text = cell.strip()
            if not text or text.upper() in ("NA", "NAN"):
                raise AlsatlasInputError("missing value", file=self.path, row=line, field=name)
            try:
                value = float(text)
            except ValueError:
                raise AlsatlasInputError(
                    f"not a number: {text!r}", file=self.path, row=line, field=name
                ) from None
            if not math.isfinite(value):
                raise AlsatlasInputError(
                    f"not a finite number: {text!r}", file=self.path, row=line, field=name
                )
            values.append(value)
        return np.asarray(values, dtype=np.float64)

    def text(self, name: str) -> list[str]:
        """Column ``name`` as stripped text; an empty cell raises with its line."""
        cells = [c.strip() for c in self.column(name)]
        for cell, line in zip(cells, self.lines, strict=True):
            if not cell:
                raise AlsatlasInputError("missing value", file=self.path, row=line, field=name)
        return cells


def read_csv_table(path: Path) -> CsvTable:
    """Read a comma-separated file with a header row.

    Raises
    ------
    AlsatlasInputError
        The file cannot be read, has no header or no data rows, repeats a column name, or a
        row has more cells than the header.
    """
    name = str(path)
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise AlsatlasInputError(f"cannot open the file ({exc.strerror})", file=name) from None
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise AlsatlasInputError("the file is empty", file=name) from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise AlsatlasInputError(f"not a readable CSV file ({exc})", file=name) from None
        columns = tuple(h.strip() for h in header)
        seen: set[str] = set()
        for col in columns:
            if col in seen:
                raise AlsatlasInputError("column name repeated in the header", file=name, field=col)
            seen.add(col)
        rows: list[dict[str, str]] = []
        lines: list[int] = []
        try:
            for cells in reader:
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) > len(columns):
                    raise AlsatlasInputError(
                        f"{len(cells)} cells but the header has {len(columns)} columns",
                        file=name,
                        row=reader.line_num,
                    )
                padded = [*cells, *([""] * (len(columns) - len(cells)))]
                rows.append(dict(zip(columns, padded, strict=True)))
                lines.append(reader.line_num)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise AlsatlasInputError(f"not a readable CSV file ({exc})", file=name) from None
    if not rows:
        raise AlsatlasInputError("the file has a header but no data rows", file=name)
    return CsvTable(path=name, columns=columns, rows=tuple(rows), lines=tuple(lines))


__all__ = ["CsvTable", "read_csv_table"]
