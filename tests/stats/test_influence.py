"""influence against metafor 3.8 ``influence(rma(yi, vi, method, test))`` over 30 datasets.

Expected values: tests/reference/metafor/diagnostics_reference.json, made by
tests/reference/metafor/make_diagnostics_reference.R (REML/z, DL/z and REML/knha):
``inf$inf$rstudent``, ``dffits``, ``cook.d``, ``cov.r``, ``tau2.del``, ``QE.del``, ``hat``,
``weight``, ``inf$dfbs`` and ``inf$is.infl``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from alsatlas.errors import StatsInputError
from alsatlas.stats.influence import influence

REFERENCE = Path(__file__).parents[1] / "reference" / "metafor" / "diagnostics_reference.json"
DATASETS: dict[str, Any] = json.loads(REFERENCE.read_text())["datasets"]
RTOL = 1e-6
CASES = [(name, config) for name in sorted(DATASETS) for config in DATASETS[name]["fits"]]
FIELDS = (
    "rstudent",
    "dffits",
    "cook_d",
    "cov_r",
    "tau2_del",
    "QE_del",
    "hat",
    "weight",
)


@pytest.mark.parametrize(("name", "config"), CASES, ids=[f"{n}-{c}" for n, c in CASES])
def test_influence_matches_metafor(name: str, config: str) -> None:
    data = DATASETS[name]
    entry = data["fits"][config]
    ref = entry["influence"]
    res = influence(data["yi"], data["vi"], method=entry["method"], test=entry["test"])
    for field in FIELDS:
        np.testing.assert_allclose(
            getattr(res, field), ref[field], rtol=RTOL, atol=1e-9, err_msg=field
        )
    np.testing.assert_allclose(res.dfbetas[:, 0], ref["dfbetas"], rtol=RTOL, atol=1e-9)
    np.testing.assert_array_equal(res.is_infl, ref["is_infl"])


MODERATORS: dict[str, Any] = json.loads(REFERENCE.read_text())["moderators"]
MOD_CASES = [(name, config) for name in sorted(MODERATORS) for config in MODERATORS[name]["fits"]]


@pytest.mark.parametrize(("name", "config"), MOD_CASES, ids=[f"{n}-{c}" for n, c in MOD_CASES])
def test_influence_with_moderators_matches_metafor(name: str, config: str) -> None:
    data = MODERATORS[name]
    entry = data["fits"][config]
    ref = entry["influence"]
    mods = np.column_stack(data["mods"])
    res = influence(data["yi"], data["vi"], mods=mods, method=entry["method"], test=entry["test"])
    for field in FIELDS:
        np.testing.assert_allclose(
            getattr(res, field), ref[field], rtol=RTOL, atol=1e-9, err_msg=field
        )
    np.testing.assert_allclose(
        res.dfbetas, np.column_stack(list(ref["dfbetas"].values())), rtol=RTOL, atol=1e-9
    )
    np.testing.assert_array_equal(res.is_infl, ref["is_infl"])


def test_deletion_that_breaks_the_model_gives_nan() -> None:
    # the only study with x = 1: without it the moderator is constant (metafor: NA)
    yi = [0.1, 0.3, 0.2, 0.5, 0.4, 0.9]
    vi = [0.01, 0.02, 0.03, 0.02, 0.01, 0.05]
    res = influence(yi, vi, mods=[0, 0, 0, 0, 0, 1], method="DL")
    assert np.isnan(res.cook_d[5]) and np.isfinite(res.cook_d[:5]).all()


def test_reference_flags_some_influential_studies() -> None:
    flags = [
        any(entry["influence"]["is_infl"])
        for data in DATASETS.values()
        for entry in data["fits"].values()
    ]
    assert any(flags) and not all(flags)


def test_records() -> None:
    data = DATASETS["bcg"]
    records = influence(data["yi"], data["vi"]).to_records()
    assert len(records) == 13
    assert set(records[0]) >= {"study", "rstudent", "cook_d", "dfbetas", "inf"}
    assert isinstance(records[0]["dfbetas"], float)


def test_too_few_studies() -> None:
    with pytest.raises(StatsInputError, match="at least 3"):
        influence([0.1, 0.2], [0.01, 0.02])
