"""Re-running a meta-analysis in the explorer.

- ``POST /api/meta``: a table of the user's own (``yi``/``vi`` or ``sei``; ``estimate`` with
  ``ci_lb``/``ci_ub``; or 2×2 counts ``ai, bi, ci, di``) or of a question's pooled studies
  (``question_id`` with ``include``), with an estimator, test and level; answers the JSON of
  ``alsatlas meta --format json`` on the same rows (metafor's names, an ``exp`` block for
  ratio measures).
- ``GET /questions/{id}/rerun``: a form (checkboxes and selects, no JavaScript) over a
  question's pooled studies; the result, with its forest plot, on the same page.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Annotated, Any, Literal
from weakref import WeakKeyDictionary

import numpy as np
from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, Response
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field

from alsatlas import __version__
from alsatlas.errors import AlsatlasInputError, ConvergenceError
from alsatlas.figures.forest import forest_plot
from alsatlas.presentation.inline_svg import figure_to_svg, inline_svg
from alsatlas.presentation.meta_summary import fit_summary
from alsatlas.stats.effects_generic import effects_from_ci, effects_from_ratio_ci, effects_from_se
from alsatlas.stats.escalc import MEASURES_2X2, RATIO_MEASURES, escalc_2x2
from alsatlas.stats.meta_inputs import METHODS, TESTS
from alsatlas.stats.rma import rma
from alsatlas.synthesis.answer import PooledEstimate, pooled_terms_of
from alsatlas.web.atlas import Atlas
from alsatlas.web.errors import BadParameter, NotFound
from alsatlas.web.state import get_atlas
from alsatlas.web.templating import templates

MAX_ROWS = 10_000
"""Largest table ``POST /api/meta`` takes."""

AtlasDep = Annotated[Atlas, Depends(get_atlas)]
api = APIRouter(prefix="/api", tags=["api"])
pages = APIRouter(include_in_schema=False)


class MetaRow(BaseModel):
    """One study: ``yi`` with ``vi`` or ``sei``; ``estimate`` with ``ci_lb`` and ``ci_ub``; or
    the 2×2 counts ``ai, bi, ci, di``."""

    model_config = ConfigDict(extra="forbid")

    label: str | None = None
    yi: float | None = None
    vi: float | None = None
    sei: float | None = None
    estimate: float | None = None
    ci_lb: float | None = None
    ci_ub: float | None = None
    ai: float | None = None
    bi: float | None = None
    ci: float | None = None
    di: float | None = None


class MetaRequest(BaseModel):
    """A re-analysis: the user's ``rows``, or a question's pooled studies (``question_id``,
    optionally only the record ids in ``include``)."""

    model_config = ConfigDict(extra="forbid")

    rows: list[MetaRow] | None = Field(default=None, max_length=MAX_ROWS)
    question_id: str | None = None
    include: list[str] | None = None
    measure: str | None = Field(
        default=None,
        description="HR, RR, OR, SIR or IRR for ratio estimates (pooled on the log scale); "
        "OR, RR, RD, PETO or AS for 2x2 tables",
    )
    method: Literal["EE", "FE", "DL", "HE", "HS", "SJ", "ML", "REML", "EB", "PM", "PMM"] = "REML"
    test: Literal["z", "t", "knha"] = "z"
    level: float = Field(default=95, gt=0, lt=100)


def _bad(detail: str) -> BadParameter:
    return BadParameter("rows", detail)


def _effects(req: MetaRequest) -> tuple[Any, Any, str, bool, list[str]]:
    """``yi``, ``vi``, measure, ratio scale, labels of the request's rows (one input mode)."""
    rows = req.rows or []
    if len(rows) < 1:
        raise _bad("give at least one row")
    labels = [r.label or f"Row {i + 1}" for i, r in enumerate(rows)]
    modes = {
        "yi": all(r.yi is not None and (r.vi is not None or r.sei is not None) for r in rows),
        "ci": all(None not in (r.estimate, r.ci_lb, r.ci_ub) for r in rows),
        "2x2": all(None not in (r.ai, r.bi, r.ci, r.di) for r in rows),
    }
    chosen = [m for m, ok in modes.items() if ok]
    if len(chosen) != 1:
        raise _bad(
            "every row needs exactly one input: yi with vi or sei; estimate with ci_lb and "
            "ci_ub; or the 2x2 counts ai, bi, ci, di"
        )
    mode = chosen[0]
    measure = (req.measure or "").upper()

    def col(name: str) -> Any:
        return np.array([getattr(r, name) for r in rows], dtype=float)

    if mode == "yi":
        yi = np.array([r.yi for r in rows], dtype=float)
        if all(r.vi is not None for r in rows):
            vi = np.array([r.vi for r in rows], dtype=float)
        else:
            eff = effects_from_se(yi, col("sei"))
            yi, vi = eff.yi, eff.vi
        return yi, vi, measure or "yi", False, labels
    if mode == "ci":
        est, lb, ub = col("estimate"), col("ci_lb"), col("ci_ub")
        ratio = measure in RATIO_MEASURES or measure in {"HR", "RR", "OR", "SIR", "IRR"}
        eff = (
            effects_from_ratio_ci(est, lb, ub, level=req.level)
            if ratio
            else effects_from_ci(est, lb, ub, level=req.level)
        )
        return eff.yi, eff.vi, measure or "estimate", ratio, labels
    if measure not in MEASURES_2X2:
        raise BadParameter("measure", f"2x2 tables need measure one of {', '.join(MEASURES_2X2)}")
    es = escalc_2x2(measure, col("ai"), col("bi"), col("ci"), col("di"))
    return es.yi, es.vi, measure, measure in RATIO_MEASURES, labels


