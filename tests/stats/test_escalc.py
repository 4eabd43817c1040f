"""escalc_2x2 against metafor 3.8 ``escalc()`` of 2×2 tables with zero cells.

Expected values: tests/reference/metafor/diagnostics_reference.json (``escalc`` block), made by
tests/reference/metafor/make_diagnostics_reference.R, e.g.
``escalc("OR", ai=ai, bi=bi, ci=ci, di=di, add=1/2, to="only0", drop00=FALSE)``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alsatlas.errors import StatsInputError
from alsatlas.stats.escalc import escalc_2x2

REFERENCE = Path(__file__).parents[1] / "reference" / "metafor" / "diagnostics_reference.json"
RTOL = 1e-6


def _escalc_cases() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    ref = json.loads(REFERENCE.read_text())
    return [
        (f"{name}-{case['measure']}-{case['setting']}", table, case)
        for name, table in ref["escalc"].items()
        for case in table["cases"]
    ]


CASES = _escalc_cases()


@pytest.mark.parametrize(("table", "case"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_escalc_matches_metafor(table: dict[str, Any], case: dict[str, Any]) -> None:
    es = escalc_2x2(
        case["measure"],
        table["ai"],
        table["bi"],
        table["ci"],
        table["di"],
        add=case["add"],
        to=case["to"],
        drop00=case["drop00"],
    )
    yi_ref = np.array([np.nan if y is None else y for y in case["yi"]], dtype=float)
    vi_ref = np.array([np.nan if v is None else v for v in case["vi"]], dtype=float)
    np.testing.assert_array_equal(es.kept, ~np.isnan(yi_ref))
    np.testing.assert_allclose(es.yi, yi_ref[es.kept], rtol=RTOL, atol=1e-12)
    np.testing.assert_allclose(es.vi, vi_ref[es.kept], rtol=RTOL)


def test_group_sizes_replace_non_events() -> None:
    by_cells = escalc_2x2("RR", [4, 0], [96, 50], [8, 3], [92, 47])
    by_sizes = escalc_2x2("RR", [4, 0], ci=[8, 3], n1i=[100, 50], n2i=[100, 50])
    np.testing.assert_array_equal(by_cells.yi, by_sizes.yi)
    np.testing.assert_array_equal(by_cells.vi, by_sizes.vi)
    np.testing.assert_array_equal(by_cells.corrected, [False, True])


def test_zero_cell_without_correction_names_the_table() -> None:
    with pytest.raises(StatsInputError, match=r"row 1.*OR is undefined"):
        escalc_2x2("OR", [3, 0], [7, 10], [2, 4], [8, 6], add=0)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"measure": "XX"}, "unknown measure"),
        ({"to": "never"}, "unknown rule"),
        ({"ai": [1, -1]}, "negative"),
        ({"ai": [1, float("nan")]}, "row 1"),
        ({"ci": [1]}, "lengths must match"),
    ],
)
def test_bad_input_is_rejected(kwargs: dict[str, Any], pattern: str) -> None:
    args: dict[str, Any] = {"measure": "OR", "ai": [1, 2], "bi": [9, 8], "ci": [3, 4], "di": [7, 6]}
    args.update(kwargs)
    with pytest.raises(StatsInputError, match=pattern):
        escalc_2x2(args.pop("measure"), **args)


def test_events_larger_than_group_size() -> None:
    with pytest.raises(StatsInputError, match="exceeds the group size"):
        escalc_2x2("OR", [12], ci=[3], n1i=[10], n2i=[10])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(*(st.integers(min_value=0, max_value=40) for _ in range(4))),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from(["OR", "RR", "RD", "PETO"]),
)
def test_default_correction_always_gives_finite_values(
    tables: list[tuple[int, int, int, int]], measure: str
) -> None:
    a, b, c, d = (np.array(col, dtype=float) for col in zip(*tables, strict=True))
    es = escalc_2x2(measure, a, b, c, d)
    assert np.all(np.isfinite(es.yi))
    assert np.all(es.vi > 0)
