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
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
