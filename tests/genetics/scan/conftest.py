"""Shared inputs of the scan tests: small synthetic trait files (see ``scan_data.py``) and the
results of one serial scan over them, the reference every other execution must reproduce."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest
from scan_data import write_trait, write_traits

from alsatlas.genetics.scan import ScanPair, ScanParams, expand_sources, plan_pairs, run_scan


@dataclass(frozen=True)
class ScanCase:
    root: Path
    exposures: list[str]
    outcomes: list[str]
    pairs: tuple[ScanPair, ...]
    params: ScanParams
    serial: pl.DataFrame


@pytest.fixture(scope="session")
def scan_case(tmp_path_factory: pytest.TempPathFactory) -> ScanCase:
    root = tmp_path_factory.mktemp("scan")
    write_traits(root / "immune", "cell", 5, seed=11)
    write_trait(root / "immune" / "cell005.tsv.gz", 16, gzipped=True)
    write_traits(root / "als", "als", 2, seed=101)
    exposures = [str(root / "immune"), "set:ieu-a-1085"]
    outcomes = [str(root / "als" / "*.tsv")]
    pairs = plan_pairs(
        expand_sources(exposures, role="exposures"),
        expand_sources(outcomes, role="outcomes"),
        both_directions=True,
    )
    params = ScanParams()
    out = root / "serial.parquet"
    run_scan(pairs, params, out, workers=1)
    return ScanCase(root, exposures, outcomes, pairs, params, pl.read_parquet(out))
