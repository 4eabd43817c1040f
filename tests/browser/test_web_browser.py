"""Drive the explorer in headless Chromium: no console errors, no requests off this machine,
click from the index to a question page and through to the evidence browser.

The app runs in uvicorn on 127.0.0.1 (a free port) in a background thread. Chromium is Debian's
``/usr/bin/chromium`` driven by playwright (never a downloaded browser). The screenshot of the
question page is kept at ``test-artifacts/web.png`` for people to look at.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from chromium_page import (
    ARTIFACTS,
    BROWSER_MARKS,
    CHROMIUM,
    CHROMIUM_ARGS,
    collect_page_errors,
)

from alsatlas.synthesis import QUESTIONS
from alsatlas.web import Atlas, create_app

HOST = "127.0.0.1"

pytestmark = BROWSER_MARKS


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """The explorer served by uvicorn on 127.0.0.1 in a thread, for the module's tests."""
    app = create_app(Atlas.load())
    config = uvicorn.Config(
        app, host=HOST, port=_free_port(), log_level="warning", lifespan="off", ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://{HOST}:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_click_from_index_to_a_question_and_the_evidence(base_url: str) -> None:
    from playwright.sync_api import sync_playwright

    pooled_question = next(q for q in QUESTIONS if q.id == "any_autoimmune_als_risk")
    errors: list[str] = []
    foreign: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            collect_page_errors(page, errors)
            page.on(
                "request",
                lambda r: None if r.url.startswith(base_url) else foreign.append(r.url),
            )

            response = page.goto(base_url + "/", wait_until="load")
            assert response is not None and response.status == 200
            assert page.title().startswith("Is ALS an autoimmune disease")
            for q in QUESTIONS:
                assert page.get_by_role("link", name=q.title, exact=True).first.is_visible()
            css = page.evaluate(
                "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
            )
            assert css != "rgba(0, 0, 0, 0)", "the stylesheet was not applied"
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "web-index.png"), full_page=True)

            page.get_by_role("link", name=pooled_question.title, exact=True).first.click()
            page.wait_for_load_state("load")
            assert page.url == f"{base_url}/questions/{pooled_question.id}"
            assert page.locator("h1").inner_text() == pooled_question.title
            assert page.locator(".verdict-box .badge").first.is_visible()
            figures = page.locator("figure.plot svg")
            assert figures.count() >= 1
            box = figures.first.bounding_box()
            assert box is not None and box["width"] > 200 and box["height"] > 100, box
            assert page.locator("#grade-steps").is_visible()
            page.screenshot(path=str(ARTIFACTS / "web.png"), full_page=True)

            # from a study row to its record page, then the evidence browser's filter form
            page.locator("table.studies td.record-id a").first.click()
            page.wait_for_load_state("load")
            assert "/evidence/" in page.url
            assert page.locator("h2", has_text="Questions that use this record").is_visible()
            page.screenshot(path=str(ARTIFACTS / "web-record.png"), full_page=True)
            nav = page.get_by_role("navigation", name="Main")
            nav.get_by_role("link", name="Evidence", exact=True).click()
            page.wait_for_load_state("load")
            page.get_by_label("Disease", exact=True).fill("lupus")
            page.get_by_label("Verified numbers only").check()
            page.get_by_role("button", name="Filter").click()
            page.wait_for_load_state("load")
            assert "disease=lupus" in page.url
            assert page.locator(".result-count").is_visible()
            page.screenshot(path=str(ARTIFACTS / "web-evidence.png"), full_page=True)
        finally:
            browser.close()
    assert errors == []
    assert foreign == []
    assert (ARTIFACTS / "web.png").stat().st_size > 10_000


def test_rerun_check_and_mr_by_clicking(base_url: str) -> None:
    """Re-run (uncheck a study, change the estimator: the numbers are the CLI's), paste an
    article into the checker, paste a table into MR; no console errors, screenshots kept."""
    import json as _json

    from playwright.sync_api import sync_playwright
    from typer.testing import CliRunner

    from alsatlas.cli import app as cli
    from alsatlas.genetics.examples import EXAMPLES, example_path

    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            collect_page_errors(page, errors)
            page.goto(base_url + "/questions/t1d_als_risk", wait_until="load")
            page.get_by_role("link", name="Re-run this meta-analysis").click()
            page.wait_for_load_state("load")
            boxes = page.locator('input[name="include"]')
            assert boxes.count() == 2
            page.select_option("#method", "DL")
            page.get_by_role("button", name="Pool these studies").click()
            page.wait_for_load_state("load")
            text = page.locator("p.pooled").inner_text()
            table = "study,or,lo,hi\nK,1.66,0.85,3.21\nM,5.38,1.87,15.51\n"
            ARTIFACTS.mkdir(exist_ok=True)
            csv_path = ARTIFACTS / "rerun-rows.csv"
            csv_path.write_text(table)
            out = CliRunner().invoke(
                cli,
                [
                    "meta",
                    str(csv_path),
                    "--estimate",
                    "or",
                    "--ci-lb",
                    "lo",
                    "--ci-ub",
                    "hi",
                    "--log",
                    "--measure",
                    "OR",
                    "--method",
                    "DL",
                    "--format",
                    "json",
                ],
            )
            expected = _json.loads(out.output)["exp"]["estimate"]
            assert f"OR {expected:.2f}" in text, (text, expected)
            assert page.locator("figure.plot svg").count() == 1
            page.screenshot(path=str(ARTIFACTS / "web-rerun.png"), full_page=True)

            page.goto(base_url + "/check", wait_until="load")
            page.fill("#text", "ALS is not an autoimmune disease. Lupus triples the risk of ALS.")
            page.get_by_role("button", name="Check the claims").click()
            page.wait_for_load_state("load")
            assert page.locator("mark.claim").count() == 2
            assert page.locator(".badge.verdict-supported").count() >= 1
            page.screenshot(path=str(ARTIFACTS / "web-check.png"), full_page=True)

            lines = example_path().read_text().splitlines()
            pasted = "\n".join([lines[0], *(x for x in lines[1:] if EXAMPLES["bmi"][0] in x)])
            page.goto(base_url + "/mr", wait_until="load")
            page.fill("#table", pasted)
            page.get_by_role("button", name="Run MR").click()
            page.wait_for_load_state("load")
            assert page.locator("h2", has_text="Results").is_visible()
            assert page.locator("figure.plot svg").count() == 1
            page.screenshot(path=str(ARTIFACTS / "web-mr.png"), full_page=True)
        finally:
            browser.close()
    assert not errors, errors
