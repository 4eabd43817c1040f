"""A columnar cache of a summary-statistics file: read once, looked up many times.

``alsatlas sumstats index FILE`` reads ``FILE`` with the full checks of
:func:`alsatlas.genetics.sumstats.read_sumstats` and writes a folder (by default
``FILE.alsatlas-index`` beside it) holding:

- ``data.parquet``: the kept rows in canonical columns plus ``rsnum`` (the number of an
  ``rs`` id, null for other ids), sorted by ``rsnum`` then ``SNP``, in row groups of
  :data:`ROW_GROUP_ROWS` rows with min/max statistics, so that a look-up by rsid (an integer
  ``is_in`` filter) or by chromosome:position (a filter on the integer ``pos`` column, then
  on ``chr``) reads no text it does not need and decompresses nothing;
- ``index.json``: the load report of the original read (rows read, kept, dropped by reason,
  examples, derived values), the column mapping, the overrides used, and the size and
  modification time of the source file.

An index is used for ``FILE`` when it lies beside it (or when the folder itself is given), its
recorded size and modification time match the file, and it was built with the same column
overrides; otherwise the file is read as text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import polars as pl

from alsatlas.errors import SumstatsError
from alsatlas.genetics.columns import ColumnMapping
from alsatlas.genetics.lookup import wanted_keys
from alsatlas.genetics.sumstats import (
    CANONICAL_COLUMNS,
    CANONICAL_SCHEMA,
    InvalidRow,
    LoadReport,
    Sumstats,
)

SUFFIX = ".alsatlas-index"
"""Name of the default index folder: the file name plus this suffix."""
DATA_FILE = "data.parquet"
META_FILE = "index.json"
STORE_DIR = "lookup"
FORMAT_VERSION = 2
ROW_GROUP_ROWS = 16384
"""Rows per Parquet row group (measured best for 1,000-SNP look-ups among 4k–256k)."""

_RS = re.compile(r"^rs(\d{1,18})$", re.IGNORECASE)


def default_index_dir(path: str | Path) -> Path:
    """Where ``alsatlas sumstats index FILE`` writes by default: ``FILE.alsatlas-index``."""
    p = Path(path)
    return p.with_name(p.name + SUFFIX)


def _holds_other_files(folder: Path) -> bool:
    """Whether ``folder`` is a non-empty folder without an index's ``index.json``."""
    try:
        return folder.is_dir() and any(folder.iterdir()) and not (folder / META_FILE).is_file()
    except OSError:  # unreadable: writing there fails and says so
        return False


def _source_stamp(path: Path) -> dict[str, int]:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _rsnum(expr: pl.Expr) -> pl.Expr:
    return expr.str.extract(r"^(?i:rs)(\d{1,18})$", 1).cast(pl.Int64, strict=False)