def _question_rows(atlas: Atlas, question_id: str, include: list[str] | None) -> PooledEstimate:
    a = atlas.answer(question_id)
    if a is None:
        raise NotFound("question", question_id)
    pooled = pooled_terms_of(a)
    if not pooled:
        raise BadParameter("question_id", f"question {question_id!r} has no pooled studies")
    head = max(pooled, key=lambda p: p.k)
    return head


def run_meta(req: MetaRequest, atlas: Atlas) -> dict[str, Any]:
    """The re-analysis as JSON (the keys of ``alsatlas meta --format json``)."""
    if req.question_id is not None:
        head = _question_rows(atlas, req.question_id, req.include)
        chosen = None if req.include is None else frozenset(req.include)
        rows = [r for r in head.rows if chosen is None or r.record_id in chosen]
        if not rows:
            raise BadParameter("include", "no study of the question is included")
        yi = np.array([r.yi for r in rows])
        vi = np.array([r.vi for r in rows])
        measure, ratio, labels = head.measure, True, [r.label for r in rows]
        source = f"question {req.question_id}: {', '.join(r.record_id for r in rows)}"
    else:
        yi, vi, measure, ratio, labels = _effects(req)
        source = f"{len(labels)} rows"
    try:
        fit = rma(yi, vi, method=req.method, test=req.test, level=req.level)
    except AlsatlasInputError as exc:
        raise BadParameter(exc.field or "rows", exc.reason) from None
    except ConvergenceError as exc:  # valid rows the estimator could not fit
        raise BadParameter("method", f"the model could not be fitted: {exc.reason}") from None
    payload: dict[str, Any] = {
        "input": source,
        "measure": measure,
        "scale": "log" if ratio else "identity",
        "labels": labels,
    }
    payload.update(fit_summary(fit, ratio))
    return payload


INLINE_ROWS = 200
"""Tables up to this size are pooled on the event loop (about a millisecond); larger ones in a
worker thread, so that one big upload never holds up other requests."""

