"""Harmonisation of exposure and outcome effects onto the same effect allele.

The rules are those of TwoSampleMR's ``harmonise_data`` (Hemani et al. 2018,
doi:10.7554/eLife.34408; package 0.7.x), written here from its documented behaviour. For each
variant with exposure alleles ``A1/A2`` (effect/other) and outcome alleles ``B1/B2``:

1. **swap**: if ``B1 = A2`` and ``B2 = A1``, exchange ``B1``/``B2``, negate ``beta.outcome`` and set
   ``eaf.outcome ← 1 − eaf.outcome`` (done for every variant, palindromic or not);
2. **strand flip**: if a non-palindromic variant is still unaligned, complement ``B1`` and ``B2``
   (A↔T, C↔G);
3. **flip + swap**: if it is still unaligned, try the swap again;
4. anything still unaligned is **incompatible** (``remove = True``);
5. **palindromes** (A/T, C/G). Let ``f_A``, ``f_B`` be the EAFs, a missing one read as 0.5. The
   variant is *ambiguous* when either lies in ``(0.5 − tolerance, 0.5 + tolerance)``;
   TwoSampleMR's default tolerance 0.08 gives the interval (0.42, 0.58). With ``action = 2``, a
   palindrome whose EAFs lie on opposite sides of 0.5 is taken to be on the other strand: the
   outcome beta is negated and its EAF set to ``1 − f_B``.

``mr_keep`` is then ``not remove`` (action 1: assume every variant is on the forward strand),
``not (remove or ambiguous)`` (action 2, the default) or ``not (remove or palindromic)``
(action 3: drop all palindromes). Indels coded ``D``/``I`` on one side and as sequences on the
other are recoded as TwoSampleMR does (the longer sequence is the insertion).

When only the outcome's effect allele is known (``harmonise_21``), the other allele is inferred
from the exposure; palindromes are then removed, and a match is *ambiguous* unless the EAFs
confirm it beyond the tolerance (always after a strand flip). With one allele on both sides
(``harmonise_11``) the alleles must be equal. An exposure reporting one allele against an outcome
reporting two is removed (TwoSampleMR has no working rule for it).

Every variant keeps a row, with the step taken (``action_taken``) and, when ``mr_keep`` is
false, the reason.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
import polars as pl

from alsatlas.errors import SumstatsError
from alsatlas.genetics.alleles import complement_array, palindromic_array
from alsatlas.genetics.sumstats import CANONICAL_SCHEMA, NULL_VALUES, read_bytes, split_header

Action = Literal[1, 2, 3]
DEFAULT_TOLERANCE = 0.08
"""TwoSampleMR's default palindrome tolerance: ambiguous when an EAF lies in (0.42, 0.58)."""

StrArray = npt.NDArray[np.str_]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class AlleleHarmonisation:
    """Outcome alleles, beta and EAF aligned to the exposure's effect allele, per variant.

    Attributes
    ----------
    effect_allele_outcome, other_allele_outcome, beta_outcome, eaf_outcome
        The aligned outcome values.
    swapped
        Alleles were swapped (beta negated, EAF complemented) at step 1 or 3.
    strand_flipped
        Outcome alleles were complemented (step 2).
    palindrome_flipped
        A palindrome was flipped by allele frequency (step 5, action 2 only).
    remove, palindromic, ambiguous, mr_keep
        TwoSampleMR's flags.
    action_taken, reason
        Text per variant: what was done, and why ``mr_keep`` is false (empty when true).
    """

    effect_allele_outcome: StrArray
    other_allele_outcome: StrArray
    beta_outcome: FloatArray
    eaf_outcome: FloatArray
    swapped: BoolArray
    strand_flipped: BoolArray
    palindrome_flipped: BoolArray
    remove: BoolArray
    palindromic: BoolArray
    ambiguous: BoolArray
    mr_keep: BoolArray
    action_taken: tuple[str, ...]
    reason: tuple[str, ...]


