"""The report on small synthetic answers: structure, escaping, numbers, exports, readability."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from report_checks import check_all
from report_synthetic import synthetic_inputs

from alsatlas.report.build import build_report


def test_synthetic_report_passes_all_checks(tmp_path: Path) -> None:
    inputs = synthetic_inputs()
    files = build_report(tmp_path / "out", inputs)
    p = check_all(files, inputs.answers)
    assert "verified" in p.text("methods") or "Selection" in p.text("methods")
    assert "test.1" in p.text("main") or "test.1" in files.html.read_text()


def test_text_from_answers_is_escaped(tmp_path: Path) -> None:
    inputs = synthetic_inputs()
    first = inputs.answers[0]
    hostile = dataclasses.replace(
        first, technical_summary='<script>alert("x")</script> & <img src="http://x/y.png">'
    )
    inputs = dataclasses.replace(inputs, answers=(hostile, *inputs.answers[1:]))
    html = build_report(tmp_path, inputs).html.read_text()
    assert "<script>alert" not in html and '<img src="http://x' not in html
    assert "&lt;script&gt;alert" in html


def test_headline_is_the_autoimmune_question(tmp_path: Path) -> None:
    inputs = synthetic_inputs()
    view = build_report(tmp_path, inputs).view
    head = next(a for a in inputs.answers if a.question.id == "als_autoimmune")
    assert view.headline is not None
    assert view.headline.verdict == head.verdict
    assert view.headline.certainty == head.certainty.level


def test_funnel_plot_from_k_of_the_regression_test_rule() -> None:
    from report_synthetic import pooled_estimate, study_row

    from alsatlas.presentation.figures import answer_figures
    from alsatlas.synthesis.rules import MIN_K_REGTEST

    inputs = synthetic_inputs()
    sle = next(a for a in inputs.answers if a.question.id == "sle_als_risk")
    ests = [1.1, 1.3, 0.9, 1.6, 1.2, 2.0, 1.05, 1.4, 0.8, 1.7, 1.25]
    for k, with_funnel in ((MIN_K_REGTEST - 1, False), (MIN_K_REGTEST, True)):
        draft = tuple(study_row(f"s{i}", e, e / 1.5, e * 1.5, 0.0) for i, e in enumerate(ests[:k]))
        pooled = pooled_estimate("sle", draft)
        figures = answer_figures(dataclasses.replace(sle, pooled=pooled, pooled_by_term=(pooled,)))
        ids = [f.id for f in figures]
        assert any("-forest-" in i for i in ids)
        assert any("-funnel-" in i for i in ids) == with_funnel
