"""Decompressed text of a summary-statistics file, as a stream of whole-record blocks.

Every reader of summary statistics (full read, look-up, instrument selection, index build) goes
through :func:`record_blocks`, so that all of them share one set of rules:

- **compression**: gzip and bgzip (a series of gzip members) are recognised by their magic bytes
  ``1f 8b``, whatever the file name; anything else is read as plain text. Decompression runs
  in a background thread, so that parsing overlaps with it: Intel ISA-L's inflate
  (:mod:`isal.isal_zlib`, about three times as fast as ``gzip -dc``), else the system
  ``gzip -dc`` in a child process, else :mod:`zlib`;
- **bounded memory**: data arrive in blocks of about ``block_bytes``; a block always ends at the
  end of a record. A record longer than ``max_line_bytes`` (a file with no newline, a binary
  file, an unclosed quote) stops the read with a :class:`~alsatlas.errors.SumstatsError` naming
  the file and line, instead of growing a buffer without limit;
- **decompression bombs**: decompressed output larger than ``max_expansion`` times the stored
  size (and larger than ``expansion_floor_bytes``), or than ``max_decompressed_bytes`` in all,
  stops the read with an error. Real GWAS files expand 3–10×; gzip's own limit is about
  1,032×;
- **RFC 4180 quoting**: a newline inside a double-quoted field does not end a record (quote
  parity is tracked with a running count of ``"`` bytes; an escaped quote ``""`` counts twice
  and so keeps the parity);
- a UTF-8 byte-order mark at the start and carriage returns before line feeds are removed.
"""

from __future__ import annotations

import contextlib
import io
import os
import queue
import shutil
import subprocess
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import FileIO
from pathlib import Path
from types import ModuleType
from typing import IO, Any

import numpy as np
import numpy.typing as npt

from alsatlas.errors import SumstatsError

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # not on Windows
    fcntl = None

DEFAULT_BLOCK_BYTES = 8 << 20
"""Decompressed size of the blocks handed to parsers."""
MAX_LINE_BYTES = 1 << 20
"""Longest record accepted (1 MiB): a header of 10,000 columns still fits."""
MAX_EXPANSION = 200
"""Largest accepted ratio of decompressed to stored size (checked past the floor below)."""
EXPANSION_FLOOR_BYTES = 1 << 30
"""Decompressed size below which the expansion ratio is not checked (1 GiB)."""
MAX_DECOMPRESSED_BYTES = 1 << 40
"""Largest decompressed size accepted in all (1 TiB)."""

GZIP_MAGIC = b"\x1f\x8b"
BOM = b"\xef\xbb\xbf"

Readinto = Callable[[memoryview], "int | None"]


class LineTooLong(SumstatsError):
    """A line longer than the cap; :class:`RecordBlocks` adds its line number."""


@dataclass(frozen=True)
class Limits:
    """Caps on one read; see the module docstring."""

    max_line_bytes: int = MAX_LINE_BYTES
    max_expansion: float = MAX_EXPANSION
    expansion_floor_bytes: int = EXPANSION_FLOOR_BYTES
    max_decompressed_bytes: int = MAX_DECOMPRESSED_BYTES


DEFAULT_LIMITS = Limits()


def is_gzip(path: str | Path) -> bool:
    """Whether the file starts with the gzip magic bytes (gzip or bgzip)."""
    with Path(path).open("rb") as handle:
        return handle.read(2) == GZIP_MAGIC


_inflate: Any = zlib
try:  # Intel ISA-L's inflate (python-isal): about 3x zlib's and gzip's speed, same stream
    from isal import isal_zlib

    _inflate = isal_zlib
except ImportError:  # pragma: no cover - isal is a dependency; zlib is the fallback
    pass