def _recode_indels(
    a1: StrArray, a2: StrArray, b1: StrArray, b2: StrArray
) -> tuple[StrArray, StrArray, StrArray, StrArray, BoolArray]:
    """Recode ``D``/``I`` indels against sequence-coded ones; ``keep`` false when impossible."""
    a1, a2, b1, b2 = a1.copy(), a2.copy(), b1.copy(), b2.copy()
    la, la2 = np.char.str_len(a1), np.char.str_len(a2)
    lb, lb2 = np.char.str_len(b1), np.char.str_len(b2)
    b_id = (b1 == "I") & (b2 == "D")
    b_di = (b1 == "D") & (b2 == "I")
    a_id = (a1 == "I") & (a2 == "D")
    a_di = (a1 == "D") & (a2 == "I")
    # outcome coded I/D, exposure as sequences: the longer exposure allele is the insertion
    for mask, first, second in (
        (b_id & (la > la2), a1, a2),
        (b_id & (la < la2), a2, a1),
        (b_di & (la > la2), a2, a1),
        (b_di & (la < la2), a1, a2),
    ):
        b1[mask], b2[mask] = first[mask], second[mask]
    # exposure coded I/D, outcome as sequences
    for mask, first, second in (
        (a_id & (lb > lb2), b1, b2),
        (a_id & (lb < lb2), b2, b1),
        (a_di & (lb > lb2), b2, b1),
        (a_di & (lb < lb2), b1, b2),
    ):
        a1[mask], a2[mask] = first[mask], second[mask]
    keep = (a1 != a2) & (b1 != b2)
    keep &= ~(((b1 == "D") | (b1 == "I")) & (la > 1) & (la == la2))
    keep &= ~(((a1 == "D") | (a1 == "I")) & (lb > 1) & (lb == lb2))
    return a1, a2, b1, b2, np.asarray(keep, dtype=np.bool_)


@dataclass(frozen=True)
class _SingleAllele:
    b1: StrArray
    b2: StrArray
    beta: FloatArray
    eaf: FloatArray
    remove: BoolArray
    ambiguous: BoolArray
    palindromic: BoolArray
    swapped: BoolArray
    flipped: BoolArray
    indel: BoolArray
    indel_keep: BoolArray


def _harmonise_single_allele(
    a1: StrArray,
    a2: StrArray,
    b1: StrArray,
    beta: FloatArray,
    f_a: FloatArray,
    f_b: FloatArray,
    *,
    out_one: BoolArray,
    one_one: BoolArray,
    lo: float,
    hi: float,
) -> _SingleAllele:
    """Rows where the outcome (or both sides) report only the effect allele.

    Outcome with one allele (TwoSampleMR ``harmonise_21``): palindromes are removed; the outcome
    allele is matched to the exposure effect allele, to its other allele (a swap), or, after a
    strand flip, to either. The match counts as *ambiguous* unless the EAFs agree beyond the
    tolerance (both below ``lo`` or both above ``hi``; for a swap, on opposite sides), and always
    after a strand flip. Unlike TwoSampleMR, a row that matches neither allele even after the
    flip is removed rather than left unaligned. Both sides with one allele (``harmonise_11``):
    kept when the alleles are equal, ambiguous unless the EAFs agree beyond the tolerance.
    """
    n = a1.size
    b1 = b1.copy()
    b2 = np.full(n, "", dtype=a1.dtype)
    beta = beta.copy()
    eaf = f_b.copy()
    la, la2 = np.char.str_len(a1), np.char.str_len(a2)
    indel = out_one & ((la > 1) | (la2 > 1) | (a1 == "D") | (a1 == "I"))
    for mask, first, second in (
        (indel & (la > la2) & (b1 == "I"), a1, a2),
        (indel & (la < la2) & (b1 == "I"), a2, a1),
        (indel & (la > la2) & (b1 == "D"), a2, a1),
        (indel & (la < la2) & (b1 == "D"), a1, a2),
    ):
        b1 = np.where(mask, first, b1)
        b2 = np.where(mask, second, b2)
    bad_indel = ((a1 == "I") & (a2 == "D")) | ((a1 == "D") & (a2 == "I")) | (a1 == a2)
    bad_indel |= (la > 1) & (la == la2) & ((b1 == "D") | (b1 == "I"))
    indel_keep = ~bad_indel
    palindromic = out_one & palindromic_array(a1, a2)
    fa = np.where(np.isnan(f_a), 0.5, f_a)
    fb = np.where(np.isnan(f_b), 0.5, f_b)
    same_side = ((fa < lo) & (fb < lo)) | ((fa > hi) & (fb > hi))
    opposite = ((fa < lo) & (fb > hi)) | ((fa > hi) & (fb < lo))
    ambiguous = np.zeros(n, dtype=np.bool_)
    match = a1 == b1
    ambiguous |= match & ~same_side
    b2 = np.where(match, a2, b2)
    swapped = out_one & (a2 == b1)
    ambiguous |= swapped & ~opposite
    b2 = np.where(swapped, b1, b2)
    b1 = np.where(swapped, a1, b1)
    beta[swapped] *= -1.0
    eaf[swapped] = 1.0 - eaf[swapped]
    flipped = out_one & (a1 != b1) & (a2 != b1)
    ambiguous |= flipped
    b1 = np.where(flipped, complement_array(b1), b1)
    b2 = np.where(flipped & (a1 == b1), a2, b2)
    swap_after_flip = flipped & (a2 == b1)
    swapped |= swap_after_flip
    b2 = np.where(swap_after_flip, b1, b2)
    b1 = np.where(swap_after_flip, a1, b1)
    beta[swap_after_flip] *= -1.0
    eaf[swap_after_flip] = 1.0 - eaf[swap_after_flip]
    remove = np.where(
        out_one,
        palindromic | (indel & ~indel_keep) | ~((a1 == b1) & (a2 == b2)),
        ~(a1 == b1),
    )
    ambiguous = np.where(one_one, (a1 == b1) & ~same_side, ambiguous | palindromic)
    return _SingleAllele(
        b1=np.asarray(b1, dtype=np.str_),
        b2=np.asarray(b2, dtype=np.str_),
        beta=np.asarray(beta, dtype=np.float64),
        eaf=np.asarray(eaf, dtype=np.float64),
        remove=np.asarray(remove, dtype=np.bool_),
        ambiguous=np.asarray(ambiguous, dtype=np.bool_),
        palindromic=np.asarray(palindromic, dtype=np.bool_),
        swapped=np.asarray(swapped, dtype=np.bool_),
        flipped=np.asarray(flipped & (a1 == b1), dtype=np.bool_),
        indel=np.asarray(indel, dtype=np.bool_),
        indel_keep=np.asarray(indel_keep, dtype=np.bool_),
    )


