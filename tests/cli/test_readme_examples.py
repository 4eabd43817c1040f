"""Every `alsatlas meta` example in the README runs on the files the project ships, and each
example row traces to an evidence record or to R's dat.bcg counts."""

from __future__ import annotations

import csv
import json
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from alsatlas.cli import app
from alsatlas.evidence import load_evidence

ROOT = Path(__file__).resolve().parents[2]
REF = ROOT / "tests" / "reference" / "metafor" / "diagnostics_reference.json"


def _meta_examples() -> list[list[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8").replace("\\\n", " ")
    return [
        shlex.split(line.split("alsatlas", 1)[1])
        for line in text.splitlines()
        if line.startswith(".venv/bin/alsatlas meta ")
    ]


@pytest.mark.parametrize("argv", _meta_examples())
def test_readme_meta_example_runs(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for arg in argv:
        if arg.startswith("examples/"):
            assert (ROOT / arg).is_file(), f"README names {arg}, which is not shipped"
    argv = [str(ROOT / a) if a.startswith("examples/") else a for a in argv]
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 0, result.output


def test_there_are_readme_meta_examples() -> None:
    assert len(_meta_examples()) >= 6


def test_studies_rows_are_evidence_records() -> None:
    by_id = {r.id: r for r in load_evidence().epi_associations}
    rows = list(
        csv.DictReader((ROOT / "examples" / "studies.csv").read_text(encoding="utf-8").splitlines())
    )
    assert rows
    for row in rows:
        rec = by_id[row["record"]]
        assert (rec.measure, rec.estimate, rec.ci_lb, rec.ci_ub) == (
            row["measure"],
            float(row["ratio"]),
            float(row["lo"]),
            float(row["hi"]),
        )


def test_trials_are_the_r_dat_bcg_counts() -> None:
    bcg = json.loads(REF.read_text(encoding="utf-8"))["escalc"]["bcg"]
    rows = list(
        csv.DictReader((ROOT / "examples" / "trials.csv").read_text(encoding="utf-8").splitlines())
    )
    for key in ("ai", "bi", "ci", "di"):
        assert [int(r[key]) for r in rows] == bcg[key]


def test_normand1999_is_the_r_dat_normand1999() -> None:
    escalc = json.loads(
        (ROOT / "tests" / "reference" / "metafor" / "escalc_reference.json").read_text()
    )["escalc"]
    ref = next(c for c in escalc if c["name"] == "normand1999")["inputs"]
    rows = list(
        csv.DictReader(
            (ROOT / "examples" / "normand1999.csv").read_text(encoding="utf-8").splitlines()
        )
    )
    for key in ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"):
        assert [float(r[key]) for r in rows] == ref[key]


def test_synthetic_examples_are_what_their_script_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_synthetic", ROOT / "examples" / "make_synthetic.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "HERE", tmp_path)
    module.main()
    for name in ("outcome.tsv.gz", "x_gwas.tsv.gz", "y_gwas.tsv.gz"):
        shipped = (ROOT / "examples" / "synthetic" / name).read_bytes()
        assert (tmp_path / name).read_bytes() == shipped, name