def build_index(
    path: str | Path,
    *,
    out: str | Path | None = None,
    overrides: Mapping[str, str] | None = None,
) -> SumstatsIndex:
    """Read ``path`` with full checks and write its index folder (atomically, replacing any
    index there).

    Raises
    ------
    SumstatsError
        As :func:`~alsatlas.genetics.sumstats.read_sumstats`; ``out`` is a folder holding
        something other than an index.
    AlsatlasInputError
        The folder cannot be written (:func:`alsatlas.atomic.atomic_dir`).
    """
    from alsatlas.atomic import atomic_dir, ensure_dir
    from alsatlas.genetics.sumstats import read_sumstats

    source = Path(path)
    target = Path(out) if out is not None else default_index_dir(source)
    if _holds_other_files(target):
        raise SumstatsError(
            "exists and is not an index folder; give a new or empty folder", file=str(target)
        )
    stamp = _source_stamp(source)
    ss = read_sumstats(source, overrides=overrides, use_index=False)
    data = (
        ss.data.with_columns(_rsnum(pl.col("SNP")).alias("rsnum"))
        .sort(["rsnum", "SNP"], nulls_last=True)
        .select(["rsnum", *CANONICAL_COLUMNS])
    )
    first = ss.data.head(5)
    ss = replace(ss, data=first)  # let the unsorted table go
    meta: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "source": str(source.resolve()),
        "source_stamp": stamp,
        "overrides": dict(overrides or {}),
        "n_rows": data.height,
        "report": ss.report.to_dict(),
        "examples": [
            {"line": e.line, "reason": e.reason, "text": e.text} for e in ss.report.examples
        ],
        "mapping": {
            "format": ss.mapping.format,
            "roles": dict(ss.mapping.roles),
            "how": dict(ss.mapping.how),
            "other_allele_from_ref_alt": list(ss.mapping.other_allele_from_ref_alt)
            if ss.mapping.other_allele_from_ref_alt
            else None,
            "unused": list(ss.mapping.unused),
        },
    }
    meta["sample_keys"] = {
        "snp": first.get_column("SNP").to_list(),
        "chrpos": [
            f"{c}:{p}" for c, p in zip(first["chr"].to_list(), first["pos"].to_list(), strict=True)
        ],
    }
    # the whole folder is written aside and moved into place: a reader sees the old index or
    # the new one, and a failed build leaves no partial folder
    ensure_dir(target.parent)
    with atomic_dir(target) as staging:
        data.write_parquet(staging / DATA_FILE, row_group_size=ROW_GROUP_ROWS, statistics=True)
        meta["store"] = _write_store(staging / STORE_DIR, data)
        (staging / META_FILE).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return SumstatsIndex(target, meta)


def open_index(folder: str | Path) -> SumstatsIndex:
    """Open an index folder (without checking it against its source).

    Raises
    ------
    SumstatsError
        Not an index folder, or written by an incompatible version.
    """
    folder = Path(folder)
    try:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SumstatsError(
            f"not a summary-statistics index (no readable {META_FILE})", file=str(folder)
        ) from exc
    if meta.get("format_version") != FORMAT_VERSION or not (folder / DATA_FILE).is_file():
        raise SumstatsError(
            "index written by another version; rebuild it with alsatlas sumstats index",
            file=str(folder),
        )
    return SumstatsIndex(folder, meta)


def find_index(
    path: str | Path, *, overrides: Mapping[str, str] | None = None
) -> SumstatsIndex | None:
    """The usable index for ``path``, or ``None`` (see the module docstring for the rules).

    ``path`` may be the index folder itself; then it is used whatever the state of its source.
    """
    p = Path(path)
    if p.is_dir() and (p / META_FILE).is_file():
        return open_index(p)
    folder = default_index_dir(p)
    if not (folder / META_FILE).is_file():
        return None
    try:
        index = open_index(folder)
        stamp = _source_stamp(p)
    except (SumstatsError, OSError):
        return None
    if index.meta.get("source_stamp") != stamp:
        return None
    if dict(index.meta.get("overrides") or {}) != dict(overrides or {}):
        return None
    return index


_NUMERIC = ("pos", "beta", "se", "eaf", "pval", "samplesize", "ncase", "ncontrol", "line")
_TEXT = ("chr", "effect_allele", "other_allele")


def _write_text_column(folder: Path, name: str, values: pl.Series) -> None:
    """A string column as ``name.off.npy`` (int64 offsets, n + 1) and ``name.bytes.npy``."""
    filled = values.fill_null("")
    lengths = filled.str.len_bytes().cast(pl.Int64).to_numpy()
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    if offsets[-1] < 2**32:
        offsets = offsets.astype(np.uint32)
    joined = filled.str.join("").item() if len(filled) else ""
    np.save(folder / f"{name}.off.npy", offsets)
    np.save(folder / f"{name}.bytes.npy", np.frombuffer(joined.encode(), dtype=np.uint8))
    np.save(folder / f"{name}.null.npy", values.is_null().to_numpy())


