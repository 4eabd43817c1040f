"""The consoles the commands print with: data is never markup, and control characters from
files or evidence (ESC, OSC and other C0/C1 codes) never reach the terminal."""

from __future__ import annotations

import re
from typing import Any

from rich.console import Console
from rich.text import Text

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 and C1 control characters except tab and newline."""


def clean(text: str) -> str:
    """``text`` without control characters (tab and newline kept)."""
    return CONTROL.sub("", text)


class DataConsole(Console):
    """A rich console for printing data: markup and highlighting off, every string cleaned of
    control characters before it is rendered (tables, titles and plain prints alike)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)
        kwargs.setdefault("highlight", False)
        kwargs.setdefault("soft_wrap", True)
        super().__init__(**kwargs)

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(clean(text), **kwargs)


__all__ = ["CONTROL", "DataConsole", "clean"]
