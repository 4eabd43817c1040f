"""The root typer application; each command lives in its own module of this package."""

import typer

app = typer.Typer(
    name="alsatlas",
    help="Evidence engine: ALS and immune-mediated disease, from published numbers.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def root() -> None:
    """alsatlas: checks claims about ALS and immune-mediated disease against published numbers."""
