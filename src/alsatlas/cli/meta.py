"""`alsatlas meta FILE.csv`: random-effects meta-analysis of a CSV file, as metafor would.

Inputs, one of:

- ``--yi COL --vi COL`` or ``--yi COL --sei COL``: effect sizes on the analysis scale with
  variances or standard errors (``--measure HR`` etc. marks them as log ratios);
- ``--estimate COL --ci-lb COL --ci-ub COL``: reported estimates with CIs; add ``--log`` for
  ratio measures (HR, RR, OR), which are pooled on the log scale;
- 2×2 tables: ``--ai --bi --ci --di`` (events and non-events) or ``--events1 --n1 --events2
  --n2`` (events and group sizes) with ``--measure OR|RR|RD|PETO|AS`` (metafor's zero-cell
  rule);
- ``--measure MD|SMD|SMDH|ROM|COR|ZCOR|PR|PLO|PAS|IR|IRLN|IRR`` from columns named as
  metafor's arguments, or mapped with ``--col`` (:mod:`alsatlas.cli.meta_measures`).

``--method MH|PETO`` pools 2×2 tables by Mantel-Haenszel or Peto instead of ``rma``;
``--cumulative`` (ordered by ``--order``) and ``--fsn`` add ``cumul`` and fail-safe N.

The model is ``rma(yi, vi, method, test, mods)``; ``--subgroup`` adds one model per subgroup
and the test of subgroup differences (``QM`` of the meta-regression on the subgroup factor,
as ``rma(yi, vi, mods = ~ factor(g))``). ``--diagnostics`` adds leave-one-out, influence,
Egger-type regression (``rma`` and classic ``lm``), Begg's rank test and trim-and-fill (L0)
for the model without moderators. ``--forest``/``--funnel`` write figures (SVG or PNG);
``--baujat``, ``--radial``, ``--labbe``, ``--gosh`` and ``--funnel-contours`` the diagnostic
plots of :mod:`alsatlas.cli.meta_plots`.

Errors in the file (missing column, empty or non-numeric cell, impossible CI or count) name
the file, the line (the header is line 1) and the column, and exit with status 2.
"""

from __future__ import annotations

import functools
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from alsatlas.cli import meta_plots
from alsatlas.cli.console import DataConsole
from alsatlas.cli.csv_table import CsvTable, read_csv_table
from alsatlas.cli.meta_measures import POOLING_METHODS, column_map, is_column_measure
from alsatlas.cli.root import app
from alsatlas.errors import AlsatlasInputError, ConvergenceError, StatsInputError
from alsatlas.figures.forest import forest_plot
from alsatlas.figures.funnel import funnel_plot
from alsatlas.presentation.meta_summary import exp_block, fit_summary
from alsatlas.stats.effects_generic import effects_from_ci, effects_from_ratio_ci, effects_from_se
from alsatlas.stats.escalc import MEASURES_2X2, RATIO_MEASURES, escalc_2x2
from alsatlas.stats.influence import influence
from alsatlas.stats.leave1out import leave1out
from alsatlas.stats.meta_inputs import FloatArray
from alsatlas.stats.ranktest import ranktest
from alsatlas.stats.regtest import regtest
from alsatlas.stats.rma import RMAResult, rma
from alsatlas.stats.subgroup import subgroup_analysis
from alsatlas.stats.trimfill import TrimFillResult, trimfill


@dataclass(frozen=True, eq=False)
class EffectInput:
    """Effect sizes read from the file, with how they were computed."""

    yi: FloatArray
    vi: FloatArray
    measure: str
    ratio: bool
    source: str


def _located(exc: StatsInputError, table: CsvTable, fields: dict[str, str]) -> AlsatlasInputError:
    """Re-state a stats error in terms of the file: line number and column name."""
    row = exc.row
    line = table.lines[row] if isinstance(row, int) and 0 <= row < len(table.lines) else None
    field = fields.get(exc.field or "", exc.field)
    return AlsatlasInputError(exc.reason, file=table.path, row=line, field=field)


