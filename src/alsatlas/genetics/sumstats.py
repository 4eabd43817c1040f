"""Reading GWAS summary statistics into one canonical table, with a report of every dropped row.

Input: GWAS-SSF (GWAS Catalog) or a common variant of it (PLINK2 ``.glm``, METAL, REGENIE,
SAIGE, BOLT-LMM, TwoSampleMR-formatted tables), tab-, comma- or whitespace-separated, plain,
gzip or bgzip (recognised by its magic bytes ``1f 8b``, whatever the file name). Fields may be
double-quoted as RFC 4180 and R's ``write.csv`` write them (a quoted field may hold the
separator, a newline or ``""``); a UTF-8 byte-order mark, CRLF line ends and leading ``##``
comment lines are accepted. Columns are mapped by
:func:`alsatlas.genetics.columns.detect_columns`.

Every path (full read, look-up, instrument selection, index build) streams the file through
:class:`alsatlas.genetics.textstream.RecordBlocks`: blocks of whole records, parsed and checked
one at a time, with capped record length and decompressed size. A full read holds the kept rows
and one block; ``rs`` ids are written in lower case (``RS123`` → ``rs123``).

Output columns (TwoSampleMR names without the ``.exposure``/``.outcome`` suffix): ``SNP``,
``chr``, ``pos``, ``effect_allele``, ``other_allele``, ``beta``, ``se``, ``eaf``, ``pval``,
``samplesize``, ``ncase``, ``ncontrol`` and ``line`` (the row's line number in the file).

Derived values, in this order of preference, each counted in :attr:`LoadReport.derived`:

- ``beta = ln(OR)`` when only an odds ratio is given;
- ``se = (u − l) / (2 · 1.959964)`` from a 95% CI, with ``u, l`` log-transformed when the
  effect came from an odds ratio;
- ``se = |beta / z|`` from a z statistic;
- ``se = |beta| / z_p`` with ``z_p = Φ⁻¹(1 − p/2)`` from the p-value (or from −log10 p, computed
  on the log scale so that p < 1e-308 does not underflow);
- ``p = 10^(−log10 p)`` when only −log10 p is given.

A row is dropped, with its reason counted in :attr:`LoadReport.reasons`, when its variant id or
effect allele is missing, an allele is not A/C/G/T/indel, effect and other allele are equal,
beta/se cannot be obtained or are not finite, ``se ≤ 0``, ``OR ≤ 0``, the EAF or p-value lies
outside [0, 1], the line has the wrong number of fields, or its variant id repeats an earlier
row (the first is kept). Nothing is dropped silently.
"""

from __future__ import annotations

import csv
import math
import re
import zlib
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy import special

from alsatlas.errors import SumstatsError
from alsatlas.genetics.columns import ColumnMapping, detect_columns
from alsatlas.genetics.textstream import (
    BOM,
    DEFAULT_BLOCK_BYTES,
    DEFAULT_LIMITS,
    Limits,
    RecordBlocks,
)

Z_975 = 1.959963984540054
"""Φ⁻¹(0.975), the half-width multiplier of a normal 95% CI."""

NULL_VALUES: tuple[str, ...] = ("", "NA", "NaN", "nan", "na", "N/A", "NULL", "null", "None", ".")
"""Cell values read as missing."""

CANONICAL_SCHEMA: dict[str, type[pl.DataType]] = {
    "SNP": pl.String,
    "chr": pl.String,
    "pos": pl.Int64,
    "effect_allele": pl.String,
    "other_allele": pl.String,
    "beta": pl.Float64,
    "se": pl.Float64,
    "eaf": pl.Float64,
    "pval": pl.Float64,
    "samplesize": pl.Float64,
    "ncase": pl.Float64,
    "ncontrol": pl.Float64,
    "line": pl.Int64,
}
"""Column names and polars types of a parsed summary-statistics table, in order."""

CANONICAL_COLUMNS: tuple[str, ...] = tuple(CANONICAL_SCHEMA)

_GZIP_MAGIC = b"\x1f\x8b"
_ALLELE_RE = r"^(?:[ACGT]+|D|I)$"
_MAX_EXAMPLES = 20


