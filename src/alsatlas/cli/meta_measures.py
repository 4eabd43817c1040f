"""Parts of `alsatlas meta` beyond ``rma``: effect sizes from means, correlations, proportions
and rates (``--measure`` with ``--col``), Mantel-Haenszel and Peto pooling of 2×2 tables
(``--method MH|PETO``), cumulative meta-analysis (``--cumulative``) and fail-safe N (``--fsn``).

Columns default to metafor's argument names (``m1i, sd1i, n1i, m2i, sd2i, n2i`` for MD, SMD,
SMDH and ROM; ``ri, ni`` for COR and ZCOR; ``xi, ni`` for PR, PLO and PAS; ``xi, ti`` for IR
and IRLN; ``x1i, t1i, x2i, t2i`` for IRR); ``--col m1i=mean_treated`` names another column.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from alsatlas.errors import AlsatlasInputError, StatsInputError
from alsatlas.presentation.meta_summary import exp_or_inf

if TYPE_CHECKING:
    from rich.console import Console

    from alsatlas.cli.meta import CsvTable, EffectInput

#: metafor's argument names each measure reads, in order.
MEASURE_COLUMNS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("MD", "SMD", "SMDH", "ROM"), ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i")),
    **dict.fromkeys(("COR", "ZCOR"), ("ri", "ni")),
    **dict.fromkeys(("PR", "PLO", "PAS"), ("xi", "ni")),
    **dict.fromkeys(("IR", "IRLN"), ("xi", "ti")),
    "IRR": ("x1i", "t1i", "x2i", "t2i"),
}
#: Measures analysed on a log scale (shown exponentiated as well).
LOG_MEASURES = frozenset({"ROM", "IRLN", "IRR"})
POOLING_METHODS = ("MH", "PETO")


def column_map(specs: list[str] | None) -> dict[str, str]:
    """``--col ARG=COLUMN`` options as a dict (``ARG`` is metafor's argument name)."""
    out: dict[str, str] = {}
    for spec in specs or []:
        arg, sep, col = spec.partition("=")
        if not sep or not arg.strip() or not col.strip():
            raise AlsatlasInputError(f"must look like ARG=COLUMN, got {spec!r}", field="--col")
        out[arg.strip()] = col.strip()
    return out


def is_column_measure(measure: str | None) -> bool:
    """True for measures read from named columns (``MEASURE_COLUMNS``)."""
    return measure is not None and measure.upper() in MEASURE_COLUMNS


def _columns(table: CsvTable, args: tuple[str, ...], cols: dict[str, str]) -> dict[str, Any]:
    unknown = set(cols) - set(args)
    if unknown:
        raise AlsatlasInputError(
            f"{', '.join(sorted(unknown))} is not read by this measure; it reads {', '.join(args)}",
            field="--col",
        )
    return {arg: table.numeric(cols.get(arg, arg)) for arg in args}


def measure_input(table: CsvTable, measure: str, cols: dict[str, str]) -> EffectInput:
    """``yi``/``vi`` of a column measure (metafor's ``escalc`` with its defaults)."""
    from alsatlas.cli.meta import EffectInput, _located
    from alsatlas.stats.escalc_cor import escalc_cor
    from alsatlas.stats.escalc_counts import escalc_irr, escalc_proportion, escalc_rate
    from alsatlas.stats.escalc_means import escalc_means

    m = measure.upper()
    args = MEASURE_COLUMNS[m]
    values = _columns(table, args, cols)
    try:
        if m in ("MD", "SMD", "SMDH", "ROM"):
            es = escalc_means(m, *(values[a] for a in args))
        elif m in ("COR", "ZCOR"):
            es = escalc_cor(m, values["ri"], values["ni"])
        elif m in ("PR", "PLO", "PAS"):
            es = escalc_proportion(m, values["xi"], values["ni"])
        elif m in ("IR", "IRLN"):
            es = escalc_rate(m, values["xi"], values["ti"])
        else:
            es = escalc_irr(values["x1i"], values["t1i"], values["x2i"], values["t2i"])
    except StatsInputError as exc:
        raise _located(exc, table, {a: cols.get(a, a) for a in args}) from None
    source = f"{m} from " + ", ".join(f"{a}={cols.get(a, a)}" for a in args)
    return EffectInput(es.yi, es.vi, m, m in LOG_MEASURES, source)


def table_counts(
    table: CsvTable, cells: dict[str, str | None], measure: str, cols: dict[str, str]
) -> dict[str, Any]:
    """The counts ``rma_mh``/``rma_peto`` take, read from the 2x2 (or IRR) columns."""
    given = {k: v for k, v in cells.items() if v is not None}
    if measure == "IRR":
        return _columns(table, MEASURE_COLUMNS["IRR"], cols)
    if set(given) == {"ai", "bi", "ci", "di"}:
        return {k: table.numeric(v) for k, v in given.items()}
    if set(given) == {"events1", "n1", "events2", "n2"}:
        names = {"events1": "ai", "n1": "n1i", "events2": "ci", "n2": "n2i"}
        return {names[k]: table.numeric(v) for k, v in given.items()}
    raise AlsatlasInputError(
        "--method MH/PETO needs 2x2 columns (--ai --bi --ci --di, or --events1 --n1 --events2 "
        "--n2), or --measure IRR with x1i, t1i, x2i, t2i",
        file=table.path,
        field="--method",
    )


def pooled_tables(
    table: CsvTable,
    method: str,
    measure: str | None,
    cells: dict[str, str | None],
    cols: dict[str, str],
    level: float,
) -> tuple[dict[str, Any], dict[str, Any], EffectInput]:
    """Mantel-Haenszel or Peto fit of the file's tables: payload, counts and the tables' own
    effect sizes (for ``--fsn``)."""
    from alsatlas.cli.meta import EffectInput, _located
    from alsatlas.stats.rma_mh import MEASURES_MH, rma_mh, rma_peto

    m = "PETO" if method == "PETO" else (measure or "OR").upper()
    if method == "MH" and m not in MEASURES_MH:
        raise AlsatlasInputError(
            f"--method MH pools {', '.join(MEASURES_MH)}, got --measure {measure}",
            field="--measure",
        )
    counts = table_counts(table, cells, m, cols)
    fields = {k: v for k, v in cells.items() if v is not None}
    try:
        res = (
            rma_mh(m, level=level, **counts) if method == "MH" else rma_peto(level=level, **counts)
        )
    except StatsInputError as exc:
        raise _located(exc, table, fields) from None
    ratio = m != "RD"
    payload: dict[str, Any] = {
        "file": table.path,
        "input": f"{m} tables ({', '.join(fields.values()) or ', '.join(counts)})",
        "measure": m,
        "scale": "log" if ratio else "identity",
        **res.to_dict(),
        "estimate": res.beta,
    }
    if ratio:
        payload["exp"] = {
            key: (exp_or_inf(payload[key]) if math.isfinite(payload[key]) else None)
            for key in ("estimate", "ci_lb", "ci_ub")
        }
    eff = EffectInput(res.yi, res.vi, m, ratio, payload["input"])
    return payload, counts, eff


def cumulative(
    eff: EffectInput,
    order: list[str] | None,
    labels: list[str],
    *,
    method: str,
    test: str,
    level: float,
    counts: dict[str, Any] | None = None,
    measure: str = "OR",
) -> list[dict[str, Any]]:
    """``cumul`` records (one per study added), labelled, on the analysis scale."""
    from alsatlas.stats.cumul import cumul, cumul_tables

    key = _sort_key(order)
    try:
        if counts is not None:
            res = cumul_tables(method, **counts, measure=measure, order=key, level=level)
        else:
            res = cumul(eff.yi, eff.vi, order=key, method=method, test=test, level=level)
    except StatsInputError as exc:
        raise AlsatlasInputError(f"cumulative meta-analysis: {exc.reason}") from None
    records = res.to_records()
    for rec in records:
        rec["study"] = labels[rec["study"]]
    return records


def _sort_key(order: list[str] | None) -> Any:
    if order is None:
        return None
    try:
        return np.asarray([float(v) for v in order])
    except ValueError:
        return np.asarray(order)


def fail_safe(eff: EffectInput) -> dict[str, Any]:
    """Rosenthal's, Orwin's and Rosenberg's fail-safe N (``fsn``, metafor's defaults)."""
    from alsatlas.stats.fsn import FSN_TYPES, fsn

    out: dict[str, Any] = {}
    for kind in FSN_TYPES:
        try:
            out[kind] = fsn(eff.yi, eff.vi, type=kind).to_dict()
        except StatsInputError as exc:
            out[kind] = {"error": exc.reason}
    return out


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "NA"
    if isinstance(value, float):
        return f"{value:.2e}" if value != 0 and abs(value) < 1e-4 else f"{value:.4f}"
    return str(value)


def print_pooled(out: Console, payload: dict[str, Any]) -> None:
    """The MH/Peto fit as a two-column table."""
    from rich.table import Table

    out.print(
        f"{payload['method']} meta-analysis of {payload['file']} ({payload['measure']}, "
        f"k = {payload['k']})",
        markup=False,
    )
    table = Table()
    table.add_column("quantity")
    table.add_column("value", justify="right")
    for key in ("estimate", "se", "zval", "pval", "ci_lb", "ci_ub", "QE", "QEp", "I2", "H2",
                "CO", "COp", "MH", "MHp", "BD", "BDp", "TA", "TAp"):  # fmt: skip
        if key in payload:
            table.add_row(key, _fmt(payload[key]))
    for key, value in payload.get("exp", {}).items():
        table.add_row(f"exp({key})", _fmt(value))
    out.print(table)


def print_extras(out: Console, payload: dict[str, Any]) -> None:
    """The cumulative table and the fail-safe numbers, when present."""
    from rich.table import Table

    records = payload.get("cumulative")
    if records:
        table = Table(title="Cumulative meta-analysis", title_justify="left")
        cols = ("estimate", "ci_lb", "ci_ub", "pval", "tau2", "I2")
        table.add_column("added")
        for col in cols:
            table.add_column(col, justify="right")
        for rec in records:
            table.add_row(str(rec["study"]), *(_fmt(rec[c]) for c in cols))
        out.print(table)
    for kind, res in (payload.get("fsn") or {}).items():
        if "error" in res:
            out.print(f"Fail-safe N ({kind}): {res['error']}", markup=False)
        else:
            extra = f", target {_fmt(res['target'])}" if "target" in res else ""
            number = res["fsnum"]
            shown = f"{number:.0f}" if math.isfinite(number) else "infinite"
            out.print(f"Fail-safe N ({kind}): {shown}{extra}", markup=False)


__all__ = [
    "LOG_MEASURES",
    "MEASURE_COLUMNS",
    "POOLING_METHODS",
    "column_map",
    "cumulative",
    "fail_safe",
    "is_column_measure",
    "measure_input",
    "pooled_tables",
    "print_extras",
    "print_pooled",
]
