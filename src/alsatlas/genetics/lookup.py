"""Look-up of a few variants in a full-size summary-statistics file, streamed in chunks.

A genome-wide file (van Rheenen 2021 ALS: about 10.6 million rows) is never held in memory:
the file is read through :class:`alsatlas.genetics.textstream.RecordBlocks` (decompression in
the background, blocks of whole records, capped line length and expansion, RFC 4180 quoting),
and each block's key column alone is parsed by polars and matched against the wanted ids. Only
the matching records are kept; they are then read by
:func:`alsatlas.genetics.sumstats.parse_sumstats` with the same column detection and row checks
as a full read.

When an index built by ``alsatlas sumstats index`` matches the file
(:func:`alsatlas.genetics.sumstats_index.find_index`), the look-up reads it instead and
decompresses nothing; :attr:`LookupResult.index` then names the folder.

Variants are matched on the variant-id column (``rsid``, ``SNP``, ``MarkerName`` ...) or, with
``by="chrpos"``, on ``chromosome:position`` (a leading ``chr`` is ignored).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl

from alsatlas.errors import SumstatsError
from alsatlas.genetics.columns import ColumnMapping
from alsatlas.genetics.sumstats import (
    Sumstats,
    normalise_rsid,
    parse_records,
    read_fields,
    read_header,
)
from alsatlas.genetics.textstream import (
    DEFAULT_BLOCK_BYTES,
    DEFAULT_LIMITS,
    Limits,
    RecordBlocks,
    record_spans,
)

ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(bytes_read, total_bytes)`` on the file as stored (compressed)."""

SAMPLE_KEYS = 5
"""Keys of the file kept for messages when nothing matches."""


@dataclass(frozen=True)
class LookupResult:
    """Rows found for the requested variants, and which were not found.

    Attributes
    ----------
    sumstats
        The matching rows, read and checked like a full file.
    requested
        Number of distinct variants asked for.
    missing
        Requested variants with no row in the file (sorted).
    rows_scanned
        Data lines in the file.
    sample_keys
        The first few keys of the file, as matched (for messages when nothing matches).
    index
        The index folder read instead of the file, if any.
    """

    sumstats: Sumstats
    requested: int
    missing: tuple[str, ...]
    rows_scanned: int
    sample_keys: tuple[str, ...] = field(default=())
    index: str | None = None

    @property
    def found(self) -> int:
        """Requested variants with a row in the file."""
        return self.requested - len(self.missing)


def wanted_keys(variants: Iterable[str], by: Literal["snp", "chrpos"]) -> list[str]:
    """The distinct keys to look up, sorted: blanks dropped, ``rs`` ids in lower case
    (:func:`~alsatlas.genetics.sumstats.normalise_rsid`), and for ``by="chrpos"`` a leading
    ``chr`` dropped and letters upper-cased."""
    wanted = {normalise_rsid(v.strip()) for v in variants if v and v.strip()}
    if by == "chrpos":
        wanted = {re.sub(r"^(?i:chr)", "", v).upper() for v in wanted}
    return sorted(wanted)


def _key_columns(mapping: ColumnMapping, names: list[str], by: str, file: str) -> list[int]:
    if by == "snp":
        column = mapping.column("snp")
        if column is None:
            raise SumstatsError("no variant id column to match on; use by='chrpos'", file=file)
        return [names.index(column)]
    chrom, pos = mapping.column("chr"), mapping.column("pos")
    if chrom is None or pos is None:
        raise SumstatsError("no chromosome and position columns to match on", file=file)
    return [names.index(chrom), names.index(pos)]


def _block_keys(block: bytes, sep: str, key_idx: list[int], file: str) -> pl.Series:
    try:
        fields = read_fields(block, sep, key_idx)
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise SumstatsError(f"cannot parse a block of the file: {exc}", file=file) from exc
    if len(fields) == 1:
        return fields[0]
    chrom, pos = fields
    return pl.select(
        pl.concat_str([chrom.str.replace(r"^(?i:chr)", "").str.to_uppercase(), pl.lit(":"), pos])
    ).to_series()


