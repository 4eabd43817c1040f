"""The report's tables: one model rendered as HTML and exported as JSON and TSV.

Every table the report shows is a :class:`Table` of plain values (text, numbers, identifiers).
The HTML template formats a cell with :func:`format_cell` and links identifiers (PMID, DOI,
NCT, record ids); the exporters write the raw values. Because both read the same rows, a number
in the HTML can never differ from the one in ``tables/<name>.json`` or ``.tsv``.

A column's ``kind`` says how a value is shown:

=========== ====================================================================
kind        shown as
=========== ====================================================================
``text``    as is
``number``  fixed decimals (``digits``)
``percent`` fixed decimals and a ``%`` sign (the value is already in percent)
``int``     integer with thousands separators
``signed``  integer with its sign (``+1``, ``−1``, ``0``): a grading step
``pvalue``  3 significant digits, ``<0.001`` below 0.001
``pmid``    PubMed link; ``doi``: doi.org link; ``pmcid``: PubMed Central link
``nct``     ClinicalTrials.gov link when the id is an NCT number (other registries: text)
``ref``     link to the reference list entry of a study id
``record``  record id(s), as is, in a small fixed-width font
``verdict`` a verdict badge; ``certainty``: GRADE symbols and the level
=========== ====================================================================
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

CellValue = str | int | float | bool | None
Row = Mapping[str, CellValue]
ColumnKind = Literal[
    "text",
    "number",
    "percent",
    "int",
    "signed",
    "pvalue",
    "pmid",
    "doi",
    "nct",
    "pmcid",
    "ref",
    "record",
    "verdict",
    "certainty",
]


@dataclass(frozen=True)
class Column:
    """A table column: its key in each row, its header, and how values are shown.

    ``show=False`` keeps a column out of the HTML table (it is still exported).
    """

    key: str
    label: str
    kind: ColumnKind = "text"
    digits: int = 2
    show: bool = True


@dataclass(frozen=True)
class Table:
    """A named table. ``name`` is the file stem of its exports (``tables/<name>.tsv``)."""

    name: str
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...] = field(default_factory=tuple)

    def where(self, predicate: Callable[[Row], bool], *, drop: Iterable[str] = ()) -> Table:
        """The rows for which ``predicate`` holds, without the columns named in ``drop``."""
        dropped = set(drop)
        return replace(
            self,
            columns=tuple(c for c in self.columns if c.key not in dropped),
            rows=tuple(r for r in self.rows if predicate(r)),
        )

    @property
    def shown(self) -> tuple[Column, ...]:
        """The columns the HTML table shows."""
        return tuple(c for c in self.columns if c.show)

    def for_question(self, question_id: str) -> Table:
        """The rows of one question, without the ``question_id`` column."""
        return self.where(lambda r: r.get("question_id") == question_id, drop=("question_id",))


PUBMED = "https://pubmed.ncbi.nlm.nih.gov/{}/"
DOI = "https://doi.org/{}"
CLINICALTRIALS = "https://clinicaltrials.gov/study/{}"
PMC = "https://pmc.ncbi.nlm.nih.gov/articles/{}/"


def format_number(value: float, digits: int = 2) -> str:
    """Fixed-point text of a number; the minus sign is U+2212 as typeset text uses."""
    text = f"{value:.{digits}f}"
    return text.replace("-", "\u2212")


def format_pvalue(value: float) -> str:
    """A p-value with 3 significant digits, or ``<0.001``."""
    if value < 0.001:
        return "<0.001"
    return f"{value:.3g}"


def format_cell(value: CellValue, column: Column) -> str:
    """Text of one cell as the HTML report shows it (links are added by :func:`cell_href`)."""
    if value is None or value == "" or (isinstance(value, float) and not math.isfinite(value)):
        return "\u2014"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        if column.kind == "number":
            return format_number(float(value), column.digits)
        if column.kind == "percent":
            return format_number(float(value), column.digits) + "%"
        if column.kind == "int":
            return f"{int(value):,}"
        if column.kind == "signed":
            return f"{int(value):+d}".replace("-", "\u2212") if value else "0"
        if column.kind == "pvalue":
            return format_pvalue(float(value))
    return str(value)


def cell_href(value: CellValue, column: Column) -> str | None:
    """Link target of an identifier cell, or ``None``."""
    if value is None or value == "":
        return None
    text = str(value)
    if column.kind == "pmid":
        return PUBMED.format(text.removeprefix("PMID:"))
    if column.kind == "doi":
        return DOI.format(text.removeprefix("https://doi.org/"))
    if column.kind == "nct":
        return CLINICALTRIALS.format(text) if text.upper().startswith("NCT") else None
    if column.kind == "pmcid":
        return PMC.format(text)
    if column.kind == "ref":
        return f"#ref-{text}"
    return None


__all__ = [
    "CLINICALTRIALS",
    "DOI",
    "PMC",
    "PUBMED",
    "CellValue",
    "Column",
    "ColumnKind",
    "Row",
    "Table",
    "cell_href",
    "format_cell",
    "format_number",
    "format_pvalue",
]