def harmonise_alleles(
    effect_allele_exposure: StrArray,
    other_allele_exposure: StrArray,
    effect_allele_outcome: StrArray,
    other_allele_outcome: StrArray,
    beta_outcome: FloatArray,
    eaf_exposure: FloatArray,
    eaf_outcome: FloatArray,
    *,
    action: Action = 2,
    tolerance: float = DEFAULT_TOLERANCE,
) -> AlleleHarmonisation:
    """Align outcome effects to the exposure effect allele (see the module docstring).

    Parameters
    ----------
    effect_allele_exposure, other_allele_exposure, effect_allele_outcome, other_allele_outcome
        Upper-case allele strings, one per variant (empty string when missing).
    beta_outcome
        Outcome effects for the outcome's effect allele.
    eaf_exposure, eaf_outcome
        Effect-allele frequencies (NaN when missing).
    action
        1, 2 or 3, as TwoSampleMR.
    tolerance
        Palindrome ambiguity half-width around 0.5.

    Returns
    -------
    AlleleHarmonisation
    """
    if action not in (1, 2, 3):
        raise SumstatsError(f"action must be 1, 2 or 3, not {action!r}", field="action")
    arrays = [
        np.asarray(x, dtype=np.str_)
        for x in (
            effect_allele_exposure,
            other_allele_exposure,
            effect_allele_outcome,
            other_allele_outcome,
        )
    ]
    width = max([1] + [int(np.char.str_len(x).max()) for x in arrays if x.size])
    a1, a2, b1, b2 = (x.astype(f"<U{width}") for x in arrays)
    beta = np.asarray(beta_outcome, dtype=np.float64).copy()
    f_a = np.asarray(eaf_exposure, dtype=np.float64)
    f_b = np.asarray(eaf_outcome, dtype=np.float64).copy()
    n = a1.size
    if not all(x.size == n for x in (a2, b1, b2, beta, f_a, f_b)):
        raise SumstatsError("allele, beta and EAF arrays differ in length")

    a1_in, a2_in, b1_in = a1.copy(), a2.copy(), b1.copy()
    beta_in, f_b_in = beta.copy(), f_b.copy()
    both = (a1 != "") & (a2 != "") & (b1 != "") & (b2 != "")
    out_one = (a1 != "") & (a2 != "") & (b1 != "") & (b2 == "")
    one_one = (a1 != "") & (a2 == "") & (b1 != "") & (b2 == "")
    missing = ~(both | out_one | one_one)
    indel = (np.char.str_len(a1) > 1) | (np.char.str_len(a2) > 1) | (a1 == "D") | (a1 == "I")
    ra1, ra2, rb1, rb2, indel_keep = _recode_indels(a1, a2, b1, b2)
    a1 = np.where(indel, ra1, a1)
    a2 = np.where(indel, ra2, a2)
    b1 = np.where(indel, rb1, b1)
    b2 = np.where(indel, rb2, b2)

    def swap(mask: BoolArray) -> None:
        nonlocal b1, b2
        b1, b2 = np.where(mask, b2, b1), np.where(mask, b1, b2)
        beta[mask] *= -1.0
        f_b[mask] = 1.0 - f_b[mask]

    swapped = (a1 == b2) & (a2 == b1)
    swap(swapped)
    aligned = (a1 == b1) & (a2 == b2)
    palindromic = palindromic_array(a1, a2)
    flipped = ~palindromic & ~aligned
    b1 = np.where(flipped, complement_array(b1), b1)
    b2 = np.where(flipped, complement_array(b2), b2)
    aligned = (a1 == b1) & (a2 == b2)
    swap2 = ~palindromic & ~aligned & (a1 == b2) & (a2 == b1)
    swap(swap2)
    aligned = (a1 == b1) & (a2 == b2)
    remove = ~aligned | missing | (indel & ~indel_keep)

    fa = np.where(np.isnan(f_a), 0.5, f_a)
    fb = np.where(np.isnan(f_b), 0.5, f_b)
    lo, hi = 0.5 - tolerance, 0.5 + tolerance
    ambiguous = (((fa > lo) & (fa < hi)) | ((fb > lo) & (fb < hi))) & palindromic
    pal_flip = np.zeros(n, dtype=np.bool_)
    if action == 2:
        opposite = ((fa < 0.5) & (fb > 0.5)) | ((fa > 0.5) & (fb < 0.5))
        pal_flip = opposite & palindromic & ~remove
        beta[pal_flip] *= -1.0
        f_b[pal_flip] = 1.0 - f_b[pal_flip]

    single = _harmonise_single_allele(
        a1_in, a2_in, b1_in, beta_in, f_a, f_b_in, out_one=out_one, one_one=one_one, lo=lo, hi=hi
    )
    partial = out_one | one_one
    if partial.any():
        b1 = np.where(partial, single.b1, b1)
        b2 = np.where(partial, single.b2, b2)
        beta = np.where(partial, single.beta, beta)
        f_b = np.where(partial, single.eaf, f_b)
        remove = np.where(partial, single.remove, remove)
        ambiguous = np.where(partial, single.ambiguous, ambiguous)
        palindromic = np.where(partial, single.palindromic, palindromic)
        swapped = np.where(partial, single.swapped, swapped)
        swap2 = np.where(partial, False, swap2)
        flipped = np.where(partial, single.flipped, flipped)
        aligned = np.where(partial, ~single.remove, aligned)
        pal_flip = np.where(partial, False, pal_flip)
        indel_keep = np.where(partial, single.indel_keep, indel_keep)
        indel = np.where(partial, single.indel, indel)

    if action == 1:
        mr_keep = ~remove
    elif action == 2:
        mr_keep = ~remove & ~ambiguous
    else:
        mr_keep = ~remove & ~palindromic

    taken: list[str] = []
    reasons: list[str] = []
    for i in range(n):
        steps = []
        if swapped[i] or swap2[i]:
            steps.append("swapped alleles")
        if flipped[i] and aligned[i]:
            steps.insert(0, "flipped strand")
        if pal_flip[i]:
            steps.append("palindrome flipped by allele frequency")
        if out_one[i] and not remove[i]:
            steps.insert(0, "other allele inferred from the exposure")
        if one_one[i] and not remove[i]:
            steps.insert(0, "matched on the effect allele only")
        if remove[i]:
            taken.append("removed")
        else:
            taken.append(", ".join(steps) if steps else "aligned as is")
        if mr_keep[i]:
            reasons.append("")
        elif missing[i]:
            reasons.append(
                "effect allele missing, or exposure other allele missing while the outcome has both"
            )
        elif indel[i] and not indel_keep[i]:
            reasons.append("indel alleles cannot be matched")
        elif remove[i]:
            reasons.append(
                f"incompatible alleles: exposure {a1[i]}/{a2[i]}, "
                f"outcome {effect_allele_outcome[i]}/{other_allele_outcome[i]}"
            )
        elif partial[i] and palindromic[i]:
            reasons.append("palindromic with only one outcome allele: strand cannot be told")
        elif partial[i] and remove[i]:
            reasons.append(
                f"incompatible alleles: exposure {a1[i]}/{a2[i]}, outcome effect allele "
                f"{effect_allele_outcome[i]}"
            )
        elif partial[i]:
            reasons.append(
                "only one outcome allele: allele frequencies do not confirm the match "
                f"(both below {lo:.2f} or above {hi:.2f} needed)"
            )
        elif action == 3:
            reasons.append("palindromic (action 3 drops all palindromes)")
        else:
            reasons.append(
                f"palindromic with allele frequency within ({lo:.2f}, {hi:.2f}) or missing"
            )

    return AlleleHarmonisation(
        effect_allele_outcome=np.where(remove, np.asarray(effect_allele_outcome, np.str_), b1),
        other_allele_outcome=np.where(remove, np.asarray(other_allele_outcome, np.str_), b2),
        beta_outcome=np.asarray(beta, dtype=np.float64),
        eaf_outcome=np.asarray(f_b, dtype=np.float64),
        swapped=np.asarray(swapped | swap2, dtype=np.bool_),
        strand_flipped=np.asarray(flipped & aligned, dtype=np.bool_),
        palindrome_flipped=pal_flip,
        remove=np.asarray(remove, dtype=np.bool_),
        palindromic=np.asarray(palindromic, dtype=np.bool_),
        ambiguous=np.asarray(ambiguous, dtype=np.bool_),
        mr_keep=np.asarray(mr_keep, dtype=np.bool_),
        action_taken=tuple(taken),
        reason=tuple(reasons),
    )


