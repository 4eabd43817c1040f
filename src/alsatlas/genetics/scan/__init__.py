"""Phenome-wide MR scans: every exposure × outcome pair of many files, serially or on Dask.

- :mod:`.plan`: inputs (files, folders, globs, shipped sets), pairs, settings;
- :mod:`.analysis`: one chunk of pairs, in whichever process runs it;
- :mod:`.store`: the Parquet results file (atomic rewrites, resume, adjusted p-values);
- :mod:`.execute`: serial or ``dask.distributed`` execution.
"""

from alsatlas.genetics.scan.analysis import DEFAULT_METHODS, RESULT_SCHEMA, STATUSES, run_chunk
from alsatlas.genetics.scan.execute import ScanSummary, default_workers, run_scan
from alsatlas.genetics.scan.plan import (
    ScanPair,
    ScanParams,
    ScanSource,
    chunk_pairs,
    expand_sources,
    plan_pairs,
)
from alsatlas.genetics.scan.store import finalise, read_results

__all__ = [
    "DEFAULT_METHODS",
    "RESULT_SCHEMA",
    "STATUSES",
    "ScanPair",
    "ScanParams",
    "ScanSource",
    "ScanSummary",
    "chunk_pairs",
    "default_workers",
    "expand_sources",
    "finalise",
    "plan_pairs",
    "read_results",
    "run_chunk",
    "run_scan",
]
