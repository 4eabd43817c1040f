"""Harmonisation against TwoSampleMR's own output and its documented rules.

References:
- ``als_vanrheenen2021_outcome_lookups_bmi_t2d_tc.tsv`` was produced by TwoSampleMR's
  ``harmonise_data`` (default action 2): its ``palindromic``, ``ambiguous`` and ``mr_keep``
  columns are TwoSampleMR output for 1,053 variants.
- BMI (ieu-a-2) → CHD (ieu-a-7) vignette data: 79 variants, all aligned, 4 palindromic
  (research notes, genetic-data.md, source B).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from alsatlas.errors import SumstatsError
from alsatlas.genetics.alleles import complement, is_palindromic
from alsatlas.genetics.harmonise import harmonise, harmonise_alleles, read_harmonised
from alsatlas.genetics.sumstats import read_sumstats

DATA = Path(str(resources.files("alsatlas").joinpath("data", "genetics")))
LOOKUPS = DATA / "als_vanrheenen2021_outcome_lookups_bmi_t2d_tc.tsv"


@pytest.fixture(scope="module")
def vignette() -> tuple[pl.DataFrame, pl.DataFrame]:
    exp = read_sumstats(DATA / "twosamplemr_vignette_bmi_ieu-a-2_exposure.tsv").data
    out = read_sumstats(DATA / "twosamplemr_vignette_chd_ieu-a-7_outcome.tsv").data
    return exp, out


def _ivw_fixed(bx: np.ndarray, by: np.ndarray, byse: np.ndarray) -> float:
    """Weighted regression of by on bx through the origin, weights byse^-2 (closed form)."""
    w = byse**-2.0
    return float(np.sum(w * bx * by) / np.sum(w * bx * bx))


def test_vignette_counts(vignette: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    exp, out = vignette
    h2 = harmonise(exp, out, action=2)
    assert h2.data.height == 79 and not h2.not_in_outcome
    c = h2.counts()
    assert c["aligned as is"] == 79
    assert c["palindromic"] == 4
    assert c["ambiguous"] == 0
    assert c["mr_keep"] == 79
    assert harmonise(exp, out, action=1).counts()["mr_keep"] == 79
    h3 = harmonise(exp, out, action=3)
    assert h3.counts()["mr_keep"] == 75
    assert set(h3.data.filter(~pl.col("mr_keep")).get_column("SNP")) == set(
        h3.data.filter(pl.col("palindromic")).get_column("SNP")
    )


@pytest.mark.parametrize("exposure_id", ["30124842-GCST006900", "ebi-a-GCST006867",
                                         "34887591-GCST90239676"])  # fmt: skip
def test_flags_reproduce_twosamplemr_output(exposure_id: str) -> None:
    table = pl.read_csv(LOOKUPS, separator="\t", null_values="NA", infer_schema_length=None)
    table = table.filter(pl.col("id.exposure") == exposure_id)

    def side(s: str) -> pl.DataFrame:
        cols = ("effect_allele", "other_allele", "beta", "se", "eaf")
        return table.select("SNP", *[pl.col(f"{c}.{s}").alias(c) for c in cols])

    h = harmonise(side("exposure"), side("outcome"), action=2)
    ours = h.data.select("SNP", "palindromic", "ambiguous", "mr_keep", "beta.outcome")
    ref = table.select(
        "SNP",
        pl.col("palindromic").alias("p_ref"),
        pl.col("ambiguous").alias("a_ref"),
        pl.col("mr_keep").alias("k_ref"),
        pl.col("beta.outcome").alias("b_ref"),
    ).unique("SNP", keep="first", maintain_order=True)
    m = ours.join(ref, on="SNP")
    assert m.height == ours.height == ref.height
    assert m.get_column("palindromic").equals(m.get_column("p_ref"), check_names=False)
    assert m.get_column("ambiguous").equals(m.get_column("a_ref"), check_names=False)
    assert m.get_column("mr_keep").equals(m.get_column("k_ref"), check_names=False)
    assert np.array_equal(m.get_column("beta.outcome"), m.get_column("b_ref"))


def _recode_outcome(out: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Report each outcome variant on a random strand and with a random effect allele."""
    rows = []
    for r in out.iter_rows(named=True):
        ea, oa, beta, eaf = r["effect_allele"], r["other_allele"], r["beta"], r["eaf"]
        palin = is_palindromic(ea, oa)
        if rng.random() < 0.5:  # other effect allele: negate beta, complement frequency
            ea, oa, beta, eaf = oa, ea, -beta, 1.0 - eaf
        if rng.random() < 0.5 and not palin:  # reverse strand
            ea, oa = complement(ea), complement(oa)
        rows.append({**r, "effect_allele": ea, "other_allele": oa, "beta": beta, "eaf": eaf})
    return pl.DataFrame(rows, schema=out.schema)


