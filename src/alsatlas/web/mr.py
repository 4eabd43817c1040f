"""Mendelian randomization in the explorer.

- ``GET /api/mr/examples`` lists the shipped examples; ``GET /api/mr/examples/{name}`` runs
  one (van Rheenen 2021 ALS look-ups).
- ``POST /api/mr`` takes a harmonised table (TwoSampleMR column names: ``SNP,
  beta.exposure, se.exposure, beta.outcome, se.outcome``; comma- or tab-separated; at most
  :data:`MAX_BYTES` bytes and :data:`MAX_ROWS` variants) and answers the MR results (the JSON of
  ``alsatlas mr --format json``'s results) with the scatter plot as SVG when ``plots=true``.
- ``/mr``: the examples and a form to paste a table (no JavaScript).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from markupsafe import Markup

from alsatlas import __version__
from alsatlas.errors import AlsatlasInputError
from alsatlas.figures.mr_plots import mr_scatter_plot
from alsatlas.genetics.examples import EXAMPLES, example_path
from alsatlas.genetics.harmonise import HarmonisedData, read_harmonised
from alsatlas.genetics.mr import run_mr
from alsatlas.presentation.inline_svg import figure_to_svg, inline_svg
from alsatlas.web.bodies import TooLarge, read_body
from alsatlas.web.errors import BadParameter, NotFound
from alsatlas.web.templating import templates

MAX_BYTES = 5_000_000
"""Largest uploaded table."""
MAX_ROWS = 100_000
"""Most variants in an uploaded table."""

api = APIRouter(prefix="/api", tags=["api"])
pages = APIRouter(include_in_schema=False)
Convention = Literal["twosamplemr", "mendelianrandomization"]


def _analyse(
    h: HarmonisedData, convention: str, seed: int | None, plots: bool
) -> tuple[dict[str, Any], str | None]:
    bx, bxse, by, byse = h.mr_arrays()
    if bx.size == 0:
        raise BadParameter("table", "no variant left (mr_keep is FALSE for every row)")
    if bx.size > MAX_ROWS:
        raise TooLarge(f"the table has {bx.size:,} variants; at most {MAX_ROWS:,}")
    try:
        report = run_mr(bx, bxse, by, byse, convention=convention, seed=seed)
    except AlsatlasInputError as exc:
        raise BadParameter(exc.field or "table", exc.reason) from None
    body = report.to_dict()
    payload: dict[str, Any] = {
        "exposure": h.exposure,
        "outcome": h.outcome,
        **body,
        "results": [
            {k: r[k] for k in ("method", "nsnp", "b", "se", "ci_lb", "ci_ub", "pval")}
            for r in body["results"]
        ],
    }
    svg = figure_to_svg(mr_scatter_plot(bx, bxse, by, byse, report)) if plots else None
    return payload, svg


def _read_table(text: bytes, exposure_id: str | None = None) -> HarmonisedData:
    if len(text) > MAX_BYTES:
        raise TooLarge(f"the table is larger than {MAX_BYTES:,} bytes")
    with tempfile.TemporaryDirectory(prefix="alsatlas-mr-") as tmp:
        path = Path(tmp) / "harmonised.tsv"
        path.write_bytes(text)
        try:
            return read_harmonised(path, exposure_id=exposure_id)
        except AlsatlasInputError as exc:
            raise BadParameter("table", exc.reason) from None


def _finite(value: Any) -> Any:
    if isinstance(value, float) and value != value:  # NaN
        return None
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


@api.get("/mr/examples", summary="The shipped MR examples")
def list_examples() -> JSONResponse:
    """Example name → description."""
    return JSONResponse({name: desc for name, (_, desc) in EXAMPLES.items()})


@api.get("/mr/examples/{name}", summary="Run a shipped MR example")
def run_example(
    name: str,
    convention: Annotated[Convention, Query()] = "twosamplemr",
    seed: Annotated[int | None, Query(ge=0)] = None,
    plots: Annotated[bool, Query()] = False,
) -> JSONResponse:
    """The MR results of one shipped example."""
    if name not in EXAMPLES:
        raise NotFound("MR example", name)
    h = read_harmonised(example_path(), exposure_id=EXAMPLES[name][0])
    payload, svg = _analyse(h, convention, seed, plots)
    if svg is not None:
        payload["plots"] = {"scatter": svg}
    return JSONResponse(_finite(payload))


@api.post(
    "/mr",
    summary="MR on an uploaded harmonised table",
    openapi_extra={
        "requestBody": {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "text/tab-separated-values": {"schema": {"type": "string"}},
            },
            "required": True,
        }
    },
)
async def upload_mr(
    request: Request,
    exposure_id: Annotated[
        str | None, Query(description="The id.exposure to analyse when the table holds several")
    ] = None,
    convention: Annotated[Convention, Query()] = "twosamplemr",
    seed: Annotated[int | None, Query(ge=0)] = None,
    plots: Annotated[bool, Query()] = False,
) -> JSONResponse:
    """MR results (and the scatter plot as SVG) of a harmonised table in the request body."""
    h = _read_table(await read_body(request, MAX_BYTES, "table"), exposure_id)
    payload, svg = _analyse(h, convention, seed, plots)
    if svg is not None:
        payload["plots"] = {"scatter": svg}
    return JSONResponse(_finite(payload))


def _page(request: Request, status_code: int = 200, **context: Any) -> HTMLResponse:
    values: dict[str, Any] = {
        "examples": EXAMPLES,
        "result": None,
        "figure": None,
        "error": None,
        "table": "",
        "package_version": __version__,
    }
    values.update(context)
    return templates().TemplateResponse(request, "mr.html", values, status_code=status_code)


@pages.get("/mr", response_class=HTMLResponse, name="mr_page")
def mr_page(request: Request, example: Annotated[str | None, Query()] = None) -> HTMLResponse:
    """The shipped examples (one run when ``example`` names it) and the paste form."""
    if example is None:
        return _page(request)
    if example not in EXAMPLES:
        raise NotFound("MR example", example)
    h = read_harmonised(example_path(), exposure_id=EXAMPLES[example][0])
    result, svg = _analyse(h, "twosamplemr", None, True)
    assert svg is not None
    figure = inline_svg(svg, prefix="mr", title=f"MR scatter plot, {EXAMPLES[example][1]}")
    return _page(request, result=result, figure=Markup(figure), title=EXAMPLES[example][1])


@pages.post("/mr", response_class=HTMLResponse)
async def mr_submit(request: Request) -> HTMLResponse:
    """MR on a pasted harmonised table."""
    body = await read_body(request, MAX_BYTES, "table")
    form = parse_qs(body.decode("utf-8", errors="replace"))
    table = (form.get("table") or [""])[0]
    if not table.strip():
        return _page(request, 422, error="Paste a harmonised table first.")
    try:
        h = _read_table(table.encode("utf-8"))
        result, svg = _analyse(h, "twosamplemr", None, True)
    except BadParameter as exc:
        return _page(request, 422, error=exc.detail, table=table)
    assert svg is not None
    figure = inline_svg(svg, prefix="mr", title="MR scatter plot")
    return _page(request, result=result, figure=Markup(figure), table=table, title="your table")


__all__ = ["MAX_BYTES", "MAX_ROWS", "api", "pages"]