HARMONISED_COLUMNS: tuple[str, ...] = (
    "SNP",
    "effect_allele.exposure",
    "other_allele.exposure",
    "effect_allele.outcome",
    "other_allele.outcome",
    "beta.exposure",
    "beta.outcome",
    "eaf.exposure",
    "eaf.outcome",
    "se.exposure",
    "se.outcome",
    "pval.exposure",
    "pval.outcome",
    "samplesize.exposure",
    "samplesize.outcome",
    "ncase.exposure",
    "ncase.outcome",
    "ncontrol.exposure",
    "ncontrol.outcome",
    "remove",
    "palindromic",
    "ambiguous",
    "mr_keep",
    "action_taken",
    "reason",
)
"""Columns of :attr:`HarmonisedData.data`: TwoSampleMR's, plus ``action_taken`` and ``reason``."""


@dataclass(frozen=True)
class HarmonisedData:
    """Exposure and outcome effects on the same effect allele, one row per shared variant.

    Attributes
    ----------
    data
        :data:`HARMONISED_COLUMNS`, one row per variant present in both inputs.
    not_in_outcome
        Exposure variants absent from the outcome (sorted).
    action
        The TwoSampleMR action used (``None`` for a table harmonised elsewhere).
    exposure, outcome
        Labels of the two traits, when known.
    """

    data: pl.DataFrame
    not_in_outcome: tuple[str, ...]
    action: int | None
    exposure: str = ""
    outcome: str = ""
    non_numeric: tuple[tuple[str, int, str], ...] = ()
    """Cells of a table harmonised elsewhere that are not numbers: (column, line, value)."""
    duplicates: tuple[tuple[str, int], ...] = ()
    """Rows of a table harmonised elsewhere left out as repeats of a variant: (SNP, line)."""

    @property
    def kept(self) -> pl.DataFrame:
        """Rows with ``mr_keep``."""
        return self.data.filter(pl.col("mr_keep"))

    def mr_arrays(self) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """``(bx, bxse, by, byse)`` of the ``mr_keep`` rows, for the MR estimators."""
        kept = self.kept
        return (
            kept.get_column("beta.exposure").to_numpy().astype(np.float64),
            kept.get_column("se.exposure").to_numpy().astype(np.float64),
            kept.get_column("beta.outcome").to_numpy().astype(np.float64),
            kept.get_column("se.outcome").to_numpy().astype(np.float64),
        )

    def counts(self) -> dict[str, int]:
        """Variants by outcome of harmonisation (for reports)."""
        d = self.data
        if self.action is None:
            return {
                "variants": d.height,
                "palindromic": int(d.get_column("palindromic").sum()),
                "ambiguous": int(d.get_column("ambiguous").sum()),
                "mr_keep": int(d.get_column("mr_keep").sum()),
                "non-numeric cells": len(self.non_numeric),
                "duplicate variants": len(self.duplicates),
            }
        taken = Counter(d.get_column("action_taken").to_list())
        return {
            "exposure variants not in outcome": len(self.not_in_outcome),
            "variants in both": d.height,
            "aligned as is": taken.get("aligned as is", 0),
            "swapped": int(d.get_column("action_taken").str.contains("swapped").sum()),
            "strand flipped": int(
                d.get_column("action_taken").str.contains("flipped strand").sum()
            ),
            "palindromic": int(d.get_column("palindromic").sum()),
            "palindromic flipped by frequency": int(
                d.get_column("action_taken").str.contains("palindrome flipped").sum()
            ),
            "ambiguous": int(d.get_column("ambiguous").sum()),
            "removed (incompatible)": int(d.get_column("remove").sum()),
            "mr_keep": int(d.get_column("mr_keep").sum()),
        }

    def report(self) -> pl.DataFrame:
        """Per-variant report: SNP, action taken, reason, palindromic, ambiguous, mr_keep."""
        rows = self.data.select(
            "SNP", "action_taken", "reason", "palindromic", "ambiguous", "mr_keep"
        )
        missing = pl.DataFrame(
            {
                "SNP": list(self.not_in_outcome),
                "action_taken": ["not found in outcome"] * len(self.not_in_outcome),
                "reason": ["absent from the outcome data"] * len(self.not_in_outcome),
                "palindromic": [None] * len(self.not_in_outcome),
                "ambiguous": [None] * len(self.not_in_outcome),
                "mr_keep": [False] * len(self.not_in_outcome),
            },
            schema=rows.schema,
        )
        return pl.concat([rows, missing])


