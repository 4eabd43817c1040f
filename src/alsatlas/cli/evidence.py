"""`alsatlas evidence list`: browse the evidence records through the DuckDB query store."""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import polars as pl
import typer
from rich.table import Table

from alsatlas.cli.console import DataConsole
from alsatlas.cli.root import app
from alsatlas.errors import AlsatlasError
from alsatlas.evidence import (
    TABLES,
    EvidenceBase,
    InvalidEvidence,
    disease_and_members,
    load_evidence,
    normalise_disease,
)

evidence_app = typer.Typer(
    help="Browse the cited evidence base.", no_args_is_help=True, add_completion=False
)
app.add_typer(evidence_app, name="evidence")


class OutputFormat(StrEnum):
    """Output formats of ``evidence list``."""

    table = "table"
    json = "json"
    tsv = "tsv"


_KIND_ALIASES: dict[str, str] = {
    **{kind: kind for kind in TABLES},
    **{table: kind for kind, table in TABLES.items()},
    "epi": "epi_association",
    "meta": "published_meta_analysis",
    "rg": "genetic_correlation",
    "locus": "shared_locus",
    "trial": "immune_trial",
    "biomarker": "immune_biomarker",
}

COLUMNS = (
    "id",
    "kind",
    "citation",
    "label",
    "measure",
    "estimate",
    "ci_lb",
    "ci_ub",
    "direction",
    "verification",
    "diseases",
)
"""Columns printed by ``evidence list`` (from the store's ``records`` table)."""


def _fail(message: str, code: int = 2) -> typer.Exit:
    DataConsole(stderr=True, highlight=False, soft_wrap=True).print(
        f"error: {message}", markup=False
    )
    return typer.Exit(code)


def select_records(
    base: EvidenceBase,
    kinds: list[str] | None = None,
    disease: str | None = None,
    verified_only: bool = False,
    include_members: bool = False,
) -> pl.DataFrame:
    """Rows of the store's ``records`` table matching the filters, ordered by kind and id.

    ``kinds`` accepts kinds, table names or short aliases; ``disease`` any vocabulary name.
    Raises :class:`ValueError` for an unknown kind or disease.
    """
    where: list[str] = []
    params: list[Any] = []
    if kinds:
        resolved = []
        for kind in kinds:
            key = _KIND_ALIASES.get(kind.strip().lower())
            if key is None:
                options = ", ".join(sorted(TABLES))
                raise ValueError(f"unknown kind {kind!r}; choose from {options}")
            resolved.append(key)
        where.append("kind IN (" + ", ".join("?" for _ in resolved) + ")")
        params.extend(resolved)
    if disease is not None:
        term = normalise_disease(disease)
        if term is None:
            raise ValueError(
                f"unknown disease {disease!r} (not a term or synonym in the vocabulary)"
            )
        terms = list(disease_and_members(term)) if include_members else [term]
        where.append("list_has_any(diseases, ?::VARCHAR[])")
        params.append(terms)
    if verified_only:
        where.append("verification <> 'unverified'")
    cols = ", ".join(COLUMNS)
    sql = f"SELECT {cols} FROM records"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY kind, id"
    return base.store.query(sql, params)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def render_tsv(frame: pl.DataFrame) -> str:
    """Tab-separated text with a header; list cells joined by ';'."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(frame.columns)
    for row in frame.iter_rows():
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


def render_json(frame: pl.DataFrame) -> str:
    """A JSON array of objects, one per record."""
    return json.dumps(frame.to_dicts(), indent=2, ensure_ascii=False)


@evidence_app.command("list")
def list_records(
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", "-k", help="Record kind (repeatable): epi_association, mr, ..."),
    ] = None,
    disease: Annotated[
        str | None,
        typer.Option("--disease", "-d", help="Disease by name or synonym (e.g. lupus, coeliac)."),
    ] = None,
    verified_only: Annotated[
        bool, typer.Option("--verified-only", help="Only records whose numbers were verified.")
    ] = False,
    include_members: Annotated[
        bool,
        typer.Option("--include-members", help="A broad disease also matches its member diseases."),
    ] = False,
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table, json or tsv.")
    ] = OutputFormat.table,
    path: Annotated[
        Path | None,
        typer.Option("--path", help="Evidence file or folder (default: the shipped evidence)."),
    ] = None,
) -> None:
    """List evidence records, filtered by kind, disease and verification."""
    try:
        base = load_evidence(path)
        frame = select_records(base, kind, disease, verified_only, include_members)
    except InvalidEvidence as exc:
        raise _fail(
            f"{len(exc.errors)} validation error(s), first: {exc.message}; "
            "run `alsatlas validate` for all of them",
            1,
        ) from None
    except (AlsatlasError, ValueError) as exc:
        raise _fail(str(exc)) from None
    if output is OutputFormat.json:
        typer.echo(render_json(frame))
        return
    if output is OutputFormat.tsv:
        typer.echo(render_tsv(frame), nl=False)
        return
    console = DataConsole(highlight=False, width=max(DataConsole().width, 140))
    table = Table(title=f"{frame.height} evidence record(s)")
    for column in ("id", "citation", "about", "effect", "verification"):
        table.add_column(column, overflow="fold", no_wrap=column == "id")
    for row in frame.iter_rows(named=True):
        table.add_row(row["id"], row["citation"], row["label"], _effect(row), row["verification"])
    console.print(table)


def _effect(row: dict[str, Any]) -> str:
    """``HR 1.42 (1.03-1.94)``, or the direction for direction-only records."""
    if row["estimate"] is not None:
        text = f"{row['measure'] or ''} {row['estimate']:g}".strip()
        if row["ci_lb"] is not None and row["ci_ub"] is not None:
            text += f" ({row['ci_lb']:g}-{row['ci_ub']:g})"
        return text
    return f"direction: {row['direction']}" if row["direction"] else ""


@evidence_app.command("show")
def show_record(
    record_id: Annotated[str, typer.Argument(help="Record id (see `alsatlas evidence list`).")],
    path: Annotated[
        Path | None,
        typer.Option("--path", help="Evidence file or folder (default: the shipped evidence)."),
    ] = None,
) -> None:
    """Print one record in full (JSON), with the file it came from."""
    try:
        base = load_evidence(path)
        record = base.get(record_id)
    except InvalidEvidence as exc:
        raise _fail(f"{len(exc.errors)} validation error(s), first: {exc.message}", 1) from None
    except AlsatlasError as exc:
        raise _fail(str(exc)) from None
    data = {"file": base.files.get(record.id), **record.model_dump(mode="json")}
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


__all__ = [
    "COLUMNS",
    "OutputFormat",
    "evidence_app",
    "render_json",
    "render_tsv",
    "select_records",
    "show_record",
]