def effect_input(
    table: CsvTable,
    *,
    yi: str | None,
    vi: str | None,
    sei: str | None,
    estimate: str | None,
    ci_lb: str | None,
    ci_ub: str | None,
    log: bool,
    cells: dict[str, str | None],
    measure: str | None,
    level: float,
) -> EffectInput:
    """Turn the chosen columns into ``yi``/``vi`` (one input mode must be complete)."""
    two_by_two = {k: v for k, v in cells.items() if v is not None}
    modes = [
        name
        for name, used in (
            ("--yi", yi is not None or vi is not None or sei is not None),
            ("--estimate", estimate is not None or ci_lb is not None or ci_ub is not None),
            ("2x2", bool(two_by_two)),
        )
        if used
    ]
    if len(modes) != 1:
        raise AlsatlasInputError(
            "give exactly one input: --yi with --vi or --sei; --estimate with --ci-lb and "
            "--ci-ub; or 2x2 columns (--ai --bi --ci --di, or --events1 --n1 --events2 --n2)"
            + (f" (got {' and '.join(modes)})" if modes else ""),
            file=table.path,
        )
    mode = modes[0]
    if mode == "--yi":
        if yi is None or (vi is None) == (sei is None):
            raise AlsatlasInputError(
                "--yi needs exactly one of --vi or --sei", file=table.path, field="yi"
            )
        label = measure.upper() if measure else "Estimate"
        y = table.numeric(yi)
        if vi is not None:
            v = table.numeric(vi)
            bad = np.flatnonzero(v <= 0)
            if bad.size:
                raise AlsatlasInputError(
                    f"sampling variance must be positive, got {v[bad[0]]:g}",
                    file=table.path,
                    row=table.lines[int(bad[0])],
                    field=vi,
                )
            return EffectInput(y, v, label, label in RATIO_MEASURES, f"yi={yi}, vi={vi}")
        assert sei is not None
        try:
            eff = effects_from_se(y, table.numeric(sei))
        except StatsInputError as exc:
            raise _located(exc, table, {"yi": yi, "sei": sei}) from None
        return EffectInput(eff.yi, eff.vi, label, label in RATIO_MEASURES, f"yi={yi}, sei={sei}")
    if mode == "--estimate":
        if estimate is None or ci_lb is None or ci_ub is None:
            raise AlsatlasInputError(
                "--estimate needs --ci-lb and --ci-ub", file=table.path, field="estimate"
            )
        fields = {"estimate": estimate, "ci_lb": ci_lb, "ci_ub": ci_ub}
        args = (table.numeric(estimate), table.numeric(ci_lb), table.numeric(ci_ub))
        try:
            eff = (
                effects_from_ratio_ci(*args, level=level)
                if log
                else effects_from_ci(*args, level=level)
            )
        except StatsInputError as exc:
            raise _located(exc, table, fields) from None
        label = measure.upper() if measure else ("Ratio" if log else "Estimate")
        return EffectInput(
            eff.yi, eff.vi, label, log, f"estimate={estimate}, CI=[{ci_lb}, {ci_ub}]"
        )
    measure_2x2 = (measure or "OR").upper()
    if measure_2x2 not in MEASURES_2X2:
        raise AlsatlasInputError(
            f"2x2 tables need --measure {'|'.join(MEASURES_2X2)}, got {measure!r}",
            file=table.path,
            field="measure",
        )
    if set(two_by_two) == {"ai", "bi", "ci", "di"}:
        counts = {k: table.numeric(v) for k, v in two_by_two.items()}
        fields = dict(two_by_two)
        kwargs: dict[str, Any] = {
            "bi": counts["bi"],
            "ci": counts["ci"],
            "di": counts["di"],
        }
    elif set(two_by_two) == {"events1", "n1", "events2", "n2"}:
        counts = {k: table.numeric(v) for k, v in two_by_two.items()}
        fields = {
            "ai": two_by_two["events1"],
            "n1i": two_by_two["n1"],
            "ci": two_by_two["events2"],
            "n2i": two_by_two["n2"],
            "bi": two_by_two["n1"],
            "di": two_by_two["n2"],
        }
        counts["ai"] = counts.pop("events1")
        kwargs = {"ci": counts["events2"], "n1i": counts["n1"], "n2i": counts["n2"]}
    else:
        raise AlsatlasInputError(
            "2x2 input needs all of --ai --bi --ci --di, or all of --events1 --n1 --events2 --n2",
            file=table.path,
        )
    try:
        es = escalc_2x2(measure_2x2, counts["ai"], **kwargs)
    except StatsInputError as exc:
        raise _located(exc, table, fields) from None
    return EffectInput(
        es.yi,
        es.vi,
        measure_2x2,
        measure_2x2 in RATIO_MEASURES,
        f"2x2 tables ({', '.join(two_by_two.values())})",
    )


