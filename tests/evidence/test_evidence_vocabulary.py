"""Disease and drug vocabularies: synonyms resolve, free text is scanned, entries are sound."""

from __future__ import annotations

import re

import pytest

from alsatlas.evidence.vocabulary import (
    disease_and_members,
    diseases,
    drugs,
    find_diseases,
    find_drugs,
    lookup_disease,
    normalise_disease,
    normalise_drug,
    normalise_text,
)


@pytest.mark.parametrize(
    ("name", "term"),
    [
        ("myxedema", "hypothyroidism"),
        ("Myxoedema", "hypothyroidism"),
        ("Lou Gehrig's disease", "als"),
        ("Lou Gehrig’s disease", "als"),
        ("motor neurone disease", "als"),
        ("lupus", "sle"),
        ("Systemic Lupus Erythematosus", "sle"),
        ("coeliac", "celiac_disease"),
        ("Coeliac disease", "celiac_disease"),
        ("Sjögren's syndrome", "sjogren"),
        ("Guillain-Barré syndrome", "guillain_barre"),
        ("polymyositis", "inflammatory_myopathy"),
        ("insulin-dependent diabetes", "type1_diabetes"),
        ("Crohn's disease", "crohn_disease"),
        ("RA", "rheumatoid_arthritis"),
    ],
)
def test_disease_synonyms_resolve(name: str, term: str) -> None:
    assert normalise_disease(name) == term


@pytest.mark.parametrize(
    ("name", "term"),
    [
        ("MN-166", "ibudilast"),
        ("mn166", "ibudilast"),
        ("Ibudilast (MN-166)", "ibudilast"),
        ("aldesleukin", "low_dose_il2"),
        ("NP001", "sodium_chlorite"),
        ("Tecfidera", "dimethyl_fumarate"),
        ("sirolimus", "rapamycin"),
        ("AT-1501", "tegoprubart"),
    ],
)
def test_drug_synonyms_resolve(name: str, term: str) -> None:
    assert normalise_drug(name) == term


def test_unknown_names_give_none() -> None:
    assert normalise_disease("broken leg") is None
    assert normalise_drug("aspirin-like wonder drug") is None
    assert lookup_disease("") is None


def test_find_diseases_in_a_claim_in_order_of_mention() -> None:
    claim = "Autoimmune diseases such as rheumatoid arthritis, lupus and psoriasis raise ALS risk"
    assert find_diseases(claim) == (
        "any_immune_mediated",
        "rheumatoid_arthritis",
        "sle",
        "psoriasis",
        "als",
    )


def test_find_diseases_prefers_the_longest_name() -> None:
    assert find_diseases("people with type 1 diabetes") == ("type1_diabetes",)
    assert find_diseases("people with diabetes") == ("diabetes_any_type",)


def test_find_drugs_in_free_text() -> None:
    assert find_drugs("Is MN-166 (ibudilast) better than masitinib?") == ("ibudilast", "masitinib")


def test_normalise_text() -> None:
    assert normalise_text("  Sjögren’s   Syndrome ") == "sjogrens syndrome"


def test_no_name_maps_to_two_terms() -> None:
    seen: dict[str, str] = {}
    for entry in diseases().values():
        for name in (entry.term, entry.label, *entry.synonyms):
            key = normalise_text(name)
            assert seen.setdefault(key, entry.term) == entry.term, (name, seen[key], entry.term)
    seen = {}
    for drug in drugs().values():
        for name in (drug.term, drug.label, *drug.synonyms):
            key = normalise_text(name)
            assert seen.setdefault(key, drug.term) == drug.term, (name, seen[key], drug.term)


def test_mondo_ids_are_well_formed_where_given() -> None:
    for entry in diseases().values():
        if entry.mondo_id is not None:
            assert re.fullmatch(r"MONDO:\d{7}", entry.mondo_id), entry


def test_members_are_known_terms() -> None:
    table = diseases()
    for entry in table.values():
        for member in entry.members:
            assert member in table, (entry.term, member)


def test_disease_and_members_expands_groups() -> None:
    expanded = disease_and_members("thyroid_any")
    assert expanded[0] == "thyroid_any"
    assert {"hypothyroidism", "hyperthyroidism"} <= set(expanded)


def test_categories() -> None:
    table = diseases()
    assert table["sle"].category == "autoimmune"
    assert table["als"].category == "neurodegenerative"
    assert table["type2_diabetes"].category == "metabolic"
    assert table["asthma"].category == "immune-mediated"


@pytest.mark.parametrize(
    ("term", "mondo"),
    [
        # read beside their labels in Monarch's disease-mechanism knowledge base / NCBI MedGen
        ("als", "MONDO:0004976"),
        ("sle", "MONDO:0007915"),
        ("rheumatoid_arthritis", "MONDO:0008383"),
        ("myasthenia_gravis", "MONDO:0009688"),
        ("celiac_disease", "MONDO:0005130"),
        ("hashimoto_thyroiditis", "MONDO:0007699"),
    ],
)
def test_checked_mondo_ids(term: str, mondo: str) -> None:
    assert diseases()[term].mondo_id == mondo


def test_unverified_groups_have_no_mondo_id() -> None:
    for term in ("any_immune_mediated", "inflammatory_myopathy", "hyperthyroidism"):
        assert diseases()[term].mondo_id is None


def test_abbreviations_match_only_as_written_in_free_text() -> None:
    assert find_diseases("ibudilast 100 mg/day") == ()
    assert find_diseases("ALS as an autoimmune disease") == ("als", "any_immune_mediated")
    assert find_diseases("MG, MS and RA") == (
        "myasthenia_gravis",
        "multiple_sclerosis",
        "rheumatoid_arthritis",
    )
    # exact look-ups stay case-insensitive
    assert normalise_disease("ms") == "multiple_sclerosis"


def test_typographic_apostrophes() -> None:
    assert find_diseases("Lou Gehrig’s disease and Sjögren’s") == ("als", "sjogren")
