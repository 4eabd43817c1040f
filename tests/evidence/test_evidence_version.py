"""Evidence version, content hash, changelog and `alsatlas evidence diff`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from alsatlas.cli import app
from alsatlas.evidence import EVIDENCE_VERSION, load_evidence, shipped_evidence_dir
from alsatlas.evidence.diff import diff_records, raw_records
from alsatlas.evidence.version import content_hash, evidence_version, read_changelog

SHIPPED = shipped_evidence_dir()


def test_changelog_records_the_shipped_content_hash() -> None:
    newest = read_changelog(SHIPPED / "CHANGELOG.md")[0]
    digest = content_hash(SHIPPED)
    assert newest.content_hash == digest, (
        f"evidence files changed: add a CHANGELOG.md entry with content {digest}"
    )
    assert newest.version == EVIDENCE_VERSION
    assert newest.lines, "a changelog entry says what changed"


def test_changelog_is_newest_first_with_increasing_versions() -> None:
    entries = read_changelog(SHIPPED / "CHANGELOG.md")
    dates = [e.date for e in entries]
    assert dates == sorted(dates, reverse=True)
    assert len({e.version for e in entries}) == len(entries)


def test_loaded_base_carries_version_and_hash() -> None:
    base = load_evidence()
    assert base.version == EVIDENCE_VERSION
    assert base.content_hash == content_hash(SHIPPED)


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "evidence"
    shutil.copytree(SHIPPED, folder)
    return folder


def test_any_record_edit_changes_the_hash_and_drops_the_version(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    before = evidence_version(folder)
    assert before.version == EVIDENCE_VERSION
    target = folder / "epidemiology" / "Cao2024.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("1.42", "1.43", 1))
    after = evidence_version(folder)
    assert after.content_hash != before.content_hash
    assert after.version == "unversioned"


def test_record_diff_names_added_removed_and_changed_fields(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "epidemiology" / "Fang2011_PLoSONE_infections.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["records"][0]["estimate"] = 1.4
    data["records"][1]["id"] = "fang2011.sepsis-renamed"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    d = diff_records(raw_records(SHIPPED), raw_records(folder))
    assert d.added == ("fang2011.sepsis-renamed",)
    assert d.removed == ("fang2011.sepsis",)
    assert [(c.record_id, [(f.field, f.old, f.new) for f in c.fields]) for c in d.changed] == [
        ("fang2011.cns-infection", [("estimate", 1.3, 1.4)])
    ]


def test_cli_diff_reports_records_and_answers_that_moved(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "epidemiology" / "Mariosa2015.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for rec in data["records"]:
        if rec["id"] == "mariosa2015.type1-diabetes.age-lt-50":
            rec["pooling"] = "excluded"
        if rec["id"] == "mariosa2015.type1-diabetes":
            rec["pooling"] = "eligible"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(
        app, ["evidence", "diff", str(SHIPPED), str(folder), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["old_version"] == EVIDENCE_VERSION
    assert body["new_version"] == "unversioned"
    assert {c["id"] for c in body["records"]["changed"]} == {
        "mariosa2015.type1-diabetes",
        "mariosa2015.type1-diabetes.age-lt-50",
    }
    moved = {a["question_id"]: a for a in body["answers"]}
    t1d = moved["t1d_als_risk"]
    assert "pooled" in t1d["changed"]
    # back to the all-ages Swedish estimate: 0.83 (0.60-1.15) pooled with the Danish one
    assert t1d["new"]["pooled"]["estimate"] < t1d["old"]["pooled"]["estimate"]
    table = CliRunner().invoke(app, ["evidence", "diff", str(SHIPPED), str(folder)])
    assert table.exit_code == 0
    assert "t1d_als_risk" in table.output and "2 changed" in table.output


def test_cli_diff_of_identical_folders_changes_nothing() -> None:
    result = CliRunner().invoke(app, ["evidence", "diff", str(SHIPPED), str(SHIPPED)])
    assert result.exit_code == 0
    assert "0 added, 0 removed, 0 changed" in result.output
    assert "no verdict, certainty or pooled estimate changed" in result.output


def test_cli_diff_of_a_bad_revision_is_one_clear_error() -> None:
    result = CliRunner().invoke(app, ["evidence", "diff", "no-such-rev-xyz", str(SHIPPED)])
    assert result.exit_code == 2
    assert "neither a folder nor a git revision" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("old", "message"),
    [
        ("HEAD:README.md", "is a file in that revision, not a folder"),
        ("README.md", "not a folder"),
        ("{empty}", "no evidence files"),
    ],
)
def test_cli_diff_of_something_that_is_not_evidence_is_an_error(
    tmp_path: Path, old: str, message: str
) -> None:
    root = Path(__file__).resolve().parents[2]
    spec = {"{empty}": str(tmp_path), "README.md": str(root / "README.md")}.get(old, old)
    result = CliRunner().invoke(
        app, ["evidence", "diff", spec, str(SHIPPED)], env={"GIT_DIR": str(root / ".git")}
    )
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "removed" not in result.output and "Traceback" not in result.output