class _ZlibStream:
    """``readinto`` over a gzip file inflated in this process (multi-member aware): with
    ISA-L (:mod:`isal.isal_zlib`) when installed, else :mod:`zlib`."""

    def __init__(self, raw: IO[bytes], name: str, inflate: Any = None) -> None:
        self.raw = raw
        self.name = name
        # looked up per stream, not bound when the class is defined (tests swap in zlib)
        self.inflate = inflate if inflate is not None else _inflate
        self.decomp = self.inflate.decompressobj(wbits=31)
        self.pending = b""
        self.tail = b""
        self.done = False

    def readinto(self, target: memoryview) -> int:
        while not self.pending and not self.done:
            raw = self.tail or self.raw.read(1 << 16)
            self.tail = b""
            try:
                if not raw:
                    if not self.decomp.eof:
                        raise SumstatsError("truncated gzip data", file=self.name)
                    self.done = True
                    break
                # at most 1 MiB of output per call, whatever the compression ratio
                out = self.decomp.decompress(raw, 1 << 20)
                self.tail = self.decomp.unconsumed_tail
                if self.decomp.eof and self.decomp.unused_data:
                    self.tail = self.decomp.unused_data
                    self.decomp = self.inflate.decompressobj(wbits=31)
            except self.inflate.error as exc:
                raise SumstatsError(f"corrupt gzip data: {exc}", file=self.name) from exc
            self.pending = out
        n = min(len(target), len(self.pending))
        target[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n


def _widen_pipe(fd: int) -> None:
    """Ask Linux for a 1 MiB pipe buffer (fewer context switches); ignored elsewhere."""
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if set_size is None or fcntl is None:
        return
    with contextlib.suppress(OSError):
        fcntl.fcntl(fd, set_size, 1 << 20)


def _line_blocks(
    readinto: Readinto, size: int, *, name: str, limits: Limits, stored_bytes: int
) -> Iterator[bytes]:
    """Blocks of whole lines (each ends with a newline, except perhaps the last), capped.

    Data is read straight into a reusable buffer; the only copy is the block handed out. A line
    longer than the buffer makes the buffer grow, up to ``limits.max_line_bytes``.
    """
    buf = bytearray(size)
    carry = 0
    total = 0
    ratio_cap = max(limits.expansion_floor_bytes, int(limits.max_expansion * stored_bytes))
    while True:
        filled = carry
        with memoryview(buf) as view:
            while filled < len(buf):
                got = readinto(view[filled:])
                if not got:
                    break
                filled += got
                total += got
                if total > limits.max_decompressed_bytes:
                    raise SumstatsError(
                        f"decompressed data exceed {limits.max_decompressed_bytes:,} bytes; "
                        "refusing to read further",
                        file=name,
                    )
                if stored_bytes and total > ratio_cap:
                    raise SumstatsError(
                        f"the data expand to more than {limits.max_expansion:g} times the "
                        f"stored size ({stored_bytes:,} bytes stored, over {total:,} "
                        "decompressed): a decompression bomb or not a summary-statistics file",
                        file=name,
                    )
        if filled == 0:
            return
        if filled < len(buf):  # end of stream
            yield bytes(buf[:filled])
            return
        cut = buf.rfind(b"\n", 0, filled)
        if cut < 0:
            if filled >= limits.max_line_bytes:
                raise LineTooLong(
                    f"line longer than {limits.max_line_bytes:,} bytes (no line break): not a "
                    "text table, or a damaged file",
                    file=name,
                )
            carry = filled
            buf.extend(bytes(min(len(buf), limits.max_line_bytes)))
            continue
        yield bytes(buf[: cut + 1])
        carry = filled - cut - 1
        buf[:carry] = buf[cut + 1 : filled]


class _BlockReader:
    """Decompressed line blocks of a file, produced by a background thread."""

    def __init__(self, path: Path, block_bytes: int, limits: Limits) -> None:
        self.path = path
        self.block_bytes = block_bytes
        self.limits = limits
        self.total = path.stat().st_size
        self._file: FileIO = path.open("rb", buffering=0)
        self._fd = self._file.fileno()
        self.gzip = self._file.read(2) == GZIP_MAGIC
        self._file.seek(0)
        self._proc: subprocess.Popen[bytes] | None = None
        self._queue: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=3)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def position(self) -> int:
        """Bytes of the stored file consumed so far."""
        try:
            return os.lseek(self._fd, 0, os.SEEK_CUR)
        except OSError:
            return self.total

    def _blocks(self, readinto: Readinto) -> Iterator[bytes]:
        stored = self.total if self.gzip else 0
        return _line_blocks(
            readinto,
            self.block_bytes,
            name=str(self.path),
            limits=self.limits,
            stored_bytes=stored,
        )

    def _chunks(self) -> Iterator[bytes]:
        gzip_exe = shutil.which("gzip")
        if self.gzip and (_inflate is not zlib or gzip_exe is None):
            yield from self._blocks(_ZlibStream(self._file, str(self.path)).readinto)
        elif self.gzip and gzip_exe is not None:
            self._proc = subprocess.Popen(
                [gzip_exe, "-dc"], stdin=self._file, stdout=subprocess.PIPE, bufsize=0
            )
            assert self._proc.stdout is not None
            stdout = self._proc.stdout
            _widen_pipe(stdout.fileno())
            assert isinstance(stdout, FileIO)  # bufsize=0: an unbuffered pipe
            yield from self._blocks(stdout.readinto)
            if self._proc.wait() != 0 and not self._stop.is_set():
                raise SumstatsError("corrupt or truncated gzip data", file=str(self.path))
        else:
            yield from self._blocks(self._file.readinto)

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


def record_end(block: bytes) -> int:
    """Index just past the last newline of ``block`` that lies outside double quotes; 0 if none.

    Quote parity at a byte is the number of ``"`` before it, modulo 2.
    """
    if b'"' not in block:
        return block.rfind(b"\n") + 1
    arr = np.frombuffer(block, dtype=np.uint8)
    newlines = np.flatnonzero(arr == 10)
    if newlines.size == 0:
        return 0
    quotes_before = np.cumsum(arr == 34)[newlines]
    outside = newlines[(quotes_before & 1) == 0]
    return int(outside[-1]) + 1 if outside.size else 0


