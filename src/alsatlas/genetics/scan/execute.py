"""Running a scan: serially in this process, or on a Dask cluster (``dask.distributed``).

- ``workers`` ≤ 1 and no scheduler: chunks run one after another here, without Dask.
- ``workers`` = N > 1: a local cluster of N single-threaded worker processes is started on the
  loopback interface for the scan and closed after it.
- ``scheduler="tcp://HOST:PORT"``: the chunks go to an existing cluster; its workers must be
  able to import alsatlas and read the files by the same paths.

A task is one chunk of pairs (:func:`~alsatlas.genetics.scan.plan.chunk_pairs`) that share an
outcome; only paths and settings are sent, and each task returns a small table. When a worker
dies, the scheduler runs its chunks again elsewhere (Dask's own recovery); a chunk that still
fails is recorded as ``error`` for its pairs, which the next run of the scan retries. Dask is
imported only here, and only for a cluster run.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from alsatlas.errors import AlsatlasInputError
from alsatlas.genetics.scan.analysis import RESULT_SCHEMA, run_chunk
from alsatlas.genetics.scan.plan import ScanPair, ScanParams, chunk_pairs
from alsatlas.genetics.scan.store import merge_results, pair_keys, read_results, write_results

ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(pairs_done, pairs_total)`` after each chunk."""

FLUSH_SECONDS = 2.0
"""Finished chunks are written at most this often (and always at the end or on interruption)."""


@dataclass(frozen=True)
class ScanSummary:
    """What a run of a scan did.

    Attributes
    ----------
    path
        The results file.
    n_pairs
        Pairs in the scan.
    n_skipped
        Pairs found settled in the results file and not run again.
    n_run
        Pairs run now.
    n_error
        Pairs with status ``error`` in the results file after this run.
    seconds
        Wall time of this run.
    executor
        ``"serial"``, ``"local cluster (N workers)"`` or ``"scheduler ADDRESS"``.
    """

    path: Path
    n_pairs: int
    n_skipped: int
    n_run: int
    n_error: int
    seconds: float
    executor: str