@dataclass(frozen=True)
class InvalidRow:
    """One dropped row: its line number in the file (header = line 1), the reason, the text."""

    line: int
    reason: str
    text: str


@dataclass(frozen=True)
class LoadReport:
    """What reading a file did: rows read, kept and dropped (by reason), values derived.

    Attributes
    ----------
    file
        Source name.
    format
        Detected format (see :class:`~alsatlas.genetics.columns.ColumnMapping`).
    n_rows
        Data rows in the file (blank lines excluded).
    n_kept
        Rows in the returned table.
    reasons
        Reason → number of rows dropped for it (the first failing check of each row).
    examples
        Up to 20 dropped rows with line numbers.
    derived
        What was derived → number of rows (e.g. ``"se from p-value"``).
    index
        The index folder the rows were read from (``alsatlas sumstats index``), if any.
    """

    file: str
    format: str
    n_rows: int
    n_kept: int
    reasons: Mapping[str, int] = field(default_factory=dict)
    examples: tuple[InvalidRow, ...] = ()
    derived: Mapping[str, int] = field(default_factory=dict)
    index: str | None = None

    @property
    def n_dropped(self) -> int:
        """Rows dropped, all reasons together (``n_rows − n_kept``)."""
        return self.n_rows - self.n_kept

    def to_dict(self) -> dict[str, object]:
        """Plain-Python form for JSON output."""
        return {
            "file": self.file,
            "format": self.format,
            "n_rows": self.n_rows,
            "n_kept": self.n_kept,
            "n_dropped": self.n_dropped,
            "reasons": dict(self.reasons),
            "examples": [{"line": e.line, "reason": e.reason} for e in self.examples],
            "derived": dict(self.derived),
            **({"index": self.index} if self.index is not None else {}),
        }


@dataclass(frozen=True)
class Sumstats:
    """A summary-statistics table in canonical columns, with its column mapping and load report."""

    data: pl.DataFrame
    mapping: ColumnMapping
    report: LoadReport

    @property
    def source(self) -> str:
        """Where the table was read from."""
        return self.report.file

    def with_suffix(self, side: str) -> pl.DataFrame:
        """The table with TwoSampleMR names for ``side`` (``exposure`` or ``outcome``)."""
        keep = {"SNP", "line"}
        return self.data.rename({c: f"{c}.{side}" for c in self.data.columns if c not in keep})


READ_BYTES_LIMITS = Limits(expansion_floor_bytes=256 << 20)
"""Caps of :func:`read_bytes`, which holds the whole text: expansion checked past 256 MiB."""


def read_bytes(path: str | Path, *, limits: Limits = READ_BYTES_LIMITS) -> bytes:
    """The contents of ``path``, gzip-decompressed when it starts with the gzip magic bytes.

    Used for small tables only (harmonised tables, shipped sets); the decompressed size is
    capped as in :mod:`alsatlas.genetics.textstream` (beyond 256 MiB, at 200 times the stored
    size).

    Raises
    ------
    SumstatsError
        The file cannot be opened, is a corrupt or truncated gzip stream, or expands beyond the
        limits.
    """
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise SumstatsError(f"cannot read file: {exc.strerror or exc}", file=name) from exc
    if raw[:2] == _GZIP_MAGIC:
        cap = min(
            limits.max_decompressed_bytes,
            max(limits.expansion_floor_bytes, int(limits.max_expansion * len(raw))),
        )
        decomp = zlib.decompressobj(wbits=31)
        parts: list[bytes] = []
        size = 0
        rest = raw
        try:
            while rest:
                out = decomp.decompress(rest, cap + 1 - size)
                parts.append(out)
                size += len(out)
                if size > cap:
                    raise SumstatsError(
                        f"the data expand to more than {cap:,} bytes: a decompression bomb?",
                        file=name,
                    )
                if decomp.eof:
                    rest = decomp.unused_data
                    decomp = zlib.decompressobj(wbits=31)
                else:
                    rest = decomp.unconsumed_tail
                    if not rest:
                        raise SumstatsError("corrupt or truncated gzip data", file=name)
        except zlib.error as exc:
            raise SumstatsError(f"corrupt or truncated gzip data: {exc}", file=name) from exc
        return b"".join(parts)
    return raw


