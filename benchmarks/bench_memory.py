"""Peak memory of whole ``alsatlas`` processes against the size of their input.

- ``alsatlas meta`` on k = 10^4, 10^5 and 10^6 estimates (REML, the default; one CSV of
  ``yi, vi`` per k): peak RSS beside the input size. Goal: O(k), i.e. the RSS above the
  start-up floor grows no faster than k.
- ``alsatlas mr`` with 100 instruments against a synthetic outcome summary-statistics file of
  ``--rows`` rows (default 10,000,000; gzip): peak RSS. Goal: <= 1 GB, whatever the file size.

Peak RSS is the child's maximum resident set (``getrusage``), read for each run in a fresh
process. Also printed: ``alsatlas version`` as the floor every command pays. Inputs are
generated under a temporary folder (seeded), nothing is downloaded.

    .venv/bin/python benchmarks/bench_memory.py [--ks 10000,100000,1000000] [--rows 10000000]
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ALSATLAS = str(Path(sys.executable).with_name("alsatlas"))


def peak_rss_mib(argv: list[str]) -> tuple[float, float, int]:
    """(peak RSS in MiB, wall seconds, exit code) of one run of ``argv`` in a fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return usage.ru_maxrss / 1024, wall, os.waitstatus_to_exitcode(status)


def write_meta_csv(path: Path, k: int, rng: np.random.Generator) -> None:
    vi = rng.uniform(0.01, 0.2, k)
    yi = rng.normal(0.2, np.sqrt(vi + 0.05))
    with path.open("w") as f:
        f.write("yi,vi\n")
        for start in range(0, k, 100_000):
            chunk = np.column_stack([yi[start : start + 100_000], vi[start : start + 100_000]])
            f.write("".join(f"{a:.6g},{b:.6g}\n" for a, b in chunk))


def write_sumstats(outcome: Path, exposure: Path, rows: int, rng: np.random.Generator) -> None:
    """A gzip outcome file of ``rows`` variants (rs1..rsN) and 100 exposure instruments."""
    alleles = np.array(list("ACGT"))
    with gzip.open(outcome, "wt", compresslevel=1) as f:
        f.write("SNP\tA1\tA2\tBETA\tSE\tP\n")
        for start in range(1, rows + 1, 500_000):
            n = min(500_000, rows + 1 - start)
            ids = np.arange(start, start + n)
            a1 = alleles[rng.integers(0, 4, n)]
            a2 = alleles[(np.searchsorted(alleles, a1) + 1) % 4]
            beta = rng.normal(0, 0.02, n)
            se = rng.uniform(0.005, 0.03, n)
            f.write(
                "".join(
                    f"rs{i}\t{x}\t{y}\t{b:.5f}\t{s:.5f}\t0.5\n"
                    for i, x, y, b, s in zip(ids, a1, a2, beta, se, strict=True)
                )
            )
    picks = rng.choice(np.arange(1, rows + 1), size=100, replace=False)
    with exposure.open("w") as f:
        f.write("SNP\tA1\tA2\tBETA\tSE\tP\n")
        for i in picks:
            f.write(f"rs{i}\tA\tC\t{rng.normal(0.05, 0.01):.5f}\t0.005\t1e-10\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ks", default="10000,100000,1000000")
    parser.add_argument("--rows", type=int, default=10_000_000)
    args = parser.parse_args()
    rng = np.random.default_rng(20261202)
    floor, _, _ = peak_rss_mib([ALSATLAS, "version"])
    print(f"alsatlas version (floor): {floor:7.0f} MiB")
    with tempfile.TemporaryDirectory(prefix="alsatlas-bench-memory-") as tmp:
        folder = Path(tmp)
        for k in (int(x) for x in args.ks.split(",")):
            csv = folder / f"k{k}.csv"
            write_meta_csv(csv, k, rng)
            rss, wall, code = peak_rss_mib(
                [ALSATLAS, "meta", str(csv), "--yi", "yi", "--vi", "vi", "--format", "json"]
            )
            size = csv.stat().st_size / 2**20
            print(
                f"meta k = {k:>9,}: input {size:7.1f} MiB, peak RSS {rss:7.0f} MiB "
                f"({(rss - floor) / k * 2**20:8.0f} bytes per estimate above the floor), "
                f"{wall:6.1f} s, exit {code}"
            )
        if args.rows:
            outcome, exposure = folder / "outcome.tsv.gz", folder / "exposure.tsv"
            write_sumstats(outcome, exposure, args.rows, rng)
            rss, wall, code = peak_rss_mib(
                [ALSATLAS, "mr", "--exposure", str(exposure), "--outcome", str(outcome),
                 "--methods", "ivw", "--format", "json"]
            )  # fmt: skip
            size = outcome.stat().st_size / 2**20
            verdict = "ok" if rss <= 1024 and code == 0 else "MISSED"
            print(
                f"mr, {args.rows:,}-row outcome ({size:.0f} MiB gzip): peak RSS {rss:7.0f} MiB "
                f"(goal <= 1024) {verdict}, {wall:.1f} s, exit {code}"
            )


if __name__ == "__main__":
    main()
