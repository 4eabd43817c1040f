"""escalc measures, rma.mh / rma.peto, cumul, fsn, trimfill (Q0) and conv.fivenum against
metafor.

Expected values: tests/reference/metafor/escalc_reference.json, made by
tests/reference/metafor/make_escalc_reference.R with metafor 3.8-1 over metadat (dat.normand1999,
dat.molloy2014, dat.pritz1997, dat.hart1999, dat.bcg, dat.collins1985a, dat.yusuf1985,
dat.hackshaw1998) and zero-cell edge cases; conv.fivenum (not in metafor 3.8) from metafor's
source, sourced unchanged.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from alsatlas.errors import StatsInputError
from alsatlas.stats.conv_fivenum import conv_fivenum
from alsatlas.stats.cumul import cumul, cumul_tables
from alsatlas.stats.escalc import escalc_2x2
from alsatlas.stats.escalc_common import EffectSizes
from alsatlas.stats.escalc_cor import escalc_cor
from alsatlas.stats.escalc_counts import escalc_irr, escalc_proportion, escalc_rate
from alsatlas.stats.escalc_means import escalc_means
from alsatlas.stats.fsn import fsn
from alsatlas.stats.rma_mh import rma_mh, rma_peto
from alsatlas.stats.trimfill import trimfill

REFERENCE = Path(__file__).parents[1] / "reference" / "metafor" / "escalc_reference.json"
REF: dict[str, Any] = json.loads(REFERENCE.read_text())
RTOL = 1e-6
EXACT = 1e-12


def _nan(values: Any) -> np.ndarray:
    return np.asarray([math.nan if v is None else v for v in np.atleast_1d(values)], dtype=float)


def _escalc(case: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    m = case["measure"]
    inp = case["inputs"]
    opts = {key: case[key] for key in ("add", "to") if key in case}
    vtype = case.get("vtype", "LS")
    es: Any
    if m in ("MD", "SMD", "SMDH", "ROM"):
        es = escalc_means(m, inp["m1i"], inp["sd1i"], inp["n1i"], inp["m2i"], inp["sd2i"],
                          inp["n2i"], vtype=vtype)  # fmt: skip
    elif m in ("COR", "ZCOR"):
        es = escalc_cor(m, inp["ri"], inp["ni"], vtype=vtype)
    elif m in ("PR", "PLO", "PAS"):
        es = escalc_proportion(m, inp["xi"], inp["ni"], vtype=vtype, **opts)
    elif m in ("IR", "IRLN"):
        es = escalc_rate(m, inp["xi"], inp["ti"], **opts)
    elif m == "IRR":
        es = escalc_irr(inp["x1i"], inp["t1i"], inp["x2i"], inp["t2i"],
                        drop00=case.get("drop00", False), **opts)  # fmt: skip
    else:
        es = escalc_2x2(m, inp["ai"], inp["bi"], inp["ci"], inp["di"], **opts)
    yi = np.full(len(next(iter(inp.values()))), math.nan)
    vi = yi.copy()
    kept = es.kept if es.kept is not None else np.ones(yi.shape[0], dtype=bool)
    yi[kept], vi[kept] = es.yi, es.vi
    return yi, vi


ESCALC = REF["escalc"]


@pytest.mark.parametrize(
    "case",
    ESCALC,
    ids=[f"{c['name']}-{c['measure']}-{c.get('vtype', '')}-{i}" for i, c in enumerate(ESCALC)],
)
def test_escalc_measure_matches_metafor(case: dict[str, Any]) -> None:
    yi, vi = _escalc(case)
    np.testing.assert_allclose(yi, _nan(case["yi"]), rtol=EXACT, atol=1e-15)
    np.testing.assert_allclose(vi, _nan(case["vi"]), rtol=EXACT)


def test_smd_is_hedges_g_with_exact_correction() -> None:
    # Hedges' exact c(m) differs from the approximation 1 - 3/(4m - 1) at small m
    es = escalc_means("SMD", [1.0], [1.0], [3], [0.0], [1.0], [3])
    assert es.yi[0] == pytest.approx(math.gamma(2) / (math.sqrt(2) * math.gamma(1.5)))
    assert es.yi[0] != pytest.approx(1 - 3 / (4 * 4 - 1), rel=1e-4)


def test_escalc_rejects_impossible_values() -> None:
    with pytest.raises(StatsInputError, match="correlation"):
        escalc_cor("COR", [0.2, 1.3], [20, 30])
    with pytest.raises(StatsInputError) as info:
        escalc_means("ROM", [1.0, -2.0], [1, 1], [5, 5], [1.0, 1.0], [1, 1], [5, 5])
    assert info.value.row == 1
    with pytest.raises(StatsInputError, match="exceed"):
        escalc_proportion("PR", [12], [10])
    with pytest.raises(StatsInputError, match="undefined"):
        escalc_proportion("PLO", [0], [10], add=0)
    with pytest.raises(StatsInputError, match="vtype"):
        escalc_means("MD", [1], [1], [5], [1], [1], [5], vtype="AV")


POOL = REF["pool"]


@pytest.mark.parametrize(
    "case",
    POOL,
    ids=[f"{c['name']}-{c['method']}-{c['measure']}-{c.get('correct', '')}" for c in POOL],
)
def test_mh_and_peto_match_metafor(case: dict[str, Any]) -> None:
    inp = case["inputs"]
    kw = {key: case[key] for key in ("add", "to", "drop00") if key in case}
    kw = {key: tuple(value) for key, value in kw.items()}
    if case["method"] == "PETO":
        res = rma_peto(**inp)
    else:
        res = rma_mh(case["measure"], correct=case["correct"], **inp, **kw)
    assert res.k == case["k"]
    assert res.k_yi == case["k_yi"]
    for field in ("beta", "se", "zval", "pval", "ci_lb", "ci_ub", "QE", "QEp", "I2", "H2",
                  "CO", "COp", "MH", "MHp", "BD", "BDp", "TA", "TAp"):  # fmt: skip
        ref = case[field]
        got = getattr(res, field)
        if ref is None:
            assert math.isnan(got), field
        else:
            np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-14, err_msg=field)
    if case["BD"] is not None:
        assert res.k_pos == case["k_pos"]


CUMUL = REF["cumul"]


@pytest.mark.parametrize(
    "case",
    CUMUL,
    ids=[f"{c['name']}-{c['kind']}-{c.get('method', '')}-{c.get('test', '')}" for c in CUMUL],
)
def test_cumul_matches_metafor(case: dict[str, Any]) -> None:
    if case["kind"] == "rma":
        res = cumul(case["yi"], case["vi"], order=case["key"], method=case["method"],
                    test=case["test"])  # fmt: skip
    else:
        res = cumul_tables(case["kind"], **case["inputs"], order=case.get("key"),
                           measure=case.get("measure", "OR"))  # fmt: skip
    for field in ("estimate", "se", "zval", "pval", "ci_lb", "ci_ub", "Q", "Qp", "I2", "H2"):
        np.testing.assert_allclose(
            getattr(res, field), _nan(case[field]), rtol=RTOL, atol=1e-12, err_msg=field
        )
    if case.get("tau2") is not None:
        np.testing.assert_allclose(res.tau2, _nan(case["tau2"]), rtol=RTOL, atol=1e-10)


def test_cumul_orders_ties_as_given() -> None:
    res = cumul([0.1, 0.2, 0.3, 0.4], [0.1] * 4, order=[2001, 1999, 2001, 1999], method="EE")
    assert res.order.tolist() == [1, 3, 0, 2]
    down = cumul([0.1, 0.2, 0.3, 0.4], [0.1] * 4, order=[2001, 1999, 2001, 1999],
                 decreasing=True, method="EE")  # fmt: skip
    assert down.order.tolist() == [0, 2, 1, 3]


FSN = REF["fsn"]


@pytest.mark.parametrize(
    "case", FSN, ids=[f"{c['name']}-{c['type']}-{i}" for i, c in enumerate(FSN)]
)
def test_fsn_matches_metafor(case: dict[str, Any]) -> None:
    kw = {key: value for key, value in case["spec"].items() if key != "type"}
    res = fsn(case["yi"], case["vi"], type=case["type"], **kw)
    assert res.fsnum == case["fsnum"]
    for field in ("pval", "meanes", "target"):
        ref = case[field]
        if ref is None:
            assert math.isnan(getattr(res, field))
        else:
            np.testing.assert_allclose(getattr(res, field), ref, rtol=1e-12, err_msg=field)


TRIMFILL = REF["trimfill"]


@pytest.mark.parametrize(
    "case",
    TRIMFILL,
    ids=[f"{c['name']}-{c['method']}-{c['estimator']}-{c['side_given']}" for c in TRIMFILL],
)
def test_trimfill_estimators_match_metafor(case: dict[str, Any]) -> None:
    kw = {"method": case["method"], "estimator": case["estimator"], "side": case["side_given"]}
    if "error" in case:
        with pytest.raises(StatsInputError, match="undefined"):
            trimfill(case["yi"], case["vi"], **kw)
        return
    res = trimfill(case["yi"], case["vi"], **kw)
    assert res.k0 == case["k0"]
    assert res.side == case["side"]
    np.testing.assert_allclose(res.se_k0, _nan(case["se_k0"])[0], rtol=1e-10)
    np.testing.assert_allclose(res.yi, _nan(case["yi_filled"]), rtol=RTOL, atol=1e-10)
    np.testing.assert_allclose(res.vi, _nan(case["vi_filled"]), rtol=1e-12)
    np.testing.assert_allclose(res.fit.estimate, case["beta"], rtol=RTOL, atol=1e-10)
    np.testing.assert_allclose(res.fit.se[0], case["se"], rtol=RTOL)
    np.testing.assert_allclose(res.fit.tau2, case["tau2"] or 0.0, rtol=RTOL, atol=1e-10)


FIVENUM = REF["conv_fivenum"]


@pytest.mark.parametrize(
    "case",
    FIVENUM,
    ids=[f"{'+'.join(np.atleast_1d(c['method']))}-{c['dist']}-test{c['test']}" for c in FIVENUM],
)
def test_conv_fivenum_matches_metafor(case: dict[str, Any]) -> None:
    inp: dict[str, Any] = {key: _nan(values) for key, values in case["inputs"].items()}
    names = list(np.atleast_1d(case["method"]))
    method = names[0] if len(names) == 1 else (names[0], names[1])
    res = conv_fivenum(**inp, method=method, dist=case["dist"], test=case["test"])
    np.testing.assert_allclose(res.mean, _nan(case["mean"]), rtol=1e-12)
    np.testing.assert_allclose(res.sd, _nan(case["sd"]), rtol=1e-12)
    np.testing.assert_allclose(res.tval, _nan(case["tval"]), rtol=1e-12)
    np.testing.assert_allclose(res.crit, _nan(case["crit"]), rtol=1e-12)
    ref_sig = [bool(s) for s in case["sig"]]
    assert res.sig.tolist() == ref_sig


def test_conv_fivenum_refuses_unordered_values() -> None:
    with pytest.raises(StatsInputError, match="min <= q1"):
        conv_fivenum(n=[20], q1=[5.0], median=[4.0], q3=[9.0])


def test_effect_sizes_have_standard_errors() -> None:
    es = escalc_cor("ZCOR", [0.5], [28])
    assert isinstance(es, EffectSizes)
    assert es.sei[0] == pytest.approx(0.2)


def test_mh_estimate_is_nan_without_events_in_one_group() -> None:
    res = rma_mh("OR", [0, 0], [10, 12], [3, 1], [7, 11])
    assert math.isnan(res.beta) and math.isnan(res.pval)
    assert res.k == 2


def test_peto_and_mh_refuse_bad_input() -> None:
    with pytest.raises(StatsInputError, match="undefined"):
        rma_peto([0, 0], [10, 12], [0, 0], [7, 11], drop00=False)
    with pytest.raises(StatsInputError, match="IRR needs"):
        rma_mh("IRR", x1i=[1, 2], x2i=[3, 4])
    with pytest.raises(StatsInputError, match="unknown to"):
        rma_mh("OR", [1, 2], [3, 4], [5, 6], [7, 8], to=("only0", "sometimes"))
    with pytest.raises(StatsInputError, match="unknown measure"):
        rma_mh("PETO", [1, 2], [3, 4], [5, 6], [7, 8])


def test_as_defaults_to_no_correction_and_pas_too() -> None:
    es = escalc_2x2("AS", [0], [10], [2], [8])
    assert not es.corrected[0]
    assert es.yi[0] == pytest.approx(-math.asin(math.sqrt(0.2)))
    assert not escalc_proportion("PAS", [0], [10]).corrected[0]
    assert escalc_proportion("PR", [0], [10]).corrected[0]


def test_cumul_tables_columns_of_unequal_length() -> None:
    """Columns of different lengths are an input error naming the column (not an IndexError)."""
    with pytest.raises(StatsInputError) as exc:
        cumul_tables("MH", [1, 2, 3], [10, 10], [2, 3, 4], [10, 10, 10])
    assert exc.value.field == "bi"