def record_spans(block: bytes) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Start and end (exclusive, newline included) of each record of ``block``, a block of
    whole records: a newline ends a record when it lies outside double quotes (as in
    :func:`record_end`)."""
    arr = np.frombuffer(block, dtype=np.uint8)
    newlines = np.flatnonzero(arr == 10)
    if b'"' in block:
        newlines = newlines[(np.cumsum(arr == 34)[newlines] & 1) == 0]
    starts = np.concatenate(([0], newlines[:-1] + 1)) if newlines.size else newlines
    return starts, newlines + 1


class RecordBlocks:
    """Iterator of whole-record blocks of a file or of bytes in memory; see the module docstring.

    Attributes
    ----------
    line
        File line number (1-based) of the first line of the next block.
    """

    def __init__(
        self,
        source: str | Path | bytes,
        *,
        name: str | None = None,
        block_bytes: int = DEFAULT_BLOCK_BYTES,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self.limits = limits
        self.line = 1
        self._reader: _BlockReader | None = None
        if isinstance(source, bytes):
            self.name = name or "<data>"
            self.total = len(source)
            data = source
            if data[:2] == GZIP_MAGIC:
                self.total = len(data)
                stream = _ZlibStream(io.BytesIO(data), self.name)
                self._raw = _line_blocks(
                    stream.readinto,
                    block_bytes,
                    name=self.name,
                    limits=limits,
                    stored_bytes=len(data),
                )
            else:
                self._raw = _line_blocks(
                    io.BytesIO(data).readinto,
                    block_bytes,
                    name=self.name,
                    limits=limits,
                    stored_bytes=0,
                )
        else:
            path = Path(source)
            self.name = name or str(source)
            try:
                if path.is_dir():
                    raise SumstatsError(
                        "is a folder, not a summary-statistics file", file=self.name
                    )
                self._reader = _BlockReader(path, block_bytes, limits)
            except OSError as exc:
                raise SumstatsError(
                    f"cannot read file: {exc.strerror or exc}", file=self.name
                ) from exc
            self.total = self._reader.total
            self._raw = iter(self._reader)
        self._first = True
        self._last = b""
        self._last_lines = 0

    def position(self) -> int:
        """Bytes of the stored source consumed so far."""
        return self._reader.position() if self._reader is not None else self.total

    def line_count(self, block: bytes) -> int:
        """Newlines in ``block`` (counted once, when the block was handed out)."""
        return self._last_lines if block is self._last else block.count(b"\n")

    def close(self) -> None:
        """Stop background decompression, if any."""
        if self._reader is not None:
            self._reader.close()

    def __enter__(self) -> RecordBlocks:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._records()
        except LineTooLong as exc:
            raise SumstatsError(exc.reason, file=exc.file, row=self.line) from None

    def _records(self) -> Iterator[bytes]:
        rest = b""
        for chunk in self._raw:
            if self._first:
                self._first = False
                if chunk.startswith(BOM):
                    chunk = chunk[len(BOM) :]
            data = rest + chunk if rest else chunk
            cut = record_end(data)
            if cut == 0:
                rest = data
                if len(rest) > self.limits.max_line_bytes:
                    raise SumstatsError(
                        f"record longer than {self.limits.max_line_bytes:,} bytes: an unclosed "
                        'double quote (")?',
                        file=self.name,
                        row=self.line,
                    )
                continue
            block, rest = data[:cut], data[cut:]
            if b"\r" in block:
                block = block.replace(b"\r\n", b"\n")
            self._last, self._last_lines = block, block.count(b"\n")
            yield block
            self.line += self._last_lines
        if self._first:
            return
        if rest:
            if rest.startswith(BOM):  # the first chunk was all of the file
                rest = rest[len(BOM) :]
            if rest.count(b'"') & 1:
                raise SumstatsError(
                    'unclosed double quote (") in the last record', file=self.name, row=self.line
                )
            if b"\r" in rest:
                rest = rest.replace(b"\r\n", b"\n")
            if not rest.endswith(b"\n"):
                rest += b"\n"
            self._last, self._last_lines = rest, rest.count(b"\n")
            yield rest
            self.line += self._last_lines


__all__ = [
    "DEFAULT_BLOCK_BYTES",
    "DEFAULT_LIMITS",
    "EXPANSION_FLOOR_BYTES",
    "MAX_DECOMPRESSED_BYTES",
    "MAX_EXPANSION",
    "MAX_LINE_BYTES",
    "Limits",
    "RecordBlocks",
    "is_gzip",
    "record_end",
    "record_spans",
]
