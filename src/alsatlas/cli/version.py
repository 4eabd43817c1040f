"""`alsatlas version`: the package version."""

import typer

from alsatlas import __version__
from alsatlas.cli.root import app


@app.command()
def version() -> None:
    """Print the alsatlas version."""
    typer.echo(__version__)
