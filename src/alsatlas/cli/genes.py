"""`alsatlas genes overlap`: are ALS genes enriched among immune-system genes?"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from alsatlas.cli.console import DataConsole
from alsatlas.cli.root import app
from alsatlas.errors import AlsatlasInputError
from alsatlas.genetics.genesets import (
    IMMUNE_SYSTEM_PROCESS,
    GeneSet,
    OverlapResult,
    go_background,
    overlap_test,
    resolve_gene_set,
)

genes_app = typer.Typer(help="Gene-set questions: ALS genes and immune-system genes.")
app.add_typer(genes_app, name="genes")


def _gene_set(spec: str) -> GeneSet:
    """A shipped set id, or a file with one gene symbol per line (``#`` lines ignored)."""
    path = Path(spec)
    if path.is_file():
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise AlsatlasInputError(f"cannot read gene list: {exc}", file=spec) from exc
        genes = frozenset(
            ln.strip().split("\t")[0].upper()
            for ln in lines
            if ln.strip() and not ln.startswith("#")
        )
        if not genes:
            raise AlsatlasInputError("no gene symbols in the file", file=spec)
        return GeneSet(id=path.name, name=path.name, genes=genes, source=spec)
    return resolve_gene_set(spec)


@genes_app.command("overlap")
def overlap_command(
    query: list[str] | None = typer.Option(
        None,
        help="ALS gene list: alsod-definitive, wp2447 or a file (repeatable; default both).",
    ),
    reference: str = typer.Option(
        IMMUNE_SYSTEM_PROCESS, help="Reference set: a shipped GO id or a gene-list file."
    ),
    background: str = typer.Option(
        "go-bp-annotated",
        help="Background: go-bp-annotated (18,903 genes), a gene-list file, or a number N.",
    ),
    output_format: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Hypergeometric test of ALS genes among immune-system genes, listing the shared genes."""
    out = DataConsole()
    err = DataConsole(stderr=True)
    try:
        if output_format not in ("table", "json"):
            raise AlsatlasInputError("--format must be table or json", field="format")
        ref = _gene_set(reference)
        bg_size: int | None = int(background) if background.strip().isdigit() else None
        if bg_size is None:
            bg = go_background() if background == "go-bp-annotated" else _gene_set(background)
        results: list[tuple[GeneSet, OverlapResult]] = []
        for spec in query or ["alsod-definitive", "wp2447"]:
            q = _gene_set(spec)
            if bg_size is not None:
                res = overlap_test(q.genes, ref.genes, bg_size)
            else:
                res = overlap_test(q.genes, ref.genes, bg.genes, background_label=bg.name)
            results.append((q, res))
        if output_format == "json":
            payload = [
                {"query": q.id, "query_name": q.name, "reference": ref.id, **r.to_dict()}
                for q, r in results
            ]
            sys.stdout.write(json.dumps(payload, indent=2) + "\n")
            return
        table = Table(
            title=f"Overlap with {ref.id} {ref.name} (background: {results[0][1].background})",
            title_justify="left",
        )
        for col in ("ALS list", "N", "K", "n", "k", "expected", "fold", "OR", "p"):
            table.add_column(col)
        for q, r in results:
            table.add_row(
                q.id,
                str(r.background_size),
                str(r.reference_size),
                str(r.query_size),
                str(r.overlap),
                f"{r.expected:.2f}",
                f"{r.fold_enrichment:.2f}",
                f"{r.odds_ratio:.2f}",
                f"{r.pval:.3g}",
            )
        table.caption = (
            "one-sided hypergeometric P(X ≥ k); N background, K reference, n ALS genes in the "
            "background, k shared"
        )
        table.caption_justify = "left"
        out.print(table)
        for q, r in results:
            out.print(f"{q.id}: shared ({r.overlap}): {', '.join(r.shared) or 'none'}")
            if r.query_not_in_background:
                out.print(
                    f"{q.id}: not in the background, left out: "
                    + ", ".join(r.query_not_in_background)
                )
    except AlsatlasInputError as exc:
        err.print(Text.assemble(("error:", "red"), f" {exc.message}"))
        raise typer.Exit(code=2) from exc
