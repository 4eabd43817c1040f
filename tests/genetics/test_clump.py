"""LD clumping matches plink1.9 --clump exactly on the shipped 1000 Genomes EUR panel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from alsatlas.errors import AlsatlasInputError
from alsatlas.genetics.clump import bp_radius, clump, pair_r2
from alsatlas.genetics.plink_bed import read_bed

ROOT = Path(__file__).parents[2]
PANEL = ROOT / "tests" / "genetics" / "data" / "ld_ref_1kg_eur" / "eur"
REF = ROOT / "tests" / "reference" / "clump"
SETTINGS = pl.read_csv(REF / "settings.tsv", separator="\t", infer_schema=False).rows(named=True)


def _plink_clumps(name: str) -> list[tuple[str, set[str]]]:
    out = []
    lines = (REF / f"plink_{name}.clumped").read_text().splitlines()
    for line in lines[1:]:
        fields = line.split()
        if not fields:
            continue
        members = (
            set() if fields[11] == "NONE" else {m.split("(")[0] for m in fields[11].split(",")}
        )
        out.append((fields[2], members))
    return out


@pytest.fixture(scope="module")
def assoc() -> pl.DataFrame:
    return pl.read_csv(REF / "assoc.tsv", separator="\t", infer_schema=False)


@pytest.mark.parametrize("setting", SETTINGS, ids=[s["name"] for s in SETTINGS])
def test_clumps_equal_plink(setting: dict[str, str], assoc: pl.DataFrame) -> None:
    panel = read_bed(PANEL)
    result = clump(
        assoc.get_column("SNP").to_list(),
        assoc.get_column("P").cast(pl.Float64).to_numpy(),
        panel,
        p1=float(setting["p1"]),
        p2=float(setting["p2"]),
        r2=float(setting["r2"]),
        kb=float(setting["kb"]),
    )
    expected = _plink_clumps(setting["name"])
    assert len(expected) > 0
    # same index variants, in the same order (ascending p, ties in .bim order)
    assert result.index_snps == [snp for snp, _ in expected]
    # same members of every clump
    for ours, (snp, members) in zip(result.clumps, expected, strict=True):
        assert set(ours.members) == members, snp


def test_pair_r2_perfect_and_independent() -> None:
    # perfect LD: genotypes identical
    assert pair_r2([10, 0, 0, 0, 20, 0, 0, 0, 10]) == pytest.approx(1.0)
    # independence: table is the outer product of the margins
    margins = np.array([25, 50, 25])
    assert pair_r2(np.outer(margins, margins).ravel().tolist()) == pytest.approx(0.0, abs=1e-12)
    # monomorphic variant: no r²
    assert pair_r2([30, 40, 30, 0, 0, 0, 0, 0, 0]) is None


def test_window_half_width_like_plink() -> None:
    assert bp_radius(250) == 249999
    assert bp_radius(10000) == 9999999


def test_bed_reader_against_panel_counts() -> None:
    panel = read_bed(PANEL)
    assert panel.n_samples == 502 and panel.variants.height == 2020
    g = panel.genotypes(np.array([0, 1, 2019]))
    assert g.shape == (3, 502) and set(np.unique(g)) <= {-1, 0, 1, 2}


def test_bad_panel_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(AlsatlasInputError, match="no such file"):
        read_bed(tmp_path / "nothing")
    for suffix in (".bim", ".fam"):
        (tmp_path / f"x{suffix}").write_bytes((PANEL.parent / f"eur{suffix}").read_bytes())
    (tmp_path / "x.bed").write_bytes(b"\x00\x00\x00")
    with pytest.raises(AlsatlasInputError, match="magic"):
        read_bed(tmp_path / "x")


@pytest.mark.parametrize("kb", [0.0, -1.0, float("nan")])
def test_window_below_one_base_or_not_a_number_is_refused(kb: float) -> None:
    panel = read_bed(PANEL)
    with pytest.raises(AlsatlasInputError, match=r"--kb must be at least 0\.001"):
        clump(["rs1"], [1e-9], panel, kb=kb)
