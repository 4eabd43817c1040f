"""Benchmark: look up 1,000 instruments in a 10-million-row gzip summary-statistics file.

A synthetic GWAS-SSF file of the size of van Rheenen 2021 ALS (about 10.6 M rows; here 10 M)
is generated once and cached under the temporary directory (``$TMPDIR/alsatlas-bench``). The
floor is the time ``gzip -dc FILE > /dev/null`` takes on the same file: a look-up cannot beat
decompression. Both are timed as the best of ``--repeats`` runs, alternating, on a machine
whose other load is not controlled; the ratio is printed (goal ≤ 1.3).

Run: ``python benchmarks/bench_sumstats_lookup.py [--rows N] [--repeats R]``.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from alsatlas.genetics.lookup import lookup_variants

GOAL_RATIO = 1.3
CHUNK_ROWS = 1_000_000
BASES = np.array(list("ACGT"))


def synthetic_file(rows: int) -> Path:
    """The cached synthetic file with ``rows`` rows (created on first use)."""
    folder = Path(tempfile.gettempdir()) / "alsatlas-bench"
    folder.mkdir(exist_ok=True)
    path = folder / f"sumstats_{rows}_v1.tsv.gz"
    if path.exists():
        return path
    gzip_exe = shutil.which("gzip")
    if gzip_exe is None:
        raise SystemExit("gzip is needed to build the benchmark file")
    tmp = path.with_suffix(".partial")
    rng = np.random.default_rng(20211206)
    print(f"generating {rows:,} rows into {path} (once) ...", flush=True)
    with tmp.open("wb") as out:
        proc = subprocess.Popen([gzip_exe, "-6", "-c"], stdin=subprocess.PIPE, stdout=out)
        assert proc.stdin is not None
        for start in range(0, rows, CHUNK_ROWS):
            n = min(CHUNK_ROWS, rows - start)
            ea = BASES[rng.integers(0, 4, n)]
            oa = BASES[(rng.integers(1, 4, n) + np.searchsorted(BASES, ea)) % 4]
            chunk = pl.DataFrame(
                {
                    "chromosome": np.sort(rng.integers(1, 23, n)),
                    "base_pair_location": rng.integers(10_000, 249_000_000, n),
                    "effect_allele": ea,
                    "other_allele": oa,
                    "beta": rng.normal(0, 0.02, n).round(5),
                    "standard_error": rng.uniform(0.005, 0.08, n).round(5),
                    "effect_allele_frequency": rng.uniform(0.005, 0.995, n).round(4),
                    "p_value": rng.uniform(0, 1, n).round(6),
                    "rsid": np.char.add("rs", np.arange(start + 1, start + n + 1).astype(str)),
                    "n": np.full(n, 138086),
                }
            )
            proc.stdin.write(chunk.write_csv(separator="\t", include_header=start == 0).encode())
        proc.stdin.close()
        if proc.wait() != 0:
            raise SystemExit("gzip failed")
    tmp.rename(path)
    return path


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def time_floor(path: Path) -> tuple[float, float]:
    c0, t0 = _cpu(), time.perf_counter()
    subprocess.run(f"gzip -dc '{path}' > /dev/null", shell=True, check=True)
    return time.perf_counter() - t0, _cpu() - c0


def time_lookup(path: Path, snps: list[str]) -> tuple[float, float, int]:
    c0, t0 = _cpu(), time.perf_counter()
    result = lookup_variants(path, snps)
    return time.perf_counter() - t0, _cpu() - c0, result.found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--instruments", type=int, default=1000)
    args = parser.parse_args()
    path = synthetic_file(args.rows)
    rng = np.random.default_rng(1)
    ids = rng.choice(args.rows, size=args.instruments, replace=False) + 1
    snps = [f"rs{i}" for i in ids]
    size_mb = path.stat().st_size / 1e6
    print(f"file: {path} ({args.rows:,} rows, {size_mb:.0f} MB gzip)")
    floors, lookups, floor_cpu, lookup_cpu = [], [], [], []
    found = 0
    for _ in range(args.repeats):
        wall, cpu = time_floor(path)
        floors.append(wall)
        floor_cpu.append(cpu)
        wall, cpu, found = time_lookup(path, snps)
        lookups.append(wall)
        lookup_cpu.append(cpu)
    floor, lookup = min(floors), min(lookups)
    print(f"gzip -dc > /dev/null (floor): best {floor:.2f} s  runs {[round(x, 2) for x in floors]}")
    print(
        f"lookup_variants ({args.instruments} SNPs, {found} found): best {lookup:.2f} s  "
        f"runs {[round(x, 2) for x in lookups]}"
    )
    ratio = lookup / floor
    verdict = "met" if ratio <= GOAL_RATIO else "NOT met"
    paired = sorted(x / y for x, y in zip(lookups, floors, strict=True))
    print(f"ratio lookup / floor: {ratio:.2f} (goal <= {GOAL_RATIO}: {verdict})")
    print(
        f"per-run ratios (lookup right after its floor run): median {paired[len(paired) // 2]:.2f}"
    )
    print(
        f"CPU seconds (all processes): floor {min(floor_cpu):.2f}, lookup {min(lookup_cpu):.2f}, "
        f"ratio {min(lookup_cpu) / min(floor_cpu):.2f} (when no core is free, wall ≈ CPU)"
    )


if __name__ == "__main__":
    main()