def _fit(table: CsvTable, eff: EffectInput, **kwargs: Any) -> RMAResult:
    """``rma`` on the file's effect sizes; option errors name the option, data errors the line."""
    try:
        return rma(eff.yi, eff.vi, **kwargs)
    except StatsInputError as exc:
        if exc.field in ("method", "test", "level", "tau2") or (
            exc.field == "weights" and exc.row is None
        ):
            raise AlsatlasInputError(exc.reason, field=f"--{exc.field}") from None
        raise _located(exc, table, {}) from None


def _inference_extras(table: CsvTable, fit: RMAResult, pi_type: str, ratio: bool) -> dict[str, Any]:
    """Fit statistics (``fit``: REML for REML fits, else ML) and a ``--pi-type`` interval."""
    from alsatlas.stats.fitstats import fitstats

    fs = fitstats(fit)
    out: dict[str, Any] = {
        "fit": {"logLik": fs.ll, "deviance": fs.dev, "AIC": fs.AIC, "BIC": fs.BIC, "AICc": fs.AICc}
    }
    if pi_type != "default":
        try:
            pred = fit.predict(pi_type=pi_type)
        except StatsInputError as exc:
            raise AlsatlasInputError(exc.reason, field="--pi-type") from None
        if fit.p == 1:
            out["pi_lb"], out["pi_ub"] = float(pred.pi_lb[0]), float(pred.pi_ub[0])
            if ratio:
                out["exp"] = exp_block({**fit_summary(fit, False), **out})
        out["pi_type"] = pi_type
    return out


def _subgroups(
    table: CsvTable,
    eff: EffectInput,
    groups: list[str],
    *,
    method: str,
    test: str,
    level: float,
) -> tuple[dict[str, RMAResult], dict[str, dict[str, Any]], dict[str, Any] | None]:
    """Subgroup fits and tests (:func:`alsatlas.stats.subgroup_analysis`).

    When a subgroup is too small to pool, the other subgroups are still pooled and the test
    of subgroup differences reports why it could not be run.
    """
    try:
        res = subgroup_analysis(
            eff.yi, eff.vi, groups, method=method, test=test, level=level, common_tau2=True
        )
    except (StatsInputError, ConvergenceError) as exc:
        fits: dict[str, RMAResult] = {}
        summaries: dict[str, dict[str, Any]] = {}
        for group in dict.fromkeys(groups):
            idx = [i for i, g in enumerate(groups) if g == group]
            try:
                fits[group] = rma(eff.yi[idx], eff.vi[idx], method=method, test=test, level=level)
            except (StatsInputError, ConvergenceError) as sub_exc:
                summaries[group] = {"k": len(idx), "note": sub_exc.reason}
            else:
                summaries[group] = fit_summary(fits[group], eff.ratio)
        return fits, summaries, {"error": exc.reason}
    fits = dict(zip(res.groups, res.fits, strict=True))
    summaries = {g: fit_summary(f, eff.ratio) for g, f in fits.items()}
    difference: dict[str, Any] = {
        "Q_between": res.Q_between,
        "df": res.Q_between_df,
        "pval": res.Q_between_p,
        "model": "separate tau2 per subgroup; fixed-effect Q over the subgroup estimates",
    }
    if res.common is not None:
        difference["common_tau2"] = {
            "QM": res.common.QM,
            "df": list(res.common.QMdf),
            "pval": res.common.QMp,
            "tau2": res.common.tau2,
            "model": "mixed-effects meta-regression on the subgroup factor",
        }
    return fits, summaries, difference


