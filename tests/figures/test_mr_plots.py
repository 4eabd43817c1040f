"""MR plots render with one marker per variant, one line per method, and save to SVG."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure

from alsatlas.figures.mr_plots import (
    mr_forest_plot,
    mr_funnel_plot,
    mr_leave_one_out_plot,
    mr_scatter_plot,
)
from alsatlas.genetics.mr import leave_one_out, run_mr, single_snp

DATA = Path(__file__).parents[1] / "reference" / "mr" / "waterworth2010_lipids_chd.csv"


def _ldl() -> tuple[np.ndarray, ...]:
    with open(DATA) as fh:
        rows = list(csv.DictReader(fh))
    cols = ("ldlc_beta", "ldlc_se", "chd_logodds", "chd_logodds_se")
    return tuple(np.array([float(r[c]) for r in rows]) for c in cols)


def _points(fig: Figure, gid: str) -> np.ndarray:
    for c in fig.axes[0].collections:
        if isinstance(c, PathCollection) and c.get_gid() == gid:
            return np.asarray(c.get_offsets())
    raise AssertionError(f"no collection {gid}")


def _lines(fig: Figure) -> list[str]:
    return [str(ln.get_gid()) for ln in fig.axes[0].lines if str(ln.get_gid()).startswith("mr-")]


def test_scatter(tmp_path: Path) -> None:
    args = _ldl()
    rep = run_mr(*args, methods=["ivw", "egger", "weighted_median"], n_boot=50)
    out = tmp_path / "scatter.svg"
    fig = mr_scatter_plot(*args, rep, path=out)
    pts = _points(fig, "mr-points")
    assert len(pts) == 28
    assert np.all(pts[:, 0] > 0)  # oriented
    assert _lines(fig) == ["mr-line-ivw", "mr-line-egger", "mr-line-weighted_median"]
    egger_line = next(ln for ln in fig.axes[0].lines if ln.get_gid() == "mr-line-egger")
    assert rep.egger_intercept is not None
    assert egger_line.get_ydata()[0] == rep.egger_intercept.intercept
    svg = out.read_text()
    assert 'id="mr-line-egger"' in svg and "MR-Egger" in svg


def test_funnel() -> None:
    ss = single_snp(*_ldl())
    fig = mr_funnel_plot(ss)
    pts = _points(fig, "mr-points")
    assert len(pts) == 28
    np.testing.assert_allclose(pts[:, 1], [1.0 / r.se for r in ss.results])
    assert _lines(fig) == ["mr-line-ivw", "mr-line-egger"]


def test_forest_and_leave_one_out(tmp_path: Path) -> None:
    args = _ldl()
    labels = [f"v{i + 1}" for i in range(28)]
    ss = single_snp(*args, snps=labels)
    fig = mr_forest_plot(ss, path=tmp_path / "forest.png")
    assert len(_points(fig, "mr-rows")) == 28
    assert len(_points(fig, "mr-overall")) == 2
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks[-2:] == ["All - Inverse variance weighted", "All - MR-Egger"]
    segs = [c for c in fig.axes[0].collections if isinstance(c, LineCollection)]
    assert sum(len(c.get_segments()) for c in segs) == 28 + 2
    loo = leave_one_out(*args, snps=labels)
    fig2 = mr_leave_one_out_plot(loo)
    assert len(_points(fig2, "mr-rows")) == 28
    assert len(_points(fig2, "mr-overall")) == 1
    assert (tmp_path / "forest.png").stat().st_size > 0
