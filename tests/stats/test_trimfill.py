"""trimfill against metafor 3.8 ``trimfill()`` (L0 and R0) over 30 metadat datasets.

Expected values: tests/reference/metafor/diagnostics_reference.json, made by
tests/reference/metafor/make_diagnostics_reference.R:
``trimfill(rma(yi, vi, method, test), estimator = "L0" / "R0", test = test)`` for REML/z,
DL/z and REML/knha. Filled studies, k0, its SE, the side and the refitted model are compared.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from alsatlas.errors import StatsInputError
from alsatlas.stats.trimfill import trimfill

REFERENCE = Path(__file__).parents[1] / "reference" / "metafor" / "diagnostics_reference.json"
DATASETS: dict[str, Any] = json.loads(REFERENCE.read_text())["datasets"]
RTOL = 1e-6
CASES = [
    (name, config, estimator)
    for name in sorted(DATASETS)
    for config in DATASETS[name]["fits"]
    for estimator in ("L0", "R0")
]


@pytest.mark.parametrize(("name", "config", "estimator"), CASES, ids=["-".join(c) for c in CASES])
def test_trimfill_matches_metafor(name: str, config: str, estimator: str) -> None:
    data = DATASETS[name]
    entry = data["fits"][config]
    ref = entry[f"trimfill_{estimator}"]
    res = trimfill(
        data["yi"], data["vi"], method=entry["method"], test=entry["test"], estimator=estimator
    )
    assert res.k0 == ref["k0"]
    assert res.side == ref["side"]
    np.testing.assert_allclose(res.se_k0, ref["se_k0"], rtol=RTOL)
    if estimator == "R0":
        np.testing.assert_allclose(res.p_k0, ref["p_k0"], rtol=RTOL)
    else:
        assert res.p_k0 is None
    np.testing.assert_array_equal(res.fill, ref["fill"])
    np.testing.assert_allclose(res.yi, ref["yi"], rtol=RTOL, atol=1e-10)
    np.testing.assert_allclose(res.vi, ref["vi"], rtol=RTOL)
    fit = res.fit
    np.testing.assert_allclose(fit.estimate, ref["estimate"], rtol=RTOL, atol=1e-10)
    np.testing.assert_allclose(fit.se[0], ref["se"], rtol=RTOL)
    np.testing.assert_allclose(fit.tau2, ref["tau2"], rtol=RTOL, atol=1e-10)
    np.testing.assert_allclose(
        [fit.ci_lb[0], fit.ci_ub[0]], [ref["ci_lb"], ref["ci_ub"]], rtol=RTOL
    )
    np.testing.assert_allclose(fit.pval[0], ref["pval"], rtol=RTOL, atol=1e-14)
    np.testing.assert_allclose(fit.QE, ref["QE"], rtol=RTOL)


def test_reference_has_filled_studies_on_both_sides() -> None:
    refs = [DATASETS[n]["fits"][c][f"trimfill_{e}"] for n, c, e in CASES]
    assert {r["side"] for r in refs if r["k0"] > 0} == {"left", "right"}


def test_side_can_be_forced() -> None:
    data = DATASETS["hackshaw1998"]
    res = trimfill(data["yi"], data["vi"], side="right")
    assert res.side == "right"
    assert np.all(res.yi[res.fill] > np.min(data["yi"]))


def test_trim_down_to_one_study_as_metafor() -> None:
    # R: tf <- trimfill(rma(c(0.1, 0.5, 0.9), c(0.01, 0.02, 0.05))); tf$k0; coef(tf); tf$se
    res = trimfill([0.1, 0.5, 0.9], [0.01, 0.02, 0.05])
    assert res.k0 == 2 and res.side == "left"
    np.testing.assert_allclose(res.se_k0, 1.4881, atol=5e-5)
    np.testing.assert_allclose(res.estimate, 0.1, rtol=1e-6)
    np.testing.assert_allclose(res.fit.se[0], 0.2725, atol=5e-5)
    np.testing.assert_allclose(res.fit.QE, 41.6, rtol=1e-6)


def test_too_few_studies() -> None:
    with pytest.raises(StatsInputError, match="at least 3"):
        trimfill([0.1, 0.5], [0.01, 0.02])


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [({"estimator": "Q1"}, "unknown estimator"), ({"side": "up"}, "side must be")],
)
def test_bad_options(kwargs: dict[str, Any], pattern: str) -> None:
    data = DATASETS["bcg"]
    with pytest.raises(StatsInputError, match=pattern):
        trimfill(data["yi"], data["vi"], **kwargs)


@pytest.mark.parametrize("name", ["hackshaw1998", "li2007", "egger2001", "linde2005"])
def test_mirrored_data_fill_the_other_side(name: str) -> None:
    data = DATASETS[name]
    yi, vi = np.array(data["yi"]), np.array(data["vi"])
    res = trimfill(yi, vi)
    mirrored = trimfill(-yi, vi)
    assert mirrored.k0 == res.k0 and res.k0 > 0
    assert {mirrored.side, res.side} == {"left", "right"}
    np.testing.assert_allclose(mirrored.estimate, -res.estimate, rtol=1e-9)
    np.testing.assert_allclose(np.sort(mirrored.yi), np.sort(-res.yi), rtol=1e-9, atol=1e-12)
