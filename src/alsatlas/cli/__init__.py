"""Command-line face of alsatlas. Each command module registers itself on :data:`app`."""

from alsatlas.cli import (  # noqa: F401  (register their commands)
    ask,
    check,
    evidence,
    evidence_diff,
    evidence_export,
    genes,
    meta,
    mr,
    report,
    serve,
    validate,
    version,
)
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
