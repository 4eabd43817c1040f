"""Benchmark: every MR method on one simulated 100-variant exposure–outcome pair.

Times alsatlas (both conventions, all methods, plus a per-method breakdown) and, when
``Rscript`` with the MendelianRandomization package is available, the same analysis in R
(``mr_allmethods(method = "all")`` plus ``mr_mbe`` simple/weighted and, if installed,
MR-PRESSO), printing the speed ratio (goal: alsatlas at least 20× faster). Bootstrap counts
follow each package's defaults (10000 for MendelianRandomization).

A second part times the MendelianRandomization-side methods added later (penalised and
robust IVW and MR-Egger, MR-Lasso, maximum likelihood, contamination mixture, MR-cML MA-BIC,
multivariable IVW and MR-Egger, MVMR conditional F, TwoSampleMR's sign test) against the R
functions themselves,
sourced unchanged from local copies of the package sources (``--mr-source DIR`` for
MendelianRandomization's ``R/`` folder, ``--tsmr-source`` and ``--mvmr-source`` likewise;
goal: each at least 10× faster). Note: R's ``mr_maxlik`` stops early (Nelder–Mead) while
alsatlas solves to convergence.

Run: ``.venv/bin/python benchmarks/bench_mr_methods.py [--repeats N] [--mr-source DIR ...]``
"""

from __future__ import annotations

import argparse
import math
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from alsatlas.genetics.mr import METHOD_IDS, run_mr

K = 100
GOAL_RATIO = 20.0


def simulate(k: int = K, seed: int = 20240601) -> tuple[np.ndarray, ...]:
    """A pleiotropic 100-variant pair: causal effect 0.3, 10 % variants with direct effects."""
    rng = np.random.default_rng(seed)
    bx_true = rng.uniform(0.02, 0.1, k) * rng.choice([-1.0, 1.0], k)
    bxse = rng.uniform(0.004, 0.008, k)
    byse = rng.uniform(0.01, 0.03, k)
    pleio = np.where(rng.random(k) < 0.1, rng.normal(0.0, 0.03, k), 0.0)
    bx = bx_true + rng.normal(0.0, bxse)
    by = 0.3 * bx_true + pleio + rng.normal(0.0, byse)
    return bx, bxse, by, byse


def best_of(fn: Callable[[], object], repeats: int) -> float:
    """Minimum CPU time of ``repeats`` calls, in seconds.

    CPU time of this process (``time.process_time``) rather than wall time, so that other
    jobs on a shared machine do not inflate the numbers; the code is single-threaded, so
    on an idle machine the two agree.
    """
    times = []
    for _ in range(repeats):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return min(times)


R_SCRIPT = r"""
suppressMessages(library(MendelianRandomization))
d <- read.csv(commandArgs(TRUE)[1])
inp <- mr_input(bx = d$bx, bxse = d$bxse, by = d$by, byse = d$byse)
cpu <- function() sum(proc.time()[c("user.self", "sys.self")])
t0 <- cpu()
invisible(mr_allmethods(inp, method = "all"))
invisible(mr_mbe(inp, weighting = "weighted"))
invisible(mr_mbe(inp, weighting = "unweighted"))
t1 <- cpu()
presso <- NA
if (requireNamespace("MRPRESSO", quietly = TRUE)) {
  df <- data.frame(bx = d$bx, by = d$by, bxse = d$bxse, byse = d$byse)
  t2 <- cpu()
  invisible(MRPRESSO::mr_presso(BetaOutcome = "by", BetaExposure = "bx", SdOutcome = "byse",
    SdExposure = "bxse", data = df, OUTLIERtest = TRUE, DISTORTIONtest = TRUE,
    NbDistribution = 1000, SignifThreshold = 0.05))
  presso <- cpu() - t2
}
cat(t1 - t0, presso, "\n")
"""


