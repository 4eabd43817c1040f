"""The command table drives ``--help`` without importing command modules, and never drifts from
the commands' own help; heavy libraries stay unimported until a command needs them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer
from typer.core import TyperCommand, TyperGroup
from typer.testing import CliRunner

from alsatlas.cli import app
from alsatlas.cli.commands import COMMANDS
from alsatlas.cli.root import LazyGroup

HEAVY = ("scipy", "polars", "duckdb", "matplotlib", "uvicorn", "fastapi", "numpy")


def _modules_after(argv: list[str]) -> set[str]:
    code = (
        "import sys, json\n"
        "from alsatlas.cli import app\n"
        f"sys.argv = {['alsatlas', *argv]!r}\n"
        "try:\n"
        "    app()\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stderr.write(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_mr_default_methods_leave_the_compiler_unloaded() -> None:
    """numba (and its compile-on-first-use kernels) loads only for the methods that need it."""
    default = _modules_after(["mr", "--example", "cholesterol"])
    assert "alsatlas.genetics.mr.run" in default
    assert "numba" not in default
    robust = _modules_after(["mr", "--example", "cholesterol", "--methods", "ivw_robust"])
    assert "numba" in robust


@pytest.mark.parametrize("argv", [["--help"], ["version"], ["validate"]])
def test_light_commands_import_no_heavy_library(argv: list[str]) -> None:
    loaded = _modules_after(argv)
    assert "typer" in loaded
    heavy = sorted(name for name in HEAVY if name in loaded)
    assert heavy == [], f"alsatlas {' '.join(argv)} imported {heavy}"


def test_help_lists_every_command_in_table_order() -> None:
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    listed = [line.strip("│ ").split(" ")[0] for line in result.output.splitlines()]
    assert [name for name in listed if name in COMMANDS] == list(COMMANDS)
    for entry in COMMANDS.values():
        assert entry.help in result.output


@pytest.mark.parametrize("name", list(COMMANDS))
def test_table_help_is_the_commands_own_help(name: str) -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, LazyGroup)
    command = group.load(name)
    own = command.help or ""
    first = " ".join(own.split("\n\n")[0].split())
    assert first == COMMANDS[name].help


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["nonsense"])
    assert result.exit_code == 2
    assert "nonsense" in result.output


def test_every_command_module_registers_its_command() -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, LazyGroup)
    for name in COMMANDS:
        assert isinstance(group.load(name), (TyperCommand, TyperGroup))


def test_version_is_answered_without_typer() -> None:
    code = (
        "import sys, json\n"
        "from alsatlas.cli import main\n"
        "sys.argv = ['alsatlas', 'version']\n"
        "main()\n"
        "sys.stderr.write(json.dumps('typer' in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    from alsatlas import __version__

    assert done.stdout == f"{__version__}\n"
    assert json.loads(done.stderr) is False
