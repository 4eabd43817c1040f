"""Speed of GOSH (fits of all subsets) against R's metafor ``gosh()``, same data, one run.

    .venv/bin/python benchmarks/bench_gosh.py [--k 12]

Fits all 2^k - 1 subsets of the first k trials of dat.bcg (log risk ratios) with REML and
with DL, in alsatlas (:func:`alsatlas.stats.gosh.gosh`, vectorised in chunks) and, when
``Rscript`` with metafor is installed, in metafor (``gosh(rma(...))``, timed inside R).
Prints the wall times and the ratios metafor / alsatlas. Wall times depend on the machine
and its load.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from alsatlas.stats import rma
from alsatlas.stats.gosh import gosh

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "reference" / "metafor" / "plots_reference.json"

R_GOSH = r"""
suppressMessages(library(metafor))
d <- read.csv("{data}")
for (m in c("REML", "DL")) {{
  fit <- rma(d$yi, d$vi, method = m)
  w0 <- proc.time()[["elapsed"]]
  g <- suppressMessages(gosh(fit))
  cat(m, proc.time()[["elapsed"]] - w0, nrow(g$res), "\n")
}}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--k", type=int, default=12, help="studies (2^k - 1 subsets)")
    args = parser.parse_args()
    data = json.loads(REFERENCE.read_text())["data"]["bcg"]
    yi = np.asarray(data["yi"])[: args.k]
    vi = np.asarray(data["vi"])[: args.k]
    ours: dict[str, float] = {}
    for method in ("REML", "DL"):
        fit = rma(yi, vi, method=method)
        t0 = time.perf_counter()
        res = gosh(fit)
        ours[method] = time.perf_counter() - t0
        print(f"alsatlas gosh {method}: {res.n} subsets in {ours[method]:.3f} s")
    if shutil.which("Rscript") is None:
        print("Rscript not found: no metafor timing")
        return
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "d.csv"
        csv.write_text(
            "yi,vi\n" + "".join(f"{float(y)!r},{float(v)!r}\n" for y, v in zip(yi, vi, strict=True))
        )
        script = Path(tmp) / "g.R"
        script.write_text(R_GOSH.format(data=csv))
        proc = subprocess.run(["Rscript", str(script)], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        print(f"Rscript failed: {proc.stderr.strip()}")
        return
    for line in proc.stdout.splitlines():
        method, seconds, n = line.split()
        r = float(seconds)
        print(f"metafor gosh {method}: {n} subsets in {r:.3f} s; ratio {r / ours[method]:.0f}x")


if __name__ == "__main__":
    main()
