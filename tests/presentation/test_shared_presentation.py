"""The faces are peers over one presentation layer: neither imports the other, and both show
verdicts in the same colours."""

from __future__ import annotations

import ast
import re
from importlib import resources
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import alsatlas
from alsatlas.presentation.palette import VERDICT_PALETTE, contrast_ratio, verdict_css
from alsatlas.presentation.views import build_view
from alsatlas.report.render import render_html, stylesheet
from alsatlas.report.sources import shipped_inputs
from alsatlas.synthesis.answer import VERDICTS
from alsatlas.web.app import create_app

PACKAGE = Path(alsatlas.__file__).parent


def _imports(folder: Path) -> set[str]:
    out: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                out.add(node.module)
            elif isinstance(node, ast.Import):
                out.update(a.name for a in node.names)
    return out


@pytest.mark.parametrize(
    ("face", "other"), [("web", "alsatlas.report"), ("report", "alsatlas.web")]
)
def test_a_face_never_imports_the_other(face: str, other: str) -> None:
    assert not [m for m in _imports(PACKAGE / face) if m.startswith(other)]


def test_the_presentation_layer_imports_no_face() -> None:
    faces = ("alsatlas.report", "alsatlas.web", "alsatlas.cli")
    assert not [m for m in _imports(PACKAGE / "presentation") if m.startswith(faces)]


def test_every_verdict_has_readable_colours() -> None:
    assert set(VERDICT_PALETTE) == set(VERDICTS)
    for verdict, swatch in VERDICT_PALETTE.items():
        assert contrast_ratio(swatch.ink, swatch.background) >= 4.5, verdict


def test_no_stylesheet_defines_verdict_colours_of_its_own() -> None:
    own = [
        resources.files("alsatlas.report").joinpath("templates/report.css").read_text("utf-8"),
        (PACKAGE / "web" / "static" / "explorer.css").read_text(encoding="utf-8"),
    ]
    rule = re.compile(r"\.verdict-(box-)?(supported|partly|not|contradicted|insufficient)")
    for css in own:
        assert not rule.search(css)


def test_report_and_web_serve_the_same_verdict_colours() -> None:
    assert stylesheet().endswith(verdict_css())
    client = TestClient(create_app())
    r = client.get("/static/verdicts.css")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/css")
    assert r.text == verdict_css()
    home = client.get("/").text
    assert '<link rel="stylesheet" href="/static/verdicts.css">' in home


def test_the_report_page_inlines_the_palette() -> None:
    inputs = shipped_inputs()
    view = build_view(
        inputs.answers,
        inputs.records,
        methods_text=inputs.methods_text,
        evidence=inputs.evidence,
        package_version="test",
        generated_at="2026-12-02",
        figures_for=lambda answer: (),
    )
    html = render_html(view)
    assert verdict_css() in html
    supported = VERDICT_PALETTE["supported"]
    assert f".verdict-supported {{ background: {supported.background};" in html


def test_the_web_question_page_renders_the_report_view_model() -> None:
    from alsatlas.presentation.views import question_view
    from alsatlas.web.atlas import Atlas

    atlas = Atlas.load(None)
    a = atlas.answer("t1d_als_risk")
    assert a is not None
    view = question_view(a, atlas.tables, atlas.figures("t1d_als_risk"))
    html = TestClient(create_app(atlas)).get("/questions/t1d_als_risk").text
    for text in (view.pooled_text, view.evidence_text, *view.notes, *view.summary):
        assert text and text.replace("'", "&#39;") in html
