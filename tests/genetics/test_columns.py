"""Column detection for the GWAS formats; expected mappings come from each format's documentation.

- GWAS-SSF: GWAS Catalog summary-statistics format v1.0 (effect_allele is the effect allele).
- PLINK2 ``--glm``: A1 is the tested (effect) allele; OMITTED/AX the other one; REF/ALT alleles.
- REGENIE step 2: ALLELE1 is the effect allele, ALLELE0 the reference, LOG10P is -log10 p.
- SAIGE: the effect allele is Allele2 (AF_Allele2 its frequency).
- BOLT-LMM: ALLELE1 is the effect allele; P_BOLT_LMM is the main p-value.
- METAL: Allele1 is the effect allele; Effect/StdErr/P-value/Freq1.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alsatlas.errors import SumstatsError
from alsatlas.genetics.columns import detect_columns, normalise_name


def test_normalise_name() -> None:
    assert normalise_name("P-value") == normalise_name("p.value") == "pvalue"
    assert normalise_name("beta.exposure") == "beta"
    assert normalise_name("LOG(OR)_SE") == "logorse"
    assert normalise_name("id.exposure") == "gwasid"


def test_gwas_ssf() -> None:
    header = [
        "chromosome",
        "base_pair_location",
        "effect_allele",
        "other_allele",
        "beta",
        "standard_error",
        "effect_allele_frequency",
        "p_value",
        "variant_id",
        "rsid",
        "n",
    ]
    m = detect_columns(header)
    assert m.format == "gwas-ssf"
    assert m.roles["snp"] == "rsid"
    assert m.roles["effect_allele"] == "effect_allele"
    assert m.roles["other_allele"] == "other_allele"
    assert m.roles["pval"] == "p_value"
    assert m.roles["eaf"] == "effect_allele_frequency"
    assert m.roles["n"] == "n"


def test_plink2_logistic_other_allele_from_ref_alt() -> None:
    header = [
        "#CHROM",
        "POS",
        "ID",
        "REF",
        "ALT",
        "A1",
        "FIRTH?",
        "TEST",
        "OBS_CT",
        "OR",
        "LOG(OR)_SE",
        "Z_STAT",
        "P",
        "ERRCODE",
    ]
    m = detect_columns(header)
    assert m.format == "plink2"
    assert m.roles["effect_allele"] == "A1"
    assert m.roles["odds_ratio"] == "OR"
    assert m.roles["se"] == "LOG(OR)_SE"
    assert m.roles["chr"] == "#CHROM"
    assert "other_allele" not in m.roles
    assert m.other_allele_from_ref_alt == ("REF", "ALT")


def test_plink2_with_omitted_column() -> None:
    header = ["#CHROM", "POS", "ID", "REF", "ALT", "A1", "OMITTED", "A1_FREQ", "BETA", "SE", "P"]
    m = detect_columns(header)
    assert m.roles["other_allele"] == "OMITTED"
    assert m.roles["eaf"] == "A1_FREQ"
    assert m.other_allele_from_ref_alt is None


def test_regenie() -> None:
    header = [
        "CHROM",
        "GENPOS",
        "ID",
        "ALLELE0",
        "ALLELE1",
        "A1FREQ",
        "N",
        "TEST",
        "BETA",
        "SE",
        "CHISQ",
        "LOG10P",
        "EXTRA",
    ]
    m = detect_columns(header)
    assert m.format == "regenie"
    assert (m.roles["effect_allele"], m.roles["other_allele"]) == ("ALLELE1", "ALLELE0")
    assert m.roles["log10p"] == "LOG10P"
    assert "pval" not in m.roles


def test_saige_effect_allele_is_allele2() -> None:
    header = [
        "CHR",
        "POS",
        "MarkerID",
        "Allele1",
        "Allele2",
        "AC_Allele2",
        "AF_Allele2",
        "MissingRate",
        "BETA",
        "SE",
        "Tstat",
        "var",
        "p.value",
        "N",
    ]
    m = detect_columns(header)
    assert m.format == "saige"
    assert (m.roles["effect_allele"], m.roles["other_allele"]) == ("Allele2", "Allele1")
    assert m.roles["eaf"] == "AF_Allele2"
    assert m.roles["pval"] == "p.value"


def test_bolt_prefers_p_bolt_lmm() -> None:
    header = [
        "SNP",
        "CHR",
        "BP",
        "GENPOS",
        "ALLELE1",
        "ALLELE0",
        "A1FREQ",
        "F_MISS",
        "BETA",
        "SE",
        "P_BOLT_LMM_INF",
        "P_BOLT_LMM",
    ]
    m = detect_columns(header)
    assert m.format == "bolt-lmm"
    assert m.roles["pval"] == "P_BOLT_LMM"
    assert m.roles["effect_allele"] == "ALLELE1"


def test_metal() -> None:
    header = [
        "MarkerName",
        "Allele1",
        "Allele2",
        "Freq1",
        "FreqSE",
        "Effect",
        "StdErr",
        "P-value",
        "Direction",
    ]
    m = detect_columns(header)
    assert m.format == "metal"
    assert m.roles["beta"] == "Effect"
    assert m.roles["se"] == "StdErr"
    assert m.roles["pval"] == "P-value"
    assert m.roles["eaf"] == "Freq1"


def test_twosamplemr_exposure_table() -> None:
    header = [
        "SNP",
        "beta.exposure",
        "se.exposure",
        "effect_allele.exposure",
        "other_allele.exposure",
        "eaf.exposure",
        "pval.exposure",
        "id.exposure",
        "samplesize.exposure",
    ]
    m = detect_columns(header)
    assert m.format == "generic"
    assert m.roles["snp"] == "SNP"
    assert m.roles["beta"] == "beta.exposure"
    assert m.roles["n"] == "samplesize.exposure"
    assert "id.exposure" in m.unused


def test_ambiguous_columns_are_refused_naming_them() -> None:
    with pytest.raises(SumstatsError) as info:
        detect_columns(["SNP", "A1", "A2", "BETA", "SE", "P", "PVAL"], file="x.tsv")
    text = str(info.value)
    assert "x.tsv" in text and "'P'" in text and "'PVAL'" in text and "pval" in text


def test_override_settles_ambiguity() -> None:
    m = detect_columns(["SNP", "A1", "A2", "BETA", "SE", "P", "PVAL"], overrides={"pval": "PVAL"})
    assert m.roles["pval"] == "PVAL"
    assert m.how["pval"] == "override"


@pytest.mark.parametrize(
    ("header", "overrides", "needle"),
    [
        (["A1", "BETA", "SE"], None, "variant id"),
        (["SNP", "BETA", "SE"], None, "effect allele"),
        (["SNP", "A1", "SE"], None, "effect-size"),
        (["SNP", "A1", "BETA"], {"nosuchrole": "SNP"}, "unknown role"),
        (["SNP", "A1", "BETA"], {"beta": "NOPE"}, "no such column"),
        (["SNP", "SNP", "A1", "BETA"], None, "repeated column"),
    ],
)
def test_detection_errors(header: list[str], overrides: dict[str, str] | None, needle: str) -> None:
    with pytest.raises(SumstatsError, match=needle):
        detect_columns(header, overrides=overrides)


def test_chr_pos_without_rsid_is_enough() -> None:
    m = detect_columns(["CHR", "BP", "A1", "A2", "BETA", "SE"])
    assert m.roles["chr"] == "CHR" and m.roles["pos"] == "BP"
    assert "snp" not in m.roles
    assert [r[0] for r in m.rows()][:3] == ["chr", "pos", "effect_allele"]


_NAMES = st.sampled_from(
    ["SNP", "rsid", "ID", "CHR", "BP", "A1", "A2", "ALT", "REF", "BETA", "OR", "SE", "P", "PVAL",
     "EAF", "FRQ", "N", "Allele1", "Allele2", "MarkerName", "x", "", "#CHROM", "beta.exposure"]
)  # fmt: skip


@given(st.lists(st.one_of(_NAMES, st.text(max_size=6)), max_size=12))
def test_fuzz_headers_map_or_raise_sumstats_error(header: list[str]) -> None:
    try:
        m = detect_columns(header, file="fuzz")
    except SumstatsError:
        return
    mapped = list(m.roles.values())
    assert len(mapped) == len(set(mapped))  # a column feeds at most one role
    assert set(mapped) <= set(header)