def _write_store(folder: Path, data: pl.DataFrame) -> dict[str, Any]:
    """Memory-mappable columns for random access, in the Parquet file's row order.

    ``rsnum.npy`` holds the sorted rs numbers (a prefix of the rows: rows without one come
    last); ``chrpos_key.npy`` the sorted keys ``chr code · 2³² + pos`` and ``chrpos_row.npy``
    the matching rows.
    """
    folder.mkdir()
    rsnum = data.get_column("rsnum").drop_nulls().to_numpy().astype(np.int64)
    np.save(folder / "rsnum.npy", rsnum)
    constants: dict[str, float | None] = {}
    for name in _NUMERIC:
        col = data.get_column(name)
        if name in ("pos", "line"):
            np.save(folder / f"{name}.npy", col.fill_null(-1).to_numpy().astype(np.int64))
            continue
        arr = col.cast(pl.Float64).fill_null(np.nan).to_numpy().astype(np.float64)
        if arr.size and (np.all(np.isnan(arr)) or np.all(arr == arr[0])):
            # one value for every row (sample sizes often are): kept in index.json
            constants[name] = None if np.isnan(arr[0]) else float(arr[0])
            continue
        np.save(folder / f"{name}.npy", arr)
    np.save(folder / "pos.null.npy", data.get_column("pos").is_null().to_numpy())
    for name in ("SNP", *_TEXT):
        _write_text_column(folder, name, data.get_column(name))
    chroms = sorted(set(data.get_column("chr").drop_nulls().to_list()))
    code = {c: i + 1 for i, c in enumerate(chroms)}
    chr_codes = data.get_column("chr").replace_strict(code, default=0, return_dtype=pl.Int64)
    key = (chr_codes.to_numpy() << 32) + data.get_column("pos").fill_null(0).to_numpy()
    order = np.argsort(key, kind="stable")
    np.save(folder / "chrpos_key.npy", key[order])
    np.save(folder / "chrpos_row.npy", order.astype(np.int64))
    return {
        "rows": data.height,
        "rs_rows": int(rsnum.size),
        "chroms": chroms,
        "constants": constants,
    }


class _Store:
    """The memory-mapped look-up columns of an index."""

    def __init__(self, folder: Path, meta: dict[str, Any]) -> None:
        self.folder = folder
        self.meta = meta

    def _np(self, name: str) -> npt.NDArray[Any]:
        out: npt.NDArray[Any] = np.load(self.folder / f"{name}.npy", mmap_mode="r")
        return out

    def _text(self, name: str, rows: npt.NDArray[np.int64]) -> list[str | None]:
        off = self._np(f"{name}.off")
        data = self._np(f"{name}.bytes")
        nulls = self._np(f"{name}.null")
        out: list[str | None] = []
        for r in rows.tolist():
            if nulls[r]:
                out.append(None)
            else:
                out.append(bytes(data[int(off[r]) : int(off[r + 1])]).decode())
        return out

    def rows_for_rsnums(self, nums: list[int]) -> npt.NDArray[np.int64]:
        keys = self._np("rsnum")
        want = np.unique(np.asarray(nums, dtype=np.int64))
        pos = np.searchsorted(keys, want)
        ok = pos < keys.size
        ok[ok] = keys[pos[ok]] == want[ok]
        return np.asarray(pos[ok], dtype=np.int64)

    def rows_for_chrpos(self, pairs: list[tuple[str, int]]) -> npt.NDArray[np.int64]:
        code = {c: i + 1 for i, c in enumerate(self.meta["chroms"])}
        want = np.unique(
            np.array([(code[c] << 32) + p for c, p in pairs if c in code], dtype=np.int64)
        )
        keys = self._np("chrpos_key")
        rows = self._np("chrpos_row")
        lo = np.searchsorted(keys, want, side="left")
        hi = np.searchsorted(keys, want, side="right")
        picked = [rows[a:b] for a, b in zip(lo.tolist(), hi.tolist(), strict=True) if b > a]
        if not picked:
            return np.zeros(0, dtype=np.int64)
        return np.asarray(np.sort(np.concatenate(picked)), dtype=np.int64)

    def take(self, rows: npt.NDArray[np.int64]) -> pl.DataFrame:
        """Canonical columns of ``rows``."""
        rows = np.sort(rows)
        cols: dict[str, Any] = {}
        for name in ("SNP", *_TEXT):
            cols[name] = pl.Series(self._text(name, rows), dtype=pl.String)
        constants = self.meta.get("constants", {})
        for name in _NUMERIC:
            if name in constants:
                value = constants[name]
                cols[name] = pl.Series(
                    np.full(len(rows), np.nan if value is None else value, dtype=np.float64)
                )
                continue
            values = np.asarray(self._np(name)[rows])
            if name == "pos":
                keep = pl.Series(~np.asarray(self._np("pos.null")[rows]))
                cols[name] = pl.Series(values).zip_with(
                    keep, pl.Series([None] * len(rows), dtype=pl.Int64)
                )
            else:
                cols[name] = pl.Series(values)
        frame = pl.DataFrame(cols)
        return frame.select(CANONICAL_COLUMNS).cast(CANONICAL_SCHEMA)  # type: ignore[arg-type]