def default_workers() -> int:
    """One worker process per CPU core available to this process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def default_chunk_size(n_pairs: int, n_workers: int) -> int:
    """About four chunks per worker, 1 to 64 pairs each."""
    return max(1, min(64, math.ceil(n_pairs / max(1, 4 * n_workers))))


def _error_frame(chunk: Sequence[ScanPair], reason: str) -> pl.DataFrame:
    rows = [
        {
            **dict.fromkeys(RESULT_SCHEMA),
            "direction": p.direction,
            "exposure": p.exposure.label,
            "outcome": p.outcome.label,
            "exposure_source": p.exposure.key,
            "outcome_source": p.outcome.key,
            "status": "error",
            "reason": reason,
        }
        for p in chunk
    ]
    return pl.DataFrame(rows, schema=RESULT_SCHEMA)


def _serial(chunks: list[tuple[ScanPair, ...]], params: ScanParams) -> Iterator[pl.DataFrame]:
    for chunk in chunks:
        yield run_chunk(chunk, params)


def _on_cluster(
    client: Any, chunks: list[tuple[ScanPair, ...]], params: ScanParams
) -> Iterator[pl.DataFrame]:
    from distributed import as_completed

    futures = {
        client.submit(run_chunk, chunk, params, pure=False, key=f"alsatlas-scan-chunk-{i}"): chunk
        for i, chunk in enumerate(chunks)
    }
    try:
        for future in as_completed(list(futures)):  # type: ignore[no-untyped-call]
            try:
                yield future.result()
            except Exception as exc:  # e.g. KilledWorker after repeated worker deaths
                yield _error_frame(futures[future], f"{type(exc).__name__}: {exc}")
    finally:
        client.cancel(list(futures))


def run_scan(
    pairs: Sequence[ScanPair],
    params: ScanParams,
    out: str | Path,
    *,
    workers: int | None = 1,
    scheduler: str | None = None,
    chunk_size: int | None = None,
    progress: ProgressCallback | None = None,
    client: Any = None,
    flush_seconds: float = FLUSH_SECONDS,
) -> ScanSummary:
    """Run every pair not yet settled in ``out`` and write the results there.

    Parameters
    ----------
    pairs
        The scan (:func:`~alsatlas.genetics.scan.plan.plan_pairs`).
    params
        Settings of every pair; must equal those stored in ``out`` when it exists.
    out
        Results file (Parquet); created, or resumed when it exists.
    workers
        Worker processes of a local cluster; 0 or 1 runs serially without Dask; None means one
        per core (:func:`default_workers`).
    scheduler
        Address of an existing Dask scheduler (``tcp://HOST:PORT``); overrides ``workers``.
    chunk_size
        Pairs per task (default: :func:`default_chunk_size`).
    progress
        Optional ``progress(pairs_done, pairs_total)``.
    client
        An existing ``distributed.Client`` to use instead of ``workers``/``scheduler``.
    flush_seconds
        Least time between two writes of the results file while the scan runs.

    Raises
    ------
    AlsatlasInputError
        ``out`` is not a results file, or holds a scan with other settings; the scheduler
        cannot be reached.
    """
    start = time.perf_counter()
    target = Path(out)
    params_json = params.to_json()
    existing = read_results(target, params_json)
    settled = pair_keys(existing, settled_only=True)
    todo = [p for p in pairs if p.key not in settled]
    n_workers = default_workers() if workers is None else max(0, workers)
    distributed_run = client is not None or scheduler is not None or n_workers > 1
    size = chunk_size or default_chunk_size(len(todo), n_workers if distributed_run else 1)
    chunks = chunk_pairs(todo, size)
    total, done = len(pairs), len(pairs) - len(todo)
    if progress is not None:
        progress(done, total)

    results = existing
    pending: list[pl.DataFrame] = []
    last_write = time.monotonic()

    def flush(complete: bool) -> None:
        nonlocal results, pending, last_write
        if pending or complete:
            new = (
                pl.concat(pending, how="vertical")
                if pending
                else pl.DataFrame(schema=RESULT_SCHEMA)
            )
            results = merge_results(results, new)
            write_results(target, results, params_json, complete=complete)
            pending, last_write = [], time.monotonic()

    owned: list[Any] = []
    executor = "serial"
    try:
        if not chunks:
            stream: Iterator[pl.DataFrame] = iter(())
        elif not distributed_run:
            stream = _serial(chunks, params)
        else:
            if client is None:
                client, executor = _connect(scheduler, n_workers, owned)
            else:
                executor = "client"
            stream = _on_cluster(client, chunks, params)
        for frame in stream:
            pending.append(frame)
            done += len(pair_keys(frame))
            if progress is not None:
                progress(done, total)
            if time.monotonic() - last_write >= flush_seconds:
                flush(complete=False)
        flush(complete=True)
    finally:
        if pending:
            flush(complete=False)
        for thing in reversed(owned):
            thing.close()
    n_error = int(
        results.filter(pl.col("status") == "error")
        .select("exposure_source", "outcome_source", "direction")
        .unique()
        .height
    )
    return ScanSummary(
        path=target,
        n_pairs=total,
        n_skipped=total - len(todo),
        n_run=len(todo),
        n_error=n_error,
        seconds=time.perf_counter() - start,
        executor=executor,
    )


def _connect(scheduler: str | None, n_workers: int, owned: list[Any]) -> tuple[Any, str]:
    """A client of ``scheduler``, or of a new local cluster of ``n_workers`` processes."""
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=30)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as exc:
            raise AlsatlasInputError(
                f"cannot reach the Dask scheduler: {exc}", field="scheduler"
            ) from exc
        owned.append(client)
        return client, f"scheduler {scheduler}"
    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=n_workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=":0",  # any free port: concurrent clusters never clash on 8787
        silence_logs=logging.ERROR,
        # one polars thread pool per core, not per worker and core
        env={"POLARS_MAX_THREADS": str(max(1, default_workers() // n_workers))},
    )
    owned.append(cluster)
    client = Client(cluster)  # type: ignore[no-untyped-call]
    owned.append(client)
    return client, f"local cluster ({n_workers} workers)"


__all__ = [
    "FLUSH_SECONDS",
    "ScanSummary",
    "default_chunk_size",
    "default_workers",
    "run_scan",
]
