"""Benchmark: a published-size scan, 731 immune-cell traits × ALS, both directions.

The shape of Orrù et al. 2020 (731 immune-cell GWAS, PMID 32929287) against van Rheenen et al.
2021 ALS (about 10.6 M variants): synthetic GWAS-SSF files, gzip, with ``--rows`` variants each
(default 10,600,000), written by ``scan_synthetic.py`` (no download). Each immune-cell file has
about 15 genome-wide significant variants (its instruments: p ≤ 5e-8, one per 10,000 kb) and
serves as the outcome of the reverse direction (ALS → immune cell); the ALS file holds 15
significant variants.

Printed: the time to write the files (not part of the scan), the scan's total wall time, and the
peak memory, both of the whole process tree (this process + Dask workers, RSS summed, sampled
every 0.2 s) and of its largest single process. ``--n`` and ``--rows`` make smaller cases; a
full case needs ``--n 731 --rows 10600000`` and about 130 GB of disk (``--dir``).

Run: ``python benchmarks/bench_mr_scan_published.py --n 731 [--rows 10600000] [--workers N]``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from pathlib import Path

import polars as pl
import psutil
from scan_synthetic import universe, write_gwas

from alsatlas.genetics.scan import ScanParams, expand_sources, plan_pairs, run_scan


class PeakMemory:
    """Peak RSS of this process and its descendants, sampled in a thread."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.total = 0
        self.single = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        rss = []
        for proc in [me, *me.children(recursive=True)]:
            try:
                rss.append(proc.memory_info().rss)
            except psutil.Error:
                continue
        self.total = max(self.total, sum(rss))
        self.single = max(self.single, max(rss, default=0))

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=731, help="immune-cell traits")
    parser.add_argument("--rows", type=int, default=10_600_000, help="variants per file")
    parser.add_argument("--workers", type=int, default=None, help="default: one per core")
    parser.add_argument("--dir", type=Path, default=None, help="where to write the files")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        root = Path(tmp)
        t = time.perf_counter()
        variants = universe(args.rows)
        als = write_gwas(root / "als_vanrheenen2021_synthetic.tsv.gz", variants, 7, n=138_000.0)
        immune = root / "immune"
        immune.mkdir()
        for i in range(args.n):
            write_gwas(immune / f"orru2020_trait{i:03d}.tsv.gz", variants, 100 + i, n=3_757.0)
        written = time.perf_counter() - t
        size = sum(p.stat().st_size for p in immune.iterdir()) + als.stat().st_size
        print(
            f"{args.n} immune-cell files + 1 ALS file, {args.rows:,} variants each, "
            f"{size / 1e9:.2f} GB gzip, written in {written:.1f} s"
        )
        pairs = plan_pairs(
            expand_sources([str(immune)], role="exposures"),
            expand_sources([str(als)], role="outcomes"),
            both_directions=True,
        )
        out = root / "scan.parquet"
        with PeakMemory() as peak:
            t = time.perf_counter()
            params = ScanParams(instrument_window_kb=10_000.0)  # genome-wide files: prune
            summary = run_scan(pairs, params, out, workers=args.workers)
            total = time.perf_counter() - t
        results = pl.read_parquet(out)
        ok = results.filter(pl.col("status") == "ok").select("exposure", "outcome").unique()
        print(
            f"{summary.n_pairs} pairs ({summary.executor}): {total:.1f} s "
            f"({total / summary.n_pairs:.2f} s per pair); {ok.height} pairs estimated, "
            f"{summary.n_error} failed"
        )
        print(
            f"peak memory: {peak.total / 2**30:.2f} GiB process tree, "
            f"{peak.single / 2**30:.2f} GiB largest process; cores: {os.cpu_count()}"
        )


if __name__ == "__main__":
    main()