def _truthy(values: pl.Series) -> pl.Series:
    text = values.cast(pl.String).str.strip_chars().str.to_uppercase()
    return text.is_in(["TRUE", "T", "1", "YES"]).fill_null(False)


def read_harmonised(path: str | Path, *, exposure_id: str | None = None) -> HarmonisedData:
    """Read a table harmonised elsewhere, with TwoSampleMR column names.

    Required columns: ``SNP, beta.exposure, se.exposure, beta.outcome, se.outcome``. Used when
    present: alleles, EAFs, p-values, sample sizes, ``palindromic``, ``ambiguous``, ``remove``,
    ``mr_keep`` (TRUE/FALSE; a missing ``mr_keep`` column keeps every row with finite betas and
    SEs), ``id.exposure``, ``exposure``, ``outcome``. A file holding several exposures
    (``id.exposure``) needs ``exposure_id`` to pick one.

    Raises
    ------
    SumstatsError
        Unreadable file, missing columns, several exposures and no ``exposure_id``, unknown
        ``exposure_id``, or no rows.
    """
    file = str(path)
    data = read_bytes(path)
    _names, sep, _ = split_header(data, source=file)
    if sep == " ":
        raise SumstatsError("a harmonised table must be tab- or comma-separated", file=file)
    try:
        frame = pl.read_csv(
            data,
            separator=sep,
            infer_schema=False,
            null_values=list(NULL_VALUES),
            quote_char='"',
        ).with_row_index("__line", offset=2)
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise SumstatsError(f"cannot parse the table: {exc}", file=file) from exc
    required = ["SNP", "beta.exposure", "se.exposure", "beta.outcome", "se.outcome"]
    absent = [c for c in required if c not in frame.columns]
    if absent:
        raise SumstatsError(
            f"not a harmonised TwoSampleMR table: missing column(s) {', '.join(absent)}",
            file=file,
        )
    if "id.exposure" in frame.columns:
        ids = frame.get_column("id.exposure").unique(maintain_order=True).to_list()
        if exposure_id is not None:
            if exposure_id not in ids:
                raise SumstatsError(
                    f"no exposure '{exposure_id}'; ids in the file: {', '.join(map(str, ids))}",
                    file=file,
                    field="id.exposure",
                )
            frame = frame.filter(pl.col("id.exposure") == exposure_id)
        elif len(ids) > 1:
            raise SumstatsError(
                f"the file holds {len(ids)} exposures ({', '.join(map(str, ids))}); "
                "choose one with --exposure-id",
                file=file,
                field="id.exposure",
            )
    if frame.height == 0:
        raise SumstatsError("no rows", file=file)
    lines = frame.get_column("__line").to_list()
    exprs: list[pl.Expr] = []
    for name in HARMONISED_COLUMNS[:-2]:
        if name in ("remove", "palindromic", "ambiguous", "mr_keep"):
            continue
        if name not in frame.columns:
            dtype = pl.String if "allele" in name or name == "SNP" else pl.Float64
            exprs.append(pl.lit(None, dtype=dtype).alias(name))
        elif "allele" in name or name == "SNP":
            exprs.append(pl.col(name).str.strip_chars().str.to_uppercase().alias(name))
            if name == "SNP":
                exprs[-1] = pl.col(name).str.strip_chars().alias(name)
        else:
            exprs.append(pl.col(name).cast(pl.Float64, strict=False).alias(name))
    out = frame.select(exprs)
    non_numeric = _non_numeric_cells(frame, out, lines)
    bad_rows: dict[int, str] = {}
    for column, line, value in non_numeric:
        bad_rows.setdefault(line, f"not a number in {column} ({value!r})")
    finite = (
        out.select(
            pl.all_horizontal(
                pl.col(c).is_not_null() & pl.col(c).is_finite()
                for c in ("beta.exposure", "se.exposure", "beta.outcome", "se.outcome")
            )
        )
        .to_series()
        .to_numpy()
    )
    flags: dict[str, npt.NDArray[np.bool_]] = {}
    for name in ("remove", "palindromic", "ambiguous"):
        flags[name] = (
            _truthy(frame.get_column(name)).to_numpy()
            if name in frame.columns
            else np.zeros(frame.height, dtype=np.bool_)
        )
    in_file = (
        _truthy(frame.get_column("mr_keep")).to_numpy()
        if "mr_keep" in frame.columns
        else np.ones(frame.height, dtype=np.bool_)
    )
    for column in ("se.exposure", "se.outcome"):
        se = out.get_column(column).to_numpy()
        bad = np.flatnonzero(finite & ~(se > 0))
        if bad.size:
            raise SumstatsError(
                f"line {lines[bad[0]]}: a standard error must be positive, got {se[bad[0]]:g}",
                file=file,
                field=column,
            )
    keep = in_file & finite
    first_line: dict[str, int] = {}
    repeats: list[tuple[str, int]] = []
    for i, (snp, line) in enumerate(zip(out.get_column("SNP").to_list(), lines, strict=True)):
        if not keep[i]:
            continue
        if snp in first_line:  # a variant counted twice would weigh twice: keep the first
            keep[i] = False
            bad_rows[line] = f"duplicate of line {first_line[snp]} (variant {snp})"
            repeats.append((snp, line))
        else:
            first_line[snp] = line
    duplicates = tuple(repeats)
    reason = [
        ""
        if k
        else (
            "mr_keep is FALSE in the file"
            if not f_keep
            else bad_rows.get(line, "missing beta or se")
        )
        for k, f_keep, line in zip(keep, in_file, lines, strict=True)
    ]
    out = out.with_columns(
        pl.Series("remove", flags["remove"]),
        pl.Series("palindromic", flags["palindromic"]),
        pl.Series("ambiguous", flags["ambiguous"]),
        pl.Series("mr_keep", keep),
        pl.lit("as supplied").alias("action_taken"),
        pl.Series("reason", reason, dtype=pl.String),
    ).select(HARMONISED_COLUMNS)

    def label(column: str) -> str:
        if column not in frame.columns:
            return ""
        return str(frame.get_column(column)[0] or "").split(" || ")[0]

    return HarmonisedData(
        data=_without_zero_exposure(out),
        not_in_outcome=(),
        action=None,
        exposure=label("exposure"),
        outcome=label("outcome") or label("id.outcome"),
        non_numeric=non_numeric,
        duplicates=duplicates,
    )