def read_sumstats(
    path: str | Path,
    *,
    overrides: Mapping[str, str] | None = None,
    use_index: bool = True,
    block_bytes: int = DEFAULT_BLOCK_BYTES,
    limits: Limits = DEFAULT_LIMITS,
) -> Sumstats:
    """Read a summary-statistics file (plain, gzip or bgzip) into a :class:`Sumstats`.

    The file is streamed in blocks of whole records (:mod:`alsatlas.genetics.textstream`);
    each block is checked and converted on its own, so memory holds the kept rows and one
    block. When an up-to-date index built by ``alsatlas sumstats index`` lies beside the file
    (or ``path`` is the index folder itself) and ``use_index`` is true, the table is read from
    it and :attr:`LoadReport.index` names it.

    Parameters
    ----------
    path
        File to read.
    overrides
        Role → exact column name, for columns that auto-detection gets wrong or finds ambiguous
        (roles: :data:`alsatlas.genetics.columns.ROLES`).
    use_index
        Read from the index when one matches the file.
    block_bytes, limits
        Block size and caps of the streamed read.

    Raises
    ------
    SumstatsError
        Unreadable file, no header, ambiguous or missing required columns, no valid row.
    """
    if use_index:
        from alsatlas.genetics.sumstats_index import find_index

        index = find_index(path, overrides=overrides)
        if index is not None:
            return index.read_all()
    with RecordBlocks(path, block_bytes=block_bytes, limits=limits) as blocks:
        return _read_stream(blocks, source=str(path), overrides=overrides)


def parse_sumstats(
    data: bytes, *, source: str, overrides: Mapping[str, str] | None = None
) -> Sumstats:
    """Parse summary-statistics bytes (plain or gzip; header line first) held in memory.

    See :func:`read_sumstats`; ``source`` names the data in messages and in the report.
    """
    with RecordBlocks(data, name=source) as blocks:
        return _read_stream(blocks, source=source, overrides=overrides)


@dataclass(frozen=True)
class Header:
    """The header of a summary-statistics table and what follows from it."""

    names: list[str]
    sep: str
    mapping: ColumnMapping
    line: int
    """Line number of the header (1 unless ``##`` comment lines come first)."""
    text: bytes
    """The header record as in the file, ending with a newline."""


def split_header(data: bytes, *, source: str) -> tuple[list[str], str, bytes]:
    """Header names, the separator (``\\t``, ``,`` or ``" "`` for runs of blanks) and the body.

    Leading blank lines, a UTF-8 byte-order mark and ``##`` comment lines (as in an
    instrument-set file's provenance) are skipped. Header fields may be double-quoted.

    Raises
    ------
    SumstatsError
        Empty file, a header that is not text, or a header with fewer than two columns.
    """
    names, sep, body, _, _ = _split_header(data, source=source)
    return names, sep, body


def _preamble(data: bytes) -> tuple[int, int]:
    """Offset just past the complete blank and ``##`` lines that open ``data``, and their count.

    One forward pass (a file may open with very many such lines).
    """
    start = count = 0
    while (end := data.find(b"\n", start)) >= 0:
        if data[start:end].strip(b"\r\t ") and not data.startswith(b"##", start):
            break
        start, count = end + 1, count + 1
    return start, count


def _split_header(
    data: bytes, *, source: str, first_line: int = 1
) -> tuple[list[str], str, bytes, int, bytes]:
    """As :func:`split_header`, plus the header's line number and its raw text (``data``
    starting at line ``first_line``)."""
    if data.startswith(BOM):
        data = data[len(BOM) :]
    start, skipped = _preamble(data)
    line = first_line + skipped
    end = data.find(b"\n", start)
    header_bytes, body = (data[start:], b"") if end < 0 else (data[start:end], data[end + 1 :])
    try:
        header_text = header_bytes.decode("utf-8").rstrip("\r")
    except UnicodeDecodeError as exc:
        raise SumstatsError("the header line is not UTF-8 text", file=source, row=line) from exc
    if not header_text.strip():
        raise SumstatsError("empty file: no header line", file=source, row=line)
    if "\t" in header_text:
        sep = "\t"
    elif "," in header_text:
        sep = ","
    else:
        sep = " "
    if sep == " ":
        fields = header_text.split()
    else:
        try:
            fields = next(csv.reader([header_text], delimiter=sep, strict=False))
        except (csv.Error, StopIteration) as exc:
            raise SumstatsError(f"cannot split the header: {exc}", file=source, row=line) from exc
    names = [n.strip().strip('"') for n in fields]
    if len(names) < 2:
        raise SumstatsError(
            "the header has fewer than two columns; expected a tab-, comma- or "
            "space-separated table",
            file=source,
            row=line,
        )
    return names, sep, body, line, header_bytes.rstrip(b"\r") + b"\n"