def _diagnostics(
    eff: EffectInput,
    *,
    mods: FloatArray | None,
    method: str,
    test: str,
    level: float,
    control: str = "exact",
) -> tuple[dict[str, Any], TrimFillResult | None]:
    """Diagnostics; influence and the regression tests keep the moderators (as metafor),
    leave-one-out, the rank test and trim-and-fill use the model without them."""
    out: dict[str, Any] = {}
    if mods is not None:
        out["note"] = (
            "influence and regtest include the moderators; leave1out, ranktest and trimfill "
            "are for the model without moderators"
        )
    tf: TrimFillResult | None = None
    k = eff.yi.shape[0]
    if k < 3:
        return {"note": f"diagnostics need at least 3 studies, got k = {k}"}, None
    steps: list[tuple[str, Any]] = [
        (
            "leave1out",
            lambda: leave1out(
                eff.yi, eff.vi, method=method, test=test, level=level, control=control
            ),
        ),
        (
            "influence",
            lambda: influence(
                eff.yi,
                eff.vi,
                mods=mods,
                method=method,
                test=test,
                level=level,
                control=control,
            ),
        ),
        (
            "regtest",
            lambda: regtest(eff.yi, eff.vi, mods=mods, method=method, test=test, level=level),
        ),
        ("regtest_lm", lambda: regtest(eff.yi, eff.vi, mods=mods, model="lm", level=level)),
        ("ranktest", lambda: ranktest(eff.yi, eff.vi)),
        (
            "trimfill",
            lambda: trimfill(eff.yi, eff.vi, method=method, test=test, level=level),
        ),
    ]
    for name, run in steps:
        try:
            res = run()
        except (StatsInputError, ConvergenceError) as exc:
            out[name] = {"error": exc.reason}
            continue
        if name in ("leave1out", "influence"):
            out[name] = res.to_records()
        elif name.startswith("regtest"):
            out[name] = {
                "model": res.model,
                "predictor": res.predictor,
                "stat": res.stat,
                "pval": res.pval,
                "ddf": res.ddf,
                "limit_estimate": res.est,
                "limit_ci_lb": res.ci_lb,
                "limit_ci_ub": res.ci_ub,
            }
        elif name == "ranktest":
            out[name] = {"tau": res.tau, "pval": res.pval, "exact": res.exact}
        else:
            tf = res
            filled = fit_summary(res.fit, eff.ratio)
            out[name] = {
                "estimator": res.estimator,
                "side": res.side,
                "k0": res.k0,
                "se_k0": res.se_k0,
                "filled_yi": res.yi[res.fill].tolist(),
                "filled_vi": res.vi[res.fill].tolist(),
                "model": filled,
            }
    return out, tf


def _fmt(value: Any, digits: int = 4) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        if math.isnan(value):
            return "NA"
        if value != 0 and abs(value) < 1e-4:
            return f"{value:.2e}"
        return f"{value:.{digits}f}"
    return str(value)


def _print_tables(out: Console, payload: dict[str, Any], labels: list[str]) -> None:
    out.print(
        f"Meta-analysis of {payload['file']} ({payload['measure']}, k = {payload['k']})",
        markup=False,
    )
    table = Table()
    table.add_column("quantity")
    table.add_column("value", justify="right")
    keys = ("estimate", "se", "stat", "pval", "ci_lb", "ci_ub", "pi_lb", "pi_ub", "tau2",
            "se_tau2", "tau2_ci_lb", "tau2_ci_ub", "I2", "H2", "QE", "QEp")  # fmt: skip
    for key in keys:
        table.add_row(key, _fmt(payload.get(key)))
    for key in ("QM", "QMp", "R2"):
        if key in payload:
            table.add_row(key, _fmt(payload[key]))
    for key, value in payload.get("fit", {}).items():
        table.add_row(key, _fmt(value))
    for i, value in enumerate(payload.get("sigma2", [])):
        table.add_row(f"sigma2.{i + 1}", _fmt(value))
    if "exp" in payload:
        for key, value in payload["exp"].items():
            table.add_row(f"exp({key})", _fmt(value))
    table.add_row("method / test", f"{payload['method']} / {payload['test']}")
    out.print(table)
    if "beta" in payload:
        coefs = Table(title="Meta-regression coefficients", title_justify="left")
        for col in ("term", "estimate", "se", "pval"):
            coefs.add_column(col, justify="right" if col != "term" else "left")
        for term, b, s, p in zip(
            payload["terms"], payload["beta"], payload["se_beta"], payload["pval_beta"],
            strict=True,
        ):  # fmt: skip
            coefs.add_row(term, _fmt(b), _fmt(s), _fmt(p))
        out.print(coefs)
    if "subgroups" in payload:
        sub = Table(title="Subgroups", title_justify="left")
        ratio = payload.get("scale") == "log"
        for col in ("subgroup", "k", "estimate", "ci_lb", "ci_ub", "tau2", "I2"):
            name = f"exp({col})" if ratio and col in ("estimate", "ci_lb", "ci_ub") else col
            sub.add_column(name, justify="right" if col != "subgroup" else "left")
        for name, s in payload["subgroups"].items():
            src = s.get("exp", s)
            sub.add_row(name, str(s["k"]), _fmt(src.get("estimate")), _fmt(src.get("ci_lb")),
                        _fmt(src.get("ci_ub")), _fmt(s.get("tau2")), _fmt(s.get("I2")))  # fmt: skip
        out.print(sub)
        test = payload.get("subgroup_test")
        if test and "Q_between" in test:
            out.print(
                f"Test of subgroup differences: Q = {test['Q_between']:.4f}, "
                f"df = {test['df']}, p = {_fmt(test['pval'])}"
            )
        elif test:
            out.print(f"Test of subgroup differences not run: {test.get('error')}")
    diag = payload.get("diagnostics")
    if diag:
        _print_diagnostics(out, diag, labels)


