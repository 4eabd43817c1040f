"""Command-line face of alsatlas. Commands are listed in :mod:`alsatlas.cli.commands` and each
command's module is imported only when that command runs (see
:class:`alsatlas.cli.root.LazyGroup`).

``alsatlas version`` is answered before typer is imported at all (it prints one string).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from alsatlas.cli.root import app


def _load_app() -> Any:
    """The typer application (defined in :mod:`alsatlas.cli.root`), bound to ``app`` here."""
    from alsatlas.cli.root import app as application

    globals()["app"] = application
    return application


def __getattr__(name: str) -> object:
    """``app`` (the typer application) is imported on first use."""
    if name == "app":
        return _load_app()
    raise AttributeError(f"module 'alsatlas.cli' has no attribute {name!r}")


def main() -> None:
    """Console-script entry point: Ctrl+C ends any command with one line and exit code 130
    (:mod:`alsatlas.cli.exits`), never a traceback."""
    if sys.argv[1:] == ["version"]:
        from alsatlas import __version__

        sys.stdout.write(f"{__version__}\n")
        return
    application = globals().get("app") or _load_app()
    from alsatlas.cli.exits import INTERRUPTED

    try:
        application()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(INTERRUPTED)


__all__ = ["app", "main"]
