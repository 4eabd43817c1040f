"""Look-up of a few variants in a full-size summary-statistics file, streamed in chunks.

A genome-wide file (van Rheenen 2021 ALS: about 10.6 million rows) is never held in memory:
the file is decompressed as a stream (the system ``gzip -dc`` in a child process when available,
otherwise :mod:`zlib` in a thread), cut into blocks of whole lines, and each block's key column
alone is parsed by polars and matched against the wanted ids. Only the matching lines are kept;
they are then read by :func:`alsatlas.genetics.sumstats.parse_sumstats` with the same column
detection and row checks as a full read. Decompression and parsing run in parallel, so the
wall time stays close to that of decompression alone.

Variants are matched on the variant-id column (``rsid``, ``SNP``, ``MarkerName`` ...) or, with
``by="chrpos"``, on ``chromosome:position`` (a leading ``chr`` is ignored).
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import shutil
import subprocess
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from io import FileIO
from pathlib import Path
from types import ModuleType
from typing import IO, Literal

import numpy as np
import polars as pl

from alsatlas.errors import SumstatsError
from alsatlas.genetics.columns import ColumnMapping, detect_columns
from alsatlas.genetics.sumstats import Sumstats, parse_sumstats, split_header

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # not on Windows
    fcntl = None

ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(bytes_read, total_bytes)`` on the file as stored (compressed)."""