def lookup_variants(
    path: str | Path,
    variants: Iterable[str],
    *,
    by: Literal["snp", "chrpos"] = "snp",
    overrides: Mapping[str, str] | None = None,
    progress: ProgressCallback | None = None,
    block_bytes: int = DEFAULT_BLOCK_BYTES,
    use_index: bool = True,
    limits: Limits = DEFAULT_LIMITS,
) -> LookupResult:
    """Find ``variants`` in a (possibly gzip) summary-statistics file without loading it.

    Parameters
    ----------
    path
        Summary-statistics file (plain, gzip or bgzip), or an index folder.
    variants
        Variant ids (``rs...``) or, with ``by="chrpos"``, ``"chr:pos"`` strings.
    by
        Match on the variant-id column (``"snp"``) or on chromosome and position.
    overrides
        Role → column name, as for :func:`~alsatlas.genetics.sumstats.read_sumstats`.
    progress
        Optional callback ``progress(bytes_read, total_bytes)``.
    block_bytes
        Size of the decompressed blocks.
    use_index
        Read a matching index instead of the file when there is one.
    limits
        Caps on line length and decompressed size.

    Raises
    ------
    SumstatsError
        Unreadable or corrupt file, unmappable header, no key column, limits exceeded.
    """
    file = str(path)
    wanted = wanted_keys(variants, by)
    if use_index:
        from alsatlas.genetics.sumstats_index import find_index

        index = find_index(path, overrides=overrides)
        if index is not None:
            found_idx, missing_idx = index.lookup(wanted, by=by)
            ids, chrpos = index.sample_keys(SAMPLE_KEYS)
            return LookupResult(
                sumstats=found_idx,
                requested=len(wanted),
                missing=missing_idx,
                rows_scanned=int(index.meta["report"]["n_rows"]),
                sample_keys=tuple(chrpos if by == "chrpos" else ids),
                index=str(index.folder),
            )
    if by == "chrpos":
        as_written = wanted
    else:
        # the file may write RS123; the canonical id is rs123
        as_written = sorted(set(wanted) | {"RS" + v[2:] for v in wanted if _RSID.match(v)})
    wanted_series = pl.Series(as_written, dtype=pl.String)

    hits: list[bytes] = []
    hit_lines: list[int] = []
    rows = 0
    samples: list[str] = []
    with RecordBlocks(path, block_bytes=block_bytes, limits=limits) as blocks:
        header, body, rest = read_header(blocks, source=file, overrides=overrides)
        key_idx = _key_columns(header.mapping, header.names, by, file)
        sep = header.sep
        space_sep = sep == " "
        block: bytes | None = body
        first = header.line + 1
        while block is not None:
            if block:
                if space_sep:
                    block = re.sub(rb"(?m)^[ \t]+", b"", re.sub(rb"[ \t]+", b" ", block))
                rows, hits = _scan_block(
                    block, sep, key_idx, wanted_series, rows, hits, file, samples, hit_lines, first
                )
            if progress is not None:
                progress(blocks.position(), blocks.total)
            block = next(rest, None)
            first = blocks.line  # the first line of the block just received
        if progress is not None:
            progress(blocks.total, blocks.total)

    found = parse_records(header, hits, hit_lines, source=file, overrides=overrides)
    if by == "snp":
        present = set(found.data.get_column("SNP").to_list())
    else:
        present = {
            f"{c}:{p}"
            for c, p in zip(
                found.data.get_column("chr").to_list(),
                found.data.get_column("pos").to_list(),
                strict=True,
            )
        }
    missing = tuple(v for v in wanted if v not in present)
    return LookupResult(
        sumstats=found,
        requested=len(wanted),
        missing=missing,
        rows_scanned=rows,
        sample_keys=tuple(samples),
    )


def _scan_block(
    block: bytes,
    sep: str,
    key_idx: list[int],
    wanted: pl.Series,
    rows: int,
    hits: list[bytes],
    file: str,
    samples: list[str] | None = None,
    hit_lines: list[int] | None = None,
    first_line: int = 2,
) -> tuple[int, list[bytes]]:
    """Append the records of ``block`` whose key is wanted; return the updated record count.

    With ``hit_lines``, the file line number of each appended record is appended there
    (``block`` starting at line ``first_line``).
    """
    keys = _block_keys(block, sep, key_idx, file)
    if samples is not None and len(samples) < SAMPLE_KEYS:
        samples.extend(k for k in keys.head(SAMPLE_KEYS - len(samples)).to_list() if k)
    rows += keys.len()
    mask = keys.is_in(wanted.implode()).fill_null(False)
    if not mask.any():
        return rows, hits
    matched = np.flatnonzero(mask.to_numpy())
    if len(key_idx) == 1 and b'"' not in block:
        found = _lines_by_search(block, sep.encode(), key_idx[0], keys.gather(matched).to_list())
        if found is not None:
            line, pos = first_line, 0
            for start, text in found:
                if hit_lines is not None:
                    line += block.count(b"\n", pos, start)
                    pos = start
                    hit_lines.append(line)
                hits.append(text)
            return rows, hits
    # composite keys, or a key that could not be located: index every record
    starts, ends = record_spans(block)
    if keys.len() != starts.size:
        raise SumstatsError(
            f"parsed {keys.len()} keys from {starts.size} lines in one block", file=file
        )
    all_newlines = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 10)
    for i in matched:
        start = int(starts[i])
        hits.append(block[start : int(ends[i])])
        if hit_lines is not None:
            hit_lines.append(first_line + int(np.searchsorted(all_newlines, start)))
    return rows, hits


