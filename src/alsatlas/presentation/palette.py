"""Verdict colours, one palette for every face.

Each verdict has a badge background, its text colour (contrast ratio ≥ 4.5:1, WCAG 2.1 AA,
checked in the tests) and an accent for the verdict box's left border. :func:`verdict_css`
renders the rules both faces load: the report inlines them, the web explorer serves them at
``/static/verdicts.css``; neither stylesheet defines verdict colours of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from alsatlas.presentation.templating import slug
from alsatlas.synthesis.answer import VERDICTS


@dataclass(frozen=True, slots=True)
class Swatch:
    """Colours of one verdict."""

    background: str
    ink: str
    border: str
    accent: str


VERDICT_PALETTE: dict[str, Swatch] = {
    "supported": Swatch("#dcefe0", "#14532d", "#9fd0aa", "#2f8a47"),
    "partly supported": Swatch("#fdf1d3", "#6b4700", "#ecc96e", "#c99410"),
    "not supported": Swatch("#e4e7eb", "#303840", "#b8c0c8", "#6b7580"),
    "contradicted": Swatch("#fbe0dd", "#7f1d1d", "#eba59d", "#b3372b"),
    "insufficient evidence": Swatch("#ecebf7", "#3b3577", "#bdb8e6", "#5d55a8"),
}
"""Badge background, text, border and box accent of each verdict."""


def verdict_css() -> str:
    """CSS rules for ``.verdict-<slug>`` badges and ``.verdict-box-<slug>`` boxes."""
    lines = ["/* verdict colours: alsatlas.presentation.palette */"]
    for verdict in VERDICTS:
        s = VERDICT_PALETTE[verdict]
        name = slug(verdict)
        lines.append(
            f".verdict-{name} {{ background: {s.background}; color: {s.ink}; "
            f"border-color: {s.border}; }}"
        )
        lines.append(f".verdict-box-{name} {{ border-left-color: {s.accent}; }}")
    return "\n".join(lines) + "\n"


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two ``#rrggbb`` colours, (L1 + 0.05) / (L2 + 0.05).

    >>> round(contrast_ratio("#000000", "#ffffff"), 1)
    21.0
    """
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


__all__ = ["VERDICT_PALETTE", "Swatch", "contrast_ratio", "verdict_css"]
