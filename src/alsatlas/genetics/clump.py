"""LD clumping as PLINK 1.9 ``--clump`` does it, against a PLINK 1 binary reference panel.

Algorithm (PLINK 1.9 documentation "Clumping"; Purcell et al. 2007, Chang et al. 2015), with the
details of PLINK 1.9's implementation (``clump_reports`` in ``plink_ld.c``):

1. Variants of the association list that are absent from the panel's ``.bim`` are dropped
   (and counted). A variant listed twice keeps its smallest p.
2. *Index candidates* are variants with ``p ≤ p1``, taken in ascending p; equal p-values are
   taken in ``.bim`` order.
3. An index candidate already marked as clumped is skipped. Otherwise it opens a clump: every
   not-yet-marked variant with ``p ≤ max(p1, p2, 0.05)`` on the same chromosome whose position
   lies within ``⌊kb · 1000 · (1 + 2⁻⁴⁴)⌋ − 1`` base pairs of it and whose ``r²`` with it
   exceeds ``r2`` (strictly) is marked; those with ``p < p2`` (strictly) are the clump's
   members.
4. ``r²`` comes from founders' genotypes, both variants non-missing, through the two-locus
   haplotype frequencies that maximise the likelihood given the 3 × 3 genotype table: the
   double-heterozygote share is split by the real root of the likelihood's cubic equation
   (Hill 1974; PLINK's ``em_phase_hethet``), and ``r² = D² / (p₁ p₂ q₁ q₂)`` with
   ``D = p₁₁ − p₁ q₁``; ``|D| < 2⁻⁴⁴`` counts as 0. A variant monomorphic among the usable
   founders has no ``r²`` and is never clumped with another.

Genotypes on chromosomes X, Y and MT are treated as diploid (PLINK treats them as haploid in
males); the instruments this serves are autosomal.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from alsatlas.errors import AlsatlasInputError
from alsatlas.genetics.plink_bed import BedPanel

EPSILON = 2.0**-30
SMALLISH_EPSILON = 2.0**-35
SMALL_EPSILON = 2.0**-44
LOAD_P = 0.05
"""PLINK's default load threshold: variants up to this p are considered as clump members."""


@dataclass(frozen=True)
class Clump:
    """One clump: its index variant, the index's p-value and the members (``p < p2``)."""

    index: str
    pval: float
    members: tuple[str, ...]


@dataclass(frozen=True)
class ClumpResult:
    """Clumps in the order they were formed (ascending index p), and what was left out."""

    clumps: tuple[Clump, ...]
    not_in_reference: tuple[str, ...]
    p1: float
    p2: float
    r2: float
    kb: float

    @property
    def index_snps(self) -> list[str]:
        """The index variants: the independent instruments."""
        return [c.index for c in self.clumps]


def bp_radius(kb: float) -> int:
    """PLINK 1.9's half-window in base pairs for ``--clump-kb kb``."""
    dxx = kb * 1000.0
    if dxx > 2147483647.0:
        return 0x7FFFFFFE
    return int(dxx * (1 + SMALL_EPSILON) - 1)


def _cubic_real_roots(a: float, b: float, c: float) -> list[float]:
    """Real roots of ``x³ + a x² + b x + c``, ascending, near-equal roots merged (Cardano)."""
    a2 = a * a
    qq = (a2 - 3 * b) * (1.0 / 9.0)
    rr = (2 * a2 * a - 9 * a * b + 27 * c) * (1.0 / 54.0)
    r2 = rr * rr
    q3 = qq * qq * qq
    adiv3 = a * (1.0 / 3.0)
    if r2 < q3:
        sq = math.sqrt(qq)
        dxx = math.acos(rr / (qq * sq)) * (1.0 / 3.0)
        sq *= -2
        sol = sorted(
            [
                sq * math.cos(dxx) - adiv3,
                sq * math.cos(dxx + (2.0 * math.pi / 3.0)) - adiv3,
                sq * math.cos(dxx - (2.0 * math.pi / 3.0)) - adiv3,
            ]
        )
        if sol[1] - sol[0] < EPSILON:
            sol[1] = sol[2]
            return sol[:1] if sol[1] - sol[0] < EPSILON else sol[:2]
        return sol[:2] if sol[2] - sol[1] < EPSILON else sol
    dxx = -((abs(rr) + math.sqrt(r2 - q3)) ** (1.0 / 3.0))
    if dxx == 0.0:
        return [-adiv3]
    if rr < 0.0:
        dxx = -dxx
    sq = qq / dxx
    first = dxx + sq - adiv3
    if abs(dxx - sq) >= EPSILON * 8:
        return [first]
    if dxx >= 0.0:
        return [-dxx - adiv3, first]
    return [first, -dxx - adiv3]


