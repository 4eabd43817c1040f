"""The web explorer under load on loopback: a real uvicorn server process, a real HTTP client.

Starts ``alsatlas serve`` on a free port of 127.0.0.1; ``--clients`` concurrent clients
(default 200) each open a connection (unmeasured), wait for all the others, then loop over the
home page, a question page, the evidence list, ``/api/questions`` and a re-run
(``POST /api/meta`` on a question's studies) for ``--seconds`` (default 60). Prints per page
the requests, errors, p50 / p95 / p99 latency, the requests per second, and the server's RSS
before and after. Goals (issue): zero errors; p95 < 100 ms for read-only pages, < 300 ms for
the re-run; RSS flat. Bounded in time and count; traffic only to 127.0.0.1.

    .venv/bin/python benchmarks/bench_web.py [--clients 200] [--seconds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

PAGES: tuple[tuple[str, str, dict[str, object] | None], ...] = (
    ("GET", "/", None),
    ("GET", "/questions/any_autoimmune_als_risk", None),
    ("GET", "/evidence", None),
    ("GET", "/api/questions", None),
    ("POST", "/api/meta", {"question_id": "t1d_als_risk", "method": "DL"}),
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


async def client(
    base: str,
    deadline: list[float],
    times: dict[str, list[float]],
    errors: dict[str, int],
    ready: asyncio.Barrier,
) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        (await http.get("/api/health")).raise_for_status()
        await ready.wait()
        while time.perf_counter() < deadline[0]:
            for method, path, body in PAGES:
                start = time.perf_counter()
                try:
                    r = await http.request(method, path, json=body)
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                times[path].append(time.perf_counter() - start)
                errors[path] += not ok


async def run(base: str, clients: int, seconds: float) -> None:
    times: dict[str, list[float]] = {p: [] for _, p, _ in PAGES}
    errors = {p: 0 for _, p, _ in PAGES}
    ready = asyncio.Barrier(clients + 1)
    deadline = [float("inf")]
    tasks = [
        asyncio.create_task(client(base, deadline, times, errors, ready)) for _ in range(clients)
    ]
    await ready.wait()
    start = time.perf_counter()
    deadline[0] = start + seconds
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - start
    total = 0
    for path, values in times.items():
        values.sort()
        total += len(values)
        p50, p95, p99 = (percentile(values, q) * 1000 for q in (0.50, 0.95, 0.99))
        print(
            f"{path:<36} n={len(values):6d} errors={errors[path]:3d}  "
            f"p50 {p50:7.1f}  p95 {p95:7.1f}  p99 {p99:7.1f} ms"
        )
    print(f"{total} requests in {wall:.1f} s: {total / wall:.0f} requests/s ({clients} clients)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    port = free_port()
    exe = Path(sys.executable).with_name("alsatlas")
    server = subprocess.Popen(
        [str(exe), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise SystemExit("the server did not start within 60 s")
        for method, path, body in PAGES:  # the first requests draw figures and fill the cache
            httpx.request(method, base + path, json=body, timeout=30).raise_for_status()
        before = rss_mib(server.pid)
        asyncio.run(asyncio.wait_for(run(base, args.clients, args.seconds), args.seconds + 120))
        after = rss_mib(server.pid)
        print(f"server RSS: {before:.0f} MiB before, {after:.0f} MiB after")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
