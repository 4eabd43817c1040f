"""Benchmark: an MR scan of 1,000 pairs from small files, serially and on dask.distributed.

50 exposure files × 20 outcome files (synthetic GWAS-SSF, ``--rows`` variants each, gzip;
``scan_synthetic.py``), IVW + MR-Egger + weighted median per pair. Timed in one run:

1. serial, in this process (no Dask): the reference;
2. a LocalCluster of 1 worker process and one of 2 (each warmed up by a small scan first, so
   imports are not counted; cluster start-up is reported apart);

interleaved ``--repeats`` times, best time of each kept (the machine may be shared).

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
    parser.add_argument("--repeats", type=int, default=2)
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
        logging.getLogger("distributed").setLevel(logging.ERROR)
        print(f"{n} pairs, {args.rows} variants per file, cores available: {os.cpu_count()}")
        print("load average at start: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))

        clients = {}
        for workers in (1, 2):
            t = time.perf_counter()
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                host="127.0.0.1",
                dashboard_address=":0",  # any free port: concurrent clusters never clash on 8787
                silence_logs=logging.ERROR,
                env={"POLARS_MAX_THREADS": str(max(1, (os.cpu_count() or 1) // workers))},
            )
            clients[workers] = Client(cluster)
            run_scan(warm, params, root / f"warm{workers}.parquet", client=clients[workers])
            print(f"cluster of {workers}: start-up and warm-up {time.perf_counter() - t:.1f} s")
        best: dict[str, float] = {}
        for r in range(args.repeats):  # interleaved, best of each: the machine may be shared
            for name, client in (
                ("serial", None),
                ("1 worker", clients[1]),
                ("2 workers", clients[2]),
            ):
                out = root / f"{name.replace(' ', '_')}.{r}.parquet"
                t = time.perf_counter()
                if client is None:
                    run_scan(pairs, params, out, workers=1)
                else:
                    run_scan(pairs, params, out, client=client)
                best[name] = min(best.get(name, float("inf")), time.perf_counter() - t)
                assert pl.read_parquet(out).equals(pl.read_parquet(root / "serial.0.parquet"))
        for client in clients.values():
            cluster = client.cluster
            client.close()
            cluster.close()
        for name, seconds in best.items():
            print(f"{name:10s} {seconds:7.2f} s  ({1000 * seconds / n:.1f} ms per pair)")
        times = {1: best["1 worker"], 2: best["2 workers"]}
        serial = best["serial"]
        ratio = times[1] / times[2]
        overhead = 1000 * (times[1] - serial) / n
        print(f"2 workers vs 1: {ratio:.2f}x (goal >= {RATIO_GOAL}x)")
        print(
            f"per-pair overhead on the cluster: {overhead:.1f} ms (goal <= {OVERHEAD_GOAL_MS} ms)"
        )
        print("results identical across serial, 1-worker and 2-worker runs: yes")
        print("load average at end: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