DEFAULT_BLOCK_BYTES = 8 << 20
_GZIP_MAGIC = b"\x1f\x8b"


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
    """

    sumstats: Sumstats
    requested: int
    missing: tuple[str, ...]
    rows_scanned: int

    @property
    def found(self) -> int:
        """Requested variants with a row in the file."""
        return self.requested - len(self.missing)


class _BlockReader:
    """Decompressed blocks of a file, produced by a background thread."""

    def __init__(self, path: Path, block_bytes: int) -> None:
        self.path = path
        self.block_bytes = block_bytes
        self.total = path.stat().st_size
        self._file: FileIO = path.open("rb", buffering=0)
        self._fd = self._file.fileno()
        self.gzip = self._file.read(2) == _GZIP_MAGIC
        self._file.seek(0)
        self._proc: subprocess.Popen[bytes] | None = None
        self._queue: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=4)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def position(self) -> int:
        """Bytes of the stored file consumed so far."""
        try:
            return os.lseek(self._fd, 0, os.SEEK_CUR)
        except OSError:
            return self.total

    def _chunks(self) -> Iterator[bytes]:
        gzip_exe = shutil.which("gzip")
        if self.gzip and gzip_exe is not None:
            self._proc = subprocess.Popen(
                [gzip_exe, "-dc"], stdin=self._file, stdout=subprocess.PIPE, bufsize=0
            )
            assert self._proc.stdout is not None
            stdout = self._proc.stdout
            _widen_pipe(stdout.fileno())
            assert isinstance(stdout, FileIO)  # bufsize=0: an unbuffered pipe
            yield from _line_blocks(stdout.readinto, self.block_bytes)
            if self._proc.wait() != 0 and not self._stop.is_set():
                raise SumstatsError("corrupt or truncated gzip data", file=str(self.path))
        elif self.gzip:
            yield from _line_blocks(
                _ZlibStream(self._file, str(self.path)).readinto, self.block_bytes
            )
        else:
            yield from _line_blocks(self._file.readinto, self.block_bytes)

    def _run(self) -> None:
        try:
            for chunk in self._chunks():
                if self._stop.is_set():
                    return
                self._queue.put(chunk)
            self._queue.put(None)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            self._queue.put(exc)

    def __iter__(self) -> Iterator[bytes]:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        """Stop the reader thread and the child process, if any."""
        self._stop.set()
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
        while self._thread.is_alive():
            with contextlib.suppress(queue.Empty):
                self._queue.get(timeout=0.05)
        if self._proc is not None:
            self._proc.wait()
            if self._proc.stdout is not None:
                self._proc.stdout.close()
        self._file.close()


class _ZlibStream:
    """``readinto`` over a gzip file decompressed with :mod:`zlib` (multi-member aware)."""

    def __init__(self, raw: IO[bytes], name: str) -> None:
        self.raw = raw
        self.name = name
        self.decomp = zlib.decompressobj(wbits=31)
        self.pending = b""
        self.done = False

    def readinto(self, target: memoryview) -> int:
        while not self.pending and not self.done:
            raw = self.raw.read(1 << 20)
            try:
                if not raw:
                    if not self.decomp.eof:
                        raise SumstatsError("truncated gzip data", file=self.name)
                    self.done = True
                    break
                out = self.decomp.decompress(raw)
                while self.decomp.eof and self.decomp.unused_data:
                    rest = self.decomp.unused_data
                    self.decomp = zlib.decompressobj(wbits=31)
                    out += self.decomp.decompress(rest)
            except zlib.error as exc:
                raise SumstatsError(f"corrupt gzip data: {exc}", file=self.name) from exc
            self.pending = out
        n = min(len(target), len(self.pending))
        target[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n


def _line_blocks(readinto: Callable[[memoryview], int | None], size: int) -> Iterator[bytes]:
    """Blocks of whole lines (each ends with a newline, except perhaps the last).

    Data is read straight into a reusable buffer; the only copy is the block handed out. A
    line longer than the buffer makes the buffer grow.
    """
    buf = bytearray(size)
    carry = 0
    while True:
        filled = carry
        with memoryview(buf) as view:
            while filled < len(buf):
                got = readinto(view[filled:])
                if not got:
                    break
                filled += got
        if filled == 0:
            return
        if filled < len(buf):  # end of stream
            yield bytes(buf[:filled])
            return
        cut = buf.rfind(b"\n", 0, filled)
        if cut < 0:
            carry = filled
            buf.extend(bytes(len(buf)))
            continue
        yield bytes(buf[: cut + 1])
        carry = filled - cut - 1
        buf[:carry] = buf[cut + 1 : filled]


def _widen_pipe(fd: int) -> None:
    """Ask Linux for a 1 MiB pipe buffer (fewer context switches); ignored elsewhere."""
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if set_size is None or fcntl is None:
        return
    with contextlib.suppress(OSError):
        fcntl.fcntl(fd, set_size, 1 << 20)


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
        frame = pl.read_csv(
            block,
            has_header=False,
            separator=sep,
            columns=key_idx,
            infer_schema=False,
            quote_char=None,
            truncate_ragged_lines=True,
            encoding="utf8-lossy",
        )
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise SumstatsError(f"cannot parse a block of the file: {exc}", file=file) from exc
    if len(key_idx) == 1:
        return frame.to_series(0)
    # columns come back in file order; find which is chr and which is pos
    order = sorted(range(2), key=lambda i: key_idx[i])
    chrom = frame.to_series(order.index(0))
    pos = frame.to_series(order.index(1))
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
) -> LookupResult:
    """Find ``variants`` in a (possibly gzip) summary-statistics file without loading it.

    Parameters
    ----------
    path
        Summary-statistics file, plain or gzip.
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

    Raises
    ------
    SumstatsError
        Unreadable or corrupt file, unmappable header, no key column.
    """
    file = str(path)
    wanted = sorted({v.strip() for v in variants if v and v.strip()})
    if by == "chrpos":
        wanted = sorted({re.sub(r"^(?i:chr)", "", v).upper() for v in wanted})
    wanted_series = pl.Series(wanted, dtype=pl.String)
    try:
        reader = _BlockReader(Path(path), block_bytes)
    except OSError as exc:
        raise SumstatsError(f"cannot read file: {exc.strerror or exc}", file=file) from exc

    header = b""
    names: list[str] = []
    sep = "\t"
    key_idx: list[int] = []
    rest = b""
    hits: list[bytes] = []
    rows = 0
    space_sep = False
    try:
        blocks = iter(reader)
        while True:
            chunk = next(blocks, None)
            final = chunk is None
            data = rest + (chunk or b"")
            if not final:
                cut = data.rfind(b"\n")
                if cut < 0:
                    rest = data
                    continue
                block, rest = data[: cut + 1], data[cut + 1 :]
            else:
                block, rest = data, b""
                if block and not block.endswith(b"\n"):
                    block += b"\n"
            if not names:
                block = block.lstrip(b"\r\n")
                if not block:
                    if final:
                        raise SumstatsError("empty file: no header line", file=file, row=1)
                    continue
                names, sep, body = split_header(block, source=file)
                end = block.find(b"\n")
                header = block[: end + 1] if end >= 0 else block + b"\n"
                mapping = detect_columns(names, overrides=overrides, file=file)
                key_idx = _key_columns(mapping, names, by, file)
                space_sep = sep == " "
                block = body
            if block:
                if b"\r" in block:
                    block = block.replace(b"\r", b"")
                if space_sep:
                    block = re.sub(rb"(?m)^[ \t]+", b"", re.sub(rb"[ \t]+", b" ", block))
                rows, hits = _scan_block(block, sep, key_idx, wanted_series, rows, hits, file)
            if progress is not None:
                progress(reader.position(), reader.total)
            if final:
                break
    finally:
        reader.close()
    if not names:
        raise SumstatsError("empty file: no header line", file=file, row=1)

    found = parse_sumstats(header + b"".join(hits), source=file, overrides=overrides)
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
    return LookupResult(sumstats=found, requested=len(wanted), missing=missing, rows_scanned=rows)


def _scan_block(
    block: bytes,
    sep: str,
    key_idx: list[int],
    wanted: pl.Series,
    rows: int,
    hits: list[bytes],
    file: str,
) -> tuple[int, list[bytes]]:
    """Append the lines of ``block`` whose key is wanted; return the updated line count."""
    keys = _block_keys(block, sep, key_idx, file)
    rows += keys.len()
    mask = keys.is_in(wanted.implode()).fill_null(False)
    if not mask.any():
        return rows, hits
    matched = np.flatnonzero(mask.to_numpy())
    if len(key_idx) == 1:
        lines = _lines_by_search(block, sep.encode(), key_idx[0], keys.gather(matched).to_list())
        if lines is not None:
            hits.extend(lines)
            return rows, hits
    # composite keys, or a key that could not be located: index every line
    newlines = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 10)
    if keys.len() != newlines.size:
        raise SumstatsError(
            f"parsed {keys.len()} keys from {newlines.size} lines in one block", file=file
        )
    for i in matched:
        start = 0 if i == 0 else int(newlines[i - 1]) + 1
        hits.append(block[start : int(newlines[i]) + 1])
    return rows, hits


def _lines_by_search(block: bytes, sep: bytes, column: int, keys: list[str]) -> list[bytes] | None:
    """Whole lines holding ``keys`` in field ``column``, found in order by substring search.

    The matched keys come in file order, so one forward pass over the block finds them all.
    Returns ``None`` when a key cannot be located (the caller then indexes every line).
    """
    out: list[bytes] = []
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
        out.append(line)
        pos = line_end
    return out


__all__ = ["DEFAULT_BLOCK_BYTES", "LookupResult", "ProgressCallback", "lookup_variants"]
