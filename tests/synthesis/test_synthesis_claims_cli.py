"""Claim checker and the `ask` / `questions` / `check` commands."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from synthesis_factories import base, direction_only, epi
from typer.testing import CliRunner

from alsatlas.cli import app
from alsatlas.synthesis import VERDICTS
from alsatlas.synthesis.claims import check_claim, claim_direction, match_questions

runner = CliRunner()


def test_claims_map_to_questions_through_the_vocabulary() -> None:
    ids = [qid for qid, _ in match_questions("Lupus and coeliac disease raise the risk of ALS")]
    assert ids == ["sle_als_risk", "celiac_als_risk"]
    assert next(q for q, _ in match_questions("MN-166 is a promising drug")) == "ibudilast"
    assert [q for q, _ in match_questions("ALS may be an autoimmune disease")] == ["als_autoimmune"]
    assert "neuroinflammation_progression" in [
        q for q, _ in match_questions("Microglia drive progression in ALS")
    ]
    assert "shared_genetics" in [q for q, _ in match_questions("ALS shares genes with lupus")]
    assert match_questions("The weather is nice") == []


def test_opposite_claim_mirrors_the_verdict() -> None:
    ev = base(
        epi("a.sle", 0.6, 0.5, 0.72),
        epi("b.sle", 0.65, 0.55, 0.77),
    )
    assert claim_direction("Lupus protects against ALS") == "decreased"
    raises = check_claim("Lupus raises the risk of ALS", ev).matches[0]
    lowers = check_claim("Lupus lowers the risk of ALS", ev).matches[0]
    assert raises.verdict == "contradicted"
    assert lowers.verdict == "supported"
    assert raises.answer.verdict == lowers.answer.verdict == "contradicted"


def test_questions_and_ask_commands() -> None:
    result = runner.invoke(app, ["questions", "--format", "json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert {"id", "title", "verdict", "certainty"} <= set(listed[0])
    result = runner.invoke(app, ["ask", "ibudilast", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["question"]["id"] == "ibudilast"
    assert payload["verdict"] == listed[[q["id"] for q in listed].index("ibudilast")]["verdict"]
    result = runner.invoke(app, ["ask", "t1d_als_risk"])
    assert result.exit_code == 0 and "Certainty" in result.output
    result = runner.invoke(app, ["ask", "nope"])
    assert result.exit_code == 2 and "unknown question" in result.output
    result = runner.invoke(app, ["questions", "--methods"])
    assert result.exit_code == 0 and "REML" in result.output


def test_check_command() -> None:
    result = runner.invoke(app, ["check", "Lupus raises the risk of ALS", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["matches"][0]["question_id"] == "sle_als_risk"
    result = runner.invoke(app, ["check", "The weather is nice"])
    assert result.exit_code == 1


def test_direction_only_helper_builds_valid_records() -> None:
    record = direction_only("x.sle", "increased")
    assert record.direction_only and record.direction == "increased"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=120))
def test_any_text_is_checked_without_error(text: str) -> None:
    result = check_claim(text, SMALL)
    assert result.claim == text
    assert all(m.verdict in VERDICTS for m in result.matches)


SMALL = base(
    epi("a.sle", 1.5, 1.3, 1.73), direction_only("b.celiac", "null", exposure="celiac_disease")
)
