"""Allele codes: normalisation, validation, strand complement and palindromes.

An allele is a non-empty string over ``A, C, G, T`` (a SNV or a sequence-coded indel), or one of
the indel shorthands ``D`` / ``I`` used by some GWAS pipelines. Normalisation upper-cases and
strips; anything else (``N``, ``0``, ``-``, ``?``, IUPAC ambiguity codes) is invalid.

A SNP is palindromic when its two alleles are each other's strand complement (A/T or C/G): the
strand it was reported on cannot be told from the alleles alone (Hartwig et al. 2016,
doi:10.1093/ije/dyw220).
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt

_VALID = re.compile(r"^(?:[ACGT]+|D|I)$")
_COMPLEMENT = str.maketrans("ACGT", "TGCA")
_COMPLEMENT_MAP = {ord(a): b for a, b in zip("ACGT", "TGCA", strict=True)}


def normalise_allele(allele: str) -> str | None:
    """Upper-case and strip an allele; return ``None`` when it is not a valid allele code."""
    code = allele.strip().upper()
    return code if _VALID.match(code) else None


def is_valid_allele(allele: str) -> bool:
    """True for ``A/C/G/T`` strings and the indel shorthands ``D``/``I`` (already upper case)."""
    return _VALID.match(allele) is not None


def complement(allele: str) -> str:
    """Base-wise strand complement (``A↔T``, ``C↔G``), as TwoSampleMR's ``flip_alleles``.

    The sequence is not reversed; ``D`` and ``I`` are returned unchanged.
    """
    return allele.translate(_COMPLEMENT)


def is_palindromic(allele1: str, allele2: str) -> bool:
    """True when the two alleles are single bases and complements of each other (A/T, C/G)."""
    return len(allele1) == 1 and len(allele2) == 1 and complement(allele1) == allele2


def complement_array(alleles: npt.NDArray[np.str_]) -> npt.NDArray[np.str_]:
    """Vectorised :func:`complement` over an array of allele strings."""
    flat = [str(a).translate(_COMPLEMENT_MAP) for a in alleles.astype(np.str_).ravel()]
    return np.asarray(flat, dtype=np.str_).reshape(alleles.shape)


def palindromic_array(
    allele1: npt.NDArray[np.str_], allele2: npt.NDArray[np.str_]
) -> npt.NDArray[np.bool_]:
    """Vectorised :func:`is_palindromic`."""
    a1 = allele1.astype(np.str_)
    a2 = allele2.astype(np.str_)
    single = (np.char.str_len(a1) == 1) & (np.char.str_len(a2) == 1)
    return np.asarray(single & (complement_array(a1) == a2), dtype=np.bool_)


__all__ = [
    "complement",
    "complement_array",
    "is_palindromic",
    "is_valid_allele",
    "normalise_allele",
    "palindromic_array",
]
