"""Funnel plot: renders with one marker per study, open markers for filled studies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib.collections import PathCollection

from alsatlas.errors import AlsatlasInputError
from alsatlas.figures.funnel import funnel_plot
from alsatlas.stats import rma
from alsatlas.stats.trimfill import trimfill

REFERENCE = Path(__file__).parents[1] / "reference" / "metafor" / "diagnostics_reference.json"
DATA: dict[str, Any] = json.loads(REFERENCE.read_text())["datasets"]["hackshaw1998"]


def _collections(fig: Any) -> dict[str, PathCollection]:
    return {str(c.get_gid()): c for c in fig.axes[0].collections if isinstance(c, PathCollection)}


def test_funnel_svg(tmp_path: Path) -> None:
    fit = rma(DATA["yi"], DATA["vi"])
    out = tmp_path / "funnel.svg"
    fig = funnel_plot(fit, ratio=True, effect_label="OR", path=out)
    svg = out.read_text()
    assert 'id="funnel-observed"' in svg and 'id="funnel-region"' in svg
    assert "Standard error" in svg
    ax = fig.axes[0]
    lo, hi = ax.get_ylim()
    assert lo > hi == 0.0  # reversed: SE 0 at the top
    points = _collections(fig)
    assert set(points) == {"funnel-observed"}
    assert len(points["funnel-observed"].get_offsets()) == len(DATA["yi"])
    np.testing.assert_allclose(
        np.asarray(points["funnel-observed"].get_offsets())[:, 1], np.sqrt(DATA["vi"])
    )


def test_trimfill_points_are_open(tmp_path: Path) -> None:
    fit = rma(DATA["yi"], DATA["vi"])
    tf = trimfill(DATA["yi"], DATA["vi"])
    assert tf.k0 > 0
    fig = funnel_plot(fit, trimfill=tf, ratio=True, path=tmp_path / "funnel.png")
    points = _collections(fig)
    filled = points["funnel-filled"]
    assert len(filled.get_offsets()) == tf.k0
    assert np.allclose(filled.get_facecolors()[0], [1.0, 1.0, 1.0, 1.0])
    assert (tmp_path / "funnel.png").stat().st_size > 1000


def test_meta_regression_is_refused() -> None:
    fit = rma(DATA["yi"], DATA["vi"], mods=np.arange(len(DATA["yi"]), dtype=float))
    with pytest.raises(AlsatlasInputError, match="without moderators"):
        funnel_plot(fit)


def test_analysis_scale() -> None:
    fit = rma([0.1, 0.3, -0.2, 0.5], [0.01, 0.04, 0.09, 0.02])
    fig = funnel_plot(fit)
    assert fig.axes[0].get_xscale() == "linear"