def read_header(
    blocks: RecordBlocks, *, source: str, overrides: Mapping[str, str] | None = None
) -> tuple[Header, bytes, Iterator[bytes]]:
    """Read the header from a block stream: the header, the rest of its block, the iterator.

    Raises
    ------
    SumstatsError
        Empty file, bad header (see :func:`split_header`), harmonised table, unmappable columns.
    """
    it = iter(blocks)
    pending = b""
    skipped = 0
    blank = True  # nothing but white space so far
    for block in it:
        blank = blank and not block.strip()
        # blank and ## lines are dropped as they come: memory holds one block
        pending += block
        start, n = _preamble(pending)
        pending, skipped = pending[start:], skipped + n
        if b"\n" in pending:  # the header record is complete
            break
    if not pending.strip():
        row = 1 if blank else 1 + skipped
        raise SumstatsError("empty file: no header line", file=source, row=row)
    names, sep, body, line, text = _split_header(pending, source=source, first_line=1 + skipped)
    sides = {n.rsplit(".", 1)[-1] for n in names if n.endswith((".exposure", ".outcome"))}
    if sides == {"exposure", "outcome"} and not overrides:
        raise SumstatsError(
            "this is a harmonised table (both .exposure and .outcome columns); read it as "
            "one (alsatlas mr --harmonised) or pick columns with overrides",
            file=source,
        )
    mapping = detect_columns(names, overrides=overrides, file=source)
    header = Header(names=names, sep=sep, mapping=mapping, line=line, text=text)
    return header, body, it


@dataclass
class Tally:
    """Running counts of one streamed read."""

    n_rows: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    examples: list[InvalidRow] = field(default_factory=list)
    derived: Counter[str] = field(default_factory=Counter)

    def add(self, block: ParsedBlock) -> None:
        self.n_rows += block.n_rows
        self.reasons.update(reason for _, reason in block.dropped)
        self.derived.update(block.derived)
        room = _MAX_EXAMPLES - len(self.examples)
        for line, reason in block.dropped[:room]:
            self.examples.append(
                InvalidRow(line=line, reason=reason, text=_line_text(block.body, line, block.first))
            )


@dataclass(frozen=True)
class ParsedBlock:
    """One block of records, checked and converted to canonical columns."""

    table: pl.DataFrame
    dropped: list[tuple[int, str]]
    derived: dict[str, int]
    n_rows: int
    body: bytes
    first: int
    """Line number of the first line of ``body``."""


def parse_block(body: bytes, header: Header, *, first_line: int, source: str) -> ParsedBlock:
    """Check and convert one block of whole records (see the module docstring for the rules).

    Duplicate variant ids are removed within the block only; the caller removes those that
    repeat across blocks.
    """
    raw, lines, structural = _parse_body(
        body, header.names, header.sep, source=source, first_line=first_line
    )
    table, dropped, derived = _canonical(raw, lines, header.mapping)
    all_dropped = structural + dropped
    all_dropped.sort(key=lambda r: r[0])
    return ParsedBlock(
        table=table,
        dropped=all_dropped,
        derived=derived,
        n_rows=raw.height + len(structural),
        body=body,
        first=first_line,
    )


def iter_blocks(
    blocks: RecordBlocks, *, source: str, overrides: Mapping[str, str] | None = None
) -> tuple[Header, Iterator[tuple[bytes, int]]]:
    """The header, then (body, first line number) for each block of records."""
    header, body, it = read_header(blocks, source=source, overrides=overrides)

    def gen() -> Iterator[tuple[bytes, int]]:
        if body:
            yield body, header.line + 1
        for block in it:
            yield block, blocks.line  # the first line of the block being handed out

    return header, gen()


