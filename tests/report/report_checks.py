"""Checks every built report must pass, shared by the synthetic and the shipped-evidence tests.

Expected numbers are read from the synthesis result objects handed to the report, never typed
in: the checks assert that the HTML, the JSON and the TSV all show those same numbers.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from urllib.parse import urlparse

from report_html_probe import Probe, probe

from alsatlas.presentation.readability import MAX_PLAIN_GRADE, UNDERCOUNT_MARGIN, reading_grade
from alsatlas.presentation.tables import format_number
from alsatlas.presentation.templating import grade_symbols
from alsatlas.report.build import ReportFiles
from alsatlas.synthesis.answer import (
    Answer,
    biomarkers_of,
    mr_of,
    pooled_of,
    pooled_terms_of,
    trials_of,
)


def parsed(files: ReportFiles) -> Probe:
    p = probe(files.html.read_text(encoding="utf-8"))
    assert p.errors == []
    return p


def check_structure(p: Probe, answers: tuple[Answer, ...]) -> None:
    assert len(p.ids) == len(set(p.ids)), "duplicate element ids"
    for section in ("short-answer", "plain-language", "questions", "methods", "references"):
        assert section in p.ids
    for a in answers:
        assert f"q-{a.question.id}" in p.ids
        assert a.question.id in p.text("verdict-table")
        section = p.text(f"q-{a.question.id}")
        assert a.verdict in section
        assert grade_symbols(a.certainty.level) in section
        for step in a.certainty.grade_steps:
            assert " ".join(step.reason.split()) in section
    assert p.tags["h1"] == 1
    assert p.tags["table"] == p.tags["caption"], "every table has a caption"
    assert p.tags["svg"] == p.tags["title"] - 1, "every SVG has a <title> (plus the page title)"


def check_self_contained(p: Probe, html: str = "") -> None:
    for tag, attr, url in p.resources:
        parsed_url = urlparse(url)
        assert not parsed_url.scheme and not parsed_url.netloc, f"<{tag} {attr}={url!r}> loads"
    assert p.tags["script"] == 0
    lowered = html.lower()
    assert "@import" not in lowered
    assert re.search(r"url\(\s*['\"]?(https?:)?//", lowered) is None, "CSS loads a remote URL"
    for href in p.anchors:
        assert urlparse(href).scheme in ("", "https", "http"), href


def _rows(files: ReportFiles, name: str) -> tuple[list[dict[str, object]], list[dict[str, str]]]:
    tables = files.out_dir / "tables"
    data = json.loads((tables / f"{name}.json").read_text(encoding="utf-8"))
    tsv = list(
        csv.DictReader(
            io.StringIO((tables / f"{name}.tsv").read_text(encoding="utf-8")),
            delimiter="\t",
            quoting=csv.QUOTE_NONE,
        )
    )
    assert len(data["rows"]) == len(tsv)
    return data["rows"], tsv


def _same(value: float | None, json_value: object, tsv_value: str) -> None:
    if value is None:
        assert json_value is None and tsv_value == ""
    else:
        assert json_value == value and float(tsv_value) == value


def check_numbers_agree(files: ReportFiles, p: Probe, answers: tuple[Answer, ...]) -> None:
    """Headline estimates, study rows and weights: synthesis == JSON == TSV, shown in HTML."""
    answer_json, answer_tsv = _rows(files, "answers")
    assert [r["question_id"] for r in answer_json] == [a.question.id for a in answers]
    for a, j, t in zip(answers, answer_json, answer_tsv, strict=True):
        assert j["verdict"] == t["verdict"] == a.verdict
        assert j["certainty"] == t["certainty"] == a.certainty.level
        pooled = pooled_of(a)
        for key in ("estimate", "ci_lb", "ci_ub"):
            _same(getattr(pooled, key) if pooled else None, j[key], t[key])
        if pooled is not None:
            section = p.text(f"q-{a.question.id}")
            for value in (pooled.estimate, pooled.ci_lb, pooled.ci_ub):
                assert format_number(value) in section
            assert format_number(pooled.estimate) in p.text("verdict-table")
    study_json, study_tsv = _rows(files, "study_rows")
    expected = [
        (a.question.id, pe.term, r)
        for a in answers
        for pe in (pooled_terms_of(a) or ((pooled_of(a),) if pooled_of(a) else ()))
        for r in pe.rows
    ]
    assert len(study_json) == len(expected)
    for (qid, term, r), j, t in zip(expected, study_json, study_tsv, strict=True):
        assert (j["question_id"], j["term"], j["record_id"]) == (qid, term, r.record_id)
        for key in ("estimate", "ci_lb", "ci_ub", "weight"):
            _same(getattr(r, key), j[key], t[key])
        section = p.text(f"q-{qid}")
        assert format_number(r.estimate) in section
        assert format_number(r.weight, 1) + "%" in section


def check_line_tables_agree(files: ReportFiles, p: Probe, answers: tuple[Answer, ...]) -> None:
    """MR findings, trials and biomarkers: synthesis == JSON == TSV, shown in the section."""
    mr_json, mr_tsv = _rows(files, "mr_results")
    findings = [(a.question.id, f) for a in answers if mr_of(a) for f in mr_of(a).findings]
    assert len(mr_json) == len(findings)
    for (qid, f), j, t in zip(findings, mr_json, mr_tsv, strict=True):
        assert (j["question_id"], j["record_id"]) == (qid, f.record_id)
        for key in ("estimate", "ci_lb", "ci_ub"):
            _same(getattr(f, key), j[key], t[key])
        if f.estimate is not None:
            assert format_number(f.estimate, 3) in p.text(f"q-{qid}")
    trial_json, trial_tsv = _rows(files, "trials")
    trials = [(a.question.id, tr) for a in answers for tr in trials_of(a)]
    assert len(trial_json) == len(trials)
    for (qid, tr), j, t in zip(trials, trial_json, trial_tsv, strict=True):
        assert (j["question_id"], j["record_id"], j["outcome"]) == (qid, tr.record_id, tr.outcome)
        assert t["outcome"] == tr.outcome
        if tr.registry_id:
            assert tr.registry_id in p.text(f"q-{qid}")
    marker_json, marker_tsv = _rows(files, "biomarkers")
    markers = [(a.question.id, b) for a in answers for b in biomarkers_of(a)]
    assert len(marker_json) == len(markers)
    for (qid, b), j, t in zip(markers, marker_json, marker_tsv, strict=True):
        assert (j["question_id"], j["record_id"]) == (qid, b.record_id)
        _same(b.estimate, j["estimate"], t["estimate"])
        if b.estimate is not None:
            assert format_number(b.estimate, 3) in p.text(f"q-{qid}")


def check_exports_exist(files: ReportFiles) -> None:
    tables = files.out_dir / "tables"
    names = {t.name for t in files.view.tables}
    for required in (
        "answers",
        "grade_steps",
        "pooled_estimates",
        "study_rows",
        "votes",
        "mr_results",
        "trials",
        "biomarkers",
        "shared_genes",
        "records",
        "references",
    ):
        assert required in names
    for name in names:
        assert (tables / f"{name}.json").is_file()
        assert (tables / f"{name}.tsv").is_file()
        assert (tables / f"{name}.parquet").is_file()
    references = {"references.bib", "references.ris", "references.csl.json"}
    assert {Path(x).name for x in files.tables} == {
        f"{n}.{ext}" for n in names for ext in ("json", "tsv", "parquet")
    } | references


def check_plain_language(p: Probe) -> float:
    text = p.text("plain-language")
    grade = reading_grade(text)
    assert grade <= MAX_PLAIN_GRADE - UNDERCOUNT_MARGIN, f"plain-language grade {grade:.1f}"
    for name in ("ALS Association", "MND Association", "ALS Canada", "Les Turner ALS Foundation"):
        assert name in text
    return grade


def check_references(p: Probe, files: ReportFiles) -> None:
    refs_json, _ = _rows(files, "references")
    for ref in refs_json:
        assert f"ref-{ref['study_id']}" in p.ids
        if ref["pmid"]:
            assert f"https://pubmed.ncbi.nlm.nih.gov/{ref['pmid']}/" in p.anchors
        if ref["doi"]:
            assert f"https://doi.org/{ref['doi']}" in p.anchors
    internal = [h[1:] for h in p.anchors if h.startswith("#")]
    missing = sorted(set(internal) - set(p.ids))
    assert not missing, f"links to missing anchors: {missing[:5]}"


def check_all(files: ReportFiles, answers: tuple[Answer, ...]) -> Probe:
    p = parsed(files)
    check_structure(p, answers)
    check_self_contained(p, files.html.read_text(encoding="utf-8"))
    check_exports_exist(files)
    check_numbers_agree(files, p, answers)
    check_line_tables_agree(files, p, answers)
    check_plain_language(p)
    check_references(p, files)
    return p
