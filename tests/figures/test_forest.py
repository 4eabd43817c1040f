"""Forest plot: renders to SVG and PNG with one label, CI text and marker per study."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from alsatlas.errors import AlsatlasInputError
from alsatlas.figures.forest import forest_plot
from alsatlas.figures.style import ratio_ticks
from alsatlas.stats import rma

REFERENCE = Path(__file__).parents[1] / "reference" / "metafor" / "diagnostics_reference.json"
BCG: dict[str, Any] = json.loads(REFERENCE.read_text())["datasets"]["bcg"]
LABELS = [f"Trial {i + 1}" for i in range(13)]


def _texts(fig: Figure) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def _gids(fig: Figure, prefix: str) -> list[str]:
    return [
        str(a.get_gid())
        for ax in fig.axes
        for a in ax.get_children()
        if str(a.get_gid()).startswith(prefix)
    ]


def test_forest_svg_has_every_study(tmp_path: Path) -> None:
    fit = rma(BCG["yi"], BCG["vi"])
    out = tmp_path / "forest.svg"
    fig = forest_plot(
        BCG["yi"], BCG["vi"], labels=LABELS, fit=fit, ratio=True, effect_label="RR", path=out
    )
    svg = out.read_text()
    for label in LABELS:
        assert f">{label}<" in svg
    assert len(re.findall(r'id="study-label-\d+"', svg)) == 13
    assert len(re.findall(r'id="study-ci-\d+"', svg)) == 13
    assert "RR [95% CI]" in svg
    assert 'id="diamond-overall"' in svg
    assert 'id="prediction-interval"' in svg
    markers = [c for c in fig.axes[0].collections if isinstance(c, PathCollection)]
    assert len(markers) == 1 and len(markers[0].get_offsets()) == 13
    assert fig.axes[0].get_xscale() == "log"


def test_numeric_column_is_back_transformed() -> None:
    fit = rma(BCG["yi"], BCG["vi"])
    fig = forest_plot(BCG["yi"], BCG["vi"], fit=fit, ratio=True, effect_label="RR")
    texts = _texts(fig)
    pooled = f"{np.exp(fit.estimate):.2f} [{np.exp(fit.ci_lb[0]):.2f}, {np.exp(fit.ci_ub[0]):.2f}]"
    assert pooled in texts
    weights = [t for t in texts if t.endswith("%") and t != "100%"]
    assert len(weights) == 13
    np.testing.assert_allclose(sum(float(w[:-1]) for w in weights), 100.0, atol=0.1)


def test_subgroups_get_their_own_diamonds(tmp_path: Path) -> None:
    groups = ["random" if i % 2 else "alternate" for i in range(13)]
    yi = np.array(BCG["yi"])
    vi = np.array(BCG["vi"])
    fits = {g: rma(yi[[x == g for x in groups]], vi[[x == g for x in groups]]) for g in set(groups)}
    fig = forest_plot(
        yi,
        vi,
        fit=rma(yi, vi),
        subgroups=groups,
        subgroup_fits=fits,
        ratio=True,
        path=tmp_path / "forest.png",
    )
    diamonds = [p for p in fig.axes[0].patches if isinstance(p, Polygon)]
    assert sorted(str(d.get_gid()) for d in diamonds) == [
        "diamond-alternate",
        "diamond-overall",
        "diamond-random",
    ]
    assert sorted(_gids(fig, "subgroup-label-")) == [
        "subgroup-label-alternate",
        "subgroup-label-random",
    ]
    assert "alternate" in _texts(fig) and "random" in _texts(fig)
    assert (tmp_path / "forest.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_analysis_scale_without_model() -> None:
    fig = forest_plot([0.1, -0.3, 0.5], [0.04, 0.09, 0.02])
    assert fig.axes[0].get_xscale() == "linear"
    assert not any(isinstance(p, Polygon) for p in fig.axes[0].patches)


def test_ratio_ticks_include_one() -> None:
    assert 1.0 in ratio_ticks(0.07, 6.5)
    assert 1.0 in ratio_ticks(0.001, 500.0)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"vi": [0.1, 0.2]}, "equal length"),
        ({"vi": [0.1, 0.0, 0.2]}, "vi > 0"),
        ({"labels": ["a"]}, "1 labels for 3"),
    ],
)
def test_bad_input(kwargs: dict[str, Any], pattern: str) -> None:
    args: dict[str, Any] = {"yi": [0.1, 0.2, 0.3], "vi": [0.1, 0.1, 0.2]}
    args.update(kwargs)
    with pytest.raises(AlsatlasInputError, match=pattern):
        forest_plot(args.pop("yi"), args.pop("vi"), **args)


def test_meta_regression_fit_is_refused() -> None:
    fit = rma(BCG["yi"], BCG["vi"], mods=np.arange(13, dtype=float))
    with pytest.raises(AlsatlasInputError, match="without moderators"):
        forest_plot(BCG["yi"], BCG["vi"], fit=fit)


def test_unsupported_suffix(tmp_path: Path) -> None:
    with pytest.raises(AlsatlasInputError, match="unsupported figure format"):
        forest_plot([0.1, 0.2], [0.1, 0.1], path=tmp_path / "forest.gif")