def _non_numeric_cells(
    raw: pl.DataFrame, parsed: pl.DataFrame, lines: list[int]
) -> tuple[tuple[str, int, str], ...]:
    """(column, line, value) of every cell given in ``raw`` that did not parse as a number."""
    found: list[tuple[str, int, str]] = []
    for name, dtype in parsed.schema.items():
        if dtype != pl.Float64 or name not in raw.columns:
            continue
        lost = raw.get_column(name).is_not_null() & parsed.get_column(name).is_null()
        for index in lost.arg_true().to_list():
            found.append((name, lines[index], str(raw.get_column(name)[index])))
    return tuple(sorted(found, key=lambda cell: (cell[1], cell[0])))


def _without_zero_exposure(data: pl.DataFrame) -> pl.DataFrame:
    """``mr_keep`` false, with the reason, where ``beta.exposure`` is exactly 0: such a variant
    has no ratio estimate by/bx and carries no information on the exposure's effect (it would
    otherwise stop the whole analysis)."""
    zero = pl.col("mr_keep") & (pl.col("beta.exposure") == 0.0).fill_null(False)
    return data.with_columns(
        pl.when(zero)
        .then(pl.lit("beta.exposure is 0: no ratio estimate"))
        .otherwise(pl.col("reason"))
        .alias("reason"),
        (pl.col("mr_keep") & ~zero).alias("mr_keep"),
    )