def _print_diagnostics(out: Console, diag: dict[str, Any], labels: list[str]) -> None:
    if "note" in diag:
        out.print(diag["note"])
    if "leave1out" not in diag:
        return
    for name, cols in (
        ("leave1out", ("estimate", "se", "pval", "ci_lb", "ci_ub", "Q", "tau2", "I2")),
        ("influence", ("rstudent", "dffits", "cook_d", "cov_r", "tau2_del", "hat", "weight")),
    ):
        records = diag.get(name)
        if not isinstance(records, list):
            out.print(f"{name}: {diag.get(name)}")
            continue
        table = Table(title=name, title_justify="left")
        table.add_column("study")
        for col in cols:
            table.add_column(col, justify="right")
        if name == "influence":
            table.add_column("inf")
        for i, rec in enumerate(records):
            row = [labels[i], *(_fmt(rec[c]) for c in cols)]
            if name == "influence":
                row.append("*" if rec["inf"] else "")
            table.add_row(*row)
        out.print(table)
    for name in ("regtest", "regtest_lm"):
        r = diag[name]
        if "error" in r:
            out.print(f"{name}: {r['error']}")
            continue
        out.print(
            f"Egger-type regression test ({r['model']}, predictor {r['predictor']}): "
            f"stat = {r['stat']:.4f}, p = {_fmt(r['pval'])}; limit estimate "
            f"{_fmt(r['limit_estimate'])} [{_fmt(r['limit_ci_lb'])}, {_fmt(r['limit_ci_ub'])}]"
        )
    rk = diag["ranktest"]
    if "error" in rk:
        out.print(f"ranktest: {rk['error']}")
    else:
        out.print(
            f"Rank correlation test: Kendall's tau = {rk['tau']:.4f}, p = {_fmt(rk['pval'])}"
            f" ({'exact' if rk['exact'] else 'normal approximation'})"
        )
    tf = diag["trimfill"]
    if "error" in tf:
        out.print(f"trimfill: {tf['error']}")
    else:
        model = tf["model"]
        src = model.get("exp", model)
        out.print(
            f"Trim and fill ({tf['estimator']}): {tf['k0']} studies filled on the {tf['side']}"
            f" (SE {tf['se_k0']:.4f}); estimate {_fmt(src['estimate'])} "
            f"[{_fmt(src['ci_lb'])}, {_fmt(src['ci_ub'])}]"
        )


def _mod_columns(mods: list[str] | None) -> list[str]:
    names: list[str] = []
    for item in mods or []:
        names.extend(part.strip() for part in item.split(",") if part.strip())
    return names


