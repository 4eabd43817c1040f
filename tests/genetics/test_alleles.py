"""Allele normalisation, complement and palindromes (definitions: A↔T, C↔G)."""

from __future__ import annotations

import numpy as np
import pytest

from alsatlas.genetics.alleles import (
    complement,
    complement_array,
    is_palindromic,
    is_valid_allele,
    normalise_allele,
    palindromic_array,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a", "A"),
        (" t ", "T"),
        ("acgt", "ACGT"),
        ("D", "D"),
        ("i", "I"),
        ("N", None),
        ("0", None),
        ("-", None),
        ("R", None),
        ("", None),
        ("A/T", None),
    ],
)
def test_normalise_allele(raw: str, expected: str | None) -> None:
    assert normalise_allele(raw) == expected


def test_valid_allele_needs_upper_case() -> None:
    assert is_valid_allele("AC")
    assert not is_valid_allele("ac")


def test_complement_is_basewise_and_an_involution() -> None:
    assert complement("A") == "T"
    assert complement("C") == "G"
    assert complement("ACGGT") == "TGCCA"
    for allele in ("A", "C", "G", "T", "AGT", "D", "I"):
        assert complement(complement(allele)) == allele


def test_palindromes() -> None:
    assert is_palindromic("A", "T")
    assert is_palindromic("G", "C")
    assert not is_palindromic("A", "G")
    assert not is_palindromic("AT", "TA")
    a1 = np.array(["A", "C", "A", "AT"])
    a2 = np.array(["T", "G", "G", "TA"])
    assert palindromic_array(a1, a2).tolist() == [True, True, False, False]
    assert complement_array(a1).tolist() == ["T", "G", "T", "TA"]
