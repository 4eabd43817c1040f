"""`alsatlas evidence list` through typer's CliRunner."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from alsatlas.cli import app

VALID = Path(__file__).parents[1] / "evidence" / "fixtures" / "valid"


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["evidence", "list", *args])
    return result.exit_code, result.output


def test_disease_synonym_goes_through_the_vocabulary() -> None:
    code, out = _invoke("--disease", "lupus", "--format", "json")
    assert code == 0, out
    rows = json.loads(out)
    assert "turner2013.sle" in {r["id"] for r in rows}
    assert all("sle" in r["diseases"] for r in rows)


def test_json_on_fixture() -> None:
    code, out = _invoke("--path", str(VALID), "--format", "json", "--kind", "epi")
    assert code == 0, out
    rows = json.loads(out)
    assert [r["id"] for r in rows] == ["fixture2020.ra-direction", "fixture2020.sle"]
    sle = rows[1]
    assert (sle["measure"], sle["estimate"], sle["ci_lb"], sle["ci_ub"]) == ("HR", 1.5, 1.1, 2.0)


def test_tsv_has_header_and_rows() -> None:
    code, out = _invoke("--path", str(VALID), "--format", "tsv", "--disease", "SLE")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out), delimiter="\t"))
    assert [r["id"] for r in rows] == ["fixture2020.sle", "fixture2020.locus"]
    assert {r["kind"] for r in rows} == {"epi_association", "shared_locus"}


def test_verified_only() -> None:
    code, out = _invoke("--path", str(VALID), "--format", "json", "--verified-only")
    assert code == 0
    levels = {r["verification"] for r in json.loads(out)}
    assert levels and "unverified" not in levels


def test_several_kinds() -> None:
    code, out = _invoke("--path", str(VALID), "-f", "json", "-k", "mr", "-k", "immune_trials")
    assert code == 0
    assert sorted(r["kind"] for r in json.loads(out)) == ["immune_trial", "mr"]


def test_include_members() -> None:
    code, out = _invoke("--path", str(VALID), "-f", "json", "-d", "IBD", "--include-members")
    assert code == 0
    assert [r["id"] for r in json.loads(out)] == ["fixture2020.mr"]


def test_table_output() -> None:
    code, out = _invoke("--path", str(VALID), "--disease", "lupus")
    assert code == 0
    assert "fixture2020.sle" in out
    assert "HR 1.5 (1.1-2)" in out


def test_unknown_disease_and_kind_are_clear_errors() -> None:
    code, out = _invoke("--disease", "broken leg")
    assert code == 2
    assert "unknown disease 'broken leg'" in out
    code, out = _invoke("--kind", "anecdote")
    assert code == 2
    assert "unknown kind 'anecdote'" in out


def test_invalid_evidence_path_exits_1() -> None:
    broken = VALID.parent / "broken" / "bad_doi.yaml"
    code, out = _invoke("--path", str(broken))
    assert code == 1
    assert "validation error" in out


def test_show_prints_one_record_with_its_file() -> None:
    result = CliRunner().invoke(app, ["evidence", "show", "fixture2020.sle", "--path", str(VALID)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["file"] == "all_kinds.yaml"
    assert data["estimate"] == 1.5
    assert data["citation"]["pmid"] == "12345678"


def test_show_unknown_id() -> None:
    result = CliRunner().invoke(app, ["evidence", "show", "nope", "--path", str(VALID)])
    assert result.exit_code == 2
    assert "no record with this id" in result.output
