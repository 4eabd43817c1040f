"""Embedded query store: the evidence records as DuckDB tables, answers as polars DataFrames.

One table per record kind (named as :data:`TABLES`), with nested models flattened
(``citation.pmid`` -> ``citation_pmid``, ``time_window.lag_years_min`` ->
``time_window_lag_years_min``) and tuples stored as ``VARCHAR[]`` lists, plus a ``records``
table with the columns every record shares (id, kind, study, citation label, a short label, the
headline measure/estimate/CI/direction where there is one, verification, source) and a
``diseases`` list (the vocabulary terms a record is about), e.g.::

    store.query("SELECT id, estimate FROM epi_associations WHERE exposure = 'sle'")
    store.query("SELECT kind, count(*) AS n FROM records GROUP BY kind ORDER BY kind")

The store is in memory and read-only by convention; it is rebuilt from the records, which stay
the source of truth.
"""

from __future__ import annotations

import tempfile
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, get_args, get_origin

import duckdb
import polars as pl
from pydantic import BaseModel

from alsatlas.evidence.schema import (
    RECORD_MODELS,
    EpiAssociation,
    GeneticCorrelation,
    ImmuneTrial,
    MRResult,
    PublishedMetaAnalysis,
    Record,
    SharedLocus,
)

TABLES: Mapping[str, str] = {
    "epi_association": "epi_associations",
    "published_meta_analysis": "published_meta_analyses",
    "mr": "mr_results",
    "genetic_correlation": "genetic_correlations",
    "shared_locus": "shared_loci",
    "immune_trial": "immune_trials",
    "immune_biomarker": "immune_biomarkers",
}
"""Table name of each record kind."""


def _strip_optional(annotation: Any) -> Any:
    origin = get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _dtype(annotation: Any) -> pl.DataType:
    ann = _strip_optional(annotation)
    origin = get_origin(ann)
    if origin is tuple:
        return pl.List(pl.String())
    if origin is typing.Literal or ann is str:
        return pl.String()
    if ann is bool:
        return pl.Boolean()
    if ann is int:
        return pl.Int64()
    if ann is float:
        return pl.Float64()
    return pl.String()


def _flat_schema(model: type[BaseModel], prefix: str = "") -> dict[str, pl.DataType]:
    schema: dict[str, pl.DataType] = {}
    for name, info in model.model_fields.items():
        ann = _strip_optional(info.annotation)
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            schema.update(_flat_schema(ann, f"{prefix}{name}_"))
        else:
            schema[f"{prefix}{name}"] = _dtype(info.annotation)
    return schema


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            out.update(_flatten(value, f"{prefix}{key}_"))
        elif isinstance(value, tuple):
            out[f"{prefix}{key}"] = list(value)
        else:
            out[f"{prefix}{key}"] = value
    return out


def _summary(record: Record) -> dict[str, Any]:
    """Columns every kind can fill: a label, and the headline effect where there is one."""
    if isinstance(record, ImmuneTrial):
        effect = record.effect
        return {
            "label": f"{record.drug}: {record.trial_name}",
            "measure": effect.measure if effect else None,
            "estimate": effect.estimate if effect else None,
            "ci_lb": effect.ci_lb if effect else None,
            "ci_ub": effect.ci_ub if effect else None,
            "direction": None,
        }
    if isinstance(record, EpiAssociation | PublishedMetaAnalysis):
        label = record.exposure
    elif isinstance(record, MRResult):
        label = f"{record.exposure} -> {record.outcome}"
    elif isinstance(record, GeneticCorrelation):
        label = f"als ~ {record.trait}"
    elif isinstance(record, SharedLocus):
        label = record.locus or ", ".join(record.genes)
    else:
        label = f"{record.marker} ({', '.join(record.predicts)})"
    direction = getattr(record, "direction", None)
    return {
        "label": label,
        "measure": record.measure,
        "estimate": record.estimate,
        "ci_lb": record.ci_lb,
        "ci_ub": record.ci_ub,
        "direction": direction,
    }


RECORDS_SCHEMA: Mapping[str, pl.DataType] = {
    "id": pl.String(),
    "kind": pl.String(),
    "study_id": pl.String(),
    "citation": pl.String(),
    "label": pl.String(),
    "measure": pl.String(),
    "estimate": pl.Float64(),
    "ci_lb": pl.Float64(),
    "ci_ub": pl.Float64(),
    "direction": pl.String(),
    "verification": pl.String(),
    "read_from": pl.String(),
    "pmid": pl.String(),
    "doi": pl.String(),
    "diseases": pl.List(pl.String()),
}
"""Columns of the ``records`` table (one row per record, any kind)."""