@app.command()
def meta(
    file: Path = typer.Argument(..., help="CSV file with a header row, one study per row."),
    yi: str | None = typer.Option(None, "--yi", help="Column of effect sizes (analysis scale)."),
    vi: str | None = typer.Option(None, "--vi", help="Column of sampling variances."),
    sei: str | None = typer.Option(None, "--sei", help="Column of standard errors."),
    estimate: str | None = typer.Option(None, "--estimate", help="Column of estimates."),
    ci_lb: str | None = typer.Option(None, "--ci-lb", help="Column of CI lower bounds."),
    ci_ub: str | None = typer.Option(None, "--ci-ub", help="Column of CI upper bounds."),
    log: bool = typer.Option(
        False, "--log", help="Estimates and CIs are ratios (HR, RR, OR): pool on the log scale."
    ),
    ai: str | None = typer.Option(None, "--ai", help="2x2: events in group 1."),
    bi: str | None = typer.Option(None, "--bi", help="2x2: non-events in group 1."),
    ci: str | None = typer.Option(None, "--ci", help="2x2: events in group 2."),
    di: str | None = typer.Option(None, "--di", help="2x2: non-events in group 2."),
    events1: str | None = typer.Option(None, "--events1", help="2x2: events in group 1."),
    n1: str | None = typer.Option(None, "--n1", help="2x2: size of group 1."),
    events2: str | None = typer.Option(None, "--events2", help="2x2: events in group 2."),
    n2: str | None = typer.Option(None, "--n2", help="2x2: size of group 2."),
    measure: str | None = typer.Option(
        None,
        "--measure",
        help="OR, RR, RD, PETO or AS for 2x2 tables (default OR); MD, SMD, SMDH, ROM, COR, "
        "ZCOR, PR, PLO, PAS, IR, IRLN or IRR from columns (see --col); otherwise the "
        "measure's name (HR, RR, OR, ... mark --yi values as log ratios).",
    ),
    col: list[str] | None = typer.Option(
        None, "--col", help="ARG=COLUMN: column for metafor's argument ARG (e.g. m1i=mean_t)."
    ),
    method: str = typer.Option(
        "REML", "--method", help="tau^2 estimator (metafor's names), or MH / PETO for 2x2 tables."
    ),
    test: str = typer.Option("z", "--test", help="z, t, knha (Hartung-Knapp) or adhoc."),
    weights: str | None = typer.Option(None, "--weights", help="Column of user weights."),
    tau2: float | None = typer.Option(None, "--tau2", help="Fix tau^2 at this value."),
    pi_type: str = typer.Option("default", "--pi-type", help="default, simple, t or riley."),
    cluster: str | None = typer.Option(
        None, "--cluster", help="Column of study ids: multilevel model ~ 1 | cluster/estimate."
    ),
    mods: list[str] | None = typer.Option(
        None, "--mods", help="Moderator column(s); repeat or separate with commas."
    ),
    subgroup: str | None = typer.Option(None, "--subgroup", help="Column of subgroup names."),
    label: str | None = typer.Option(None, "--label", help="Column of study labels."),
    level: float = typer.Option(95.0, "--level", help="Confidence level in percent."),
    control: str = typer.Option(
        "exact",
        "--control",
        help="Stopping rules of ML/REML/EB/PM and the tau^2 CI: exact (roots to machine "
        "precision) or metafor (metafor 3.8's defaults, to reproduce its printout).",
    ),
    output_format: str = typer.Option("table", "--format", help="table or json."),
    forest: Path | None = typer.Option(None, "--forest", help="Write a forest plot (.svg/.png)."),
    funnel: Path | None = typer.Option(None, "--funnel", help="Write a funnel plot (.svg/.png)."),
    funnel_contours: bool = typer.Option(
        False, "--funnel-contours", help="Contour-enhanced funnel (90/95/99%, around 0)."
    ),
    funnel_levels: str | None = typer.Option(
        None, "--funnel-levels", help="Contour levels of the funnel, e.g. 90,95,99."
    ),
    baujat: Path | None = typer.Option(None, "--baujat", help="Write a Baujat plot."),
    radial: Path | None = typer.Option(None, "--radial", help="Write a radial (Galbraith) plot."),
    labbe: Path | None = typer.Option(None, "--labbe", help="Write a L'Abbe plot (2x2 input)."),
    gosh: Path | None = typer.Option(None, "--gosh", help="Write a GOSH plot (subset fits)."),
    gosh_subsets: int | None = typer.Option(
        None, "--gosh-subsets", help="Most GOSH subsets (default 1e6; above it a seeded sample)."
    ),
    diagnostics: bool = typer.Option(
        False,
        "--diagnostics",
        help="Add leave-one-out, influence, regtest, ranktest and trim-and-fill.",
    ),
    cumulative: bool = typer.Option(False, "--cumulative", help="Add cumulative meta-analysis."),
    order: str | None = typer.Option(None, "--order", help="Column to order --cumulative by."),
    fsn: bool = typer.Option(False, "--fsn", help="Add fail-safe N (Rosenthal, Orwin, Rosenberg)."),
) -> None:
    """Meta-analysis of a CSV file (metafor's rma with its defaults: REML, z test)."""
    err = DataConsole(stderr=True, highlight=False, soft_wrap=True)
    try:
        if output_format not in ("table", "json"):
            raise AlsatlasInputError(
                f"must be table or json, got {output_format!r}", field="--format"
            )
        table = read_csv_table(file)
        cells = {"ai": ai, "bi": bi, "ci": ci, "di": di, "events1": events1, "n1": n1,
                 "events2": events2, "n2": n2}  # fmt: skip
        labels = table.text(label) if label is not None else [f"Row {line}" for line in table.lines]
        extras = {"cumulative": cumulative, "order": order, "fsn": fsn, "labels": labels}
        if method.upper() in POOLING_METHODS:
            if any((mods, subgroup, diagnostics, forest, funnel, baujat, radial, labbe, gosh)):
                raise AlsatlasInputError(
                    "--method MH/PETO takes none of --mods, --subgroup, --diagnostics, "
                    "--forest, --funnel, --baujat, --radial, --labbe, --gosh",
                    field="--method",
                )
            from alsatlas.cli.meta_measures import pooled_tables

            pooled, counts, tables_eff = pooled_tables(
                table, method.upper(), measure, cells, column_map(col), level
            )
            _add_extras(table, pooled, tables_eff, extras, method.upper(), test, level, counts)
            _emit(pooled, labels, output_format)
            return
        other_inputs = (yi, vi, sei, estimate, ci_lb, ci_ub, *cells.values())
        if is_column_measure(measure) and all(v is None for v in other_inputs):
            from alsatlas.cli.meta_measures import measure_input

            assert measure is not None
            eff = measure_input(table, measure, column_map(col))
        else:
            eff = effect_input(table, yi=yi, vi=vi, sei=sei, estimate=estimate, ci_lb=ci_lb,
                               ci_ub=ci_ub, log=log, cells=cells, measure=measure,
                               level=level)  # fmt: skip
        mod_names = _mod_columns(mods)
        mod_matrix = np.column_stack([table.numeric(c) for c in mod_names]) if mod_names else None
        if control not in ("exact", "metafor"):
            raise AlsatlasInputError(
                f"must be exact or metafor, got {control!r}", field="--control"
            )
        if cluster is not None:
            from alsatlas.cli.meta_multilevel import multilevel_payload

            if subgroup or diagnostics or forest or funnel or weights or tau2 is not None:
                raise AlsatlasInputError(
                    "--cluster takes none of --subgroup, --diagnostics, --forest, --funnel, "
                    "--weights, --tau2",
                    field="--cluster",
                )
            payload_mv = multilevel_payload(table, eff, cluster, mod_matrix, method=method,
                                            test=test, level=level)  # fmt: skip
            if mod_names:
                payload_mv["terms"] = ["intrcpt", *mod_names]
            _emit(payload_mv, labels, output_format)
            return
        wts = table.numeric(weights) if weights is not None else None
        fit = _fit(
            table, eff, method=method, test=test, mods=mod_matrix, level=level, control=control,
            weights=wts, tau2=tau2,
        )  # fmt: skip
        payload: dict[str, Any] = {
            "file": table.path,
            "input": eff.source,
            "measure": eff.measure,
            "scale": "log" if eff.ratio else "identity",
        }
        payload.update(fit_summary(fit, eff.ratio))
        if control == "metafor":
            payload["control"] = "metafor"
        payload.update(_inference_extras(table, fit, pi_type, eff.ratio))
        if mod_names:
            payload["terms"] = ["intrcpt", *mod_names]
        subgroup_fits: dict[str, RMAResult] = {}
        groups: list[str] | None = None
        if subgroup is not None:
            groups = table.text(subgroup)
            subgroup_fits, summaries, difference = _subgroups(
                table, eff, groups, method=method, test=test, level=level
            )
            payload["subgroups"] = summaries
            payload["subgroup_test"] = difference
        tf: TrimFillResult | None = None
        if diagnostics:
            payload["diagnostics"], tf = _diagnostics(
                eff, mods=mod_matrix, method=method, test=test, level=level, control=control
            )

        @functools.cache
        def base() -> RMAResult:
            """The model without moderators, behind every plot but the Baujat plot."""
            if fit.p == 1:
                return fit
            return _fit(table, eff, method=method, test=test, level=level, control=control)

        if forest is not None:
            forest_plot(
                eff.yi,
                eff.vi,
                labels=labels,
                fit=base(),
                subgroups=groups,
                subgroup_fits=subgroup_fits,
                ratio=eff.ratio,
                effect_label=eff.measure,
                level=level,
                path=forest,
            )
        levels = meta_plots.funnel_levels(funnel_levels, funnel_contours, funnel)
        if funnel is not None:
            funnel_plot(base(), trimfill=tf, ratio=eff.ratio, effect_label=eff.measure,
                        path=funnel, levels=levels)  # fmt: skip
        meta_plots.write_plots(
            meta_plots.PlotRequest(baujat, radial, labbe, gosh, gosh_subsets), table=table,
            eff=eff, fit=fit, labels=labels, cells=cells, base=base,
        )  # fmt: skip
        _add_extras(table, payload, eff, extras, method, test, level, None)
        _emit(payload, labels, output_format)
    except AlsatlasInputError as exc:
        err.print(f"error: {exc.message}", markup=False)
        raise typer.Exit(code=2) from None
    except ConvergenceError as exc:
        # Valid input the estimator could not fit: exit 2 (the data cannot be analysed as
        # asked), with a message that says so and what to try.
        err.print(f"error: {file}: the model could not be fitted: {exc.message}", markup=False)
        raise typer.Exit(code=2) from None


