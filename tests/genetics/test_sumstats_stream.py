"""The streamed sumstats reader: R write.csv quoting, BOM, CRLF, bombs, caps, and a fuzz."""

from __future__ import annotations

import csv
import gzip
import io
import json
import tracemalloc
import zlib
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from alsatlas.cli import app
from alsatlas.errors import SumstatsError
from alsatlas.genetics.lookup import explain_no_match, lookup_variants
from alsatlas.genetics.sumstats import parse_sumstats, read_sumstats
from alsatlas.genetics.textstream import Limits, RecordBlocks

HERE = Path(__file__).parent
QUOTED = HERE / "data" / "quoted_r"
R_EXPOSURE = QUOTED / "bmi_exposure_write_csv.csv"
R_OUTCOME = QUOTED / "chd_outcome_write_csv_crlf_bom.csv"
DATA = Path(__file__).parents[2] / "src" / "alsatlas" / "data" / "genetics"
TSV_EXPOSURE = DATA / "twosamplemr_vignette_bmi_ieu-a-2_exposure.tsv"
TSV_OUTCOME = DATA / "twosamplemr_vignette_chd_ieu-a-7_outcome.tsv"


def _no_line(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.drop("line").sort("SNP")


def test_r_write_csv_exposure_reads_like_the_tsv() -> None:
    quoted = read_sumstats(R_EXPOSURE)
    plain = read_sumstats(TSV_EXPOSURE)
    assert quoted.report.n_rows == 79 and quoted.report.n_kept == 79
    assert _no_line(quoted.data).equals(_no_line(plain.data))
    # the row-name column "" is left unused, the quoted-comma column too
    assert "note" in quoted.mapping.unused


def test_r_write_csv_outcome_with_bom_and_crlf() -> None:
    raw = R_OUTCOME.read_bytes()
    assert (
        raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b'"CARDIoGRAMplusC4D, 2015"' in raw
    )
    quoted = read_sumstats(R_OUTCOME)
    plain = read_sumstats(TSV_OUTCOME)
    assert quoted.report.n_kept == plain.report.n_kept == 79
    assert _no_line(quoted.data).equals(_no_line(plain.data))
    # line numbers are those of the file (header = line 1)
    assert quoted.data.get_column("line").min() == 2


def test_r_write_csv_lookup_and_gzip(tmp_path: Path) -> None:
    snps = read_sumstats(TSV_EXPOSURE).data.get_column("SNP").to_list()
    gz = tmp_path / "outcome.csv.gz"
    gz.write_bytes(gzip.compress(R_OUTCOME.read_bytes()))
    for path in (R_OUTCOME, gz):
        result = lookup_variants(path, snps, block_bytes=2048)
        assert result.found == 79 and result.missing == ()


def test_r_write_csv_files_run_mr_end_to_end() -> None:
    def run(exposure: Path, outcome: Path) -> dict[str, object]:
        args = ["mr", "--exposure", str(exposure), "--outcome", str(outcome)]
        result = CliRunner().invoke(app, [*args, "--methods", "ivw", "--format", "json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["results"][0]  # type: ignore[no-any-return]

    quoted = run(R_EXPOSURE, R_OUTCOME)
    plain = run(TSV_EXPOSURE, TSV_OUTCOME)
    assert quoted["nsnp"] == 79
    assert quoted["b"] == plain["b"] and quoted["se"] == plain["se"]


def test_quoted_field_with_comma_and_newline_keeps_the_row() -> None:
    text = (
        b"SNP,effect_allele,other_allele,beta,se,note\n"
        b'"rs1","A","G",0.1,0.01,"a, b"\n'
        b'"rs2","C","T",0.2,0.02,"two\nlines, ""quoted"""\n'
        b'"rs3","G","A",0.3,0.03,plain\n'
    )
    ss = parse_sumstats(text, source="q.csv")
    assert ss.data.get_column("SNP").to_list() == ["rs1", "rs2", "rs3"]
    assert ss.data.get_column("line").to_list() == [2, 3, 5]
    assert ss.report.n_dropped == 0


def test_file_without_final_newline(tmp_path: Path) -> None:
    path = tmp_path / "x.tsv"
    path.write_bytes(b"SNP\teffect_allele\tother_allele\tbeta\tse\nrs1\tA\tG\t0.1\t0.01")
    ss = read_sumstats(path)
    assert ss.data.get_column("SNP").to_list() == ["rs1"]
    assert lookup_variants(path, ["rs1"]).found == 1


def test_header_only_file_gives_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "h.tsv"
    path.write_bytes(b"SNP\teffect_allele\tother_allele\tbeta\tse")
    ss = read_sumstats(path)
    assert ss.report.n_rows == 0 and ss.data.height == 0


def _zeros_gzip(n_bytes: int) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = bytes(1 << 20)
    out = [comp.compress(chunk) for _ in range(n_bytes >> 20)]
    return b"".join(out) + comp.flush()


@pytest.mark.parametrize("via", ["read", "lookup", "bytes"])
def test_gzip_bomb_stops_with_a_clear_error_in_bounded_memory(tmp_path: Path, via: str) -> None:
    bomb = _zeros_gzip(256 << 20)  # 256 MiB of zero bytes, no newline
    assert len(bomb) < 300_000
    path = tmp_path / "bomb.tsv.gz"
    path.write_bytes(bomb)
    tracemalloc.start()
    try:
        with pytest.raises(SumstatsError) as info:
            if via == "read":
                read_sumstats(path)
            elif via == "lookup":
                lookup_variants(path, ["rs1"])
            else:
                parse_sumstats(bomb, source=str(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "bomb.tsv.gz" in info.value.message and "line" in info.value.message
    assert "row 1" in info.value.message
    assert peak < 64 << 20  # the 256 MiB never sit in memory


def test_expansion_cap_catches_a_bomb_of_valid_lines(tmp_path: Path) -> None:
    line = b"rs1\tA\tG\t0.1\t0.01\n"
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [comp.compress(b"SNP\teffect_allele\tother_allele\tbeta\tse\n")]
    parts += [comp.compress(line * 65536) for _ in range(40)]
    path = tmp_path / "lines.tsv.gz"
    path.write_bytes(b"".join(parts) + comp.flush())
    limits = Limits(max_expansion=20, expansion_floor_bytes=1 << 20)
    with pytest.raises(SumstatsError, match="decompression bomb"):
        read_sumstats(path, limits=limits)
    with pytest.raises(SumstatsError, match="decompression bomb"):
        lookup_variants(path, ["rs1"], limits=limits)


def test_line_cap_on_plain_file_without_newlines(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_bytes(b"SNP\teffect_allele\tbeta\n" + b"x" * (3 << 20))
    with pytest.raises(SumstatsError) as info:
        read_sumstats(path, block_bytes=1 << 16)
    assert "longer than" in info.value.message and "row 2" in info.value.message


def test_unclosed_quote_is_a_located_error() -> None:
    text = b'SNP,effect_allele,other_allele,beta,se\n"rs1,A,G,0.1,0.01\n'
    with pytest.raises(SumstatsError, match="unclosed"):
        parse_sumstats(text, source="u.csv")


def test_no_match_message_names_samples_and_cause(tmp_path: Path) -> None:
    path = tmp_path / "chrpos.tsv"
    frame = read_sumstats(TSV_OUTCOME).data
    frame.select(
        pl.concat_str([pl.col("chr"), pl.lit(":"), pl.col("pos").cast(pl.String)]).alias("SNP"),
        "effect_allele",
        "other_allele",
        "beta",
        "se",
    ).write_csv(path, separator="\t")
    result = CliRunner().invoke(
        app, ["mr", "--exposure", str(TSV_EXPOSURE), "--outcome", str(path)]
    )
    assert result.exit_code == 2
    assert "rs977747" in result.output and "--match chrpos" in result.output
    assert "RS123 vs rs123" in explain_no_match(["RS1", "RS2"], ["rs5", "rs6"])
    assert "genome build" in explain_no_match(["1:5"], ["1:7"], by="chrpos")
    assert "quote" in explain_no_match(['"rs1"'], ["rs1"])


# --- fuzz -----------------------------------------------------------------------------------

_FIELD = st.text(alphabet=st.sampled_from(list('ab ,;"\n\t\u00e9x1')), min_size=0, max_size=8)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    notes=st.lists(_FIELD, min_size=1, max_size=25),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
    crlf=st.booleans(),
    bom=st.booleans(),
    gz=st.booleans(),
    block=st.sampled_from([64, 257, 4096]),
)
def test_fuzz_csv_written_any_way_reads_back(
    tmp_path: Path,
    notes: list[str],
    quoting: int,
    crlf: bool,
    bom: bool,
    gz: bool,
    block: int,
) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=quoting, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(["SNP", "effect_allele", "other_allele", "beta", "se", "note"])
    betas = np.round(np.linspace(-1, 1, len(notes)), 4)
    for i, (note, b) in enumerate(zip(notes, betas, strict=True)):
        writer.writerow([f"rs{i}", "A", "G", float(b), 0.1, note])
    data = (b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode()
    path = tmp_path / "f.csv"
    path.write_bytes(gzip.compress(data) if gz else data)
    ss = read_sumstats(path, block_bytes=block, use_index=False)
    assert ss.report.n_rows == len(notes) and ss.report.n_dropped == 0
    assert ss.data.get_column("SNP").to_list() == [f"rs{i}" for i in range(len(notes))]
    assert np.allclose(ss.data.get_column("beta").to_numpy(), betas)
    found = lookup_variants(path, ["rs0", f"rs{len(notes) - 1}"], block_bytes=block)
    assert found.found == (1 if len(notes) == 1 else 2)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(
    body=st.binary(max_size=300)
    | st.text(alphabet=st.sampled_from(list('rs1A G\t,"\r\n.5-')), max_size=300).map(str.encode)
)
def test_fuzz_arbitrary_bytes_read_or_clear_error(body: bytes) -> None:
    data = b"SNP\teffect_allele\tother_allele\tbeta\tse\n" + body
    for source in (data, gzip.compress(data)):
        try:
            ss = parse_sumstats(source, source="fuzz.tsv")
        except SumstatsError as exc:
            assert exc.file == "fuzz.tsv"
        else:
            assert ss.report.n_kept + ss.report.n_dropped == ss.report.n_rows
            blocks = RecordBlocks(source, name="fuzz.tsv", block_bytes=16)
            assert b"".join(blocks).count(b"\n") >= ss.report.n_rows


@pytest.mark.parametrize("role", ["--exposure", "--outcome", "--harmonised"])
def test_cli_mr_refuses_a_gzip_bomb_with_one_line(tmp_path: Path, role: str) -> None:
    bomb = tmp_path / "bomb.tsv.gz"
    bomb.write_bytes(_zeros_gzip(300 << 20))  # 300 MiB of zeros from ~300 KB
    args = ["mr", role, str(bomb)]
    if role == "--exposure":
        args += ["--outcome", str(TSV_OUTCOME)]
    elif role == "--outcome":
        args = ["mr", "--exposure", str(TSV_EXPOSURE), "--outcome", str(bomb)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "bomb.tsv.gz" in result.output and "Traceback" not in result.output
    assert ("longer than" in result.output) or ("decompression bomb" in result.output)


def test_duplicate_ids_across_blocks_keep_the_first(tmp_path: Path) -> None:
    rows = [f"rs{i}\tA\tG\t0.{i % 9 + 1}\t0.01" for i in range(200)]
    rows.append("rs3\tC\tT\t0.5\t0.01")  # repeats line 5, far away in another block
    path = tmp_path / "dups.tsv"
    path.write_text("SNP\teffect_allele\tother_allele\tbeta\tse\n" + "\n".join(rows) + "\n")
    whole = read_sumstats(path, use_index=False)
    small = read_sumstats(path, block_bytes=256, use_index=False)
    for ss in (whole, small):
        assert ss.report.reasons == {"duplicate variant id (first kept)": 1}
        assert ss.data.height == 200
        assert ss.data.filter(pl.col("SNP") == "rs3").get_column("line").to_list() == [5]
    assert small.report.examples[0].line == 202


@pytest.mark.parametrize("gzip_binary", [True, False])
def test_bgzip_style_multi_member_gzip(
    tmp_path: Path, gzip_binary: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = TSV_OUTCOME.read_bytes()
    cut = text.index(b"\n", len(text) // 2) + 1
    # bgzip writes a series of gzip members (and an empty one at the end)
    data = gzip.compress(text[:100]) + gzip.compress(text[100:cut]) + gzip.compress(text[cut:])
    data += gzip.compress(b"")
    path = tmp_path / "outcome.tsv.bgz"
    path.write_bytes(data)
    if not gzip_binary:
        import shutil

        monkeypatch.setattr(shutil, "which", lambda _name: None)
    plain = read_sumstats(TSV_OUTCOME)
    for block in (64, 1 << 20):
        got = read_sumstats(path, block_bytes=block, use_index=False)
        assert got.data.equals(plain.data)
    assert parse_sumstats(data, source="x").data.equals(plain.data)


@pytest.mark.parametrize("inflater", ["isal", "gzip -dc", "zlib"])
def test_every_inflater_gives_the_same_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, inflater: str
) -> None:
    """ISA-L (the default), the system gzip and zlib read gzip and bgzip (multi-member) alike."""
    import alsatlas.genetics.textstream as ts

    text = b"".join(b"rs%d\tA\tG\t0.%d\t0.01\n" % (i, i % 10) for i in range(50_000))
    single = tmp_path / "one.gz"
    single.write_bytes(gzip.compress(b"SNP\tA1\tA2\tBETA\tSE\n" + text))
    members = tmp_path / "multi.gz"
    members.write_bytes(
        gzip.compress(b"SNP\tA1\tA2\tBETA\tSE\n" + text[:100_000]) + gzip.compress(text[100_000:])
    )
    if inflater != "isal":
        monkeypatch.setattr(ts, "_inflate", zlib)
    if inflater == "zlib":
        monkeypatch.setattr(ts.shutil, "which", lambda name: None)
    for path in (single, members):
        with RecordBlocks(path) as blocks:
            assert b"".join(blocks) == b"SNP\tA1\tA2\tBETA\tSE\n" + text


def test_long_comment_preamble_is_read_in_bounded_memory(tmp_path: Path) -> None:
    comment = b"## " + b"x" * 1021 + b"\n"  # 1 KiB lines: 32 MiB of them, then blank lines
    n = 32 << 10
    body = b"SNP\tbeta\tse\tpval\teffect_allele\nrs1\t0.1\t0.01\t1e-9\tA\nrs2\tx\t0.01\t1e-9\tA\n"
    path = tmp_path / "preamble.tsv.gz"
    path.write_bytes(gzip.compress(comment * n + b"\n \n" + body, 1))
    tracemalloc.start()
    try:
        ss = read_sumstats(path, block_bytes=1 << 20)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    header = n + 3  # the header's line number
    assert ss.data.get_column("line").to_list() == [header + 1]
    assert [e.line for e in ss.report.examples] == [header + 2]
    assert peak < 16 << 20  # the 32 MiB of comments never sit in memory together
    assert lookup_variants(path, ["rs1"]).sumstats.data.get_column("line").to_list() == [header + 1]
    with pytest.raises(SumstatsError, match=f"row {n + 3}: empty file"):
        parse_sumstats(comment * n + b"\n \n", source="comments only")
