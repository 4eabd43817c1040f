"""Streamed look-up: the rows found must be exactly those of a full read, filtered."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alsatlas.errors import SumstatsError
from alsatlas.genetics import textstream as ts
from alsatlas.genetics.lookup import lookup_variants
from alsatlas.genetics.sumstats import read_sumstats


def _synthetic(tmp_path: Path, n: int = 5000, *, gz: bool = True, sep: str = "\t") -> Path:
    rng = np.random.default_rng(7)
    alleles = np.array(list("ACGT"))
    ea = alleles[rng.integers(0, 4, n)]
    oa = alleles[(rng.integers(1, 4, n) + np.searchsorted(alleles, ea)) % 4]
    frame = pl.DataFrame(
        {
            "chromosome": rng.integers(1, 23, n),
            "base_pair_location": np.arange(n) * 100 + 1,
            "effect_allele": ea,
            "other_allele": oa,
            "beta": rng.normal(0, 0.05, n).round(5),
            "standard_error": rng.uniform(0.01, 0.05, n).round(5),
            "effect_allele_frequency": rng.uniform(0.05, 0.95, n).round(3),
            "p_value": rng.uniform(0, 1, n),
            "rsid": [f"rs{i}" for i in range(n)],
        }
    )
    text = frame.write_csv(separator=sep).encode()
    path = tmp_path / ("sumstats.tsv.gz" if gz else "sumstats.tsv")
    path.write_bytes(gzip.compress(text) if gz else text)
    return path


@pytest.mark.parametrize("gz", [True, False])
def test_lookup_matches_full_read(tmp_path: Path, gz: bool) -> None:
    path = _synthetic(tmp_path, gz=gz)
    wanted = [f"rs{i}" for i in (0, 17, 999, 2500, 4999)] + ["rs_absent"]
    # small blocks force many block boundaries
    result = lookup_variants(path, wanted, block_bytes=4096)
    full = read_sumstats(path).data.filter(pl.col("SNP").is_in(wanted))
    assert result.sumstats.data.drop("line").sort("SNP").equals(full.drop("line").sort("SNP"))
    assert result.requested == 6 and result.found == 5
    assert result.missing == ("rs_absent",)
    assert result.rows_scanned == 5000


def test_lookup_by_chromosome_position(tmp_path: Path) -> None:
    path = _synthetic(tmp_path)
    full = read_sumstats(path).data
    row = full.row(123, named=True)
    result = lookup_variants(path, [f"chr{row['chr']}:{row['pos']}", "23:5"], by="chrpos")
    assert result.sumstats.data.get_column("SNP").to_list() == [row["SNP"]]
    assert result.missing == ("23:5",)


def test_zlib_fallback_without_gzip_binary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _synthetic(tmp_path)
    # neither ISA-L nor a gzip program: the in-process zlib inflater
    monkeypatch.setattr(ts, "_inflate", zlib)
    monkeypatch.setattr(ts.shutil, "which", lambda _name: None)
    result = lookup_variants(path, ["rs5", "rs4000"], block_bytes=8192)
    assert sorted(result.sumstats.data.get_column("SNP").to_list()) == ["rs4000", "rs5"]


def test_progress_reaches_file_size(tmp_path: Path) -> None:
    path = _synthetic(tmp_path)
    seen: list[tuple[int, int]] = []
    lookup_variants(path, ["rs1"], block_bytes=4096, progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1] == (path.stat().st_size, path.stat().st_size)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_whitespace_separated_file(tmp_path: Path) -> None:
    text = "SNP  A1 A2  BETA SE\nrs1  A  G  0.1 0.01\n  rs2 C T -0.2 0.02\n"
    path = tmp_path / "ws.txt"
    path.write_text(text)
    result = lookup_variants(path, ["rs2"])
    assert result.sumstats.data.get_column("beta").to_list() == [-0.2]


def test_truncated_gzip_is_an_error(tmp_path: Path) -> None:
    path = _synthetic(tmp_path)
    cut = tmp_path / "cut.tsv.gz"
    cut.write_bytes(path.read_bytes()[:2000])
    with pytest.raises(SumstatsError, match="gzip"):
        lookup_variants(cut, ["rs1"])


def test_empty_and_missing_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.tsv"
    empty.write_bytes(b"")
    with pytest.raises(SumstatsError, match="empty"):
        lookup_variants(empty, ["rs1"])
    with pytest.raises(SumstatsError, match="cannot read"):
        lookup_variants(tmp_path / "absent.tsv", ["rs1"])


def test_key_text_elsewhere_in_earlier_lines_is_not_taken(tmp_path: Path) -> None:
    text = (
        "note\tSNP\tA1\tA2\tBETA\tSE\n"
        "rs2\trs1\tA\tG\t0.1\t0.01\n"  # 'rs2' appears here as a complete field, not as SNP
        "x\trs2\tC\tT\t-0.2\t0.02\n"
        "rs2x\trs3\tC\tT\t0.3\t0.02\n"
    )
    path = tmp_path / "tricky.tsv"
    path.write_text(text)
    result = lookup_variants(path, ["rs2", "rs3"])
    d = result.sumstats.data
    assert d.get_column("SNP").to_list() == ["rs2", "rs3"]
    assert d.get_column("beta").to_list() == [-0.2, 0.3]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=300), gz=st.booleans())
def test_fuzz_lookup_never_crashes(tmp_path: Path, data: bytes, gz: bool) -> None:
    path = tmp_path / "fuzz.bin"
    path.write_bytes(gzip.compress(data) if gz else data)
    try:
        result = lookup_variants(path, ["rs1", "rs2"], block_bytes=64)
    except SumstatsError:
        return
    assert result.found + len(result.missing) == result.requested


@pytest.mark.parametrize("gz", [True, False])
def test_lines_longer_than_a_block(tmp_path: Path, gz: bool) -> None:
    path = _synthetic(tmp_path, n=50, gz=gz)
    result = lookup_variants(path, ["rs0", "rs49"], block_bytes=8)
    assert sorted(result.sumstats.data.get_column("SNP").to_list()) == ["rs0", "rs49"]
    assert result.rows_scanned == 50