def test_invariance_to_outcome_allele_coding(vignette: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    exp, out = vignette
    base = harmonise(exp, out, action=2).data
    rng = np.random.default_rng(11)
    for _ in range(5):
        recoded = harmonise(exp, _recode_outcome(out, rng), action=2).data
        assert np.allclose(recoded.get_column("beta.outcome"), base.get_column("beta.outcome"))
        assert np.allclose(recoded.get_column("eaf.outcome"), base.get_column("eaf.outcome"))
        assert recoded.get_column("mr_keep").equals(base.get_column("mr_keep"))
        assert (
            recoded.get_column("effect_allele.outcome").to_list()
            == base.get_column("effect_allele.exposure").to_list()
        )


def test_ivw_after_recoding_equals_closed_form(vignette: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    exp, out = vignette
    h = harmonise(exp, _recode_outcome(out, np.random.default_rng(3)), action=3)
    bx, _, by, byse = h.mr_arrays()
    kept = set(h.kept.get_column("SNP"))
    ref = exp.join(out, on="SNP", suffix="_o").filter(pl.col("SNP").is_in(kept))
    expected = _ivw_fixed(
        ref.get_column("beta").to_numpy(),
        ref.get_column("beta_o").to_numpy(),
        ref.get_column("se_o").to_numpy(),
    )
    assert len(bx) == 75
    assert _ivw_fixed(bx, by, byse) == pytest.approx(expected, rel=1e-12)


def _one(a1: str, a2: str, b1: str, b2: str, fa: float, fb: float, action: int = 2) -> dict:
    h = harmonise_alleles(
        np.array([a1]), np.array([a2]), np.array([b1]), np.array([b2]),
        np.array([0.1]), np.array([fa]), np.array([fb]), action=action,  # type: ignore[arg-type]
    )  # fmt: skip
    return {
        "beta": float(h.beta_outcome[0]),
        "eaf": float(h.eaf_outcome[0]),
        "remove": bool(h.remove[0]),
        "palindromic": bool(h.palindromic[0]),
        "ambiguous": bool(h.ambiguous[0]),
        "keep": bool(h.mr_keep[0]),
        "taken": h.action_taken[0],
        "reason": h.reason[0],
        "alleles": (str(h.effect_allele_outcome[0]), str(h.other_allele_outcome[0])),
    }


def test_swap_strand_flip_and_both() -> None:
    swap = _one("A", "G", "G", "A", 0.2, 0.8)
    assert swap["beta"] == -0.1 and swap["eaf"] == pytest.approx(0.2) and swap["keep"]
    assert swap["taken"] == "swapped alleles"
    flip = _one("A", "G", "T", "C", 0.2, 0.2)
    assert flip["beta"] == 0.1 and flip["alleles"] == ("A", "G") and flip["keep"]
    assert flip["taken"] == "flipped strand"
    both = _one("A", "G", "C", "T", 0.2, 0.8)
    assert both["beta"] == -0.1 and both["alleles"] == ("A", "G")
    assert both["taken"] == "flipped strand, swapped alleles"


def test_incompatible_alleles_are_removed() -> None:
    r = _one("A", "G", "A", "C", 0.2, 0.2)
    assert r["remove"] and not r["keep"] and "incompatible" in r["reason"]
    r = _one("A", "G", "", "", 0.2, 0.2)
    assert r["remove"] and "missing" in r["reason"]


def test_palindromes_by_action() -> None:
    # reverse strand, frequencies far from 0.5: action 2 flips it back
    r = _one("A", "T", "A", "T", 0.1, 0.9, action=2)
    assert r["palindromic"] and not r["ambiguous"] and r["keep"]
    assert r["beta"] == -0.1 and r["eaf"] == pytest.approx(0.1)
    assert r["taken"] == "palindrome flipped by allele frequency"
    # action 1 assumes the forward strand: no flip
    assert _one("A", "T", "A", "T", 0.1, 0.9, action=1)["beta"] == 0.1
    # action 3 drops every palindrome
    r3 = _one("A", "T", "A", "T", 0.1, 0.1, action=3)
    assert not r3["keep"] and "action 3" in r3["reason"]
    # frequency within (0.42, 0.58), or missing: ambiguous, dropped by action 2 only
    for fa, fb in ((0.45, 0.1), (0.1, 0.57), (0.1, float("nan"))):
        r = _one("C", "G", "C", "G", fa, fb, action=2)
        assert r["ambiguous"] and not r["keep"] and "palindromic" in r["reason"]
        assert _one("C", "G", "C", "G", fa, fb, action=1)["keep"]
    # the bounds themselves are not ambiguous (open interval)
    assert not _one("C", "G", "C", "G", 0.42, 0.2)["ambiguous"]


def test_indel_recoding() -> None:
    r = _one("AT", "A", "I", "D", 0.2, 0.2)
    assert r["keep"] and r["beta"] == 0.1
    r = _one("AT", "A", "D", "I", 0.2, 0.8)
    assert r["keep"] and r["beta"] == -0.1
    assert not _one("AT", "A", "I", "I", 0.2, 0.2)["keep"]


def test_bad_action() -> None:
    with pytest.raises(SumstatsError, match="action"):
        _one("A", "G", "A", "G", 0.1, 0.1, action=4)


def test_variants_missing_from_outcome_are_reported(
    vignette: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    exp, out = vignette
    h = harmonise(exp, out.head(70))
    assert len(h.not_in_outcome) == 9
    report = h.report()
    assert report.height == 79
    assert report.filter(pl.col("action_taken") == "not found in outcome").height == 9


def test_read_harmonised(tmp_path: Path) -> None:
    with pytest.raises(SumstatsError, match="3 exposures"):
        read_harmonised(LOOKUPS)
    h = read_harmonised(LOOKUPS, exposure_id="ebi-a-GCST006867")
    assert h.data.height == 119 and h.counts()["mr_keep"] == 116
    assert h.exposure == "Type 2 diabetes"
    with pytest.raises(SumstatsError, match="no exposure"):
        read_harmonised(LOOKUPS, exposure_id="nope")
    bad = tmp_path / "bad.tsv"
    bad.write_text("SNP\tbeta.exposure\nrs1\t0.1\n")
    with pytest.raises(SumstatsError, match=r"se\.exposure"):
        read_harmonised(bad)
    plain = tmp_path / "plain.csv"
    plain.write_text(
        "SNP,beta.exposure,se.exposure,beta.outcome,se.outcome\nrs1,0.1,0.01,0.2,0.05\n"
        "rs2,0.2,0.01,NA,0.05\n"
    )
    h = read_harmonised(plain)
    assert h.data.get_column("mr_keep").to_list() == [True, False]
    assert h.data.get_column("reason").to_list() == ["", "missing beta or se"]


@pytest.mark.parametrize(
    ("a1", "a2", "b1", "fa", "fb", "beta", "ambiguous", "remove"),
    [
        ("A", "G", "A", 0.2, 0.2, 0.1, False, False),  # same allele, frequencies agree
        ("A", "G", "G", 0.2, 0.8, -0.1, False, False),  # swap, frequencies agree
        ("A", "G", "A", 0.2, 0.45, 0.1, True, False),  # frequency inside the tolerance band
        ("A", "G", "A", 0.2, float("nan"), 0.1, True, False),  # no outcome frequency
        ("A", "G", "T", 0.2, 0.2, 0.1, True, False),  # strand flip: always ambiguous
        ("A", "G", "C", 0.2, 0.8, -0.1, True, False),  # flip then swap
        ("A", "T", "A", 0.2, 0.2, 0.1, True, True),  # palindrome: cannot be resolved
        ("A", "G", "AT", 0.2, 0.2, 0.1, True, True),  # no match at all
    ],
)
def test_outcome_with_effect_allele_only(
    a1: str, a2: str, b1: str, fa: float, fb: float, beta: float, ambiguous: bool, remove: bool
) -> None:
    r = _one(a1, a2, b1, "", fa, fb, action=2)
    assert r["beta"] == beta
    assert r["ambiguous"] is ambiguous
    assert r["remove"] is remove
    assert r["keep"] is (not remove and not ambiguous)
    if not remove:
        assert r["alleles"] == (a1, a2)
        assert _one(a1, a2, b1, "", fa, fb, action=1)["keep"]


def test_one_allele_on_both_sides() -> None:
    assert _one("A", "", "A", "", 0.2, 0.2)["keep"]
    assert not _one("A", "", "A", "", 0.2, 0.5)["keep"]  # frequencies do not confirm
    assert _one("A", "", "A", "", 0.2, 0.5, action=1)["keep"]
    assert _one("A", "", "G", "", 0.2, 0.2, action=1)["remove"]
    assert _one("A", "", "A", "", 0.2, 0.2)["taken"] == "matched on the effect allele only"


def test_exposure_one_allele_outcome_two_is_removed() -> None:
    h = harmonise_alleles(
        np.array(["A"]), np.array([""]), np.array(["A"]), np.array(["G"]),
        np.array([0.1]), np.array([0.2]), np.array([0.2]),
    )  # fmt: skip
    assert h.remove[0] and not h.mr_keep[0]
    assert "exposure other allele missing" in h.reason[0]
