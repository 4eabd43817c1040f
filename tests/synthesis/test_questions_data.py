"""The question catalogue is data: read from YAML, checked at load, dispatched by kind."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from alsatlas.errors import EvidenceError
from alsatlas.evidence import load_evidence
from alsatlas.synthesis import QUESTIONS
from alsatlas.synthesis.answer import Question
from alsatlas.synthesis.dispatch import answer_question
from alsatlas.synthesis.lines import ANSWERERS
from alsatlas.synthesis.questions import catalogue_path, load_questions


def _write(tmp_path: Path, questions: list[dict[str, object]]) -> Path:
    path = tmp_path / "questions.yaml"
    path.write_text(yaml.safe_dump({"questions": questions}), encoding="utf-8")
    return path


def _shipped() -> list[dict[str, object]]:
    data = yaml.safe_load(catalogue_path().read_text(encoding="utf-8"))
    return list(data["questions"])


def test_every_kind_has_a_line_and_every_question_a_kind() -> None:
    assert {q.kind for q in QUESTIONS} <= set(ANSWERERS)
    assert len({q.id for q in QUESTIONS}) == len(QUESTIONS)
    for q in QUESTIONS:
        if q.kind == "epidemiology":
            assert q.terms and q.plain_name


def test_a_curator_can_add_a_question_without_code(tmp_path: Path) -> None:
    extra = {
        "id": "low_dose_il2",
        "kind": "therapy",
        "category": "therapy",
        "title": "Low-dose interleukin-2 in ALS",
        "plain": "Does low-dose IL-2 slow ALS?",
        "claim": "Low-dose IL-2 slows ALS.",
        "claim_direction": "decreased",
        "drugs": ["low_dose_il2"],
    }
    questions = load_questions(_write(tmp_path, [*_shipped(), extra]))
    q = questions[-1]
    assert q.id == "low_dose_il2" and q.drugs == ("low_dose_il2",)
    a = answer_question(q, load_evidence())
    assert a.question.id == "low_dose_il2"
    assert [d.drug for d in a.drug_findings] == ["low_dose_il2"]
    assert a.verdict == "partly supported"  # MIROCALS: pre-specified secondary analyses only


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"kind": "astrology"}, "kind", "Input should be"),
        ({"colour": "red"}, "colour", "Extra inputs"),
        ({"terms": ["lupus_nephritis_x"]}, "terms", "unknown disease term"),
        ({"plain_name": ""}, "terms", "needs disease terms and a plain_name"),
    ],
)
def test_a_broken_question_names_file_question_and_field(
    tmp_path: Path, change: dict[str, object], field: str, words: str
) -> None:
    questions = _shipped()
    sle = next(q for q in questions if q["id"] == "sle_als_risk")
    sle.update(change)
    path = _write(tmp_path, questions)
    with pytest.raises(EvidenceError) as err:
        load_questions(path)
    assert err.value.row == "sle_als_risk"
    assert err.value.field == field
    assert words in err.value.reason
    assert str(path) in err.value.message


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    questions = _shipped()
    with pytest.raises(EvidenceError, match="duplicate question id"):
        load_questions(_write(tmp_path, [*questions, questions[0]]))


def test_no_question_id_is_special_cased_in_the_lines() -> None:
    import ast

    import alsatlas.synthesis.lines as lines

    folder = Path(lines.__file__).parent
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare) and any(
                isinstance(c, ast.Constant) and c.value in {q.id for q in QUESTIONS}
                for c in node.comparators
            ):
                pytest.fail(f"{path.name}:{node.lineno} compares with a question id")


def test_question_is_a_plain_value() -> None:
    q = QUESTIONS[0]
    assert isinstance(q, Question) and q.to_dict()["kind"] == q.kind


def test_each_kind_returns_its_own_small_answer() -> None:
    from alsatlas.synthesis import answer_all
    from alsatlas.synthesis.answer import (
        BiomarkerAnswer,
        ClassificationAnswer,
        EpidemiologyAnswer,
        GeneticsAnswer,
        MRAnswer,
        TherapyAnswer,
    )

    expected = {
        "epidemiology": EpidemiologyAnswer,
        "mr_autoimmune": MRAnswer,
        "mr_immune_traits": MRAnswer,
        "therapy": TherapyAnswer,
        "biomarkers": BiomarkerAnswer,
        "neuroinflammation": BiomarkerAnswer,
        "immune_involvement": BiomarkerAnswer,
        "shared_genetics": GeneticsAnswer,
        "classification": ClassificationAnswer,
    }
    for a in answer_all():
        assert type(a) is expected[a.question.kind], a.question.id
        fields = set(a.to_dict())
        if not isinstance(a, EpidemiologyAnswer):
            assert not {"pooled", "votes", "pooled_by_term"} & fields, a.question.id
        if not isinstance(a, TherapyAnswer):
            assert "trials" not in fields, a.question.id
