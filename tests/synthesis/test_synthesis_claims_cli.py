"""The `ask` and `questions` commands."""

from __future__ import annotations

import json

from synthesis_factories import direction_only
from typer.testing import CliRunner

from alsatlas.cli import app

runner = CliRunner()


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


def test_direction_only_helper_builds_valid_records() -> None:
    record = direction_only("x.sle", "increased")
    assert record.direction_only and record.direction == "increased"
