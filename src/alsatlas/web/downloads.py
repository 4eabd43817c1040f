"""Downloads and the publication pages of the explorer.

- ``GET /evidence/download.{tsv,csv,json}``: the records matching the evidence browser's filters
  (the same query parameters), one row each: id, kind, study, citation identifiers, label,
  measure, estimate, 95% CI, direction, verification level and the page the numbers were read
  on.
- ``GET /publications/{study_id}``: one page per publication with its citation and records.
- ``GET /openapi.json`` and ``GET /docs``: pointers to the API schema at ``/api/openapi.json``
  (the explorer loads no script, so it serves no interactive documentation page).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from alsatlas import __version__
from alsatlas.web.atlas import Atlas
from alsatlas.web.errors import NotFound
from alsatlas.web.filters import FilterDep
from alsatlas.web.state import get_atlas
from alsatlas.web.templating import templates

AtlasDep = Annotated[Atlas, Depends(get_atlas)]
router = APIRouter(include_in_schema=False)

COLUMNS = (
    "id",
    "kind",
    "study_id",
    "pmid",
    "doi",
    "pmcid",
    "nct_id",
    "label",
    "measure",
    "estimate",
    "ci_lb",
    "ci_ub",
    "direction",
    "verification",
    "read_from",
)
"""Columns of the evidence downloads."""

_TYPES = {
    "tsv": "text/tab-separated-values; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


def _rows(atlas: Atlas, records: Any) -> list[dict[str, Any]]:
    out = []
    for r in records:
        row = atlas.rows.get(r.id)
        c = r.citation
        out.append(
            {
                "id": r.id,
                "kind": r.kind,
                "study_id": r.study_id,
                "pmid": c.pmid,
                "doi": c.doi,
                "pmcid": c.pmcid,
                "nct_id": c.nct_id,
                "label": row.label if row else None,
                "measure": row.measure if row else None,
                "estimate": row.estimate if row else None,
                "ci_lb": row.ci_lb if row else None,
                "ci_ub": row.ci_ub if row else None,
                "direction": row.direction if row else None,
                "verification": r.verification,
                "read_from": r.read_from,
            }
        )
    return out


def _text(rows: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(rows, indent=1, ensure_ascii=False) + "\n"
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer,
        fieldnames=COLUMNS,
        delimiter="\t" if fmt == "tsv" else ",",
        lineterminator="\n",
        extrasaction="ignore",
    )
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return buffer.getvalue()


@router.get("/evidence/download.{fmt}", name="evidence_download")
def download(fmt: str, atlas: AtlasDep, flt: FilterDep) -> Response:
    """The filtered records as TSV, CSV or JSON (an attachment named after the format)."""
    if fmt not in _TYPES:
        raise NotFound("download format", fmt)
    body = _text(_rows(atlas, atlas.select(flt)), fmt)
    return Response(
        body,
        media_type=_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="alsatlas-evidence.{fmt}"'},
    )


@router.get("/publications/{study_id}", response_class=HTMLResponse, name="publication_page")
def publication(study_id: str, request: Request, atlas: AtlasDep) -> HTMLResponse:
    """One publication: its citation, identifiers and every record read from it."""
    records = tuple(r for r in atlas.evidence.records if r.study_id == study_id)
    if not records:
        raise NotFound("publication", study_id)
    return templates().TemplateResponse(
        request,
        "publication.html",
        {
            "study_id": study_id,
            "citation": records[0].citation,
            "records": records,
            "rows": atlas.rows,
            "package_version": __version__,
        },
    )


@router.get("/openapi.json")
def openapi_pointer() -> RedirectResponse:
    """The API schema lives at ``/api/openapi.json``."""
    return RedirectResponse("/api/openapi.json", status_code=307)


@router.get("/docs", response_class=HTMLResponse)
def docs_pointer(request: Request) -> HTMLResponse:
    """Where the API is described (no interactive page: the explorer runs no script)."""
    return templates().TemplateResponse(request, "docs.html", {"package_version": __version__})


__all__ = ["COLUMNS", "router"]