def _log(x: float) -> float:
    if x > 0:
        return math.log(x)
    return -math.inf if x == 0 else math.nan


def _lnlike(
    k11: float,
    k12: float,
    k21: float,
    k22: float,
    center: float,
    f11: float,
    f12: float,
    f21: float,
    f22: float,
    half: float,
    incr: float,
) -> float:
    f11 += incr
    f22 += incr
    f12 += half - incr
    f21 += half - incr
    out = center * _log(f11 * f22 + f12 * f21)
    for known, freq in ((k11, f11), (k12, f12), (k21, f21), (k22, f22)):
        if known != 0.0:
            out += known * _log(freq)
    return out


def pair_r2(counts: Sequence[int]) -> float | None:
    """``r²`` from a 3 × 3 genotype table (row: variant 1 class 0/1/2, column: variant 2).

    ``None`` when a variant is monomorphic among the counted samples. See the module docstring.
    """
    c = [float(x) for x in counts]
    k11 = 2 * c[0] + c[1] + c[3]
    k12 = 2 * c[2] + c[1] + c[5]
    k21 = 2 * c[6] + c[3] + c[7]
    k22 = 2 * c[8] + c[5] + c[7]
    center = c[4]
    twice_tot = k11 + k12 + k21 + k22 + 2 * center
    if twice_tot == 0.0:
        return None
    rec = 1.0 / twice_tot
    f11, f12, f21, f22 = k11 * rec, k12 * rec, k21 * rec, k22 * rec
    p1122 = f11 * f22
    p1221 = f12 * f21
    half = center * rec
    f1x = f11 + f12 + half
    f2x = 1.0 - f1x
    fx1 = f11 + f21 + half
    fx2 = 1.0 - fx1
    if center:
        if p1122 != 0.0 or p1221 != 0.0:
            sols = _cubic_real_roots(
                0.5 * (f11 + f22 - f12 - f21 - 3 * half),
                0.5 * (p1122 + p1221 + half * (f12 + f21 - f11 - f22 + half)),
                -0.5 * half * p1122,
            )
            while sols and sols[-1] > half + SMALLISH_EPSILON:
                sols.pop()
            while sols and sols[0] < -SMALLISH_EPSILON:
                sols.pop(0)
            if not sols:
                sols = [0.0, half]
            else:
                sols[0] = max(sols[0], 0.0)
                sols[-1] = min(sols[-1], half)
        else:
            xx = f11 + f22
            xy = f12 + f21
            if xx + SMALLISH_EPSILON < half + xy and xy + SMALLISH_EPSILON < half + xx:
                sols = [0.0, (half + xy - xx) * 0.5, half]
            else:
                sols = [0.0, half]
        best = sols[0]
        if len(sols) > 1:
            # PLINK 1.9 compares every later root with the first root's likelihood (it never
            # updates the running best), so the last root that beats the first one is taken
            first_ll = _lnlike(k11, k12, k21, k22, center, f11, f12, f21, f22, half, best)
            for s in sols[1:]:
                if _lnlike(k11, k12, k21, k22, center, f11, f12, f21, f22, half, s) > first_ll:
                    best = s
        f11 += best
    elif p1122 == 0.0 and p1221 == 0.0:
        return None
    expected = fx1 * f1x
    d = f11 - expected
    if abs(d) < SMALL_EPSILON:
        return 0.0
    return abs(d) * d / (expected * f2x * fx2)


