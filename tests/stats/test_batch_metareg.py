"""rma_mods_batch: many meta-regressions at once equal rma() fit by fit (which matches
metafor, tests/stats/test_inference_reference.py), and metafor's bcg ~ ablat directly."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from alsatlas.errors import StatsInputError
from alsatlas.stats import rma
from alsatlas.stats.batch_metareg import METHODS_BATCH_MODS, rma_mods_batch

REF = json.loads(
    (Path(__file__).parents[1] / "reference/metafor/inference_reference.json").read_text()
)


def _rows(seed: int, m: int = 40, n: int = 12, q: int = 2) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n, q))
    vi = rng.uniform(0.01, 0.5, size=(m, n))
    yi = X @ np.array([0.3, -0.2][:q]) + rng.normal(0, np.sqrt(vi + rng.uniform(0, 0.3, (m, 1))))
    k = rng.integers(q + 2, n + 1, size=m)
    for r in range(m):
        yi[r, k[r] :] = np.nan
        vi[r, k[r] :] = np.nan
    return yi, vi, X


@pytest.mark.parametrize("method", METHODS_BATCH_MODS)
@pytest.mark.parametrize("test", ["z", "knha", "adhoc"])
def test_batch_equals_single_fits(method: str, test: str) -> None:
    yi, vi, X = _rows(METHODS_BATCH_MODS.index(method) * 10 + len(test))
    out = rma_mods_batch(yi, vi, X, method=method, test=test)
    for r in range(yi.shape[0]):
        keep = ~np.isnan(yi[r])
        one = rma(yi[r, keep], vi[r, keep], mods=X[r, keep], method=method, test=test)
        np.testing.assert_allclose(out.tau2[r], one.tau2, rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(out.se_tau2[r], one.se_tau2, rtol=1e-7, atol=1e-12)
        for name in ("beta", "se", "pval", "ci_lb", "ci_ub"):
            np.testing.assert_allclose(getattr(out, name)[r], getattr(one, name), rtol=1e-7,
                                       atol=1e-12, err_msg=name)  # fmt: skip
        np.testing.assert_allclose(
            [out.QE[r], out.QM[r], out.QMp[r], out.I2[r]],
            [one.QE, one.QM, one.QMp, one.I2],
            rtol=1e-7,
            atol=1e-12,
        )


@pytest.mark.parametrize(("method", "test"), [("REML", "z"), ("REML", "knha"), ("ML", "z"),
                                              ("EE", "z"), ("REML", "adhoc")])  # fmt: skip
def test_bcg_ablat_matches_metafor(method: str, test: str) -> None:
    d = REF["datasets"]["bcg_ablat"]
    name = f"bcg_ablat {method} {test}" if method == "REML" else f"bcg_ablat {method}"
    ref = next(c for c in REF["cases"] if c["name"] == name)["result"]
    Y = np.array([d["yi"], d["yi"]])
    V = np.array([d["vi"], d["vi"]])
    out = rma_mods_batch(Y, V, np.array(d["mods"]).reshape(-1, 1), method=method, test=test)
    for r in range(2):
        np.testing.assert_allclose(out.beta[r], ref["beta"], rtol=1e-6)
        np.testing.assert_allclose(out.se[r], ref["se"], rtol=1e-6)
        np.testing.assert_allclose([out.tau2[r], out.QE[r], out.QM[r], out.QMp[r]],
                                   [ref["tau2"], ref["QE"], ref["QM"], ref["QMp"]], rtol=1e-6,
                                   atol=1e-12)  # fmt: skip


def test_batch_mods_errors() -> None:
    yi, vi, X = _rows(1, m=3)
    with pytest.raises(StatsInputError) as exc:
        rma_mods_batch(yi, vi, X, method="SJ")
    assert exc.value.field == "method"
    with pytest.raises(StatsInputError) as exc:
        rma_mods_batch(yi, vi, X[:, :5])
    assert exc.value.field == "mods"
    bad = vi.copy()
    bad[1, 0] = -1.0
    with pytest.raises(StatsInputError) as exc:
        rma_mods_batch(yi, bad, X)
    assert exc.value.row == 1


def test_rows_finished_one_by_one_equal_single_fits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows still moving after the vectorised steps are finished by rma's own iteration."""
    import alsatlas.stats.batch_metareg as bm

    monkeypatch.setattr(bm, "FISHER_STEPS", 1)
    yi, vi, X = _rows(5, m=15)
    out = bm.rma_mods_batch(yi, vi, X, method="REML")
    for r in range(yi.shape[0]):
        keep = ~np.isnan(yi[r])
        one = rma(yi[r, keep], vi[r, keep], mods=X[r, keep])
        np.testing.assert_allclose(out.tau2[r], one.tau2, rtol=1e-8, atol=1e-12)
