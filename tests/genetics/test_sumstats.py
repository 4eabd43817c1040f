"""Reading summary statistics: formats, gzip, derived values, row checks and fuzzing.

Expected derived values are computed here independently with scipy (``norm.ppf``/``norm.isf``)
from their textbook definitions, never taken from the reader.
"""

from __future__ import annotations

import gzip
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from alsatlas.errors import SumstatsError
from alsatlas.genetics.sumstats import LoadReport, parse_sumstats, read_sumstats

SSF = (
    "chromosome\tbase_pair_location\teffect_allele\tother_allele\tbeta\tstandard_error\t"
    "effect_allele_frequency\tp_value\trsid\tn\n"
    "1\t1000\tA\tG\t0.10\t0.02\t0.3\t1e-6\trs1\t1000\n"
    "chr2\t2000\tc\tt\t-0.05\t0.01\t0.6\t5e-7\trs2\t1000\n"
)


def _write(tmp_path: Path, name: str, text: str, *, gz: bool = False) -> Path:
    path = tmp_path / name
    data = text.encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def test_gwas_ssf_plain_and_gzip_read_the_same(tmp_path: Path) -> None:
    plain = read_sumstats(_write(tmp_path, "a.tsv", SSF))
    # gzip is detected by magic bytes, not by the name
    packed = read_sumstats(_write(tmp_path, "b.txt", SSF, gz=True))
    assert plain.data.drop("line").equals(packed.data.drop("line"))
    d = plain.data
    assert d.get_column("SNP").to_list() == ["rs1", "rs2"]
    assert d.get_column("chr").to_list() == ["1", "2"]
    assert d.get_column("effect_allele").to_list() == ["A", "C"]
    assert d.get_column("other_allele").to_list() == ["G", "T"]
    assert d.get_column("beta").to_list() == [0.10, -0.05]
    assert d.get_column("line").to_list() == [2, 3]
    assert plain.report.n_rows == 2 and plain.report.n_kept == 2 and not plain.report.reasons


def test_comma_and_whitespace_separated(tmp_path: Path) -> None:
    csv = "SNP,A1,A2,BETA,SE,P\nrs1,A,G,0.1,0.02,0.01\n"
    ws = "  SNP   A1 A2  BETA   SE   P\n rs1  A  G  0.1 0.02 0.01  \n"
    a = read_sumstats(_write(tmp_path, "a.csv", csv))
    b = read_sumstats(_write(tmp_path, "b.txt", ws))
    assert a.data.drop("line").equals(b.data.drop("line"))
    assert a.data.get_column("se").to_list() == [0.02]


def test_plink2_other_allele_is_whichever_of_ref_alt_is_not_a1(tmp_path: Path) -> None:
    text = (
        "#CHROM\tPOS\tID\tREF\tALT\tA1\tTEST\tOBS_CT\tOR\tLOG(OR)_SE\tZ_STAT\tP\n"
        "1\t100\trs1\tA\tG\tG\tADD\t5000\t1.2\t0.05\t3.6\t0.0003\n"
        "1\t200\trs2\tC\tT\tC\tADD\t5000\t0.8\t0.05\t-4.4\t1e-5\n"
    )
    s = read_sumstats(_write(tmp_path, "x.glm.logistic", text))
    assert s.mapping.format == "plink2"
    assert s.data.get_column("other_allele").to_list() == ["A", "T"]
    assert s.data.get_column("beta").to_list() == pytest.approx([math.log(1.2), math.log(0.8)])
    assert s.report.derived == {"beta = ln(odds ratio)": 2}


def test_se_from_odds_ratio_ci(tmp_path: Path) -> None:
    text = (
        "rsid\teffect_allele\tother_allele\todds_ratio\tci_lower\tci_upper\tp_value\n"
        "rs1\tA\tG\t1.5\t1.2\t1.875\t0.001\n"
    )
    s = read_sumstats(_write(tmp_path, "or.tsv", text))
    expected = (math.log(1.875) - math.log(1.2)) / (2 * norm.ppf(0.975))
    assert s.data.get_column("se")[0] == pytest.approx(expected, rel=1e-12)
    assert s.report.derived["se from 95% CI"] == 1


def test_se_from_beta_scale_ci(tmp_path: Path) -> None:
    text = "SNP\tA1\tA2\tBETA\tL95\tU95\nrs1\tA\tG\t0.2\t0.1\t0.3\n"
    s = read_sumstats(_write(tmp_path, "ci.tsv", text))
    assert s.data.get_column("se")[0] == pytest.approx(0.2 / (2 * norm.ppf(0.975)), rel=1e-12)


