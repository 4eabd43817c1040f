"""Open the built report in headless Chromium: no console errors, no network, figures drawn.

Uses Debian's ``/usr/bin/chromium`` through playwright (never a downloaded browser). The
full-page screenshot is kept at ``test-artifacts/report.png`` for people to look at.
"""

from __future__ import annotations

from pathlib import Path

from chromium_page import (
    ARTIFACTS,
    BROWSER_MARKS,
    CHROMIUM,
    CHROMIUM_ARGS,
    collect_page_errors,
)

from alsatlas.report.build import build_report
from alsatlas.report.sources import shipped_inputs

TIMEOUT_MS = 180_000

pytestmark = BROWSER_MARKS


def test_report_renders_in_chromium(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    files = build_report(tmp_path / "report", shipped_inputs())
    expected_figures = sum(len(q.figures) for q in files.view.questions)
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            # A full-page screenshot of a long report on a busy 2-core machine can take longer
            # than playwright's 30 s default.
            page.set_default_timeout(TIMEOUT_MS)
            collect_page_errors(page, errors)
            page.on("request", lambda r: requests.append(r.url))
            page.goto(files.html.as_uri(), wait_until="load")

            assert page.title().startswith("Is ALS an autoimmune disease")
            figures = page.locator("figure.plot svg, figure.plot img")
            assert figures.count() == expected_figures
            for i in range(figures.count()):
                box = figures.nth(i).bounding_box()
                assert box is not None, f"figure {i} is not laid out"
                assert box["width"] > 50 and box["height"] > 50, f"figure {i}: {box}"
            for q in files.view.questions:
                assert page.locator(f"#q-{q.id}").is_visible()
            assert page.locator("#plain-language").is_visible()

            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True, timeout=TIMEOUT_MS)
        finally:
            browser.close()
    assert errors == []
    assert all(url.startswith(("file://", "data:")) for url in requests), requests
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000
