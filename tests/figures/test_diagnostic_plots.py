"""Baujat, radial, L'Abbé, GOSH and contour-enhanced funnel figures: files written with their
SVG ids, and the drawn coordinates are those of the stats functions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.image import AxesImage

from alsatlas.errors import StatsInputError
from alsatlas.figures.baujat import baujat_plot
from alsatlas.figures.funnel import funnel_plot
from alsatlas.figures.gosh import gosh_plot
from alsatlas.figures.labbe import labbe_plot
from alsatlas.figures.radial import radial_plot
from alsatlas.stats import rma
from alsatlas.stats.baujat import baujat_points
from alsatlas.stats.gosh import gosh
from alsatlas.stats.labbe import labbe_points
from alsatlas.stats.radial import radial_points

REFERENCE = Path(__file__).parents[1] / "reference" / "metafor" / "plots_reference.json"
DATA: dict[str, Any] = json.loads(REFERENCE.read_text())["data"]
BCG = DATA["bcg"]


def _points(fig: Any, gid: str) -> np.ndarray:
    for c in fig.axes[0].collections:
        if isinstance(c, PathCollection) and c.get_gid() == gid:
            return np.asarray(c.get_offsets())
    raise AssertionError(f"no collection {gid}")


def test_baujat_svg(tmp_path: Path) -> None:
    fit = rma(BCG["yi"], BCG["vi"])
    out = tmp_path / "baujat.svg"
    labels = [f"Trial $x_{i}$" for i in range(fit.k)]  # no mathtext
    fig = baujat_plot(fit, labels=labels, path=out)
    svg = out.read_text()
    assert 'id="baujat-points"' in svg and 'id="baujat-label-12"' in svg
    assert "Trial $x_3$" in svg and "Squared Pearson residual" in svg
    pts = baujat_points(fit)
    np.testing.assert_allclose(_points(fig, "baujat-points"), np.column_stack([pts.x, pts.y]))


def test_radial_svg(tmp_path: Path) -> None:
    fit = rma(BCG["yi"], BCG["vi"])
    out = tmp_path / "radial.svg"
    fig = radial_plot(fit, ratio=True, path=out)
    svg = out.read_text()
    for gid in ("radial-points", "radial-region", "radial-estimate", "radial-arc"):
        assert f'id="{gid}"' in svg
    pts = radial_points(fit)
    np.testing.assert_allclose(_points(fig, "radial-points"), np.column_stack([pts.x, pts.z]))


def test_radial_refuses_moderators() -> None:
    fit = rma(BCG["yi"], BCG["vi"], mods=np.asarray(BCG["ablat"]))
    with pytest.raises(StatsInputError):
        radial_plot(fit)


def test_labbe_png_and_svg(tmp_path: Path) -> None:
    d = DATA["egger2001"]
    pts = labbe_points(d["ai"], d["bi"], d["ci"], d["di"], measure="OR")
    fit = rma(d["yi"], d["vi"])
    fig = labbe_plot(pts, fit.estimate, path=tmp_path / "labbe.svg")
    svg = (tmp_path / "labbe.svg").read_text()
    for gid in ("labbe-points", "labbe-identity", "labbe-estimate"):
        assert f'id="{gid}"' in svg
    assert "Log odds (group 2)" in svg
    drawn = _points(fig, "labbe-points")
    assert sorted(map(tuple, drawn)) == sorted(zip(pts.x, pts.y, strict=True))
    labbe_plot(pts, fit.estimate, path=tmp_path / "labbe.png")
    assert (tmp_path / "labbe.png").stat().st_size > 1000


def test_gosh_markers(tmp_path: Path) -> None:
    fit = rma(np.asarray(BCG["yi"])[:8], np.asarray(BCG["vi"])[:8])
    res = gosh(fit)
    out = tmp_path / "gosh.svg"
    fig = gosh_plot(res, estimate=fit.estimate, ratio=True, effect_label="RR", path=out)
    svg = out.read_text()
    assert 'id="gosh-points"' in svg and 'id="gosh-estimate"' in svg
    assert "all 255 subsets" in svg
    drawn = _points(fig, "gosh-points")
    np.testing.assert_allclose(drawn[:, 0], np.exp(res.estimate))
    np.testing.assert_allclose(drawn[:, 1], res.I2)


def test_gosh_density_for_many_subsets(tmp_path: Path) -> None:
    d = DATA["hackshaw1998"]
    fit = rma(d["yi"], d["vi"], method="DL")
    res = gosh(fit, subsets=30_000, seed=1)
    assert not res.exact and res.n == 30_000
    fig = gosh_plot(res, estimate=fit.estimate, path=tmp_path / "gosh.svg")
    assert any(isinstance(im, AxesImage) for im in fig.axes[0].images)
    svg = (tmp_path / "gosh.svg").read_text()
    assert 'id="gosh-density"' in svg and "random sample of 30,000 subsets" in svg


def test_contour_funnel_svg(tmp_path: Path) -> None:
    d = DATA["hackshaw1998"]
    fit = rma(d["yi"], d["vi"])
    out = tmp_path / "funnel.svg"
    fig = funnel_plot(fit, ratio=True, levels=(90, 95, 99), path=out)
    svg = out.read_text()
    for gid in ("funnel-contour-90", "funnel-contour-95", "funnel-contour-99",
                "funnel-outside", "funnel-refline", "funnel-observed"):  # fmt: skip
        assert f'id="{gid}"' in svg
    assert 'id="funnel-region"' not in svg
    assert "0.01 &lt; p &lt; 0.05" in svg and "p &gt; 0.1" in svg
    lo, _ = fig.axes[0].get_ylim()
    assert lo == pytest.approx(1.1 * np.sqrt(np.max(d["vi"])))
