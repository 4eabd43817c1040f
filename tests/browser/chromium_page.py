"""What the browser tests share: Debian's Chromium, where screenshots go, and a page watcher.

Chromium is ``/usr/bin/chromium`` driven by playwright (never a downloaded browser); the tests
are skipped where it is not installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian chromium is not installed at /usr/bin/chromium (apt-get install chromium)",
    ),
]
"""``pytestmark`` of a browser test module."""


def collect_page_errors(page: Any, errors: list[str]) -> None:
    """Append the page's console errors and warnings, and its uncaught errors, to ``errors``."""
    page.on(
        "console",
        lambda m: (
            errors.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None
        ),
    )
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
