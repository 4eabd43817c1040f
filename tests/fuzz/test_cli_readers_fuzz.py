"""Every reader, fuzzed through the command line: any file gives a result or one located error.

For each input a user hands to alsatlas (a meta-analysis CSV, a harmonised MR table, a
summary-statistics file on either side of an MR run, indexed or searched for instruments, an
evidence YAML folder, an article) the file is mutated at random (seeded, so CI reruns the same
cases) and the command is run with an output file. Whatever the bytes: the exit code is one of
the table in the README (0 ok, 1 evidence findings, 2 usage or input error), there is never a
traceback, a failure names the file it could not read, and a failed run leaves no output file
behind. Set ``ALSATLAS_FUZZ_EXAMPLES`` for a longer run than CI's 30 cases per reader.
"""

from __future__ import annotations

import gzip
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from alsatlas.cli import app

FUZZ = settings(
    max_examples=int(os.environ.get("ALSATLAS_FUZZ_EXAMPLES", "30")),  # CI size; raise locally
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ROOT = Path(__file__).resolve().parents[2]
EXPOSURE = (
    ROOT
    / "src"
    / "alsatlas"
    / "data"
    / "genetics"
    / "twosamplemr_vignette_bmi_ieu-a-2_exposure.tsv"
).read_bytes()
OUTCOME = (
    ROOT / "src" / "alsatlas" / "data" / "genetics" / "twosamplemr_vignette_chd_ieu-a-7_outcome.tsv"
).read_bytes()
META = (ROOT / "examples" / "studies.csv").read_bytes()
HARMONISED = (
    b"SNP\tbeta.exposure\tse.exposure\tbeta.outcome\tse.outcome\teffect_allele.exposure\n"
    b"rs1\t0.10\t0.010\t0.20\t0.05\tA\nrs2\t0.12\t0.011\t0.10\t0.05\tC\n"
    b"rs3\t0.30\t0.020\t0.50\t0.10\tG\nrs4\t0.20\t0.020\t0.40\t0.10\tT\n"
)
ARTICLE = (ROOT / "tests" / "claims" / "articles" / "immune_als.txt").read_bytes()
EVIDENCE = (ROOT / "tests" / "evidence" / "fixtures" / "valid" / "all_kinds.yaml").read_bytes()

NASTY = st.sampled_from(
    [b"", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b'"', b'""', b",", b"\t", b"\r\n", b"\n\n",
     b"NA", b"nan", b"inf", b"-1e400", b"1e308", b"[/bold]", b"$\\frac{1}$", b"\x1b]0;x\x07",
     b"rs", b"RS1", b"1:123", b"{", b"- ", b": ", b"\xc3\x28"]
)  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """``original`` with a few random edits: deletions, insertions, truncation, compression."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        edit = draw(st.sampled_from(["delete", "insert", "truncate", "replace"]))
        if edit == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif edit == "insert":
            data[at:at] = draw(st.one_of(NASTY, st.binary(min_size=1, max_size=8)))
        elif edit == "truncate":
            del data[at:]
        else:
            data[at] = draw(st.integers(0, 255))
    out = bytes(data)
    if draw(st.integers(0, 9)) == 0:
        out = gzip.compress(out)
        if draw(st.booleans()):
            out = out[: len(out) // 2]
    return out


def _run(argv: list[str], named: Path, out: Path | None, prep: Callable[[], None] = lambda: None):  # type: ignore[no-untyped-def]
    prep()
    result = CliRunner().invoke(app, argv)
    text = result.output
    assert "Traceback" not in text, text
    assert result.exit_code in (0, 1, 2), (result.exit_code, text, repr(result.exception))
    if result.exit_code != 0:
        assert isinstance(result.exception, SystemExit), repr(result.exception)
        assert str(named) in text or named.name in text, text
        if out is not None:
            assert not out.exists(), "a failed run left its output behind"
    return result


@FUZZ
@given(data=mutated(META))
def test_meta_csv(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "studies.csv"
    path.write_bytes(data)
    out = tmp_path / "forest.svg"
    out.unlink(missing_ok=True)
    argv = ["meta", str(path), "--estimate", "ratio", "--ci-lb", "lo", "--ci-ub", "hi", "--log"]
    _run([*argv, "--forest", str(out), "--format", "json"], path, out)


@FUZZ
@given(data=mutated(HARMONISED))
def test_harmonised_mr_table(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "harmonised.tsv"
    path.write_bytes(data)
    out = tmp_path / "plots"
    shutil.rmtree(out, ignore_errors=True)
    argv = ["mr", "--harmonised", str(path), "--methods", "ivw,egger", "--format", "json"]
    result = _run([*argv, "--plots", str(out)], path, out)
    if result.exit_code == 0:
        assert out.is_dir()


@FUZZ
@given(data=mutated(EXPOSURE), side=st.sampled_from(["exposure", "outcome"]))
def test_sumstats_on_either_side(tmp_path: Path, data: bytes, side: str) -> None:
    exposure = tmp_path / "exposure.tsv"
    outcome = tmp_path / "outcome.tsv"
    exposure.write_bytes(data if side == "exposure" else EXPOSURE)
    outcome.write_bytes(data if side == "outcome" else OUTCOME)
    out = tmp_path / "harmonised-out.tsv"
    out.unlink(missing_ok=True)
    named = exposure if side == "exposure" else outcome
    argv = ["mr", "--exposure", str(exposure), "--outcome", str(outcome), "--methods", "ivw"]
    result = _run([*argv, "--harmonised-out", str(out), "--format", "json"], named, out)
    if result.exit_code == 0:
        assert out.exists()


@FUZZ
@given(data=mutated(EXPOSURE), command=st.sampled_from(["index", "instruments"]))
def test_sumstats_index_and_instruments(tmp_path: Path, data: bytes, command: str) -> None:
    path = tmp_path / "exposure.tsv"
    path.write_bytes(data)
    out = tmp_path / ("index" if command == "index" else "set.tsv")
    shutil.rmtree(out, ignore_errors=True)
    out.unlink(missing_ok=True)
    argv = ["sumstats", command, str(path), "--out", str(out)]
    result = _run(argv if command == "index" else [*argv, "--p", "1"], path, out)
    if result.exit_code == 0:
        assert out.exists()


@FUZZ
@given(data=mutated(EVIDENCE))
def test_evidence_yaml(tmp_path: Path, data: bytes) -> None:
    folder = tmp_path / "evidence"
    folder.mkdir(exist_ok=True)
    path = folder / "all_kinds.yaml"
    path.write_bytes(data)
    result = _run(["validate", str(folder)], path, None)
    if result.exit_code == 1:
        assert "all_kinds.yaml" in result.output


@FUZZ
@given(data=mutated(ARTICLE), suffix=st.sampled_from([".txt", ".md", ".html"]))
def test_article(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"article{suffix}"
    path.write_bytes(data)
    out = tmp_path / "claims.json"
    out.unlink(missing_ok=True)
    result = _run(["check", str(path), "--format", "json", "--out", str(out)], path, out)
    if result.exit_code == 0:
        assert out.exists()
