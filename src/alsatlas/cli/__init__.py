"""Command-line face of alsatlas. Commands are listed in :mod:`alsatlas.cli.commands` and each
command's module is imported only when that command runs (see :class:`alsatlas.cli.app.LazyGroup`).
"""

from alsatlas.cli.app import app


def main() -> None:
    """Console-script entry point: Ctrl+C ends any command with one line and exit code 130
    (:mod:`alsatlas.cli.exits`), never a traceback."""
    import sys

    from alsatlas.cli.exits import INTERRUPTED

    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(INTERRUPTED)


__all__ = ["app", "main"]
