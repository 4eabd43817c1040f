"""Scans on dask.distributed: a LocalCluster of two worker processes and a scheduler/worker
started as separate processes on 127.0.0.1 give results identical, bit for bit, to a serial
scan (see ``conftest.py``); a worker killed mid-scan loses no pair; a bad file fails its own
pairs only."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from conftest import ScanCase

from alsatlas.genetics.scan import expand_sources, plan_pairs, run_scan

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=":0",  # any free port: concurrent clusters never clash on 8787
        silence_logs=logging.ERROR,
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def test_local_cluster_matches_serial_bit_for_bit(
    scan_case: ScanCase, client: Any, tmp_path: Path
) -> None:
    out = tmp_path / "cluster.parquet"
    summary = run_scan(scan_case.pairs, scan_case.params, out, client=client, chunk_size=2)
    assert summary.n_run == len(scan_case.pairs)
    assert pl.read_parquet(out).equals(scan_case.serial)
    assert out.read_bytes() == (scan_case.root / "serial.parquet").read_bytes()


def test_killed_worker_loses_nothing(scan_case: ScanCase, client: Any, tmp_path: Path) -> None:
    pids: dict[str, int] = client.run(os.getpid)
    killed: list[int] = []

    def kill_a_busy_worker(done: int, total: int) -> None:
        if killed or done == 0:
            return
        busy = [addr for addr, keys in client.processing().items() if keys] or list(pids)
        pid = pids[busy[0]]
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    out = tmp_path / "killed.parquet"
    run_scan(
        scan_case.pairs,
        scan_case.params,
        out,
        client=client,
        chunk_size=1,
        progress=kill_a_busy_worker,
        flush_seconds=0.0,
    )
    assert killed, "no worker was killed"
    assert pl.read_parquet(out).equals(scan_case.serial)
    client.wait_for_workers(2, timeout=60)  # the nanny restarts it for the next test
    assert killed[0] not in client.run(os.getpid).values()


def test_bad_file_on_cluster(scan_case: ScanCase, client: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_bytes(b"\x1f\x8b\x08 not really gzip")
    pairs = plan_pairs(
        expand_sources([str(scan_case.root / "immune"), str(bad)], role="e"),
        expand_sources(scan_case.outcomes, role="o"),
    )
    out = tmp_path / "bad.parquet"
    summary = run_scan(pairs, scan_case.params, out, client=client, chunk_size=2)
    r = pl.read_parquet(out)
    failed = r.filter(pl.col("status") == "error")
    assert summary.n_error == 2 and set(failed.get_column("exposure")) == {"bad.tsv"}
    assert all("gzip" in reason and "bad.tsv" in reason for reason in failed["reason"])
    ok = r.filter(pl.col("status") == "ok")
    assert ok.select("exposure").unique().height == 6


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _dask(*args: str) -> list[str]:
    exe = shutil.which("dask", path=str(Path(sys.executable).parent)) or shutil.which("dask")
    return [exe, *args] if exe else [sys.executable, "-m", "dask", *args]


def test_cli_on_scheduler_started_here(scan_case: ScanCase, tmp_path: Path) -> None:
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    scheduler = subprocess.Popen(
        _dask("scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"), **quiet
    )
    worker = subprocess.Popen(
        [
            *_dask("worker", address, "--no-nanny", "--nthreads", "1", "--no-dashboard"),
            "--host",
            "127.0.0.1",
        ],
        **quiet,
    )
    try:
        with distributed.Client(address, timeout=60) as c:
            c.wait_for_workers(1, timeout=60)
        out = tmp_path / "scheduler.parquet"
        cmd = [sys.executable, "-c", "from alsatlas.cli import main; main()", "mr", "scan"]
        cmd += ["--exposures", *scan_case.exposures, "--outcomes", *scan_case.outcomes]
        cmd += ["--out", str(out), "--scheduler", address, "--both-directions"]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, done.stderr
        assert f"scheduler {address}" in done.stdout
        assert pl.read_parquet(out).equals(scan_case.serial)
    finally:
        worker.kill()  # a single process (no nanny): nothing is left behind
        worker.wait()
        scheduler.terminate()
        try:
            scheduler.wait(timeout=20)
        except subprocess.TimeoutExpired:
            scheduler.kill()
            scheduler.wait()