def _add_extras(
    table: CsvTable,
    payload: dict[str, Any],
    eff: EffectInput,
    extras: dict[str, Any],
    method: str,
    test: str,
    level: float,
    counts: dict[str, Any] | None,
) -> None:
    """``--cumulative`` and ``--fsn`` results into the payload."""
    from alsatlas.cli.meta_measures import cumulative, fail_safe

    if extras["order"] is not None and not extras["cumulative"]:
        raise AlsatlasInputError("--order only orders --cumulative", field="--order")
    if extras["cumulative"] and payload.get("terms"):
        raise AlsatlasInputError(
            "--cumulative is for models without moderators (as metafor's cumul)",
            field="--cumulative",
        )
    if extras["cumulative"]:
        key = table.text(extras["order"]) if extras["order"] is not None else None
        payload["cumulative"] = cumulative(
            eff, key, extras["labels"], method=method, test=test, level=level, counts=counts,
            measure=payload["measure"],
        )  # fmt: skip
    if extras["fsn"]:
        payload["fsn"] = fail_safe(eff)


def _emit(payload: dict[str, Any], labels: list[str], output_format: str) -> None:
    if output_format == "json":
        sys.stdout.write(json.dumps(_json_ready(payload), indent=2, allow_nan=False) + "\n")
        return
    from alsatlas.cli.meta_measures import print_extras, print_pooled

    width = None if sys.stdout.isatty() else 160
    console = DataConsole(highlight=False, width=width)
    if payload.get("method") in POOLING_METHODS:
        print_pooled(console, payload)
    else:
        _print_tables(console, payload, labels)
    print_extras(console, payload)


def _json_ready(value: Any) -> Any:
    """Plain JSON values: numpy scalars and arrays unwrapped, NaN and infinities as null."""
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_json_ready(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


__all__ = ["CsvTable", "EffectInput", "effect_input", "meta", "read_csv_table"]
