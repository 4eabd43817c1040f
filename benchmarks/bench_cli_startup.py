"""CLI start-up: wall time of whole ``alsatlas`` processes, against bare Python in the same run.

Goals: ``alsatlas --help`` and ``alsatlas version`` <= 0.25 s, ``alsatlas validate`` (the shipped
evidence) <= 0.6 s. Each command runs ``--repeat`` times (default 7) after one warm-up; the
median is reported with its ratio to ``python -c pass`` and to ``python -c 'import typer'``
(the floor any typer CLI pays). Run: ``.venv/bin/python benchmarks/bench_cli_startup.py``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

GOALS = {"--help": 0.25, "version": 0.25, "validate": 0.6}


def timed(argv: list[str], repeat: int) -> float:
    """Median wall time of ``argv`` over ``repeat`` runs, after one untimed warm-up."""
    subprocess.run(argv, capture_output=True, check=False)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    exe = shutil.which("alsatlas", path=str(Path(sys.executable).parent)) or "alsatlas"
    bare = timed([sys.executable, "-c", "pass"], args.repeat)
    typer_floor = timed([sys.executable, "-c", "import typer"], args.repeat)
    print(f"python -c pass        {bare:6.3f} s")
    print(f"python -c import typer {typer_floor:5.3f} s")
    failed = False
    for command, goal in GOALS.items():
        took = timed([exe, command], args.repeat)
        ok = took <= goal
        failed |= not ok
        print(
            f"alsatlas {command:<9} {took:6.3f} s  goal <= {goal:.2f} s  "
            f"{took / bare:5.1f}x bare python, {took / typer_floor:4.1f}x import typer  "
            f"{'ok' if ok else 'MISSED'}"
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