@dataclass(frozen=True)
class SumstatsIndex:
    """An opened index folder."""

    folder: Path
    meta: dict[str, Any]

    @property
    def data_path(self) -> Path:
        """The Parquet file."""
        return self.folder / DATA_FILE

    @property
    def mapping(self) -> ColumnMapping:
        """The column mapping of the source file."""
        m = self.meta["mapping"]
        ref_alt = m.get("other_allele_from_ref_alt")
        return ColumnMapping(
            format=m["format"],
            roles=m["roles"],
            how=m["how"],
            other_allele_from_ref_alt=tuple(ref_alt) if ref_alt else None,
            unused=tuple(m.get("unused") or ()),
        )

    def load_report(self, *, n_kept: int | None = None) -> LoadReport:
        """The load report of the original read (``n_kept`` replaced when given)."""
        r = self.meta["report"]
        examples = tuple(
            InvalidRow(line=e["line"], reason=e["reason"], text=e.get("text", ""))
            for e in self.meta.get("examples", [])
        )
        return LoadReport(
            file=r["file"],
            format=r["format"],
            n_rows=r["n_rows"],
            n_kept=r["n_kept"] if n_kept is None else n_kept,
            reasons=r["reasons"],
            examples=examples,
            derived=r["derived"],
            index=str(self.folder),
        )

    def _wrap(self, data: pl.DataFrame, *, subset: bool) -> Sumstats:
        data = data.select(CANONICAL_COLUMNS).cast(CANONICAL_SCHEMA)  # type: ignore[arg-type]
        report = self.load_report(n_kept=data.height if subset else None)
        return Sumstats(data=data, mapping=self.mapping, report=report)

    def scan(self) -> pl.LazyFrame:
        """A lazy scan of the indexed rows (canonical columns plus ``rsnum``)."""
        return pl.scan_parquet(self.data_path)

    def read_all(self) -> Sumstats:
        """Every kept row, in file order."""
        data = self.scan().collect().sort("line")
        return self._wrap(data, subset=False)

    def lookup(
        self, variants: Iterable[str], *, by: Literal["snp", "chrpos"] = "snp"
    ) -> tuple[Sumstats, tuple[str, ...]]:
        """Rows of the requested variants and the requested ones not found (sorted).

        ``variants`` are ids (``rs`` ids matched case-insensitively on their number) or, with
        ``by="chrpos"``, ``chr:pos`` strings (a leading ``chr`` ignored).
        """
        wanted = wanted_keys(variants, by)
        store = self.store
        if by == "chrpos":
            pairs: list[tuple[str, int]] = []
            for key in wanted:
                chrom, _, pos = key.rpartition(":")
                if chrom and pos.isdigit():
                    pairs.append((chrom, int(pos)))
            if store is not None:
                found = store.take(store.rows_for_chrpos(pairs))
            else:
                found = (
                    self.scan()
                    .filter(pl.col("pos").is_in([p for _, p in pairs]))
                    .collect()
                    .filter(
                        pl.concat_str(
                            [pl.col("chr"), pl.lit(":"), pl.col("pos").cast(pl.String)]
                        ).is_in(wanted)
                    )
                )
            present = set(
                found.select(
                    pl.concat_str([pl.col("chr"), pl.lit(":"), pl.col("pos").cast(pl.String)])
                )
                .to_series()
                .to_list()
            )
        else:
            nums: list[int] = []
            others: list[str] = []
            for v in wanted:
                m = _RS.match(v)
                if m:
                    nums.append(int(m.group(1)))
                else:
                    others.append(v)
            if store is not None:
                parts = [store.take(store.rows_for_rsnums(nums))]
                if others:
                    parts.append(
                        self.scan().filter(pl.col("SNP").is_in(others)).collect().drop("rsnum")
                    )
                found = pl.concat(parts) if len(parts) > 1 else parts[0]
            else:
                cond = pl.col("rsnum").is_in(nums)
                if others:
                    cond = cond | pl.col("SNP").is_in(others)
                found = self.scan().filter(cond).collect()
            present = set(found.get_column("SNP").to_list())
        missing = tuple(v for v in wanted if v not in present)
        return self._wrap(found.sort("line"), subset=True), missing

    def select(self, p_threshold: float) -> Sumstats:
        """Rows with ``pval ≤ p_threshold``, in file order."""
        data = self.scan().filter(pl.col("pval") <= p_threshold).collect().sort("line")
        return self._wrap(data, subset=True)

    @property
    def store(self) -> _Store | None:
        """The memory-mapped look-up columns, when the index has them."""
        info = self.meta.get("store")
        folder = self.folder / STORE_DIR
        return _Store(folder, info) if info and folder.is_dir() else None

    def sample_keys(self, n: int = 5) -> tuple[list[str], list[str]]:
        """First ``n`` variant ids and ``chr:pos`` keys in file order (for messages)."""
        saved = self.meta.get("sample_keys")
        if saved and n <= len(saved["snp"]):
            return list(saved["snp"][:n]), list(saved["chrpos"][:n])
        head = self.scan().select("SNP", "chr", "pos", "line").sort("line").head(n).collect()
        ids = head.get_column("SNP").to_list()
        pairs = zip(head["chr"].to_list(), head["pos"].to_list(), strict=True)
        chrpos = [f"{c}:{p}" for c, p in pairs]
        return ids, chrpos


