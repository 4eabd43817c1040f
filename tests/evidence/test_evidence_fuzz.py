"""Malformed evidence files never crash the loader: every problem is an EvidenceError."""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from alsatlas.cli import app
from alsatlas.errors import EvidenceError
from alsatlas.evidence import read_evidence

VALID = Path(__file__).parent / "fixtures" / "valid" / "all_kinds.yaml"
BASE_DOC: dict[str, Any] = yaml.safe_load(VALID.read_text(encoding="utf-8"))

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
yaml_alphabet = st.sampled_from(list("abc:-[]{}'\"#&*!|>%@`,?\n\t 0123.eE+\\"))


def _check(path: Path) -> None:
    result = read_evidence(path)
    for err in result.errors:
        assert isinstance(err, EvidenceError)
        assert err.file is not None
        assert err.message


_FOLDER = tempfile.TemporaryDirectory(prefix="alsatlas-fuzz-")


def _write(data: bytes) -> Path:
    path = Path(_FOLDER.name) / "fuzz.yaml"
    path.write_bytes(data)
    return path


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    _check(_write(data))


@FUZZ
@given(st.text(alphabet=yaml_alphabet, max_size=200))
def test_random_yaml_like_text(text: str) -> None:
    _check(_write(text.encode("utf-8")))


@FUZZ
@given(values)
def test_random_documents(doc: Any) -> None:
    _check(_write(yaml.safe_dump(doc).encode("utf-8")))


@FUZZ
@given(
    st.integers(min_value=0, max_value=len(BASE_DOC["records"]) - 1),
    st.sampled_from(
        [
            "id",
            "kind",
            "estimate",
            "ci_lb",
            "ci_ub",
            "measure",
            "exposure",
            "traits",
            "predicts",
            "time_window",
            "citation",
            "verification",
            "drug",
            "nct_id",
            "direction",
        ]
    ),
    values,
)
def test_mutated_records(index: int, field: str, value: Any) -> None:
    doc = copy.deepcopy(BASE_DOC)
    doc["records"][index][field] = value
    path = _write(yaml.safe_dump(doc).encode("utf-8"))
    result = read_evidence(path)
    for err in result.errors:
        assert isinstance(err, EvidenceError)
        assert err.file == str(path)


@FUZZ
@given(st.sampled_from(["citation", "study_id", "records"]), values)
def test_mutated_file_level_keys(key: str, value: Any) -> None:
    doc = copy.deepcopy(BASE_DOC)
    doc[key] = value
    _check(_write(yaml.safe_dump(doc).encode("utf-8")))


@settings(max_examples=25, deadline=None)
@given(st.text(alphabet=yaml_alphabet, max_size=120))
def test_validate_command_never_shows_a_traceback(text: str) -> None:
    path = _write(text.encode("utf-8"))
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code in (0, 1)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


def test_python_tags_are_refused_not_executed() -> None:
    path = _write(b"!!python/object/apply:os.system ['echo hi']\n")
    result = read_evidence(path)
    assert "YAML syntax error" in result.errors[0].reason


def test_recursive_alias_does_not_crash() -> None:
    path = _write(b"study_id: x\ncitation: {}\nrecords: &r [*r]\n")
    _check(path)