def r_available() -> bool:
    """True when Rscript exists and can load MendelianRandomization."""
    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(
        ["Rscript", "-e", 'cat(requireNamespace("MendelianRandomization", quietly=TRUE))'],
        capture_output=True,
        text=True,
        check=False,
    )
    return probe.stdout.strip() == "TRUE"


def time_r(data: tuple[np.ndarray, ...]) -> tuple[float, float | None]:
    """Seconds for MendelianRandomization (all methods + MBE) and MR-PRESSO (or None)."""
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "pair.csv"
        rows = ["bx,bxse,by,byse"] + [
            ",".join(f"{v:.17g}" for v in row) for row in zip(*data, strict=True)
        ]
        csv.write_text("\n".join(rows) + "\n")
        script = Path(tmp) / "bench.R"
        script.write_text(R_SCRIPT)
        out = subprocess.run(
            ["Rscript", str(script), str(csv)], capture_output=True, text=True, check=True
        )
    mr_s, presso_s = out.stdout.split()
    return float(mr_s), (None if presso_s == "NA" else float(presso_s))


NEW_GOAL = 10.0

R_NEW = r"""
suppressPackageStartupMessages({library(methods); library(robustbase); library(glmnet)
  library(quantreg); library(Matrix); library(numDeriv)})
a <- commandArgs(TRUE)
for (f in sort(list.files(a[2], pattern = "[.]R$", full.names = TRUE)))
  if (basename(f) != "RcppExports.R") sys.source(f, envir = globalenv())
tsmr <- new.env(); sys.source(file.path(a[3], "mr.R"), envir = tsmr)
for (f in c("format_function.R", "strength_mvmr.R"))
  sys.source(file.path(a[4], f), envir = globalenv())
d <- read.csv(a[1]); reps <- as.integer(a[5])
inp <- mr_input(bx = d$bx, bxse = d$bxse, by = d$by, byse = d$byse)
bx <- cbind(d$bx, d$bx2, d$bx3); bxse <- cbind(d$bxse, d$bxse2, d$bxse3)
mv <- mr_mvinput(bx = bx, bxse = bxse, by = d$by, byse = d$byse)
fm <- suppressWarnings(format_mvmr(bx, d$by, bxse, d$byse))
cpu <- function() sum(proc.time()[c("user.self", "sys.self")])
tm <- function(name, expr) {
  e <- substitute(expr)
  t0 <- cpu(); invisible(eval(e)); one <- max(cpu() - t0, 1e-4)
  inner <- max(1L, as.integer(ceiling(0.3 / one))); best <- Inf
  for (i in seq_len(reps)) {
    t0 <- cpu(); for (j in seq_len(inner)) invisible(eval(e))
    best <- min(best, (cpu() - t0) / inner)
  }
  cat(name, best, "\n")
}
tm("ivw_penalised", mr_ivw(inp, penalized = TRUE))
tm("egger_penalised", mr_egger(inp, penalized = TRUE))
tm("maxlik", mr_maxlik(inp))
tm("sign_concordance", tsmr$mr_sign(d$bx, d$by))
tm("conmix", mr_conmix(inp))
tm("cml_ma_bic", mr_cML(inp, MA = TRUE, DP = FALSE, n = 100000))
tm("ivw_robust", mr_ivw(inp, robust = TRUE))
tm("egger_robust", mr_egger(inp, robust = TRUE))
tm("lasso", mr_lasso(inp))
tm("cml_ma_bic_dp (20 perturbations)", mr_cML(inp, n = 100000, num_pert = 20))
tm("egger_bootstrap", tsmr$mr_egger_regression_bootstrap(d$bx, d$by, d$bxse, d$byse,
                                                            list(nboot = 1000)))
tm("mvivw", mr_mvivw(mv))
tm("mvegger", mr_mvegger(mv))
tm("strength_mvmr", suppressWarnings(capture.output(strength_mvmr(fm, gencov = 0))))
"""