def _tables(g: npt.NDArray[np.int8], window: npt.NDArray[np.int8]) -> npt.NDArray[np.int64]:
    """3 × 3 genotype tables (flattened, row = ``g``'s class) of ``g`` against each row."""
    ga = np.stack([(g == a) for a in range(3)], axis=0).astype(np.int32)  # (3, n)
    out = np.empty((window.shape[0], 9), dtype=np.int64)
    for b in range(3):
        wb = (window == b).astype(np.int32)  # (k, n)
        out[:, b::3] = wb @ ga.T  # column a*3+b
    return out


def clump(
    snps: Sequence[str],
    pvals: Sequence[float] | npt.NDArray[np.float64],
    panel: BedPanel,
    *,
    p1: float = 1e-4,
    p2: float | None = None,
    r2: float = 0.1,
    kb: float = 250.0,
) -> ClumpResult:
    """Clump ``snps`` (with p-values ``pvals``) against ``panel`` as ``plink1.9 --clump`` does.

    Parameters
    ----------
    snps, pvals
        Association results (variant id, p-value).
    panel
        Reference genotypes (:func:`alsatlas.genetics.plink_bed.read_bed`).
    p1, p2, r2, kb
        ``--clump-p1``, ``--clump-p2`` (default: PLINK's 0.01), ``--clump-r2``, ``--clump-kb``.

    Raises
    ------
    AlsatlasInputError
        Lengths differ, a p-value outside [0, 1], or ``kb < 0.001``.
    """
    if p2 is None:
        p2 = 0.01
    if len(snps) != len(pvals):
        raise AlsatlasInputError("snps and pvals differ in length")
    if not kb >= 0.001:  # NaN too
        raise AlsatlasInputError("--kb must be at least 0.001", field="kb")
    load_p = LOAD_P
    if p2 > load_p:
        load_p = p2
    if p1 >= load_p:
        load_p = p1 * (1 + SMALL_EPSILON)
    bim = panel.variants
    where: dict[str, int] = {}
    for i, s in enumerate(bim.get_column("snp").to_list()):
        where.setdefault(s, i)
    best_p: dict[int, float] = {}
    missing: list[str] = []
    for s, p in zip(snps, np.asarray(pvals, dtype=np.float64), strict=True):
        if not 0.0 <= p <= 1.0:
            raise AlsatlasInputError(f"p-value {p} of {s} outside [0, 1]", field="pval")
        idx = where.get(s)
        if idx is None:
            if p <= p1:
                missing.append(s)
            continue
        if p <= load_p:
            best_p[idx] = min(p, best_p.get(idx, math.inf))
    loaded = np.array(sorted(best_p), dtype=np.int64)
    radius = bp_radius(kb)
    result: list[Clump] = []
    if loaded.size:
        chrom = np.array(bim.get_column("chr").to_list(), dtype=object)[loaded]
        pos = bim.get_column("pos").to_numpy()[loaded]
        pv = np.array([best_p[i] for i in loaded])
        ids = np.array(bim.get_column("snp").to_list(), dtype=object)[loaded]
        geno = panel.genotypes(loaded)
        marked = np.zeros(loaded.size, dtype=np.bool_)
        order = np.lexsort((loaded, pv))
        for k in order:
            if pv[k] > p1:
                break
            if marked[k]:
                continue
            in_window = (chrom == chrom[k]) & (np.abs(pos - pos[k]) <= radius) & ~marked
            in_window[k] = False
            cand = np.flatnonzero(in_window)
            members: list[str] = []
            if cand.size:
                g = geno[k]
                window = geno[cand]
                usable = (g >= 0)[None, :] & (window >= 0)
                window = np.where(usable, window, -1).astype(np.int8)
                tables = _tables(np.where(g >= 0, g, -1).astype(np.int8), window)
                for j, table in zip(cand, tables, strict=True):
                    value = pair_r2(table.tolist())
                    if value is None or not abs(value) > r2:
                        continue
                    marked[j] = True
                    if pv[j] < p2:
                        members.append(str(ids[j]))
            result.append(Clump(index=str(ids[k]), pval=float(pv[k]), members=tuple(members)))
    return ClumpResult(
        clumps=tuple(result),
        not_in_reference=tuple(sorted(set(missing))),
        p1=p1,
        p2=p2,
        r2=r2,
        kb=kb,
    )


__all__ = ["Clump", "ClumpResult", "bp_radius", "clump", "pair_r2"]
