"""`alsatlas mr`: two-sample Mendelian randomization from summary-statistics files.

Inputs, one of:

- ``--exposure FILE --outcome FILE``: read the exposure instruments, look them up in the outcome
  file (streamed, so a genome-wide file is fine), harmonise (``--action``), estimate;
- ``--exposure-set NAME --outcome FILE``: the same with a shipped instrument set (trait name,
  alias or OpenGWAS id; ``--list-sets`` lists them);
- ``--harmonised FILE``: a table already harmonised, with TwoSampleMR column names;
- ``--example bmi|t2d|cholesterol``: the shipped van Rheenen 2021 ALS look-ups (offline).

``alsatlas mr scan`` (:mod:`alsatlas.cli.mr_scan`) runs every exposure × outcome pair of many
files; ``mr`` is a command group whose own options run the single analysis above.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import polars as pl
import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from alsatlas.atomic import atomic_path, ensure_dir
from alsatlas.cli.console import DataConsole
from alsatlas.cli.mr_extras import print_extras
from alsatlas.cli.mr_scan import MultiValueCommand, scan_command
from alsatlas.cli.root import app
from alsatlas.errors import AlsatlasInputError
from alsatlas.genetics.columns import ColumnMapping
from alsatlas.genetics.examples import EXAMPLES, example_path
from alsatlas.genetics.harmonise import HarmonisedData, harmonise, read_harmonised
from alsatlas.genetics.instruments import (
    list_exposure_sets,
    load_exposure_set,
    select_exposure_set,
)
from alsatlas.genetics.lookup import explain_no_match, lookup_variants
from alsatlas.genetics.sumstats import LoadReport, Sumstats, read_sumstats

PROGRESS_MIN_BYTES = 16 << 20


def _parse_overrides(items: list[str] | None, option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items or []:
        role, sep, column = item.partition("=")
        if not sep or not role or not column:
            raise AlsatlasInputError(f"{option} takes ROLE=COLUMN, got '{item}'", field=option)
        out[role.strip()] = column.strip()
    return out


def mapping_table(title: str, mapping: ColumnMapping, report: LoadReport) -> Table:
    """Rich table of a column mapping and the load report of one file."""
    table = Table(title=f"{title}: {report.file} (format: {mapping.format})", title_justify="left")
    table.add_column("role")
    table.add_column("meaning")
    table.add_column("column")
    table.add_column("found by")
    for role, desc, column, how in mapping.rows():
        table.add_row(role, desc, column, how)
    caption = [f"{report.n_kept} of {report.n_rows} rows kept"]
    caption += [f"{n} dropped: {reason}" for reason, n in sorted(report.reasons.items())]
    caption += [f"{n} rows: {what}" for what, n in sorted(report.derived.items())]
    table.caption = "; ".join(caption)
    table.caption_justify = "left"
    return table


def _lookup_outcome(
    path: Path,
    snps: list[str],
    overrides: dict[str, str],
    err: Console,
    show: bool,
    by: Literal["snp", "chrpos"] = "snp",
) -> tuple[Sumstats, tuple[str, ...]]:
    size = path.stat().st_size if path.exists() else 0
    if show and size >= PROGRESS_MIN_BYTES:
        with Progress(
            TextColumn("looking up instruments in {task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=True,
        ) as progress:
            task = progress.add_task(path.name, total=size)
            result = lookup_variants(
                path,
                snps,
                by=by,
                overrides=overrides,
                progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
    else:
        result = lookup_variants(path, snps, by=by, overrides=overrides)
    if result.index is not None:
        err.print(f"using index {result.index} for {path}")
    if result.sumstats.data.height == 0 and snps and result.rows_scanned == 0:
        raise AlsatlasInputError(
            "the outcome file has no data rows (a header only?), so no instrument can be found",
            file=str(path),
        )
    if result.sumstats.data.height == 0 and snps:
        raise AlsatlasInputError(
            f"none of the {len(set(snps))} instruments was found in the outcome file "
            f"(matched by {'chromosome:position' if by == 'chrpos' else 'variant id'}): "
            + explain_no_match(snps, result.sample_keys, by=by),
            file=str(path),
        )
    return result.sumstats, result.missing


def _plots(directory: Path, harmonised: HarmonisedData, report: Any, convention: str) -> list[str]:
    """Scatter, funnel, single-SNP forest and leave-one-out plots (SVG and PNG) in ``directory``."""
    figures: Any = importlib.import_module("alsatlas.figures.mr_plots")
    mr: Any = importlib.import_module("alsatlas.genetics.mr")
    matplotlib_pyplot: Any = importlib.import_module("matplotlib.pyplot")
    bx, bxse, by, byse = harmonised.mr_arrays()
    snps = harmonised.kept.get_column("SNP").to_list()
    ensure_dir(directory)
    title = f"{harmonised.exposure or 'exposure'} → {harmonised.outcome or 'outcome'}"
    single = mr.single_snp(bx, bxse, by, byse, snps=snps, convention=convention)
    jobs: list[tuple[str, Any]] = [
        (
            "scatter",
            lambda path: figures.mr_scatter_plot(
                bx, bxse, by, byse, report, title=title, path=path
            ),
        ),
        ("funnel", lambda path: figures.mr_funnel_plot(single, title=title, path=path)),
        ("single_snp", lambda path: figures.mr_forest_plot(single, title=title, path=path)),
    ]
    if len(bx) >= 3:
        loo = mr.leave_one_out(bx, bxse, by, byse, snps=snps, convention=convention)
        jobs.append(
            (
                "leave_one_out",
                lambda path: figures.mr_leave_one_out_plot(loo, title=title, path=path),
            )
        )
    written: list[str] = []
    for name, make in jobs:
        for ext in ("svg", "png"):
            target = directory / f"mr_{name}.{ext}"
            figure = make(target)
            matplotlib_pyplot.close(figure)
            written.append(str(target))
    return written


def _fmt(x: float | None, digits: int = 4) -> str:
    if x is None or not np.isfinite(x):
        return "NA"
    return f"{x:.{digits}g}" if abs(x) < 1e-3 and x != 0 else f"{x:.{digits}f}"


def _print_table(out: Console, payload: dict[str, Any]) -> None:
    title = f"MR: {payload['exposure'] or 'exposure'} → {payload['outcome'] or 'outcome'}"
    table = Table(title=title, title_justify="left")
    for col in ("method", "nsnp", "b", "se", "95% CI", "p"):
        table.add_column(col, justify="left" if col == "method" else "right")
    for r in payload["results"]:
        ci = f"{_fmt(r['ci_lb'])} to {_fmt(r['ci_ub'])}"
        table.add_row(
            r["method"], str(r["nsnp"]), _fmt(r["b"]), _fmt(r["se"]), ci, _fmt(r["pval"], 3)
        )
    table.caption = (
        f"convention {payload['convention']}, seed {payload['seed']}, "
        f"harmonisation action {payload['action'] or 'none (table harmonised beforehand)'}"
    )
    table.caption_justify = "left"
    out.print(table)
    het = payload.get("heterogeneity") or {}
    for key in ("ivw", "egger"):
        q = het.get(key)
        if q:
            out.print(
                f"Cochran's Q ({key}): Q = {_fmt(q.get('Q'), 3)} on {q.get('Q_df')} df, "
                f"p = {_fmt(q.get('Q_pval'), 3)}"
            )
    ei = payload.get("egger_intercept")
    if ei:
        out.print(
            f"MR-Egger intercept: {_fmt(ei.get('intercept'))} (se {_fmt(ei.get('se'))}), "
            f"p = {_fmt(ei.get('pval'), 3)}, I²GX = {_fmt(ei.get('I2GX'), 3)}"
        )
    st = payload.get("steiger")
    if st:
        out.print(
            f"Steiger: r² exposure {_fmt(st.get('r2_exposure'))}, r² outcome "
            f"{_fmt(st.get('r2_outcome'))}, direction exposure→outcome "
            f"{st.get('correct_causal_direction')}, p = {_fmt(st.get('steiger_pval'), 3)}"
        )
    counts = payload.get("harmonisation") or {}
    if counts:
        out.print("Harmonisation: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


def _warn_left_out(h: HarmonisedData, file: str, err: Console) -> None:
    """One warning line for cells that are not numbers and one for repeated variants (their
    rows are left out of the MR)."""
    if h.duplicates:
        snp, line = h.duplicates[0]
        err.print(
            Text(
                f"warning: {file}: {len(h.duplicates)} repeated variant(s) left out, the first "
                f"row of each kept (first: line {line}, {snp})"
            )
        )
    if not h.non_numeric:
        return
    column, line, value = h.non_numeric[0]
    rows = len({cell[1] for cell in h.non_numeric})
    err.print(
        Text(
            f"warning: {file}: {len(h.non_numeric)} cell(s) not a number, {rows} row(s) left "
            f"out (first: line {line}, column {column}: {value!r})"
        )
    )


def _trait_sample(
    harmonised: HarmonisedData, side: str, prevalence: float | None, sd_units: bool = False
) -> Any:
    """`TraitSample` of one side when its sample size is known, else None.

    Per-variant p-values go with it when every kept variant has one, so that the CLI, like
    ``run_mr`` and TwoSampleMR's ``directionality_test``, takes r² from (p, n); with
    ``sd_units`` and allele frequencies, r² = 2β²f(1 − f) instead.
    """
    mr: Any = importlib.import_module("alsatlas.genetics.mr")
    kept = harmonised.kept
    n = kept.get_column(f"samplesize.{side}").to_numpy()
    ncase = kept.get_column(f"ncase.{side}").to_numpy()
    ncontrol = kept.get_column(f"ncontrol.{side}").to_numpy()
    eaf = kept.get_column(f"eaf.{side}").to_numpy()
    pval = kept.get_column(f"pval.{side}").to_numpy().astype(np.float64)
    has_cc = bool(np.all(np.isfinite(ncase)) and np.all(np.isfinite(ncontrol)) and ncase.size)
    has_eaf = bool(np.all(np.isfinite(eaf)))
    if prevalence is not None and has_cc and has_eaf:
        return mr.TraitSample(eaf=eaf, ncase=ncase, ncontrol=ncontrol, prevalence=prevalence)
    extra: dict[str, Any] = {
        "pval": pval if pval.size and bool(np.all(np.isfinite(pval) & (pval > 0))) else None,
        "eaf": eaf if has_eaf else None,
        "sd_units": sd_units,
    }
    if n.size and np.all(np.isfinite(n)):
        return mr.TraitSample(n=n, **extra)
    if has_cc:
        return mr.TraitSample(n=ncase + ncontrol, **extra)
    return None


STEIGER_REASON = "Steiger filtering: explains more variance in the outcome than the exposure"


def _steiger_filter(
    h: HarmonisedData, exposure: Any, outcome: Any
) -> tuple[HarmonisedData, dict[str, Any]]:
    """Drop kept variants whose r² is larger for the outcome (TwoSampleMR
    ``steiger_filtering``, keeping ``steiger_dir``); return the data and the per-variant
    table."""
    steiger_mod: Any = importlib.import_module("alsatlas.genetics.mr.steiger")
    if exposure is None or outcome is None:
        raise AlsatlasInputError(
            "--steiger-filter needs sample sizes of both traits", field="steiger-filter"
        )
    bx, bxse, by, byse = h.mr_arrays()
    res = steiger_mod.steiger_filtering(bx, bxse, by, byse, exposure, outcome)
    snps = h.kept.get_column("SNP").to_list()
    drop = [s for s, ok in zip(snps, res.steiger_dir.tolist(), strict=True) if not ok]
    hit = pl.col("SNP").is_in(drop) & pl.col("mr_keep")
    data = h.data.with_columns(
        pl.when(hit).then(pl.lit(STEIGER_REASON)).otherwise(pl.col("reason")).alias("reason"),
        (pl.col("mr_keep") & ~hit).alias("mr_keep"),
    )
    table = {
        "snps": snps,
        "rsq_exposure": res.rsq_exposure.tolist(),
        "rsq_outcome": res.rsq_outcome.tolist(),
        "steiger_dir": res.steiger_dir.tolist(),
        "steiger_pval": res.steiger_pval.tolist(),
        "r2_source_exposure": res.r2_source_exposure,
        "r2_source_outcome": res.r2_source_outcome,
    }
    return replace(h, data=data), table


def run_analysis(
    harmonised: HarmonisedData,
    *,
    methods: list[str] | None,
    convention: str,
    seed: int | None,
    exposure_prevalence: float | None = None,
    outcome_prevalence: float | None = None,
    exposure_sd_units: bool = False,
    outcome_sd_units: bool = False,
    steiger_filter: bool = False,
    ld_matrix: Path | None = None,
    presso_n: int = 1000,
    presso_outlier_test: bool = True,
    presso_distortion_test: bool = True,
    presso_signif: float = 0.05,
    raps_loss: str = "huber",
    raps_over_dispersion: bool = True,
) -> tuple[Any, dict[str, Any]]:
    """Run the estimators on the ``mr_keep`` rows; return the report and the JSON payload."""
    mr: Any = importlib.import_module("alsatlas.genetics.mr")
    extras: Any = importlib.import_module("alsatlas.cli.mr_extras")
    if harmonised.kept.height == 0:
        why = Counter(r for r in harmonised.data.get_column("reason").to_list() if r)
        detail = "; ".join(f"{n} × {r}" for r, n in why.most_common(3))
        raise AlsatlasInputError(
            "no variant left after harmonisation (mr_keep is FALSE for all"
            + (f": {detail})" if detail else ")")
        )
    filtering: dict[str, Any] | None = None
    if steiger_filter:
        harmonised, filtering = _steiger_filter(
            harmonised,
            _trait_sample(harmonised, "exposure", exposure_prevalence, exposure_sd_units),
            _trait_sample(harmonised, "outcome", outcome_prevalence, outcome_sd_units),
        )
    bx, bxse, by, byse = harmonised.mr_arrays()
    if bx.size == 0:
        raise AlsatlasInputError("no variant left after Steiger filtering")
    snps = harmonised.kept.get_column("SNP").to_list()
    exposure = _trait_sample(harmonised, "exposure", exposure_prevalence, exposure_sd_units)
    outcome = _trait_sample(harmonised, "outcome", outcome_prevalence, outcome_sd_units)
    both = exposure is not None and outcome is not None
    rho = extras.read_ld_matrix(ld_matrix, snps) if ld_matrix is not None else None
    report = mr.run_mr(
        bx,
        bxse,
        by,
        byse,
        methods=methods,
        convention=convention,
        seed=seed,
        rho=rho,
        exposure=exposure if both else None,
        outcome=outcome if both else None,
        presso_n_distribution=presso_n,
        presso_outlier_test=presso_outlier_test,
        presso_distortion_test=presso_distortion_test,
        presso_signif_threshold=presso_signif,
        raps_loss=raps_loss,
        raps_over_dispersion=raps_over_dispersion,
    )
    body = report.to_dict()
    payload: dict[str, Any] = {
        "exposure": harmonised.exposure,
        "outcome": harmonised.outcome,
        "action": harmonised.action,
        **body,
        "results": [
            {k: r[k] for k in ("method", "nsnp", "b", "se", "ci_lb", "ci_ub", "pval")}
            for r in body["results"]
        ],
        "harmonisation": harmonised.counts(),
        "removed": extras.removed_by_harmonisation(harmonised),
    }
    if payload.get("presso"):
        presso = payload["presso"]
        presso["snps"] = snps
        kept = harmonised.kept
        outliers = kept[list(presso["outlier_indices"])] if presso["outlier_indices"] else None
        presso["outliers"] = (
            [
                {
                    **row,
                    "rss_obs": presso["snp_rss_obs"][i],
                    "pval": (presso["outlier_pvals"] or [None] * len(snps))[i],
                }
                for i, row in zip(
                    presso["outlier_indices"],
                    extras.variant_rows(outliers, "MR-PRESSO outlier"),
                    strict=True,
                )
            ]
            if outliers is not None
            else []
        )
    if filtering is not None:
        payload["steiger_filtering"] = filtering
    return report, payload


mr_app = typer.Typer(add_completion=False)
app.add_typer(mr_app, name="mr")
mr_app.command("scan", cls=MultiValueCommand)(scan_command)


@mr_app.callback(invoke_without_command=True)
def mr_command(
    ctx: typer.Context,
    exposure: Path | None = typer.Option(None, help="Exposure instruments (sumstats file)."),
    exposure_set: str | None = typer.Option(
        None,
        "--exposure-set",
        help="Shipped instrument set: trait, alias or OpenGWAS id; 'all' scans every set.",
    ),
    outcome: Path | None = typer.Option(None, help="Outcome summary statistics (any size)."),
    harmonised_in: Path | None = typer.Option(
        None, "--harmonised", help="Table already harmonised (TwoSampleMR column names)."
    ),
    example: str | None = typer.Option(
        None, help="Offline example → ALS (van Rheenen 2021): bmi, t2d or cholesterol."
    ),
    exposure_id: str | None = typer.Option(
        None, "--exposure-id", help="id.exposure to use from a multi-exposure harmonised table."
    ),
    methods: str | None = typer.Option(
        None, help="Comma-separated method ids (default: all that apply)."
    ),
    seed: int | None = typer.Option(None, help="Seed of bootstrap and simulation streams."),
    convention: str = typer.Option(
        "twosamplemr", help="twosamplemr or mendelianrandomization defaults."
    ),
    action: int = typer.Option(
        2, help="Harmonisation: 1 forward strand, 2 infer palindromes by EAF, 3 drop them."
    ),
    output_format: str = typer.Option("table", "--format", help="table or json."),
    plots: Path | None = typer.Option(None, help="Write scatter/funnel/forest/LOO plots here."),
    harmonised_out: Path | None = typer.Option(
        None, "--harmonised-out", help="Write the harmonised table (TSV) with per-SNP actions."
    ),
    exposure_column: list[str] | None = typer.Option(
        None, "--exposure-column", help="Column override for the exposure file, ROLE=COLUMN."
    ),
    outcome_column: list[str] | None = typer.Option(
        None, "--outcome-column", help="Column override for the outcome file, ROLE=COLUMN."
    ),
    exposure_prevalence: float | None = typer.Option(
        None, help="Population prevalence of a binary exposure (Steiger, liability scale)."
    ),
    outcome_prevalence: float | None = typer.Option(
        None, help="Population prevalence of a binary outcome (Steiger, liability scale)."
    ),
    match: str = typer.Option(
        "snp", help="Match outcome rows by snp (rsid) or chrpos (chromosome:position, same build)."
    ),
    list_sets: bool = typer.Option(False, "--list-sets", help="List shipped instrument sets."),
    exposure_sd_units: bool = typer.Option(
        False, "--exposure-sd-units", help="Exposure effects are per SD (Steiger r² = 2β²f(1−f))."
    ),
    outcome_sd_units: bool = typer.Option(
        False, "--outcome-sd-units", help="Outcome effects are per SD (Steiger r² = 2β²f(1−f))."
    ),
    steiger_filter: bool = typer.Option(
        False,
        "--steiger-filter",
        help="Drop variants explaining more outcome than exposure variance (steiger_filtering).",
    ),
    ld_matrix: Path | None = typer.Option(
        None,
        "--ld-matrix",
        help="Signed LD correlations of the variants (CSV/TSV, SNP ids as header): "
        "correlated-variant IVW and MR-Egger.",
    ),
    presso_n: int = typer.Option(
        1000, "--presso-n", help="MR-PRESSO simulated data sets (NbDistribution)."
    ),
    presso_outlier_test: bool = typer.Option(
        True, "--presso-outlier-test/--no-presso-outlier-test", help="MR-PRESSO outlier test."
    ),
    presso_distortion_test: bool = typer.Option(
        True,
        "--presso-distortion-test/--no-presso-distortion-test",
        help="MR-PRESSO distortion test.",
    ),
    presso_signif: float = typer.Option(
        0.05, "--presso-signif", help="MR-PRESSO significance threshold (SignifThreshold)."
    ),
    raps_loss: str = typer.Option(
        "huber", "--raps-loss", help="MR-RAPS loss: l2, huber or tukey (mr.raps loss.function)."
    ),
    raps_over_dispersion: bool = typer.Option(
        True,
        "--raps-over-dispersion/--no-raps-over-dispersion",
        help="MR-RAPS overdispersion (systematic pleiotropy) parameter τ².",
    ),
    both_directions: bool = typer.Option(
        False,
        "--both-directions",
        help="Exposure and outcome files are both genome-wide: select instruments from each "
        "(--instrument-p, --instrument-window-kb) and run exposure→outcome and outcome→exposure.",
    ),
    instrument_p: float = typer.Option(
        5e-8, "--instrument-p", help="Instrument p-value threshold for --both-directions."
    ),
    instrument_window_kb: float = typer.Option(
        10_000.0,
        "--instrument-window-kb",
        help="Distance pruning window (kb) for --both-directions (TwoSampleMR clump_kb).",
    ),
) -> None:
    """Two-sample Mendelian randomization: harmonise, estimate, report.

    'alsatlas mr scan --help' runs many exposure × outcome pairs at once.
    """
    if ctx.invoked_subcommand is not None:
        return
    out = DataConsole()
    err = DataConsole(stderr=True)
    try:
        if list_sets:
            _print_sets(out)
            return
        if output_format not in ("table", "json"):
            raise AlsatlasInputError("--format must be table or json", field="format")
        if match not in ("snp", "chrpos"):
            raise AlsatlasInputError("--match must be snp or chrpos", field="match")
        if action not in (1, 2, 3):
            raise AlsatlasInputError("--action must be 1, 2 or 3", field="action")
        sources = [x for x in (exposure, exposure_set, harmonised_in, example) if x is not None]
        if len(sources) != 1:
            raise AlsatlasInputError(
                "give exactly one of --exposure, --exposure-set, --harmonised, --example",
                field="exposure",
            )
        method_list = [m.strip() for m in methods.split(",") if m.strip()] if methods else None
        analysis: dict[str, Any] = {
            "methods": method_list,
            "convention": convention,
            "seed": seed,
            "exposure_prevalence": exposure_prevalence,
            "outcome_prevalence": outcome_prevalence,
            "exposure_sd_units": exposure_sd_units,
            "outcome_sd_units": outcome_sd_units,
            "steiger_filter": steiger_filter,
            "ld_matrix": ld_matrix,
            "presso_n": presso_n,
            "presso_outlier_test": presso_outlier_test,
            "presso_distortion_test": presso_distortion_test,
            "presso_signif": presso_signif,
            "raps_loss": raps_loss,
            "raps_over_dispersion": raps_over_dispersion,
        }
        if both_directions:
            if exposure is None or outcome is None:
                raise AlsatlasInputError(
                    "--both-directions needs --exposure and --outcome, both genome-wide files",
                    field="both-directions",
                )
            for path_option, flag in (
                (plots, "--plots"),
                (harmonised_out, "--harmonised-out"),
                (ld_matrix, "--ld-matrix"),
            ):
                if path_option is not None:
                    raise AlsatlasInputError(
                        f"{flag} is not available with --both-directions",
                        field=flag.removeprefix("--"),
                    )
            _both_directions(
                exposure,
                outcome,
                _parse_overrides(exposure_column, "--exposure-column"),
                _parse_overrides(outcome_column, "--outcome-column"),
                action=action,
                p=instrument_p,
                window_kb=instrument_window_kb,
                analysis=analysis,
                output_format=output_format,
                out=out,
            )
            return
        inputs: dict[str, Any] = {}
        tables: list[Table] = []
        if harmonised_in is not None or example is not None:
            for given, flag in (
                (outcome, "--outcome"),
                (exposure_column, "--exposure-column"),
                (outcome_column, "--outcome-column"),
            ):
                if given:
                    raise AlsatlasInputError(
                        f"{flag} is not used with --harmonised or --example",
                        field=flag.removeprefix("--"),
                    )
            if example is not None:
                if example not in EXAMPLES:
                    raise AlsatlasInputError(
                        f"unknown example '{example}'; choose {', '.join(EXAMPLES)}",
                        field="example",
                    )
                h = read_harmonised(example_path(), exposure_id=EXAMPLES[example][0])
                h = replace(h, outcome="ALS (van Rheenen 2021, ebi-a-GCST90027164)")
            else:
                assert harmonised_in is not None
                h = read_harmonised(harmonised_in, exposure_id=exposure_id)
                _warn_left_out(h, str(harmonised_in), err)
        else:
            if outcome is None:
                raise AlsatlasInputError("--outcome is required", field="outcome")
            if exposure_set is not None and exposure_set.strip().lower() == "all":
                _scan_all_sets(
                    outcome,
                    _parse_overrides(outcome_column, "--outcome-column"),
                    methods=method_list,
                    convention=convention,
                    seed=seed,
                    action=action,
                    output_format=output_format,
                    out=out,
                    err=err,
                )
                return
            if exposure is not None:
                exp = read_sumstats(
                    exposure, overrides=_parse_overrides(exposure_column, "--exposure-column")
                )
                if exp.report.index is not None:
                    err.print(f"using index {exp.report.index} for {exposure}")
                exposure_label = exposure.name
                if exp.data.height == 0:
                    why = ", ".join(f"{n} {r}" for r, n in exp.report.reasons.items() if n)
                    raise AlsatlasInputError(
                        f"no usable instrument: all {exp.report.n_rows} row(s) were dropped"
                        + (f" ({why})" if why else ""),
                        file=str(exposure),
                    )
            else:
                assert exposure_set is not None
                chosen = select_exposure_set(exposure_set)
                exp = load_exposure_set(chosen.set)
                exposure_label = f"{chosen.set.label} ({chosen.set.id})"
                inputs["exposure_set"] = {
                    "id": chosen.set.id,
                    "trait": chosen.set.trait,
                    "matched_by": chosen.matched_by,
                    "alternatives": [a.id for a in chosen.alternatives],
                }
                if output_format == "table":
                    alts = ", ".join(a.id for a in chosen.alternatives) or "none"
                    err.print(
                        f"exposure set {chosen.set.id} ({chosen.set.label}; "
                        f"{chosen.matched_by}); other sets of this trait: {alts}"
                    )
            if match == "chrpos":
                if exp.data.get_column("pos").is_null().any():
                    raise AlsatlasInputError(
                        "--match chrpos needs chromosome and position in the exposure data",
                        field="match",
                    )
                keys = exp.data.select(
                    pl.concat_str([pl.col("chr"), pl.lit(":"), pl.col("pos").cast(pl.String)])
                ).to_series()
            else:
                keys = exp.data.get_column("SNP")
            outc, missing = _lookup_outcome(
                outcome,
                keys.to_list(),
                _parse_overrides(outcome_column, "--outcome-column"),
                err,
                show=output_format == "table",
                by="chrpos" if match == "chrpos" else "snp",
            )
            if outc.data.height == 0:
                raise AlsatlasInputError(
                    f"none of the {exp.data.height} instruments was found in the outcome file "
                    f"(matched by {'chromosome:position' if match == 'chrpos' else 'variant id'})",
                    file=str(outcome),
                )
            if match == "chrpos":
                outc = _rename_by_position(outc, exp)
            inputs["exposure"] = exp.report.to_dict()
            inputs["outcome"] = outc.report.to_dict()
            inputs["outcome"]["instruments_not_found"] = list(missing)
            tables += [
                mapping_table("exposure", exp.mapping, exp.report),
                mapping_table("outcome", outc.mapping, outc.report),
            ]
            h = harmonise(
                exp.data,
                outc.data,
                action=action,  # type: ignore[arg-type]
                exposure_label=exposure_label,
                outcome_label=outcome.name,
            )
        try:
            report_obj, payload = run_analysis(h, **analysis)
        except AlsatlasInputError as exc:
            if exc.file is None:  # say which input left too few usable variants
                named = (
                    str(harmonised_in)
                    if harmonised_in is not None
                    else (
                        f"{exposure or exposure_set} -> {outcome}" if example is None else example
                    )
                )
                raise AlsatlasInputError(
                    exc.reason, file=named, row=exc.row, field=exc.field
                ) from None
            raise
        # outputs only once the analysis has succeeded: a failed run leaves no file behind
        if harmonised_out is not None:
            with atomic_path(harmonised_out) as tmp:
                h.data.write_csv(tmp, separator="\t", null_value="NA")
        if inputs:
            payload["inputs"] = inputs
        if plots is not None:
            payload["plots"] = _plots(plots, h, report_obj, convention)
        if output_format == "json":
            sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        else:
            for table in tables:
                out.print(table)
            _print_table(out, payload)
            print_extras(out, payload)
    except AlsatlasInputError as exc:
        err.print(Text.assemble(("error:", "red"), f" {exc.message}"))
        raise typer.Exit(code=2) from exc


def _both_directions(
    exposure: Path,
    outcome: Path,
    exposure_overrides: dict[str, str],
    outcome_overrides: dict[str, str],
    *,
    action: int,
    p: float,
    window_kb: float,
    analysis: dict[str, Any],
    output_format: str,
    out: Console,
) -> None:
    """Exposure → outcome and outcome → exposure from two genome-wide files: instruments of
    each trait by p-value and distance pruning (`select_instruments`), looked up in the other
    trait's file, harmonised and estimated with the same options."""
    select: Any = importlib.import_module("alsatlas.genetics.instrument_select")
    full = {
        "exposure": read_sumstats(exposure, overrides=exposure_overrides),
        "outcome": read_sumstats(outcome, overrides=outcome_overrides),
    }
    for path, read in ((exposure, full["exposure"]), (outcome, full["outcome"])):
        if read.report.index is not None:
            sys.stderr.write(f"using index {read.report.index} for {path}\n")
    names = {"exposure": exposure.name, "outcome": outcome.name}
    directions: list[dict[str, Any]] = []
    for first, second in (("exposure", "outcome"), ("outcome", "exposure")):
        instruments = select.select_instruments(full[first], p=p, window_kb=window_kb)
        wanted = instruments.data.get_column("SNP")
        other = full[second].data.filter(pl.col("SNP").is_in(wanted.implode()))
        entry: dict[str, Any] = {
            "exposure": names[first],
            "outcome": names[second],
            "instruments": instruments.data.height,
            "instruments_found": other.height,
        }
        if other.height == 0:
            entry["error"] = f"none of the instruments of {names[first]} is in {names[second]}"
        else:
            h = harmonise(
                instruments.data,
                other,
                action=action,  # type: ignore[arg-type]
                exposure_label=names[first],
                outcome_label=names[second],
            )
            try:
                _, payload = run_analysis(h, **analysis)
            except AlsatlasInputError as exc:
                entry["error"] = exc.message
            else:
                entry = {**payload, **entry}
        directions.append(entry)
    if output_format == "json":
        body = {
            "instrument_selection": {"p": p, "window_kb": window_kb},
            "directions": directions,
        }
        sys.stdout.write(json.dumps(body, indent=2) + "\n")
        return
    for entry in directions:
        out.print(
            f"{entry['exposure']} → {entry['outcome']}: {entry['instruments']} instruments "
            f"(p < {p:g}, one per {window_kb:g} kb), {entry['instruments_found']} found"
        )
        if "error" in entry:
            out.print(f"  {entry['error']}")
            continue
        _print_table(out, entry)
        print_extras(out, entry)


