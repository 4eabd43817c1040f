"""Speed of the meta-analysis engine against R's metafor, on the same data, in one run.

    .venv/bin/python benchmarks/bench_meta.py [--m 10000] [--k 10] [--r-fits 10000]

Two timings, each for alsatlas and (when ``Rscript`` with metafor is installed) metafor:

1. one REML + Knapp-Hartung fit on dat.bcg (log risk ratios, k = 13): the whole call
   ``rma(yi, vi, method="REML", test="knha")``, warm, best of several repeats of many calls;
   R times its loop inside R with ``proc.time()`` after a warm-up.
2. m = 10,000 meta-analyses of k = 10 studies (seeded synthetic data, τ² between 0 and 0.5):
   ``rma_batch`` on the (m, k) arrays against an R loop of ``rma()`` over the same rows
   (errors caught, as a user would). ``--r-fits`` lets R time a subset and scale up linearly.

3. ``leave1out`` and ``influence`` at k = 500 (``--diag-k``; one synthetic meta-analysis,
   REML): alsatlas's whole calls against metafor's. Both metafor functions refit ``rma.uni``
   once per omitted study (k refits of k - 1 studies, each with dense (k-1) x (k-1) matrices;
   about 140 s CPU for ``leave1out`` at k = 500), so by default R times ``--diag-r-refits``
   such refits and scales them to k (``--diag-full-r`` times the real calls instead).

Prints the per-fit times and the ratios metafor / alsatlas. Wall times depend on the machine
and its load; run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from alsatlas.stats import rma, rma_batch
from alsatlas.stats.influence import influence
from alsatlas.stats.leave1out import leave1out

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "reference" / "metafor" / "rma_reference.json"

R_SINGLE = r"""
suppressMessages(library(metafor))
d <- read.csv("{data}")
yi <- d$yi; vi <- d$vi
for (i in 1:200) r <- rma(yi, vi, method = "REML", test = "knha")
cpu <- function() {{ p <- proc.time(); p[["user.self"]] + p[["sys.self"]] }}
best <- Inf; best_wall <- Inf
for (rep in 1:5) {{
  t0 <- cpu(); w0 <- proc.time()[["elapsed"]]
  for (i in 1:{n}) r <- rma(yi, vi, method = "REML", test = "knha")
  best <- min(best, (cpu() - t0) / {n})
  best_wall <- min(best_wall, (proc.time()[["elapsed"]] - w0) / {n})
}}
cat(best, best_wall, "\n")
"""

R_BATCH = r"""
suppressMessages(library(metafor))
y <- as.matrix(read.csv("{y}", header = FALSE))
v <- as.matrix(read.csv("{v}", header = FALSE))
n <- {n}
for (i in 1:50) r <- rma(y[i, ], v[i, ], method = "REML", test = "knha")
cpu <- function() {{ p <- proc.time(); p[["user.self"]] + p[["sys.self"]] }}
fails <- 0
t0 <- cpu(); w0 <- proc.time()[["elapsed"]]
for (i in 1:n) {{
  r <- tryCatch(rma(y[i, ], v[i, ], method = "REML", test = "knha"), error = function(e) NULL)
  if (is.null(r)) fails <- fails + 1
}}
cat((cpu() - t0) / n, fails, (proc.time()[["elapsed"]] - w0) / n, "\n")
"""


R_DIAG = r"""
suppressMessages(library(metafor))
d <- read.csv("{data}")
yi <- d$yi; vi <- d$vi; k <- length(yi)
cpu <- function() {{ p <- proc.time(); p[["user.self"]] + p[["sys.self"]] }}
res <- rma(yi, vi, method = "REML")
if ({full}) {{
  t0 <- cpu(); l <- leave1out(res); t_l1o <- cpu() - t0
  t0 <- cpu(); inf <- influence(res); t_inf <- cpu() - t0
}} else {{
  n <- {n}
  t0 <- cpu()
  for (i in 1:n) r <- rma(yi[-i], vi[-i], method = "REML")
  t_l1o <- (cpu() - t0) / n * k
  t_inf <- t_l1o
}}
cat(t_l1o, t_inf, "\n")
"""


def bcg() -> tuple[np.ndarray, np.ndarray]:
    """dat.bcg log risk ratios and variances, as stored with the metafor reference values."""
    cases = json.loads(REFERENCE.read_text())["cases"]
    case = next(c for c in cases if c["name"] == "bcg")
    return np.asarray(case["yi"]), np.asarray(case["vi"])


def synthetic(m: int, k: int, seed: int = 20261124) -> tuple[np.ndarray, np.ndarray]:
    """m meta-analyses of k studies: vi ~ U(0.01, 0.3), tau2 ~ U(0, 0.5), mu ~ N(0, 0.3)."""
    rng = np.random.default_rng(seed)
    vi = rng.uniform(0.01, 0.3, size=(m, k))
    tau2 = rng.uniform(0.0, 0.5, size=(m, 1))
    mu = rng.normal(0.0, 0.3, size=(m, 1))
    yi = rng.normal(mu, np.sqrt(vi + tau2))
    return yi, vi


def run_r(script: str) -> list[float] | None:
    """Run an R script and return the numbers it prints, or None without Rscript/metafor."""
    if shutil.which("Rscript") is None:
        return None
    proc = subprocess.run(
        ["Rscript", "-e", script], capture_output=True, text=True, check=False, timeout=3600
    )
    if proc.returncode != 0:
        print("Rscript failed:", proc.stderr.strip()[-500:])
        return None
    return [float(x) for x in proc.stdout.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--m", type=int, default=10_000, help="meta-analyses in the batch")
    parser.add_argument("--k", type=int, default=10, help="studies per meta-analysis")
    parser.add_argument("--r-fits", type=int, default=10_000, help="R loop length (<= m)")
    parser.add_argument("--single-n", type=int, default=2_000, help="calls per timing repeat")
    parser.add_argument("--diag-k", type=int, default=500, help="k of leave1out/influence")
    parser.add_argument("--diag-r-refits", type=int, default=10, help="R refits to time")
    parser.add_argument(
        "--diag-full-r", action="store_true", help="time metafor's leave1out/influence calls"
    )
    args = parser.parse_args()

    yi, vi = bcg()
    for _ in range(200):
        rma(yi, vi, method="REML", test="knha")

    def single() -> None:
        for _ in range(args.single_n):
            rma(yi, vi, method="REML", test="knha")

    ours_single = best_of(single, 5, args.single_n)

    Y, V = synthetic(args.m, args.k)
    rma_batch(Y[:100], V[:100], method="REML", test="knha")
    res = rma_batch(Y, V, method="REML", test="knha")
    ours_batch = best_of(lambda: rma_batch(Y, V, method="REML", test="knha"), 3, 1)
    ours_noci = best_of(lambda: rma_batch(Y, V, method="REML", test="knha", confint=False), 3, 1)

    dy, dv = synthetic(1, args.diag_k, seed=20261202)
    dy, dv = dy[0], dv[0]
    leave1out(dy, dv)
    ours_l1o = best_of(lambda: leave1out(dy, dv), 3, 1)
    ours_inf = best_of(lambda: influence(dy, dv), 3, 1)

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "bcg.csv"
        rows = "".join(f"{float(a)!r},{float(b)!r}\n" for a, b in zip(yi, vi, strict=True))
        data.write_text("yi,vi\n" + rows)
        r_single = run_r(R_SINGLE.format(data=data, n=max(args.single_n // 4, 1)))
        n_r = min(args.r_fits, args.m)
        np.savetxt(Path(tmp) / "y.csv", Y[:n_r], delimiter=",", fmt="%.17g")
        np.savetxt(Path(tmp) / "v.csv", V[:n_r], delimiter=",", fmt="%.17g")
        r_batch = run_r(R_BATCH.format(y=Path(tmp) / "y.csv", v=Path(tmp) / "v.csv", n=n_r))
        ddata = Path(tmp) / "diag.csv"
        rows = "".join(f"{float(a)!r},{float(b)!r}\n" for a, b in zip(dy, dv, strict=True))
        ddata.write_text("yi,vi\n" + rows)
        r_diag = run_r(
            R_DIAG.format(
                data=ddata,
                full="TRUE" if args.diag_full_r else "FALSE",
                n=min(args.diag_r_refits, args.diag_k),
            )
        )

    print("Times are CPU seconds (user + sys) of the process; wall-clock in brackets.")
    print(f"\nsingle REML+knha fit on dat.bcg (k = {yi.size}), whole call, warm:")
    print(f"  alsatlas rma():         {fmt_us(*ours_single)}")
    if r_single:
        print(f"  metafor rma():          {fmt_us(r_single[0], r_single[1])}")
        print(
            f"  ratio metafor/alsatlas: {r_single[0] / ours_single[0]:.1f}x CPU "
            f"[{r_single[1] / ours_single[1]:.1f}x wall]"
        )
    else:
        print("  metafor: Rscript with metafor not available")
    print(f"\n{args.m} meta-analyses of k = {args.k}, REML + knha:")
    print(
        f"  alsatlas rma_batch():   {ours_batch[0]:.3f} s [{ours_batch[1]:.3f} s] "
        f"(Q-profile CI and PI included; max {int(res.iterations.max())} iterations)"
    )
    print(f"  rma_batch(confint=False): {ours_noci[0]:.3f} s [{ours_noci[1]:.3f} s]")
    if r_batch:
        r_cpu, r_wall = r_batch[0] * args.m, r_batch[2] * args.m
        print(
            f"  metafor rma() loop:     {r_cpu:.3f} s [{r_wall:.3f} s] "
            f"({n_r} fits timed and scaled to {args.m}; {int(r_batch[1])} failed to converge)"
        )
        print(
            f"  ratio metafor/alsatlas: {r_cpu / ours_batch[0]:.1f}x CPU "
            f"[{r_wall / ours_batch[1]:.1f}x wall] with CI; "
            f"{r_cpu / ours_noci[0]:.1f}x CPU without"
        )
    else:
        print("  metafor: Rscript with metafor not available")
    print(f"\nleave1out / influence at k = {args.diag_k}, REML:")
    print(f"  alsatlas leave1out():   {ours_l1o[0]:.3f} s [{ours_l1o[1]:.3f} s]")
    print(f"  alsatlas influence():   {ours_inf[0]:.3f} s [{ours_inf[1]:.3f} s]")
    if r_diag:
        how = (
            "timed calls"
            if args.diag_full_r
            else f"{min(args.diag_r_refits, args.diag_k)} refits timed and scaled to k"
        )
        print(f"  metafor leave1out():    {r_diag[0]:.3f} s CPU ({how})")
        print(f"  metafor influence():    {r_diag[1]:.3f} s CPU ({how})")
        print(
            f"  ratio metafor/alsatlas: leave1out {r_diag[0] / ours_l1o[0]:.1f}x CPU, "
            f"influence {r_diag[1] / ours_inf[0]:.1f}x CPU"
        )
    else:
        print("  metafor: Rscript with metafor not available")


def best_of(func: Callable[[], object], repeat: int, per: int) -> tuple[float, float]:
    """Best (CPU, wall) seconds per unit over ``repeat`` runs of ``func`` (``per`` units)."""
    best_cpu = best_wall = float("inf")
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        func()
        best_cpu = min(best_cpu, (time.process_time() - c0) / per)
        best_wall = min(best_wall, (time.perf_counter() - w0) / per)
    return best_cpu, best_wall


def fmt_us(cpu: float, wall: float) -> str:
    """Per-fit times in microseconds."""
    return f"{cpu * 1e6:10.1f} us per fit [{wall * 1e6:.1f} us]"


if __name__ == "__main__":
    main()
