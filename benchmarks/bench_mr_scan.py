"""Benchmark: an MR scan of 1,000 pairs from small files, serially and on dask.distributed.

50 exposure files × 20 outcome files (synthetic GWAS-SSF, ``--rows`` variants each, gzip;
``scan_synthetic.py``), IVW + MR-Egger + weighted median per pair. Timed in one run:

1. serial, in this process (no Dask): the reference;
2. a LocalCluster of 1 worker process, then of 2 (each warmed up by a small scan first, so
   imports are not counted; cluster start-up is reported apart).

Printed: 2 workers vs 1 worker (goal ≥ 1.7×; needs two free cores) and the per-pair overhead of
the cluster, (1-worker cluster time − serial time) / pairs (goal ≤ 20 ms). Results of the three
runs are checked identical.  Run: ``python benchmarks/bench_mr_scan.py [--rows 300]``.
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from pathlib import Path

import polars as pl
from scan_synthetic import universe, write_gwas

from alsatlas.genetics.scan import ScanParams, expand_sources, plan_pairs, run_scan

RATIO_GOAL = 1.7
OVERHEAD_GOAL_MS = 20.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--exposures", type=int, default=50)
    parser.add_argument("--outcomes", type=int, default=20)
    parser.add_argument("--rows", type=int, default=300)
    args = parser.parse_args()
    from distributed import Client, LocalCluster

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        variants = universe(args.rows)
        (root / "e").mkdir()
        (root / "o").mkdir()
        for i in range(args.exposures):
            write_gwas(root / "e" / f"exp{i:03d}.tsv.gz", variants, 1000 + i)
        for i in range(args.outcomes):
            write_gwas(root / "o" / f"out{i:03d}.tsv.gz", variants, 5000 + i, n_strong=0)
        pairs = plan_pairs(
            expand_sources([str(root / "e")], role="e"), expand_sources([str(root / "o")], role="o")
        )
        warm = pairs[:4]
        params = ScanParams()
        n = len(pairs)
        print(f"{n} pairs, {args.rows} variants per file, cores available: {os.cpu_count()}")

        t = time.perf_counter()
        run_scan(pairs, params, root / "serial.parquet", workers=1)
        serial = time.perf_counter() - t
        print(f"serial (no Dask):   {serial:7.2f} s  ({1000 * serial / n:.1f} ms per pair)")

        times: dict[int, float] = {}
        for workers in (1, 2):
            t = time.perf_counter()
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            client = Client(cluster)
            run_scan(warm, params, root / f"warm{workers}.parquet", client=client)
            start_up = time.perf_counter() - t
            t = time.perf_counter()
            run_scan(pairs, params, root / f"cluster{workers}.parquet", client=client)
            times[workers] = time.perf_counter() - t
            client.close()
            cluster.close()
            print(
                f"cluster, {workers} worker{'s' if workers > 1 else ' '}: {times[workers]:7.2f} s"
                f"  (start-up and warm-up {start_up:.1f} s, not counted)"
            )
        reference = pl.read_parquet(root / "serial.parquet")
        for workers in (1, 2):
            assert pl.read_parquet(root / f"cluster{workers}.parquet").equals(reference)
        ratio = times[1] / times[2]
        overhead = 1000 * (times[1] - serial) / n
        print(f"2 workers vs 1: {ratio:.2f}x (goal >= {RATIO_GOAL}x)")
        print(
            f"per-pair overhead on the cluster: {overhead:.1f} ms (goal <= {OVERHEAD_GOAL_MS} ms)"
        )
        print("results identical across serial, 1-worker and 2-worker runs: yes")


if __name__ == "__main__":
    main()