def query_sumstats(
    path: str | Path,
    *,
    variants: Iterable[str] | None = None,
    p_threshold: float | None = None,
    by: Literal["snp", "chrpos"] = "snp",
    overrides: Mapping[str, str] | None = None,
) -> Sumstats:
    """Rows of a summary-statistics file or index folder: the one entry point for scans.

    With ``variants``: those variants (:func:`alsatlas.genetics.lookup.lookup_variants`); with
    ``p_threshold``: the rows with ``p ≤ p_threshold``
    (:func:`alsatlas.genetics.select.select_by_p`); with neither: every row
    (:func:`alsatlas.genetics.sumstats.read_sumstats`). An up-to-date index is used when there
    is one, and the returned report's ``index`` then names it; otherwise the text is streamed.

    Raises
    ------
    SumstatsError
        Unreadable or unmappable input; both ``variants`` and ``p_threshold`` given.
    """
    if variants is not None and p_threshold is not None:
        raise SumstatsError("give variants or a p threshold, not both", file=str(path))
    if variants is not None:
        from alsatlas.genetics.lookup import lookup_variants

        return lookup_variants(path, variants, by=by, overrides=overrides).sumstats
    if p_threshold is not None:
        from alsatlas.genetics.select import select_by_p

        return select_by_p(path, p_threshold, overrides=overrides).sumstats
    from alsatlas.genetics.sumstats import read_sumstats

    return read_sumstats(path, overrides=overrides)


__all__ = [
    "DATA_FILE",
    "META_FILE",
    "ROW_GROUP_ROWS",
    "SUFFIX",
    "SumstatsIndex",
    "build_index",
    "default_index_dir",
    "find_index",
    "open_index",
    "query_sumstats",
]
