"""Every `alsatlas` command the README shows runs, in order, on the files the project ships,
as a new user would type them (in an empty folder; outputs of one example feed the next,
as `--harmonised-out h.tsv` feeds `--harmonised h.tsv`). `serve` blocks, so it is left out
here (its own tests start it)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from alsatlas.cli import app

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_PREFIXES = ("examples/", "src/", "tests/")


def readme_commands() -> list[list[str]]:
    """The README's ``.venv/bin/alsatlas ...`` lines (continuations joined, comments cut)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            if line.startswith(".venv/bin/alsatlas "):
                argv = shlex.split(line.removeprefix(".venv/bin/alsatlas "), comments=True)
                if argv[0] != "serve":
                    commands.append(argv)
    return commands


def test_the_readme_shows_commands_of_every_kind() -> None:
    kinds = {argv[0] for argv in readme_commands()}
    assert {"questions", "ask", "check", "validate", "evidence", "mr", "meta", "sumstats"} <= kinds


def test_every_readme_command_runs_on_shipped_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_DIR", str(ROOT / ".git"))  # `evidence diff HEAD ...`
    for argv in readme_commands():
        for arg in argv:
            if arg.startswith(SHIPPED_PREFIXES):
                shipped = (ROOT / arg).exists() or any(  # a PLINK prefix names .bed/.bim/.fam
                    (ROOT / f"{arg}{ext}").exists() for ext in (".bed", ".bim", ".fam")
                )
                assert shipped, f"README names {arg}, which is not shipped"
        resolved = [str(ROOT / a) if a.startswith(SHIPPED_PREFIXES) else a for a in argv]
        result = CliRunner().invoke(app, resolved)
        assert result.exit_code == 0, f"alsatlas {' '.join(argv)}\n{result.output}"
