"""The synthesis on the shipped evidence base: every question answered, contract kept."""

from __future__ import annotations

import json
import math
from functools import cache

import pytest

import alsatlas.synthesis as synthesis
from alsatlas.errors import AlsatlasInputError
from alsatlas.evidence import diseases, load_evidence
from alsatlas.presentation.readability import MAX_PLAIN_GRADE, reading_grade
from alsatlas.synthesis import (
    CERTAINTY_LEVELS,
    QUESTIONS,
    RULES,
    VERDICTS,
    Answer,
    answer,
    answer_all,
    methods_text,
    question,
)
from alsatlas.synthesis import rules as rules_module
from alsatlas.synthesis.answer import pooled_terms_of


@cache
def shipped() -> tuple[Answer, ...]:
    return answer_all(load_evidence())


def test_every_question_gets_an_answer() -> None:
    answers = shipped()
    assert [a.question.id for a in answers] == [q.id for q in QUESTIONS]
    ids = load_evidence().by_id
    for a in answers:
        assert a.verdict in VERDICTS
        assert a.certainty.level in CERTAINTY_LEVELS
        assert a.certainty.grade_steps or a.certainty.level == "very low"
        assert all(-2 <= s.change <= 2 and s.reason for s in a.certainty.grade_steps)
        assert a.verdict_reason and a.technical_summary and a.plain_summary
        assert all(rid in ids for rid in a.record_ids), a.question.id
        json.dumps(a.to_dict())


def test_plain_summaries_are_easy_to_read() -> None:
    for a in shipped():
        grade = reading_grade(a.plain_summary)
        assert grade <= MAX_PLAIN_GRADE, (a.question.id, grade, a.plain_summary)


def test_catalogue_covers_the_required_questions() -> None:
    terms = {t for q in QUESTIONS for t in q.terms}
    for term in (
        "any_immune_mediated",
        "rheumatoid_arthritis",
        "sle",
        "psoriasis",
        "multiple_sclerosis",
        "myasthenia_gravis",
        "celiac_disease",
        "type1_diabetes",
        "ibd",
        "ulcerative_colitis",
        "crohn_disease",
        "sjogren",
        "asthma",
        "hypothyroidism",
        "inflammatory_myopathy",
    ):
        assert term in terms
    assert terms <= set(diseases())  # every term is a vocabulary term
    categories = {q.category for q in QUESTIONS}
    assert {"classification", "causal", "shared genetics", "therapy", "biomarkers"} <= categories
    assert question("ibudilast").drugs == ("ibudilast",)


def test_unknown_question_is_an_input_error() -> None:
    with pytest.raises(AlsatlasInputError, match="unknown question"):
        answer("no_such_question", load_evidence())


PUBLIC = {
    "CERTAINTY_LEVELS",
    "QUESTIONS",
    "RULES",
    "VERDICTS",
    "Answer",
    "BiomarkerFinding",
    "Certainty",
    "CertaintyLevel",
    "Criterion",
    "DrugFinding",
    "Exclusion",
    "GradeStep",
    "MRFinding",
    "MRSummary",
    "PooledEstimate",
    "Question",
    "QuestionCategory",
    "RecordUse",
    "Rule",
    "SensitivityAnalysis",
    "SharedGene",
    "StudyRow",
    "TrialFinding",
    "Verdict",
    "Vote",
    "VoteDirection",
    "VoteTally",
    "answer",
    "answer_all",
    "methods_text",
    "question",
    "AnyAnswer",
    "BiomarkerAnswer",
    "ClassificationAnswer",
    "EpidemiologyAnswer",
    "GeneticsAnswer",
    "MRAnswer",
    "TherapyAnswer",
    "biomarkers_of",
    "criteria_of",
    "drug_findings_of",
    "mr_of",
    "pooled_of",
    "pooled_terms_of",
    "shared_genes_of",
    "trials_of",
    "votes_of",
}


def test_public_names_do_not_drift() -> None:
    assert set(synthesis.__all__) == PUBLIC
    assert len(synthesis.__all__) == len(PUBLIC)
    for name in synthesis.__all__:
        assert hasattr(synthesis, name)
    assert VERDICTS == (
        "supported",
        "partly supported",
        "not supported",
        "contradicted",
        "insufficient evidence",
    )


def test_methods_text_states_every_threshold() -> None:
    text = methods_text()
    for rule in RULES:
        assert rule.text in text
    assert f"{rules_module.NULL_BAND[0]:g}-{rules_module.NULL_BAND[1]:g}" in text
    assert f"k ≥ {rules_module.MIN_K_REGTEST}" in text
    assert f"I² ≥ {rules_module.HIGH_HETEROGENEITY_I2:g}%" in text
    assert f"≥ {rules_module.WIDE_CI_RATIO:g}" in text
    assert f"< {rules_module.MR_MIN_F:g}" in text
    assert f"fewer than {rules_module.MIN_TRIAL_SIZE}" in text
    assert rules_module.POOL_METHOD in text and "knha" in text
    assert f"{rules_module.MAX_CAVEAT_WEIGHT:.0%} of the weight" in text
    assert f"from k = {rules_module.MIN_K_PREDICTION}" in text
    assert f"fewer than {rules_module.MAX_DISCORDANT_SHARE:.2f} of the votes are null" in text
    assert len({r.id for r in RULES}) == len(RULES)


def test_shipped_pooled_numbers_come_from_selected_rows() -> None:
    for a in shipped():
        for p in pooled_terms_of(a):
            assert p.k == len(p.rows)
            groups = [r.overlap_group for r in p.rows if r.overlap_group]
            assert len(groups) == len(set(groups)), "two rows from one overlap group"
            if p.k >= 2:
                assert sum(r.weight for r in p.rows) == pytest.approx(100.0)
                # the carried model is the one behind the numbers (figures draw it)
                assert p.fit is not None
                assert math.exp(p.fit.estimate) == pytest.approx(p.estimate, rel=1e-12)
                assert math.exp(float(p.fit.ci_lb[0])) == pytest.approx(p.ci_lb, rel=1e-12)
                assert math.exp(float(p.fit.ci_ub[0])) == pytest.approx(p.ci_ub, rel=1e-12)
                assert [float(w) for w in p.fit.weights] == pytest.approx(
                    [r.weight for r in p.rows], rel=1e-12
                )
                assert "fit" not in p.to_dict()
            else:
                assert p.fit is None