def _lines_by_search(
    block: bytes, sep: bytes, column: int, keys: list[str]
) -> list[tuple[int, bytes]] | None:
    """(start offset, whole line) holding ``keys`` in field ``column``, found by substring search.

    The matched keys come in file order, so one forward pass over the block finds them all.
    Returns ``None`` when a key cannot be located (the caller then indexes every line).
    """
    out: list[tuple[int, bytes]] = []
    pos = 0
    boundary = (sep[0], 10, 13)
    for key in keys:
        needle = key.encode()
        while True:
            idx = block.find(needle, pos)
            if idx < 0:
                return None
            end = idx + len(needle)
            before_ok = idx == 0 or block[idx - 1] in boundary
            after_ok = end == len(block) or block[end] in boundary
            if before_ok and after_ok:
                line_start = block.rfind(b"\n", 0, idx) + 1
                line_end = block.find(b"\n", end)
                line_end = len(block) if line_end < 0 else line_end + 1
                line = block[line_start:line_end]
                fields = line.rstrip(b"\r\n").split(sep)
                if column < len(fields) and fields[column] == needle:
                    break
            pos = idx + 1
        out.append((line_start, line))
        pos = line_end
    return out


__all__ = [
    "DEFAULT_BLOCK_BYTES",
    "SAMPLE_KEYS",
    "LookupResult",
    "ProgressCallback",
    "lookup_variants",
    "wanted_keys",
]


_CHRPOS = re.compile(r"^(?:chr)?[0-9XYMT]{1,2}[:_]\d+", re.IGNORECASE)
_RSID = re.compile(r"^rs\d+$", re.IGNORECASE)


def explain_no_match(
    wanted: Iterable[str], file_keys: Iterable[str], *, by: Literal["snp", "chrpos"] = "snp"
) -> str:
    """Why none of ``wanted`` was found among keys like ``file_keys``: samples and a likely cause.

    Causes checked, in order: quote characters left in keys, ``chr:pos`` ids on one side and
    rsids on the other, rsids differing only in letter case (``RS123`` vs ``rs123``), and, for
    ``chr:pos`` keys on both sides, a different genome build.
    """
    want = [w for w in wanted if w][:SAMPLE_KEYS]
    have = [k for k in file_keys if k][:SAMPLE_KEYS]
    shown = (
        f"instruments look like {', '.join(want) or '(none)'}; "
        f"the file's keys look like {', '.join(have) or '(none)'}"
    )

    def share(keys: list[str], pattern: re.Pattern[str]) -> bool:
        return bool(keys) and sum(bool(pattern.match(k)) for k in keys) * 2 > len(keys)

    if any('"' in k or "'" in k for k in want + have):
        cause = "quote characters are part of the keys (a quoted CSV read without quoting?)"
    elif share(want, _RSID) and share(have, _CHRPOS):
        cause = (
            "the file names variants by chromosome:position, the instruments by rsid; "
            "match by position (--match chrpos) with the same genome build"
        )
    elif share(want, _CHRPOS) and share(have, _RSID):
        cause = "the instruments are chromosome:position ids, the file uses rsids"
    elif (
        share(want, _RSID)
        and share(have, _RSID)
        and any(k[:2] != k[:2].lower() for k in want + have)
        and any(k[:2] == k[:2].lower() for k in want + have)
    ):
        cause = "rsids differ in letter case (RS123 vs rs123)"
    elif by == "chrpos" or (share(want, _CHRPOS) and share(have, _CHRPOS)):
        cause = (
            "positions may be on different genome builds (GRCh37 vs GRCh38); lift one over "
            "or match by rsid"
        )
    else:
        cause = "the two files may cover different variants, or a column was mis-detected"
    return f"{shown}. Likely cause: {cause}"


__all__ += ["explain_no_match"]