def _read_stream(
    blocks: RecordBlocks, *, source: str, overrides: Mapping[str, str] | None
) -> Sumstats:
    header, parts = iter_blocks(blocks, source=source, overrides=overrides)
    tally = Tally()
    tables: list[pl.DataFrame] = []
    for body, first in parts:
        parsed = parse_block(body, header, first_line=first, source=source)
        tally.add(parsed)
        if parsed.table.height:
            tables.append(parsed.table)
    return finish(tables, header, tally_reasons=tally, source=source)


def finish(
    tables: list[pl.DataFrame], header: Header, *, tally_reasons: Tally, source: str
) -> Sumstats:
    """Concatenate block tables, drop ids repeated across blocks, and build the report."""
    tally = tally_reasons
    several = len(tables) > 1
    if tables:
        table = pl.concat(tables, how="vertical", rechunk=True)
        tables.clear()  # the blocks' tables are no longer needed: halve the peak
    else:
        table = pl.DataFrame(schema=CANONICAL_SCHEMA)
    if several:
        first = table.get_column("SNP").is_first_distinct()
        if not first.all():
            dup_lines = table.filter(~first).get_column("line").to_list()
            tally.reasons["duplicate variant id (first kept)"] += len(dup_lines)
            room = _MAX_EXAMPLES - len(tally.examples)
            tally.examples.extend(
                InvalidRow(line=int(n), reason="duplicate variant id (first kept)", text="")
                for n in dup_lines[: max(room, 0)]
            )
            tally.examples.sort(key=lambda e: e.line)
            table = table.filter(first)
    report = LoadReport(
        file=source,
        format=header.mapping.format,
        n_rows=tally.n_rows,
        n_kept=table.height,
        reasons=dict(tally.reasons),
        examples=tuple(tally.examples),
        derived=dict(tally.derived),
    )
    return Sumstats(data=table, mapping=header.mapping, report=report)


def read_fields(block: bytes, sep: str, columns: list[int]) -> list[pl.Series]:
    """Fields ``columns`` (0-based, distinct) of each record of ``block``, as text, in the
    order asked; a record short of a field gives null.

    Raises
    ------
    polars.exceptions.PolarsError, ValueError
        As :func:`polars.read_csv`, for text it cannot split.
    """
    frame = pl.read_csv(
        block,
        has_header=False,
        separator=sep,
        columns=columns,
        infer_schema=False,
        quote_char='"' if b'"' in block else None,
        truncate_ragged_lines=True,
        encoding="utf8-lossy",
    )
    # polars returns the columns in file order
    order = sorted(range(len(columns)), key=lambda i: columns[i])
    return [frame.to_series(order.index(i)) for i in range(len(columns))]


def parse_records(
    header: Header,
    records: list[bytes],
    lines: list[int],
    *,
    source: str,
    overrides: Mapping[str, str] | None = None,
) -> Sumstats:
    """Read records picked out of a file (each ending with a newline) with full checks.

    ``lines`` holds each record's line number in the file; the result and its report use them.
    """
    picked = parse_sumstats(header.text + b"".join(records), source=source, overrides=overrides)
    if not records:
        return picked
    starts = np.cumsum([2] + [r.count(b"\n") for r in records[:-1]])
    original = dict(zip(starts.tolist(), lines, strict=True))
    data = picked.data.with_columns(pl.col("line").replace_strict(original, return_dtype=pl.Int64))
    examples = tuple(
        InvalidRow(line=original.get(e.line, e.line), reason=e.reason, text=e.text)
        for e in picked.report.examples
    )
    report = replace(picked.report, examples=examples)
    return Sumstats(data=data, mapping=picked.mapping, report=report)


_RS_ID = re.compile(r"^(?i:rs)(\d+)$")


def normalise_rsid(variant: str) -> str:
    """``RS123`` / ``Rs123`` → ``rs123``; any other id unchanged."""
    m = _RS_ID.match(variant)
    return f"rs{m.group(1)}" if m else variant


