"""Diagnostic plots of ``alsatlas meta``: ``--baujat``, ``--radial``, ``--labbe``, ``--gosh``
and the contour levels of ``--funnel`` (``--funnel-contours`` / ``--funnel-levels``).

Each plot is written atomically (SVG, PNG or PDF by suffix; see
:func:`alsatlas.figures.style.save_figure`). The Baujat plot uses the fitted model
(moderators included, as metafor's ``baujat``); the radial and GOSH plots use the model
without moderators, as the funnel plot does; the L'Abbé plot needs 2x2 columns. Figure
modules (matplotlib) are imported only when a plot is asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from alsatlas.errors import AlsatlasInputError, StatsInputError

if TYPE_CHECKING:
    from alsatlas.cli.meta import CsvTable, EffectInput
    from alsatlas.stats.rma import RMAResult

#: Levels of ``--funnel-contours`` (metafor's usual ``level = c(90, 95, 99)``).
CONTOUR_LEVELS: tuple[float, ...] = (90.0, 95.0, 99.0)


@dataclass(frozen=True)
class PlotRequest:
    """The plot files asked for on the command line (None: not asked)."""

    baujat: Path | None = None
    radial: Path | None = None
    labbe: Path | None = None
    gosh: Path | None = None
    gosh_subsets: int | None = None

    @property
    def any(self) -> bool:
        return any(p is not None for p in (self.baujat, self.radial, self.labbe, self.gosh))


def funnel_levels(
    text: str | None, contours: bool, funnel: Path | None
) -> tuple[float, ...] | None:
    """Contour levels from ``--funnel-levels 90,95,99`` or ``--funnel-contours``."""
    if text is None and not contours:
        return None
    option = "--funnel-levels" if text is not None else "--funnel-contours"
    if funnel is None:
        raise AlsatlasInputError("needs --funnel FILE", field=option)
    if text is None:
        return CONTOUR_LEVELS
    levels: list[float] = []
    for part in text.split(","):
        try:
            value = float(part.strip())
        except ValueError:
            raise AlsatlasInputError(
                f"not a number: {part.strip()!r} (give levels like 90,95,99)", field=option
            ) from None
        if not 0.0 < value < 100.0:
            raise AlsatlasInputError(f"levels lie in (0, 100), got {value:g}", field=option)
        levels.append(value)
    if len(set(levels)) != len(levels):
        raise AlsatlasInputError("levels must differ", field=option)
    return tuple(levels)


def _counts(table: CsvTable, cells: dict[str, str | None]) -> tuple[np.ndarray, ...]:
    """2x2 counts ``ai, bi, ci, di`` from the columns given (non-events from group sizes)."""
    given = {k: v for k, v in cells.items() if v is not None}
    if set(given) == {"ai", "bi", "ci", "di"}:
        return tuple(table.numeric(given[c]) for c in ("ai", "bi", "ci", "di"))
    if set(given) == {"events1", "n1", "events2", "n2"}:
        e1, n1 = table.numeric(given["events1"]), table.numeric(given["n1"])
        e2, n2 = table.numeric(given["events2"]), table.numeric(given["n2"])
        return e1, n1 - e1, e2, n2 - e2
    raise AlsatlasInputError(
        "a L'Abbe plot needs 2x2 columns (--ai --bi --ci --di, or --events1 --n1 --events2 --n2)",
        field="--labbe",
    )


def write_plots(
    request: PlotRequest,
    *,
    table: CsvTable,
    eff: EffectInput,
    fit: RMAResult,
    base: Callable[[], RMAResult],
    cells: dict[str, str | None],
    labels: list[str],
) -> None:
    """Write the plots of ``request``; ``base`` gives the model without moderators."""
    if not request.any:
        return
    option = ""
    try:
        if request.baujat is not None:
            option = "--baujat"
            from alsatlas.figures.baujat import baujat_plot

            baujat_plot(fit, labels=labels, path=request.baujat)
        if request.radial is not None:
            option = "--radial"
            from alsatlas.figures.radial import radial_plot

            radial_plot(base(), ratio=eff.ratio, path=request.radial)
        if request.labbe is not None:
            option = "--labbe"
            from alsatlas.figures.labbe import labbe_plot
            from alsatlas.stats.labbe import labbe_points

            ai, bi, ci, di = _counts(table, cells)
            points = labbe_points(ai, bi, ci, di, measure=eff.measure)
            labbe_plot(points, base().estimate, path=request.labbe)
        if request.gosh is not None:
            option = "--gosh"
            from alsatlas.figures.gosh import gosh_plot
            from alsatlas.stats.gosh import gosh

            model = base()
            res = gosh(model, subsets=request.gosh_subsets, seed=0)
            gosh_plot(
                res,
                estimate=model.estimate,
                ratio=eff.ratio,
                effect_label=eff.measure,
                path=request.gosh,
            )
    except StatsInputError as exc:
        field = "--gosh-subsets" if exc.field == "subsets" else option
        raise AlsatlasInputError(exc.reason, field=field) from None


__all__ = ["CONTOUR_LEVELS", "PlotRequest", "funnel_levels", "write_plots"]
