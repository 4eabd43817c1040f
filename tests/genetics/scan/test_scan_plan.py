"""Scan inputs and pairs: files, folders, globs, shipped sets; directions; chunks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from scan_data import write_traits

from alsatlas.errors import AlsatlasInputError
from alsatlas.genetics.instruments import list_exposure_sets
from alsatlas.genetics.scan import chunk_pairs, expand_sources, plan_pairs


def test_expand_files_folders_globs_and_sets(tmp_path: Path) -> None:
    files = write_traits(tmp_path / "a", "t", 3, seed=1)
    (tmp_path / "a" / ".hidden").write_text("x")
    folder = expand_sources([str(tmp_path / "a")], role="exposures")
    assert [s.label for s in folder] == ["t000.tsv", "t001.tsv", "t002.tsv"]
    globbed = expand_sources([str(tmp_path / "a" / "t00[12].tsv")], role="exposures")
    assert [s.key for s in globbed] == [str(f.resolve()) for f in files[1:]]
    both = expand_sources([str(files[0]), str(tmp_path / "a")], role="exposures")
    assert len(both) == 3  # each source once
    sets = expand_sources(["set:ALS", "set:all"], role="exposures")
    assert sets[0].key == "set:ieu-a-1085" and sets[0].kind == "set"
    assert len(sets) == len(list_exposure_sets())


@pytest.mark.parametrize("item", ["missing.tsv", "nothing/*.tsv", "set:no such trait"])
def test_expand_refuses_what_names_nothing(tmp_path: Path, item: str) -> None:
    (tmp_path / "nothing").mkdir()
    with pytest.raises(AlsatlasInputError):
        expand_sources([str(tmp_path / item) if not item.startswith("set:") else item], role="x")


def test_pairs_both_directions_without_self_or_set_outcomes(tmp_path: Path) -> None:
    write_traits(tmp_path / "e", "e", 3, seed=1)
    write_traits(tmp_path / "o", "o", 2, seed=9)
    exp = expand_sources([str(tmp_path / "e"), "set:RA"], role="exposures")
    out = expand_sources([str(tmp_path / "o"), str(tmp_path / "e" / "e000.tsv")], role="outcomes")
    forward = plan_pairs(exp, out)
    assert len(forward) == 4 * 3 - 1  # e000 → e000 left out
    pairs = plan_pairs(exp, out, both_directions=True)
    keys = {(p.exposure.label, p.outcome.label, p.direction) for p in pairs}
    assert ("o000.tsv", "e001.tsv", "reverse") in keys
    assert not any(p.outcome.kind == "set" for p in pairs)
    # e001 → e000 (forward) and e000 → e001 (reverse) are distinct; no pair twice
    assert len({(p.exposure.key, p.outcome.key) for p in pairs}) == len(pairs)
    assert len(pairs) == 11 + 8  # reverse: outcomes o000, o001, e000 × files e00x, less e000 → e000
    chunks = chunk_pairs(pairs, 2)
    assert sum(len(c) for c in chunks) == len(pairs)
    assert all(len({p.outcome.key for p in c}) == 1 and len(c) <= 2 for c in chunks)


def test_dask_is_imported_only_by_a_cluster_scan() -> None:
    code = (
        "import sys, alsatlas.cli, alsatlas.genetics.scan; "
        "print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
