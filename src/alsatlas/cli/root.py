"""The root typer application, whose commands are loaded lazily from :mod:`alsatlas.cli.commands`.

Each command lives in its own module and registers itself on :data:`app` when imported.
:class:`LazyGroup` lists the commands from the table without importing anything, and imports a
command's modules only when click resolves that command to run it (or to show its own help).
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup
from typer.main import get_command_from_info, get_group_from_info
from typer.models import TyperInfo

from alsatlas.cli.commands import COMMANDS


class _Pending(TyperCommand):
    """Stands in for a command not imported yet: enough for the command list in ``--help``."""

    def __init__(self, name: str, help_line: str) -> None:
        super().__init__(name, help=help_line, short_help=help_line)


class LazyGroup(TyperGroup):
    """A typer group whose commands come from :data:`COMMANDS` and are imported on first use."""

    def list_commands(self, ctx: Any) -> list[str]:
        names = list(COMMANDS)
        return names + [name for name in super().list_commands(ctx) if name not in COMMANDS]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        known = super().get_command(ctx, cmd_name)
        if known is not None:
            return known
        entry = COMMANDS.get(cmd_name)
        return None if entry is None else _Pending(cmd_name, entry.help)

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if isinstance(command, _Pending) and name is not None:
            command = self.load(name)
        return name, command, rest

    def load(self, cmd_name: str) -> Any:
        """Import the command's modules and build its click command (cached on the group)."""
        for module in COMMANDS[cmd_name].modules:
            importlib.import_module(module)
        command = _build(cmd_name)
        self.add_command(command, cmd_name)
        return command


def _build(cmd_name: str) -> Any:
    settings: dict[str, Any] = {
        "pretty_exceptions_short": app.pretty_exceptions_short,
        "rich_markup_mode": app.rich_markup_mode,
    }
    for info in app.registered_commands:
        if (info.name or (info.callback and info.callback.__name__)) == cmd_name:
            return get_command_from_info(info, **settings)
    for group in app.registered_groups:
        if group.name == cmd_name:
            return get_group_from_info(
                TyperInfo(group.typer_instance, name=cmd_name),
                suggest_commands=app.suggest_commands,
                **settings,
            )
    raise LookupError(f"command {cmd_name!r} is in the table but no module registered it")


app = typer.Typer(
    name="alsatlas",
    cls=LazyGroup,
    help="Evidence engine: ALS and immune-mediated disease, from published numbers.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def root() -> None:
    """alsatlas: checks claims about ALS and immune-mediated disease against published numbers."""