def _side(frame: pl.DataFrame, side: str) -> pl.DataFrame:
    """Canonical sumstats columns renamed with a TwoSampleMR suffix (missing ones added)."""
    wanted = {
        name: dtype
        for name, dtype in CANONICAL_SCHEMA.items()
        if name not in ("SNP", "chr", "pos", "line")
    }
    if "SNP" not in frame.columns:
        raise SumstatsError(f"the {side} table has no SNP column", field="SNP")
    exprs: list[pl.Expr] = [pl.col("SNP").cast(pl.String)]
    for name, dtype in wanted.items():
        expr = pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype=dtype)
        if dtype == pl.String:
            expr = expr.fill_null("").str.to_uppercase()
        exprs.append(expr.alias(f"{name}.{side}"))
    return frame.select(exprs).unique(subset="SNP", keep="first", maintain_order=True)


def harmonise(
    exposure: pl.DataFrame,
    outcome: pl.DataFrame,
    *,
    action: Action = 2,
    tolerance: float = DEFAULT_TOLERANCE,
    exposure_label: str = "",
    outcome_label: str = "",
) -> HarmonisedData:
    """Harmonise two summary-statistics tables in canonical columns (see :mod:`.sumstats`).

    Parameters
    ----------
    exposure, outcome
        Tables with ``SNP, effect_allele, other_allele, beta, se`` and optionally ``eaf, pval,
        samplesize, ncase, ncontrol`` (e.g. ``Sumstats.data``).
    action
        1, 2 (default) or 3, as TwoSampleMR's ``harmonise_data``.
    tolerance
        Palindrome ambiguity half-width (default 0.08).
    """
    exp = _side(exposure, "exposure")
    out = _side(outcome, "outcome")
    joined = exp.join(out, on="SNP", how="inner", maintain_order="left")
    present = set(joined.get_column("SNP").to_list())
    not_in_outcome = tuple(sorted(s for s in exp.get_column("SNP").to_list() if s not in present))

    def arr(name: str) -> npt.NDArray[np.str_]:
        return np.asarray(joined.get_column(name).to_list(), dtype=np.str_)

    def num(name: str) -> FloatArray:
        return joined.get_column(name).fill_null(np.nan).to_numpy().astype(np.float64)

    h = harmonise_alleles(
        arr("effect_allele.exposure"),
        arr("other_allele.exposure"),
        arr("effect_allele.outcome"),
        arr("other_allele.outcome"),
        num("beta.outcome"),
        num("eaf.exposure"),
        num("eaf.outcome"),
        action=action,
        tolerance=tolerance,
    )
    finite = (
        np.isfinite(num("beta.exposure"))
        & np.isfinite(num("se.exposure"))
        & np.isfinite(h.beta_outcome)
        & np.isfinite(num("se.outcome"))
    )
    mr_keep = h.mr_keep & finite
    reason = [
        r if (r or keep or fin) else "missing beta or se"
        for r, keep, fin in zip(h.reason, mr_keep, finite, strict=True)
    ]
    data = joined.with_columns(
        pl.Series("effect_allele.outcome", h.effect_allele_outcome.tolist(), dtype=pl.String),
        pl.Series("other_allele.outcome", h.other_allele_outcome.tolist(), dtype=pl.String),
        pl.Series("beta.outcome", h.beta_outcome),
        pl.Series("eaf.outcome", h.eaf_outcome),
        pl.Series("remove", h.remove),
        pl.Series("palindromic", h.palindromic),
        pl.Series("ambiguous", h.ambiguous),
        pl.Series("mr_keep", mr_keep),
        pl.Series("action_taken", list(h.action_taken), dtype=pl.String),
        pl.Series("reason", reason, dtype=pl.String),
    ).select(HARMONISED_COLUMNS)
    return HarmonisedData(
        data=_without_zero_exposure(data),
        not_in_outcome=not_in_outcome,
        action=action,
        exposure=exposure_label,
        outcome=outcome_label,
    )


__all__ = [
    "DEFAULT_TOLERANCE",
    "HARMONISED_COLUMNS",
    "Action",
    "AlleleHarmonisation",
    "HarmonisedData",
    "harmonise",
    "harmonise_alleles",
    "read_harmonised",
]
