"""regtest against metafor 3.8 ``regtest()`` over 30 metadat datasets.

Expected values: tests/reference/metafor/diagnostics_reference.json, made by
tests/reference/metafor/make_diagnostics_reference.R: ``regtest(fit)`` (``model = "rma"``,
``predictor = "sei"``) for ``fit <- rma(yi, vi, method, test)`` with REML/z, DL/z and
REML/knha, and ``regtest(fit, model = "lm")`` (classic Egger test).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from alsatlas.errors import StatsInputError
from alsatlas.stats.regtest import regtest

REFERENCE = Path(__file__).parents[1] / "reference" / "metafor" / "diagnostics_reference.json"
DATASETS: dict[str, Any] = json.loads(REFERENCE.read_text())["datasets"]
RTOL = 1e-6
CASES = [
    (name, config)
    for name in sorted(DATASETS)
    for config, entry in DATASETS[name]["fits"].items()
    if "error" not in entry["regtest"]
]


def _check(res: Any, ref: dict[str, Any]) -> None:
    np.testing.assert_allclose(res.stat, ref["stat"], rtol=RTOL)
    np.testing.assert_allclose(res.pval, ref["pval"], rtol=RTOL, atol=1e-14)
    assert res.ddf == ref["ddf"]
    np.testing.assert_allclose(res.est, ref["est"], rtol=RTOL, atol=1e-10)
    np.testing.assert_allclose([res.ci_lb, res.ci_ub], [ref["ci_lb"], ref["ci_ub"]], rtol=RTOL)


@pytest.mark.parametrize(("name", "config"), CASES, ids=[f"{n}-{c}" for n, c in CASES])
def test_regtest_rma_matches_metafor(name: str, config: str) -> None:
    data = DATASETS[name]
    entry = data["fits"][config]
    res = regtest(data["yi"], data["vi"], method=entry["method"], test=entry["test"])
    _check(res, entry["regtest"])


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_regtest_lm_matches_metafor(name: str) -> None:
    data = DATASETS[name]
    res = regtest(data["yi"], data["vi"], model="lm")
    _check(res, data["regtest_lm"])


MODERATORS: dict[str, Any] = json.loads(REFERENCE.read_text())["moderators"]
MOD_CASES = [(name, config) for name in sorted(MODERATORS) for config in MODERATORS[name]["fits"]]


@pytest.mark.parametrize(("name", "config"), MOD_CASES, ids=[f"{n}-{c}" for n, c in MOD_CASES])
def test_regtest_with_moderators_matches_metafor(name: str, config: str) -> None:
    data = MODERATORS[name]
    entry = data["fits"][config]
    mods = np.column_stack(data["mods"])
    for model in ("rma", "lm"):
        ref = entry["regtest" if model == "rma" else "regtest_lm"]
        res = regtest(
            data["yi"], data["vi"], mods=mods, model=model, method=entry["method"],
            test=entry["test"],
        )  # fmt: skip
        np.testing.assert_allclose(res.stat, ref["stat"], rtol=RTOL)
        np.testing.assert_allclose(res.pval, ref["pval"], rtol=RTOL, atol=1e-14)
        assert res.ddf == ref["ddf"]
        assert res.est is None and ref["est"] is None


def test_reference_cases_cover_every_dataset_and_config() -> None:
    assert len(CASES) == 3 * len(DATASETS)


def test_limit_estimate_only_for_precision_predictors() -> None:
    data = DATASETS["bcg"]
    res = regtest(data["yi"], data["vi"], predictor="sqrtni", ni=np.arange(13) + 20.0)
    assert res.est is None and res.ci_lb is None
    peese = regtest(data["yi"], data["vi"], predictor="vi")
    assert peese.est is not None


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"model": "glm"}, "unknown model"),
        ({"predictor": "se"}, "unknown predictor"),
        ({"predictor": "ni"}, "needs the sample sizes"),
        ({"yi": [0.1, 0.2], "vi": [0.1, 0.2]}, "at least 3"),
        ({"vi": [0.1, 0.1, 0.1, 0.1]}, "constant"),
    ],
)
def test_bad_input(kwargs: dict[str, Any], pattern: str) -> None:
    args: dict[str, Any] = {"yi": [0.1, 0.5, 0.2, 0.9], "vi": [0.1, 0.2, 0.3, 0.4]}
    args.update(kwargs)
    with pytest.raises(StatsInputError, match=pattern):
        regtest(args.pop("yi"), args.pop("vi"), **args)