def test_se_from_p_and_from_log10p(tmp_path: Path) -> None:
    text = "SNP\tA1\tA2\tBETA\tP\nrs1\tA\tG\t0.2\t1e-4\nrs2\tA\tC\t-0.3\t0.5\n"
    s = read_sumstats(_write(tmp_path, "p.tsv", text))
    expected = [0.2 / norm.isf(0.5e-4), 0.3 / norm.isf(0.25)]
    assert s.data.get_column("se").to_list() == pytest.approx(expected, rel=1e-10)
    assert s.report.derived["se from p-value"] == 2
    # -log10 p = 400 underflows as a float p-value but not on the log scale
    text = "SNP\tA1\tA2\tBETA\tLOG10P\nrs1\tA\tG\t0.5\t400\nrs2\tA\tG\t0.2\t4\n"
    s = read_sumstats(_write(tmp_path, "lp.tsv", text))
    se = s.data.get_column("se").to_list()
    assert se[1] == pytest.approx(0.2 / norm.isf(0.5e-4), rel=1e-10)
    z = 0.5 / se[0]
    # two-sided p from z, on the log scale: log(2) + log(sf(z)) must equal log(1e-400)
    assert math.log(2) + norm.logsf(z) == pytest.approx(-400 * math.log(10), rel=1e-9)
    assert s.data.get_column("pval")[1] == pytest.approx(1e-4)


def test_se_from_z(tmp_path: Path) -> None:
    text = "SNP\tA1\tA2\tBETA\tZ\nrs1\tA\tG\t0.2\t-4\n"
    s = read_sumstats(_write(tmp_path, "z.tsv", text))
    assert s.data.get_column("se")[0] == pytest.approx(0.05)


BAD = (
    "SNP\tA1\tA2\tBETA\tSE\tEAF\tP\n"
    "rs1\tA\tG\t0.1\t0.02\t0.3\t0.01\n"  # ok
    "\tA\tG\t0.1\t0.02\t0.3\t0.01\n"  # missing id
    "rs3\tN\tG\t0.1\t0.02\t0.3\t0.01\n"  # invalid allele
    "rs4\tA\tA\t0.1\t0.02\t0.3\t0.01\n"  # equal alleles
    "rs5\tA\tG\tabc\t0.02\t0.3\t0.01\n"  # beta not a number
    "rs6\tA\tG\t0.1\t-1\t0.3\t0.01\n"  # se <= 0
    "rs7\tA\tG\t0.1\t0.02\t1.3\t0.01\n"  # eaf > 1
    "rs8\tA\tG\t0.1\t0.02\t0.3\t2\n"  # p > 1
    "rs9\tA\tG\t0.1\t0.02\n"  # too few fields
    "rs1\tA\tG\t0.2\t0.02\t0.3\t0.01\n"  # duplicate
    "\n"  # blank line: not a row
    "rs11\tA\tG\tNA\tNA\t0.3\t0.01\n"  # missing beta
)


def test_invalid_rows_are_counted_with_reasons(tmp_path: Path) -> None:
    s = read_sumstats(_write(tmp_path, "bad.tsv", BAD))
    r = s.report
    assert isinstance(r, LoadReport)
    assert s.data.get_column("SNP").to_list() == ["rs1"]
    assert r.n_rows == 11 and r.n_kept == 1 and r.n_dropped == 10
    assert r.reasons == {
        "missing variant id": 1,
        "invalid effect allele": 1,
        "effect and other allele equal": 1,
        "effect size not a number": 1,
        "standard error not positive": 1,
        "effect allele frequency outside [0, 1]": 1,
        "p-value outside [0, 1]": 1,
        "expected 7 fields, found 5": 1,
        "duplicate variant id (first kept)": 1,
        "missing effect size": 1,
    }
    assert [e.line for e in r.examples] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 13]
    assert r.examples[1].text.startswith("rs3\tN")
    assert r.to_dict()["n_dropped"] == 10


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "empty file"),
        (b"\xff\xfe\x00garbage\n", "not UTF-8"),
        (b"justonecolumn\nx\n", "fewer than two columns"),
        (b"\x1f\x8bnot really gzip", "gzip"),
        (b"SNP\tBETA\tSE\nrs1\t0.1\t0.1\n", "effect allele"),
    ],
)
def test_unreadable_files_raise_sumstats_error(tmp_path: Path, content: bytes, needle: str) -> None:
    path = tmp_path / "f.tsv"
    path.write_bytes(content)
    with pytest.raises(SumstatsError, match=needle) as info:
        read_sumstats(path)
    assert str(path) in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SumstatsError, match="cannot read"):
        read_sumstats(tmp_path / "absent.tsv")


def test_with_suffix_gives_twosamplemr_names(tmp_path: Path) -> None:
    s = read_sumstats(_write(tmp_path, "a.tsv", SSF))
    cols = s.with_suffix("exposure").columns
    assert "beta.exposure" in cols and "SNP" in cols and "effect_allele.exposure" in cols


HEADER = b"SNP\tA1\tA2\tBETA\tSE\tP\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_fuzz_random_bytes_never_crash(data: bytes) -> None:
    try:
        s = parse_sumstats(data, source="fuzz")
    except SumstatsError:
        return
    assert s.report.n_kept + s.report.n_dropped == s.report.n_rows