def _line_text(body: bytes, line: int, first: int = 2) -> str:
    """Text of file line ``line``, ``body`` starting at line ``first``; cut to 200 characters."""
    start = 0
    for _ in range(line - first):
        nxt = body.find(b"\n", start)
        if nxt < 0:
            return ""
        start = nxt + 1
    end = body.find(b"\n", start)
    text = body[start : end if end >= 0 else len(body)]
    return text[:200].decode("utf-8", errors="replace").rstrip("\r")


def _parse_body(
    body: bytes, names: list[str], sep: str, *, source: str, first_line: int = 2
) -> tuple[pl.DataFrame, npt.NDArray[np.int64], list[tuple[int, str]]]:
    """Split the body into rows of strings; rows with the wrong field count are reported.

    Fields may be double-quoted (RFC 4180): separators and newlines inside quotes do not split,
    ``""`` inside quotes is one quote. Line numbers are those of the file (a record spanning
    several lines is numbered by its first).
    """
    body = body.replace(b"\r\n", b"\n")
    quoted = b'"' in body
    if sep == " ":
        body = re.sub(rb"[ \t]+", b" ", body)
        body = re.sub(rb"(?m)^ | $", b"", body)
    if body and not body.endswith(b"\n"):
        body += b"\n"
    sep_byte = sep.encode()
    arr = np.frombuffer(body, dtype=np.uint8)
    all_newlines = np.flatnonzero(arr == 10)
    sep_positions = np.flatnonzero(arr == sep_byte[0])
    if quoted:
        parity = np.cumsum(arr == 34) & 1
        newlines = all_newlines[parity[all_newlines] == 0]
        sep_positions = sep_positions[parity[sep_positions] == 0]
    else:
        newlines = all_newlines
    starts = np.concatenate(([0], newlines[:-1] + 1)) if newlines.size else newlines
    fields = np.searchsorted(sep_positions, newlines) - np.searchsorted(sep_positions, starts) + 1
    lengths = newlines - starts
    if quoted:
        line_numbers = first_line + np.searchsorted(all_newlines, starts).astype(np.int64)
    else:
        line_numbers = np.arange(first_line, first_line + newlines.size, dtype=np.int64)
    blank = lengths == 0
    bad = (fields != len(names)) & ~blank
    structural = [
        (int(line_numbers[i]), f"expected {len(names)} fields, found {int(fields[i])}")
        for i in np.flatnonzero(bad)
    ]
    good = ~bad & ~blank
    if not good.any():
        empty = pl.DataFrame({n: pl.Series([], dtype=pl.String) for n in names})
        return empty, np.zeros(0, dtype=np.int64), structural
    if bad.any() or blank.any():
        pieces = [body[s : e + 1] for s, e in zip(starts[good], newlines[good], strict=True)]
        body = b"".join(pieces)
    try:
        frame = pl.read_csv(
            body,
            has_header=False,
            new_columns=names,
            separator=sep,
            infer_schema=False,
            quote_char='"' if quoted else None,
            null_values=list(NULL_VALUES),
            encoding="utf8-lossy",
            truncate_ragged_lines=quoted,
        )
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise SumstatsError(
            f"cannot parse the table: {exc}", file=source, row=int(line_numbers[good][0])
        ) from exc
    if frame.height != int(good.sum()):
        raise SumstatsError(
            f"parsed {frame.height} rows but the block has {int(good.sum())} well-formed "
            "records (a stray double quote?)",
            file=source,
            row=int(line_numbers[good][0]),
        )
    return frame, line_numbers[good], structural


