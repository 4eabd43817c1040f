"""The report built from the shipped evidence base, through the API and through the CLI.

Expected values come from :func:`alsatlas.synthesis.answer_all` on the same evidence: the
report must show exactly what the synthesis layer decided.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_checks import check_all
from typer.testing import CliRunner

from alsatlas.cli import app
from alsatlas.presentation.figures import answer_figures
from alsatlas.presentation.templating import grade_symbols
from alsatlas.report.build import ReportFiles, ReportInputs, build_report
from alsatlas.report.sources import shipped_inputs
from alsatlas.synthesis import QUESTIONS, Answer, answer_all
from alsatlas.synthesis.answer import mr_of, pooled_of, pooled_terms_of


@pytest.fixture(scope="module")
def inputs() -> ReportInputs:
    return shipped_inputs()


@pytest.fixture(scope="module")
def answers(inputs: ReportInputs) -> tuple[Answer, ...]:
    return inputs.answers


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory, inputs: ReportInputs) -> ReportFiles:
    return build_report(tmp_path_factory.mktemp("report"), inputs)


def test_inputs_are_the_synthesis_answers(answers: tuple[Answer, ...]) -> None:
    expected = answer_all()
    assert [a.to_dict() for a in answers] == [a.to_dict() for a in expected]
    assert [a.question.id for a in answers] == [q.id for q in QUESTIONS]


def test_shipped_report_passes_all_checks(
    shipped: ReportFiles, answers: tuple[Answer, ...]
) -> None:
    check_all(shipped, answers)


def test_figures_follow_the_synthesis(shipped: ReportFiles, answers: tuple[Answer, ...]) -> None:
    """A forest plot per pooled term with rows; an MR figure where a ratio estimate exists."""
    for a, q in zip(answers, shipped.view.questions, strict=True):
        with_rows = [p for p in pooled_terms_of(a) if p.rows]
        forests = [f for f in q.figures if "-forest-" in f.id]
        assert len(forests) == len(with_rows)
        ratio_mr = [
            f
            for f in (mr_of(a).findings if mr_of(a) else ())
            if f.measure and f.measure.upper().startswith(("OR", "HR", "RR")) and f.ci_lb
        ]
        assert any(f.id.endswith("-mr") for f in q.figures) == bool(ratio_mr)
        for fig in q.figures:
            assert "<title" in str(fig.svg) and 'role="img"' in str(fig.svg)


def test_forest_plots_draw_the_synthesis_model(answers: tuple[Answer, ...]) -> None:
    answer = next(a for a in answers if pooled_of(a) is not None and pooled_of(a).k >= 2)
    assert answer.pooled is not None and answer.pooled.fit is not None
    forest = next(f for f in answer_figures(answer) if "-forest-" in f.id)
    # the pooled line of the forest plot prints the synthesis estimate and CI
    label = f"{answer.pooled.estimate:.2f} [{answer.pooled.ci_lb:.2f}, {answer.pooled.ci_ub:.2f}]"
    assert label in str(forest.svg)


def test_verdict_table_matches_answers_json(shipped: ReportFiles) -> None:
    rows = json.loads((shipped.out_dir / "tables" / "answers.json").read_text())["rows"]
    html = shipped.html.read_text()
    for row in rows:
        assert f'id="q-{row["question_id"]}"' in html
        assert grade_symbols(row["certainty"]) in html
    assert "Evidence base version" in html
    assert shipped.view.evidence_version in html


def test_cli_report_writes_html_and_tables(tmp_path: Path, answers: tuple[Answer, ...]) -> None:
    out = tmp_path / "cli-out"
    result = CliRunner().invoke(app, ["report", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "report.html").is_file()
    assert (out / "tables" / "answers.tsv").is_file()
    assert "report.html" in result.stdout
    rows = json.loads((out / "tables" / "answers.json").read_text())["rows"]
    assert [r["verdict"] for r in rows] == [a.verdict for a in answers]


def test_answers_json_is_the_synthesis_output(
    shipped: ReportFiles, answers: tuple[Answer, ...]
) -> None:
    data = json.loads(shipped.answers.read_text())
    assert data["evidence_version"] == shipped.view.evidence_version
    assert [a["question"]["id"] for a in data["answers"]] == [a.question.id for a in answers]
    for got, a in zip(data["answers"], answers, strict=True):
        assert got["verdict"] == a.verdict
        assert got["certainty"]["level"] == a.certainty.level
        if pooled_of(a) is not None:
            assert got["pooled"]["estimate"] == pooled_of(a).estimate


def test_cli_report_help_names_the_out_option() -> None:
    result = CliRunner().invoke(app, ["report", "--help"])
    assert result.exit_code == 0
    assert "--out" in result.stdout


def test_cli_report_reports_input_errors(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from alsatlas.errors import EvidenceError
    from alsatlas.report import sources

    def broken(on_progress: object = None) -> ReportInputs:
        raise EvidenceError("broken record", file="x.yaml", row="rec-1", field="estimate")

    monkeypatch.setattr(sources, "shipped_inputs", broken)
    result = CliRunner().invoke(app, ["report", "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "x.yaml" in result.output and "broken record" in result.output
    assert not (tmp_path / "o" / "report.html").exists()


def test_evidence_stamp_names_version_and_a_date(shipped: ReportFiles) -> None:
    import re

    from alsatlas.evidence import EVIDENCE_VERSION

    assert shipped.view.evidence_version == EVIDENCE_VERSION
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", shipped.view.evidence_date)
    assert shipped.view.evidence_date in shipped.html.read_text()