_cell = st.text(alphabet='ACGTNacgt0123456789.-eE,\t "rsNA', max_size=8)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_cell, min_size=0, max_size=8), max_size=12))
def test_fuzz_malformed_rows_are_reported(rows: list[list[str]]) -> None:
    body = "\n".join("\t".join(r) for r in rows).encode()
    try:
        s = parse_sumstats(HEADER + body, source="fuzz")
    except SumstatsError:
        return
    r = s.report
    assert r.n_kept == s.data.height
    assert r.n_kept + sum(r.reasons.values()) == r.n_rows
    if s.data.height:
        se = s.data.get_column("se").to_numpy()
        assert np.all(np.isfinite(se)) and np.all(se > 0)
        assert s.data.get_column("SNP").is_unique().all()


def test_harmonised_table_is_pointed_to_the_harmonised_reader(tmp_path: Path) -> None:
    text = "SNP\tbeta.exposure\tse.exposure\tbeta.outcome\tse.outcome\nrs1\t0.1\t0.01\t0.2\t0.1\n"
    with pytest.raises(SumstatsError, match="harmonised"):
        read_sumstats(_write(tmp_path, "h.tsv", text))


# One row per format: the same variant (effect allele G, other A, beta 0.2, se 0.05, EAF 0.3,
# p 6.3e-5) written the way each tool writes it.
FORMAT_FILES = {
    "gwas-catalog-harmonised": (
        "hm_variant_id\thm_rsid\thm_chrom\thm_pos\thm_other_allele\thm_effect_allele\thm_beta\t"
        "hm_odds_ratio\thm_ci_lower\thm_ci_upper\thm_effect_allele_frequency\thm_code\t"
        "variant_id\tchromosome\tbase_pair_location\teffect_allele\tother_allele\tbeta\t"
        "standard_error\teffect_allele_frequency\tp_value\n"
        "1_100_A_G\trs1\t1\t100\tA\tG\t0.2\tNA\tNA\tNA\t0.3\t5\t"
        "rs1\t1\t100\tA\tG\t-0.2\t0.05\t0.7\t6.3e-5\n"
    ),
    "plink2": (
        "#CHROM\tPOS\tID\tREF\tALT\tA1\tA1_FREQ\tTEST\tOBS_CT\tBETA\tSE\tT_STAT\tP\n"
        "1\t100\trs1\tA\tG\tG\t0.3\tADD\t1000\t0.2\t0.05\t4\t6.3e-5\n"
    ),
    "regenie": (
        "CHROM GENPOS ID ALLELE0 ALLELE1 A1FREQ N TEST BETA SE CHISQ LOG10P EXTRA\n"
        "1 100 rs1 A G 0.3 1000 ADD 0.2 0.05 16 4.2006594505 NA\n"
    ),
    "saige": (
        "CHR\tPOS\tMarkerID\tAllele1\tAllele2\tAC_Allele2\tAF_Allele2\tMissingRate\tBETA\tSE\t"
        "Tstat\tvar\tp.value\tN\n"
        "1\t100\trs1\tA\tG\t600\t0.3\t0\t0.2\t0.05\t80\t400\t6.3e-5\t1000\n"
    ),
    "bolt-lmm": (
        "SNP\tCHR\tBP\tGENPOS\tALLELE1\tALLELE0\tA1FREQ\tF_MISS\tBETA\tSE\tP_BOLT_LMM_INF\t"
        "P_BOLT_LMM\n"
        "rs1\t1\t100\t0\tG\tA\t0.3\t0\t0.2\t0.05\t7e-5\t6.3e-5\n"
    ),
    "metal": (
        "MarkerName\tAllele1\tAllele2\tFreq1\tFreqSE\tEffect\tStdErr\tP-value\tDirection\n"
        "rs1\tg\ta\t0.3\t0.01\t0.2\t0.05\t6.3e-5\t++\n"
    ),
    "generic": (
        "SNP\tbeta.exposure\tse.exposure\teffect_allele.exposure\tother_allele.exposure\t"
        "eaf.exposure\tpval.exposure\tid.exposure\n"
        "rs1\t0.2\t0.05\tG\tA\t0.3\t6.3e-5\tieu-a-1\n"
    ),
}


@pytest.mark.parametrize("fmt", sorted(FORMAT_FILES))
def test_each_format_reads_to_the_same_row(tmp_path: Path, fmt: str) -> None:
    s = read_sumstats(_write(tmp_path, f"{fmt}.txt", FORMAT_FILES[fmt], gz=fmt == "saige"))
    assert s.mapping.format == fmt
    row = s.data.row(0, named=True)
    assert (row["SNP"], row["effect_allele"], row["other_allele"]) == ("rs1", "G", "A")
    assert row["beta"] == pytest.approx(0.2)
    assert row["se"] == pytest.approx(0.05)
    assert row["eaf"] == pytest.approx(0.3)
    assert row["pval"] == pytest.approx(6.3e-5, rel=1e-6)