def bench_new_methods(
    data: tuple[np.ndarray, ...], sources: tuple[str, str, str], repeats: int
) -> None:
    """Per-method CPU time of the newer methods, alsatlas vs the sourced R functions."""
    from alsatlas.genetics.mr.cml import cml_dp_from_arrays, cml_from_arrays
    from alsatlas.genetics.mr.conmix import conmix_from_arrays
    from alsatlas.genetics.mr.egger_bootstrap import egger_bootstrap_from_arrays
    from alsatlas.genetics.mr.inputs import as_mr_arrays
    from alsatlas.genetics.mr.lasso import lasso_from_arrays
    from alsatlas.genetics.mr.maxlik import maxlik_from_arrays
    from alsatlas.genetics.mr.mvmr import mvegger, mvivw, strength_mvmr
    from alsatlas.genetics.mr.penalised import (
        egger_penalised_from_arrays,
        ivw_penalised_from_arrays,
    )
    from alsatlas.genetics.mr.robust import egger_robust_from_arrays, ivw_robust_from_arrays
    from alsatlas.genetics.mr.sign import sign_concordance_from_arrays

    bx, bxse, by, byse = data
    rng = np.random.default_rng(7)
    bx2 = 0.5 * bx + rng.normal(0.0, 0.02, bx.size)
    bx3 = rng.normal(0.0, 0.05, bx.size)
    mbx = np.column_stack([bx, bx2, bx3])
    mbxse = np.column_stack([bxse, bxse, bxse])
    d = as_mr_arrays(*data)
    ours: dict[str, Callable[[], object]] = {
        "ivw_penalised": lambda: ivw_penalised_from_arrays(d),
        "egger_penalised": lambda: egger_penalised_from_arrays(d),
        "maxlik": lambda: maxlik_from_arrays(d),
        "sign_concordance": lambda: sign_concordance_from_arrays(d),
        "conmix": lambda: conmix_from_arrays(d),
        "cml_ma_bic": lambda: cml_from_arrays(d, n=100000.0),
        "ivw_robust": lambda: ivw_robust_from_arrays(d),
        "egger_robust": lambda: egger_robust_from_arrays(d),
        "lasso": lambda: lasso_from_arrays(d),
        "cml_ma_bic_dp (20 perturbations)": lambda: cml_dp_from_arrays(d, n=100000.0, num_pert=20),
        "egger_bootstrap": lambda: egger_bootstrap_from_arrays(d, n_boot=1000),
        "mvivw": lambda: mvivw(mbx, mbxse, by, byse),
        "mvegger": lambda: mvegger(mbx, mbxse, by, byse),
        "strength_mvmr": lambda: strength_mvmr(mbx, mbxse),
    }
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "pair.csv"
        cols = [bx, bxse, by, byse, bx2, bxse, bx3, bxse]
        rows = ["bx,bxse,by,byse,bx2,bxse2,bx3,bxse3"] + [
            ",".join(f"{v:.17g}" for v in row) for row in zip(*cols, strict=True)
        ]
        csv.write_text("\n".join(rows) + "\n")
        script = Path(tmp) / "new.R"
        script.write_text(R_NEW)
        out = subprocess.run(
            ["Rscript", str(script), str(csv), *sources, str(max(repeats, 3))],
            capture_output=True,
            text=True,
            check=True,
        )
    r_times = {
        ln.rsplit(" ", 2)[0]: float(ln.rsplit(" ", 2)[1]) for ln in out.stdout.splitlines() if ln
    }
    print(f"  newer methods vs the sourced R functions ({K} variants; MVMR 3 exposures):")
    print(f"    {'method':34s} {'alsatlas ms':>12s} {'R ms':>10s} {'ratio':>8s}")
    worst = math.inf
    for name, fn in ours.items():
        t = best_of(fn, max(repeats, 20) if r_times[name] < 1.0 else repeats)
        r = r_times[name]
        ratio = r / t if t > 0 else math.inf
        worst = min(worst, ratio)
        print(f"    {name:34s} {t * 1e3:12.3f} {r * 1e3:10.1f} {ratio:8.1f}x")
    verdict = "met" if worst >= NEW_GOAL else "not met"
    print(f"  goal >= {NEW_GOAL:.0f}x for every newer method: {verdict} (lowest {worst:.1f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--mr-source", help="MendelianRandomization R/ folder (sources)")
    parser.add_argument("--tsmr-source", help="TwoSampleMR R/ folder (sources)")
    parser.add_argument("--mvmr-source", help="MVMR R/ folder (sources)")
    parser.add_argument("--only-new", action="store_true", help="only the newer methods")
    args = parser.parse_args()
    if args.only_new:
        if not (args.mr_source and args.tsmr_source and args.mvmr_source):
            parser.error("--only-new needs --mr-source, --tsmr-source and --mvmr-source")
        bench_new_methods(
            simulate(), (args.mr_source, args.tsmr_source, args.mvmr_source), args.repeats
        )
        return
    data = simulate()
    print(f"MR benchmark: {K} variants, all methods, best of {args.repeats} runs (CPU time)")
    ours: dict[str, float] = {}
    for conv in ("twosamplemr", "mendelianrandomization"):
        t = best_of(lambda c=conv: run_mr(*data, convention=c), args.repeats)  # type: ignore[misc]
        ours[conv] = t
        rep = run_mr(*data, convention=conv)
        print(f"  alsatlas run_mr, convention={conv} (n_boot={rep.n_boot}): {t * 1e3:8.1f} ms")
    print("  per-method breakdown (ms):")
    print(f"    {'method':28s} {'twosamplemr':>12s} {'mendelianrand.':>15s}")
    for m in METHOD_IDS:
        if m == "wald_ratio":
            continue
        cells = []
        for conv in ("twosamplemr", "mendelianrandomization"):
            t = best_of(
                lambda c=conv, mm=m: run_mr(*data, methods=[mm], convention=c),  # type: ignore[misc]
                args.repeats,
            )
            cells.append(t * 1e3)
        print(f"    {m:28s} {cells[0]:12.2f} {cells[1]:15.2f}")
    if not r_available():
        print(
            "  R side unavailable: Rscript with the MendelianRandomization package is not "
            "installed here (CRAN unreachable); no speed ratio computed."
        )
        _maybe_new(args, data)
        return
    r_mr, r_presso = time_r(data)
    ours_mr = best_of(
        lambda: run_mr(
            *data,
            convention="mendelianrandomization",
            methods=[m for m in METHOD_IDS if m not in ("wald_ratio", "presso")],
        ),
        args.repeats,
    )
    print(f"  R MendelianRandomization (all methods + MBE): {r_mr * 1e3:10.1f} ms")
    ratio = r_mr / ours_mr
    verdict = "met" if ratio >= GOAL_RATIO else "not met"
    print(f"  ratio R / alsatlas (same methods, 10000 bootstraps): {ratio:8.1f}x")
    print(f"  goal >= {GOAL_RATIO:.0f}x: {verdict}")
    if r_presso is not None:
        ours_presso = best_of(lambda: run_mr(*data, methods=["presso"]), args.repeats)
        print(f"  R MR-PRESSO (N = 1000): {r_presso * 1e3:10.1f} ms")
        print(f"  ratio R / alsatlas MR-PRESSO: {r_presso / ours_presso:8.1f}x")
    _maybe_new(args, data)


def _maybe_new(args: argparse.Namespace, data: tuple[np.ndarray, ...]) -> None:
    if args.mr_source and args.tsmr_source and args.mvmr_source and shutil.which("Rscript"):
        bench_new_methods(data, (args.mr_source, args.tsmr_source, args.mvmr_source), args.repeats)


if __name__ == "__main__":
    main()
