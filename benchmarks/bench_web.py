"""The web explorer under load on loopback: a real uvicorn server process and a real HTTP client.

Starts ``alsatlas serve`` on a free port of 127.0.0.1, then ``--clients`` concurrent clients
(default 200) each open a connection (unmeasured), wait for all the others, and request the
home page, the evidence list and a question page
``--rounds`` times (default 5; bounded in count and time). Prints p50 / p95 / max latency per
page and the requests per second; the goals are the issue's (home p95 well under 460 ms, the
evidence list under 915 ms, measured before on this machine kind).

    .venv/bin/python benchmarks/bench_web.py [--clients 200] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

PAGES = ("/", "/evidence", "/questions/any_autoimmune_als_risk", "/api/questions")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def client(
    base: str, rounds: int, times: dict[str, list[float]], ready: asyncio.Barrier
) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        (await http.get("/api/health")).raise_for_status()  # open the connection, unmeasured
        await ready.wait()  # then every client starts at once
        for _ in range(rounds):
            for page in PAGES:
                start = time.perf_counter()
                r = await http.get(page)
                times[page].append(time.perf_counter() - start)
                r.raise_for_status()


async def run(base: str, clients: int, rounds: int) -> None:
    times: dict[str, list[float]] = {p: [] for p in PAGES}
    ready = asyncio.Barrier(clients + 1)
    tasks = [asyncio.create_task(client(base, rounds, times, ready)) for _ in range(clients)]
    await ready.wait()
    start = time.perf_counter()
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - start
    total = sum(len(v) for v in times.values())
    for page, values in times.items():
        values.sort()
        p50 = statistics.median(values) * 1000
        p95 = values[int(0.95 * (len(values) - 1))] * 1000
        print(
            f"{page:<40} n={len(values):5d} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  "
            f"max {values[-1] * 1000:7.1f} ms"
        )
    print(f"{total} requests in {wall:.1f} s: {total / wall:.0f} requests/s ({clients} clients)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
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
        for page in PAGES:  # first requests draw figures and fill the cache
            httpx.get(base + page, timeout=30).raise_for_status()
        asyncio.run(asyncio.wait_for(run(base, args.clients, args.rounds), timeout=300))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