def _records_frame(records: Sequence[Record]) -> pl.DataFrame:
    rows = [
        {
            "id": r.id,
            "kind": r.kind,
            "study_id": r.study_id,
            "citation": r.citation.label if r.citation.first_author else r.study_id,
            **_summary(r),
            "verification": r.verification,
            "read_from": r.read_from,
            "pmid": r.citation.pmid,
            "doi": r.citation.doi,
            "diseases": list(r.disease_terms()),
        }
        for r in records
    ]
    schema = dict(RECORDS_SCHEMA)
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def kind_frame(kind: str, records: Iterable[Record]) -> pl.DataFrame:
    """Flattened polars DataFrame of the records of one ``kind`` (typed even when empty)."""
    schema = _flat_schema(RECORD_MODELS[kind])
    rows = [_flatten(r.model_dump()) for r in records if r.kind == kind]
    if not rows:
        return pl.DataFrame(schema=schema)
    return pl.DataFrame(rows, schema=schema, orient="row")


def _duck_type(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.List):
        return "VARCHAR[]"
    if dtype == pl.Int64():
        return "BIGINT"
    if dtype == pl.Float64():
        return "DOUBLE"
    if dtype == pl.Boolean():
        return "BOOLEAN"
    return "VARCHAR"


def _polars_type(duck: str) -> pl.DataType:
    text = duck.upper()
    if text.endswith("[]"):
        return pl.List(_polars_type(text[:-2]))
    if text in {"BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER"}:
        return pl.Int64()
    if text in {"DOUBLE", "FLOAT", "REAL"} or text.startswith("DECIMAL"):
        return pl.Float64()
    if text == "BOOLEAN":
        return pl.Boolean()
    return pl.String()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class EvidenceStore:
    """DuckDB (in memory) over the evidence records; results as polars DataFrames.

    Parameters
    ----------
    records
        The validated records to expose.
    """

    def __init__(self, records: Sequence[Record]) -> None:
        self._con = duckdb.connect(":memory:")
        self._frames: dict[str, pl.DataFrame] = {
            table: kind_frame(kind, records) for kind, table in TABLES.items()
        }
        self._frames["records"] = _records_frame(records)
        with tempfile.TemporaryDirectory(prefix="alsatlas-store-") as folder:
            for table, frame in self._frames.items():
                self._create(table, frame, Path(folder))

    def _create(self, table: str, frame: pl.DataFrame, folder: Path) -> None:
        """Create ``table`` with the frame's column types and load its rows.

        Rows travel as newline-delimited JSON read by DuckDB's own reader (much faster than
        parameterised inserts, and no Arrow dependency).
        """
        cols = ", ".join(f"{_quote(c)} {_duck_type(t)}" for c, t in frame.schema.items())
        self._con.execute(f"CREATE TABLE {_quote(table)} ({cols})")
        if not frame.height:
            return
        path = folder / f"{table}.ndjson"
        frame.write_ndjson(path)
        columns = ", ".join(
            f"{_literal(c)}: {_literal(_duck_type(t))}" for c, t in frame.schema.items()
        )
        self._con.execute(
            f"INSERT INTO {_quote(table)} SELECT * FROM read_json({_literal(str(path))}, "
            f"format = 'newline_delimited', columns = {{{columns}}})"
        )

    @property
    def tables(self) -> tuple[str, ...]:
        """Names of the tables: one per kind, and ``records``."""
        return tuple(self._frames)

    def table(self, name: str) -> pl.DataFrame:
        """A whole table by table name (``epi_associations``) or record kind (``mr``)."""
        key = TABLES.get(name, name)
        if key not in self._frames:
            raise KeyError(f"no table {name!r}; tables: {', '.join(self.tables)}")
        return self._frames[key]

    def query(self, sql: str, params: Sequence[object] | None = None) -> pl.DataFrame:
        """Run SQL (DuckDB dialect) and return the result as a polars DataFrame."""
        cursor = self._con.execute(sql, list(params) if params is not None else None)
        description = cursor.description or []
        names = [d[0] for d in description]
        schema = {n: _polars_type(str(d[1])) for n, d in zip(names, description, strict=True)}
        rows = cursor.fetchall()
        if not rows:
            return pl.DataFrame(schema=schema)
        return pl.DataFrame(rows, schema=schema, orient="row")

    def close(self) -> None:
        """Close the DuckDB connection."""
        self._con.close()


__all__ = ["RECORDS_SCHEMA", "TABLES", "EvidenceStore", "kind_frame"]
