"""Reading a PLINK 1 binary fileset (``.bed``/``.bim``/``.fam``) for LD computations.

Format (PLINK 1.9 documentation, "File formats: .bed"): three magic bytes ``6c 1b 01``
(variant-major), then for each variant ``ceil(n_samples / 4)`` bytes; each byte holds four
samples, two bits each, lowest bits first: ``00`` homozygous for the first ``.bim`` allele,
``01`` missing, ``10`` heterozygous, ``11`` homozygous for the second allele.

Only the variants asked for are read (through a memory map), so a genome-wide panel costs
memory in proportion to the variants used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl

from alsatlas.errors import AlsatlasInputError

_MAGIC = b"\x6c\x1b\x01"
# 2-bit code -> genotype class: 0 hom first allele, 1 het, 2 hom second allele, -1 missing
_DECODE = np.array([0, -1, 1, 2], dtype=np.int8)


@dataclass(frozen=True)
class BedPanel:
    """An opened reference panel: variant table, founder mask and the genotype memory map.

    Attributes
    ----------
    prefix
        Path prefix of the three files.
    variants
        ``.bim`` rows: ``chr``, ``snp``, ``cm``, ``pos``, ``a1``, ``a2`` and ``idx`` (file order).
    founders
        Samples whose parents are both absent from the ``.fam`` (PLINK's founder rule).
    """

    prefix: str
    variants: pl.DataFrame
    founders: npt.NDArray[np.bool_]
    n_samples: int
    _bed: np.memmap

    def genotypes(self, idx: npt.NDArray[np.int64]) -> npt.NDArray[np.int8]:
        """Genotype classes (0, 1, 2; −1 missing) of founders, one row per variant in ``idx``."""
        bytes_per = (self.n_samples + 3) // 4
        rows = np.asarray(self._bed[np.asarray(idx, dtype=np.int64)]).reshape(-1, bytes_per)
        bits = np.stack([(rows >> (2 * k)) & 3 for k in range(4)], axis=2).reshape(len(rows), -1)
        out = _DECODE[bits[:, : self.n_samples]]
        return np.ascontiguousarray(out[:, self.founders])


def read_bed(prefix: str | Path) -> BedPanel:
    """Open ``prefix.bed``, ``prefix.bim`` and ``prefix.fam``.

    Raises
    ------
    AlsatlasInputError
        A missing file, a bad magic number, or a ``.bed`` size that does not match the
        ``.bim``/``.fam`` counts.
    """
    base = str(prefix)
    for suffix in (".bed", ".bim", ".fam"):
        if not Path(base + suffix).is_file():
            raise AlsatlasInputError(f"no such file {base + suffix}", file=base + suffix)
    try:
        bim_text = Path(base + ".bim").read_bytes()
        sep = "\t" if b"\t" in bim_text[:4096] else " "
        if sep == " ":
            bim_text = re.sub(rb"[ ]+", b" ", bim_text)
            bim_text = re.sub(rb"(?m)^ ", b"", bim_text)
        bim = pl.read_csv(
            bim_text,
            separator=sep,
            has_header=False,
            new_columns=["chr", "snp", "cm", "pos", "a1", "a2"],
            infer_schema=False,
        ).with_columns(pl.col("pos").cast(pl.Int64), pl.int_range(pl.len()).alias("idx"))
        fam_lines = Path(base + ".fam").read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError, pl.exceptions.PolarsError) as exc:
        raise AlsatlasInputError(f"cannot read the PLINK fileset: {exc}", file=base) from exc
    fam = [ln.split() for ln in fam_lines if ln.strip()]
    if any(len(f) < 6 for f in fam):
        raise AlsatlasInputError("a .fam line has fewer than 6 fields", file=base + ".fam")
    ids = {(f[0], f[1]) for f in fam}
    founders = np.array(
        [(f[0], f[2]) not in ids and (f[0], f[3]) not in ids for f in fam], dtype=np.bool_
    )
    n = len(fam)
    bytes_per = (n + 3) // 4
    bed_path = Path(base + ".bed")
    with bed_path.open("rb") as handle:
        magic = handle.read(3)
    if magic != _MAGIC:
        raise AlsatlasInputError(
            "not a variant-major PLINK 1 .bed file (bad magic bytes)", file=str(bed_path)
        )
    expected = 3 + bytes_per * bim.height
    if bed_path.stat().st_size != expected:
        raise AlsatlasInputError(
            f".bed size {bed_path.stat().st_size} does not match {bim.height} variants × "
            f"{n} samples ({expected} bytes)",
            file=str(bed_path),
        )
    bed = np.memmap(bed_path, dtype=np.uint8, mode="r", offset=3, shape=(bim.height, bytes_per))
    return BedPanel(prefix=base, variants=bim, founders=founders, n_samples=n, _bed=bed)


__all__ = ["BedPanel", "read_bed"]