def _as_float(
    frame: pl.DataFrame, column: str | None
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """(values, present-but-not-a-finite-number) for a string column; NaN where missing."""
    n = frame.height
    if column is None:
        return np.full(n, np.nan), np.zeros(n, dtype=np.bool_)
    col = frame.get_column(column).str.strip_chars()
    num = col.cast(pl.Float64, strict=False)
    values = num.to_numpy().astype(np.float64, copy=True)
    present = col.is_not_null().to_numpy()
    bad = present & ~np.isfinite(values)
    values[~np.isfinite(values)] = np.nan
    return values, np.asarray(bad, dtype=np.bool_)


def _se_from_p(
    beta: npt.NDArray[np.float64], log_p: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """``|beta| / Φ⁻¹(1 − p/2)`` with p given on the natural-log scale (NaN when undefined)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z = -special.ndtri_exp(log_p - math.log(2.0))
        se = np.abs(beta) / z
    se[~np.isfinite(se) | (se <= 0)] = np.nan
    return np.asarray(se, dtype=np.float64)


def _canonical(
    raw: pl.DataFrame, lines: npt.NDArray[np.int64], mapping: ColumnMapping
) -> tuple[pl.DataFrame, list[tuple[int, str]], dict[str, int]]:
    """Canonical table, dropped rows (line, reason) and derivation counts."""
    n = raw.height
    col = mapping.column
    derived: dict[str, int] = {}
    checks: list[tuple[npt.NDArray[np.bool_], str]] = []

    def text(column: str | None) -> pl.Series:
        if column is None:
            return pl.Series([None] * n, dtype=pl.String)
        return raw.get_column(column).str.strip_chars()

    # variant id (rs ids in lower case: RS123 -> rs123)
    snp = text(col("snp")).str.replace(r"^(?i:rs)(\d+)$", "rs${1}")
    chrom = text(col("chr")).str.replace(r"^(?i:chr)", "").str.to_uppercase()
    pos_values, pos_bad = _as_float(raw, col("pos"))
    if col("snp") is None:
        snp = pl.Series(
            [
                f"{c}:{int(p)}" if c is not None and np.isfinite(p) else None
                for c, p in zip(chrom.to_list(), pos_values, strict=True)
            ],
            dtype=pl.String,
        )
    checks.append((snp.is_null().to_numpy(), "missing variant id"))

    # alleles
    ea_raw = text(col("effect_allele"))
    ea = ea_raw.str.to_uppercase()
    if mapping.other_allele_from_ref_alt is not None:
        ref_name, alt_name = mapping.other_allele_from_ref_alt
        ref = text(ref_name).str.to_uppercase()
        alt = text(alt_name).str.to_uppercase()
        oa = pl.select(pl.when(ea == alt).then(ref).otherwise(alt)).to_series()
        oa_mapped = True
    else:
        oa = text(col("other_allele")).str.to_uppercase()
        oa_mapped = col("other_allele") is not None
    checks.append((ea.is_null().to_numpy(), "missing effect allele"))
    checks.append(
        (~ea.str.contains(_ALLELE_RE).fill_null(True).to_numpy(), "invalid effect allele")
    )
    if oa_mapped:
        checks.append((oa.is_null().to_numpy(), "missing other allele"))
        checks.append(
            (~oa.str.contains(_ALLELE_RE).fill_null(True).to_numpy(), "invalid other allele")
        )
        checks.append(((ea == oa).fill_null(False).to_numpy(), "effect and other allele equal"))

    # effect size
    beta, beta_bad = _as_float(raw, col("beta"))
    odds, odds_bad = _as_float(raw, col("odds_ratio"))
    checks.append((beta_bad, "effect size not a number"))
    checks.append((odds_bad, "odds ratio not a number"))
    from_or = np.isnan(beta) & np.isfinite(odds)
    checks.append((from_or & (odds <= 0), "odds ratio not positive"))
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = np.where(from_or & (odds > 0), np.log(np.where(odds > 0, odds, 1.0)), beta)
    if from_or.any():
        derived["beta = ln(odds ratio)"] = int((from_or & (odds > 0)).sum())
    checks.append((np.isnan(beta), "missing effect size"))

    # p-value
    pval, pval_bad = _as_float(raw, col("pval"))
    log10p, log10p_bad = _as_float(raw, col("log10p"))
    checks.append((pval_bad, "p-value not a number"))
    checks.append((log10p_bad, "-log10 p not a number"))
    checks.append(((pval < 0) | (pval > 1), "p-value outside [0, 1]"))
    checks.append((log10p < 0, "-log10 p negative"))
    p_from_log = np.isnan(pval) & np.isfinite(log10p) & (log10p >= 0)
    if p_from_log.any():
        pval = np.where(p_from_log, 10.0 ** (-np.where(p_from_log, log10p, 0.0)), pval)
        derived["p from -log10 p"] = int(p_from_log.sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        log_p = np.where(
            np.isfinite(log10p) & (log10p >= 0), -log10p * math.log(10.0), np.log(pval)
        )

    # standard error
    se, se_bad = _as_float(raw, col("se"))
    checks.append((se_bad, "standard error not a number"))
    checks.append((se <= 0, "standard error not positive"))
    lower, lower_bad = _as_float(raw, col("ci_lower"))
    upper, upper_bad = _as_float(raw, col("ci_upper"))
    z, z_bad = _as_float(raw, col("z"))
    checks.append((lower_bad | upper_bad, "CI bound not a number"))
    checks.append((z_bad, "z statistic not a number"))
    need = np.isnan(se)
    with np.errstate(divide="ignore", invalid="ignore"):
        lo = np.where(from_or, np.log(lower), lower)
        hi = np.where(from_or, np.log(upper), upper)
        se_ci = (hi - lo) / (2.0 * Z_975)
        se_z = np.abs(beta / z)
    se_ci[~np.isfinite(se_ci) | (se_ci <= 0)] = np.nan
    se_z[~np.isfinite(se_z) | (se_z <= 0)] = np.nan
    se_p = _se_from_p(beta, log_p)
    for label, candidate in (
        ("se from 95% CI", se_ci),
        ("se from z", se_z),
        ("se from p-value", se_p),
    ):
        use = need & np.isnan(se) & np.isfinite(candidate)
        if use.any():
            se = np.where(use, candidate, se)
            derived[label] = int(use.sum())
    checks.append((np.isnan(se), "missing standard error (no SE, CI, z or p to derive it)"))

    # frequency and sample sizes
    eaf, eaf_bad = _as_float(raw, col("eaf"))
    checks.append((eaf_bad, "effect allele frequency not a number"))
    checks.append(((eaf < 0) | (eaf > 1), "effect allele frequency outside [0, 1]"))
    nn, nn_bad = _as_float(raw, col("n"))
    ncase, ncase_bad = _as_float(raw, col("ncase"))
    ncontrol, ncontrol_bad = _as_float(raw, col("ncontrol"))
    checks.append((nn_bad | ncase_bad | ncontrol_bad, "sample size not a number"))
    checks.append((pos_bad, "position not a number"))

    labels = [label for _, label in checks] + ["duplicate variant id (first kept)"]
    code = np.full(n, -1, dtype=np.int16)
    for i, (mask, _) in enumerate(checks):
        code[(code < 0) & mask] = i
    ok = code < 0
    # duplicates among otherwise valid rows: keep the first
    ok_idx = np.flatnonzero(ok)
    first = snp.filter(pl.Series(ok)).is_first_distinct().to_numpy()
    dup_idx = ok_idx[~first]
    code[dup_idx] = len(labels) - 1
    ok[dup_idx] = False
    dropped = [(int(lines[i]), labels[code[i]]) for i in np.flatnonzero(~ok)]

    keep = pl.Series(ok)
    table = pl.DataFrame(
        {
            "SNP": snp,
            "chr": chrom,
            "pos": pl.Series(pos_values).cast(pl.Int64, strict=False),
            "effect_allele": ea,
            "other_allele": oa,
            "beta": beta,
            "se": se,
            "eaf": eaf,
            "pval": pval,
            "samplesize": nn,
            "ncase": ncase,
            "ncontrol": ncontrol,
            "line": lines,
        },
        schema=CANONICAL_SCHEMA,
    ).filter(keep)
    return table, dropped, derived


__all__ = [
    "CANONICAL_COLUMNS",
    "CANONICAL_SCHEMA",
    "NULL_VALUES",
    "Z_975",
    "Header",
    "InvalidRow",
    "LoadReport",
    "ParsedBlock",
    "Sumstats",
    "Tally",
    "finish",
    "iter_blocks",
    "normalise_rsid",
    "parse_block",
    "parse_records",
    "parse_sumstats",
    "read_bytes",
    "read_fields",
    "read_header",
    "read_sumstats",
    "split_header",
]