SCAN_METHODS: tuple[str, ...] = ("ivw", "egger", "weighted_median")
"""Methods of ``--exposure-set all`` when ``--methods`` is not given (those that apply to k)."""


def _scan_all_sets(
    outcome: Path,
    overrides: dict[str, str],
    *,
    methods: list[str] | None,
    convention: str,
    seed: int | None,
    action: int,
    output_format: str,
    out: Console,
    err: Console,
) -> None:
    """Every shipped instrument set against one outcome file, in one streamed look-up."""
    loaded = [(s, load_exposure_set(s)) for s in list_exposure_sets()]
    union = sorted({snp for _, e in loaded for snp in e.data.get_column("SNP").to_list()})
    outc, _ = _lookup_outcome(outcome, union, overrides, err, show=output_format == "table")
    rows: list[dict[str, Any]] = []
    for s, exp in loaded:
        h = harmonise(
            exp.data,
            outc.data,
            action=action,  # type: ignore[arg-type]
            exposure_label=f"{s.label} ({s.id})",
            outcome_label=outcome.name,
        )
        k = int(h.data.get_column("mr_keep").sum())
        row: dict[str, Any] = {"id": s.id, "trait": s.trait, "nsnp": k, "results": []}
        if k > 0:
            wanted = methods or [
                m for m, need in zip(SCAN_METHODS, (2, 3, 3), strict=True) if k >= need
            ]
            try:
                _, payload = run_analysis(
                    h, methods=wanted or ["wald_ratio"], convention=convention, seed=seed
                )
            except AlsatlasInputError as exc:
                row["error"] = exc.message
            else:
                row.update(payload)
                row["id"], row["trait"] = s.id, s.trait
        rows.append(row)
    if output_format == "json":
        body = {"outcome": outcome.name, "outcome_report": outc.report.to_dict(), "sets": rows}
        sys.stdout.write(json.dumps(body, indent=2) + "\n")
        return
    table = Table(title=f"All shipped exposure sets → {outcome.name}", title_justify="left")
    for col in ("set", "trait", "nsnp", "method", "b", "se", "p", "other methods (b, p)"):
        table.add_column(col, no_wrap=col == "set")
    for row in rows:
        results = row.get("results") or []
        if not results:
            table.add_row(row["id"], row["trait"], str(row["nsnp"]), row.get("error", "-"))
            continue
        first, rest = results[0], results[1:]
        others = "; ".join(f"{r['method']} {_fmt(r['b'])}, {_fmt(r['pval'], 3)}" for r in rest)
        table.add_row(
            row["id"],
            row["trait"],
            str(row["nsnp"]),
            first["method"],
            _fmt(first["b"]),
            _fmt(first["se"]),
            _fmt(first["pval"], 3),
            others,
        )
    table.caption = (
        f"{len(rows)} sets; outcome rows found {outc.report.n_kept} of {len(union)} variants; "
        f"convention {convention}, harmonisation action {action}; no multiple-testing correction"
    )
    table.caption_justify = "left"
    out.print(table)


def _rename_by_position(outcome: Sumstats, exposure: Sumstats) -> Sumstats:
    """Outcome rows matched by chromosome:position take the exposure's variant id."""
    key = pl.concat_str([pl.col("chr"), pl.lit(":"), pl.col("pos").cast(pl.String)])
    ids = exposure.data.select(key.alias("key"), pl.col("SNP").alias("exposure_snp"))
    data = (
        outcome.data.with_columns(key.alias("key"))
        .join(ids, on="key", how="left")
        .with_columns(pl.coalesce("exposure_snp", "SNP").alias("SNP"))
        .drop("key", "exposure_snp")
    )
    return replace(outcome, data=data)


def _print_sets(out: Console) -> None:
    table = Table(title="Shipped instrument sets", title_justify="left")
    table.add_column("id", no_wrap=True)
    for col in ("trait", "author", "year", "population", "N", "SNPs", "EAF"):
        table.add_column(col)
    for s in list_exposure_sets():
        table.add_row(
            s.id,
            s.trait,
            s.author,
            str(s.year or ""),
            s.population,
            f"{s.samplesize:.0f}" if s.samplesize else "",
            str(s.nsnp),
            "yes" if s.has_eaf else "no",
        )
    out.print(table)