MEMO_ENTRIES = 512
"""Re-analyses of a question's own studies kept as response bytes (per loaded atlas): the
evidence never changes while the server runs, so the same request always gets the same answer.
Each is keyed by a 16-byte BLAKE2b digest of the request, so a long ``include`` list is never
kept."""

_MEMO: WeakKeyDictionary[Atlas, OrderedDict[bytes, bytes]] = WeakKeyDictionary()


def _json_bytes(req: MetaRequest, atlas: Atlas) -> bytes:
    return bytes(JSONResponse(_finite(run_meta(req, atlas))).body)


@api.post("/meta", summary="Re-run a random-effects meta-analysis")
async def api_meta(req: MetaRequest, atlas: AtlasDep) -> Response:
    """Pool the given rows (or a question's studies) with metafor's estimators; the same
    numbers as ``alsatlas meta`` on the same rows."""
    if req.rows is not None:
        if len(req.rows) <= INLINE_ROWS:
            body = _json_bytes(req, atlas)
        else:
            body = await run_in_threadpool(_json_bytes, req, atlas)
        return Response(body, media_type="application/json")
    memo = _MEMO.setdefault(atlas, OrderedDict())
    key = hashlib.blake2b(req.model_dump_json().encode(), digest_size=16).digest()
    known = memo.get(key)
    if known is None:
        known = memo[key] = _json_bytes(req, atlas)
        while len(memo) > MEMO_ENTRIES:
            memo.popitem(last=False)
    return Response(known, media_type="application/json")


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


@pages.get("/questions/{question_id}/rerun", response_class=HTMLResponse, name="rerun_page")
def rerun_page(
    question_id: str,
    request: Request,
    atlas: AtlasDep,
    method: Annotated[str, Query()] = "REML",
    test: Annotated[str, Query()] = "z",
    level: Annotated[float, Query(gt=0, lt=100)] = 95,
    include: Annotated[list[str] | None, Query()] = None,
    run: Annotated[bool, Query()] = False,
) -> HTMLResponse:
    """Choose studies, estimator, test and level; see the pooled result and forest plot."""
    a = atlas.answer(question_id)
    if a is None:
        raise NotFound("question", question_id)
    pooled = pooled_terms_of(a)
    head = max(pooled, key=lambda p: p.k) if pooled else None
    if method not in METHODS:
        raise BadParameter("method", f"unknown method {method!r}")
    if test not in TESTS:
        raise BadParameter("test", f"unknown test {test!r}")
    chosen = include if include is not None else ([r.record_id for r in head.rows] if head else [])
    result: dict[str, Any] | None = None
    figure: Markup | None = None
    error: str | None = None
    if run and head is not None:
        req = MetaRequest(
            question_id=question_id,
            include=chosen,
            method=method,
            test=test,
            level=level,
        )
        try:
            result = run_meta(req, atlas)
        except BadParameter as exc:
            error = exc.detail
        if result is not None:
            rows = [r for r in head.rows if r.record_id in chosen]
            fit = rma(
                [r.yi for r in rows], [r.vi for r in rows], method=method, test=test, level=level
            )
            fig = forest_plot(
                [r.yi for r in rows],
                [r.vi for r in rows],
                labels=[r.label for r in rows],
                fit=fit,
                ratio=True,
                effect_label=head.measure,
                level=level,
                prediction=fit.k >= 3,
            )
            figure = inline_svg(
                figure_to_svg(fig), prefix="rerun", title=f"Forest plot, {head.term}"
            )
    return templates().TemplateResponse(
        request,
        "rerun.html",
        {
            "a": a,
            "head": head,
            "chosen": set(chosen),
            "method": method,
            "test": test,
            "level": level,
            "methods": METHODS,
            "tests": TESTS,
            "result": result,
            "figure": figure,
            "error": error,
            "package_version": __version__,
        },
    )


__all__ = ["MAX_ROWS", "MetaRequest", "MetaRow", "api", "pages", "run_meta"]
