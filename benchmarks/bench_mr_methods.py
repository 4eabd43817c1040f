"""Benchmark: every MR method on one simulated 100-variant exposure–outcome pair.

Times alsatlas (both conventions, all methods, plus a per-method breakdown) and, when
``Rscript`` with the MendelianRandomization package is available, the same analysis in R
(``mr_allmethods(method = "all")`` plus ``mr_mbe`` simple/weighted and, if installed,
MR-PRESSO), printing the speed ratio (goal: alsatlas at least 20× faster). Bootstrap counts
follow each package's defaults (10000 for MendelianRandomization).

Run: ``.venv/bin/python benchmarks/bench_mr_methods.py [--repeats N]``
"""

from __future__ import annotations

import argparse
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
