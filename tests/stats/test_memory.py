"""Memory grows linearly in k: traced peaks (tracemalloc) against bounds proportional to k.

A k x k matrix at the sizes used here would need 8 k^2 bytes (320 GB at k = 200,000; 11.5 MB
at k = 1,200), far above each bound; the bounds are about twice the measured peaks.
"""

from __future__ import annotations

import importlib
import tracemalloc
from collections.abc import Callable

import numpy as np
import pytest

from alsatlas.stats import rma, rma_batch


def _peak(func: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        func()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _data(k: int, seed: int = 5) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    v = rng.uniform(0.01, 0.3, k)
    return rng.normal(0.1, np.sqrt(v + 0.2)), v


@pytest.mark.parametrize("k", [20_000, 200_000])
def test_intercept_model_and_its_ci_are_linear_in_k(k: int) -> None:
    y, v = _data(k)
    peak = _peak(lambda: rma(y, v, method="REML", test="knha").to_dict())  # fit, CI, PI
    assert peak < 160 * k + 2**20  # measured: about 88 bytes per study


def test_moderator_model_is_linear_in_k() -> None:
    k = 100_000
    y, v = _data(k)
    mods = np.random.default_rng(6).normal(size=(k, 2))
    peak = _peak(lambda: rma(y, v, mods=mods, method="PM").confint())
    assert peak < 256 * k + 2**20  # measured: about 130 bytes per study (p = 3)


@pytest.mark.parametrize("name", ["leave1out", "influence"])
def test_leave_one_out_diagnostics_are_chunked(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    module = importlib.import_module(f"alsatlas.stats.{name}")
    monkeypatch.setattr(
        importlib.import_module("alsatlas.stats.leave1out"), "DELETION_CHUNK", 1 << 14
    )
    if name == "influence":
        monkeypatch.setattr(module, "DELETION_CHUNK", 1 << 14)
    k = 1_200
    y, v = _data(k)
    peak = _peak(lambda: getattr(module, name)(y, v))
    assert peak < 4 * 2**20 + 2048 * k  # measured: about 2 MB; one k x k array is 11.5 MB


def test_batch_peak_stays_near_its_input() -> None:
    m, k = 300_000, 10
    rng = np.random.default_rng(7)
    v = rng.uniform(0.01, 0.3, (m, k))
    y = rng.normal(0.0, np.sqrt(v + 0.1))
    peak = _peak(lambda: rma_batch(y, v, method="DL", confint=False))
    # the results alone (weights (m, k) and ~20 vectors of m) are about 1.5x the input
    assert peak < 3.5 * (y.nbytes + v.nbytes)
