"""The web explorer under load on loopback: a real server process, a real load client.

Starts ``alsatlas serve`` (``--workers`` processes) on a free port of 127.0.0.1 and drives it
with ``--clients`` concurrent keep-alive connections (default 200) for ``--seconds`` (default
60), split evenly over five requests: the home page, a question page, the evidence list,
``/api/questions`` and a re-run (``POST /api/meta`` on a question's studies; one repeated
body, so after the first request each worker answers it from its re-run memo: the times are
those of a memo hit, request parsing and validation included, not of a fresh fit). The load client
is ``wrk`` (C, from Debian: ``apt-get install wrk``), one process per request with its share
of the connections, so that the client costs the server as little CPU as possible; without
``wrk`` (or with ``--client httpx``) the clients are httpx coroutines in this process.

Prints per request the count, errors (connect, read, write, timeout or a status other than
2xx/3xx), p50 / p95 / p99 latency and the requests per second, and the server's RSS before
and after (all worker processes). Goals (issue): zero errors; p95 < 100 ms for read-only
pages, < 300 ms for the re-run; RSS flat. Bounded in time; traffic only to 127.0.0.1.

    .venv/bin/python benchmarks/bench_web.py [--clients 200] [--seconds 60] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
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

WRK_SCRIPT = """
wrk.method = os.getenv("WRK_METHOD") or "GET"
local body = os.getenv("WRK_BODY") or ""
if #body > 0 then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %.6f %.6f %.6f\\n", summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50) / 1e6, latency:percentile(95) / 1e6, latency:percentile(99) / 1e6))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mib(pid: int) -> float:
    """Resident memory of ``pid`` and its children (uvicorn's worker processes), in MiB."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    total = 0.0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            continue
    return total


def percentile(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


Row = tuple[str, int, int, float, float, float]
"""path, requests, errors, p50, p95, p99 (seconds)."""


def run_wrk(base: str, clients: int, seconds: float) -> list[Row]:
    """One ``wrk`` process per request, ``clients / len(PAGES)`` connections each, all at once."""
    share = max(1, clients // len(PAGES))
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "report.lua"
        script.write_text(WRK_SCRIPT)
        procs = []
        for method, path, body in PAGES:
            env = {**os.environ, "WRK_METHOD": method, "WRK_BODY": json.dumps(body) if body else ""}
            argv = ["wrk", "-t1", f"-c{share}", f"-d{seconds:.0f}s", "--timeout", "30s"]
            argv += ["-s", str(script), base + path]
            procs.append((path, subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True)))
        rows: list[Row] = []
        for path, proc in procs:
            out, _ = proc.communicate(timeout=seconds + 120)
            line = next(x for x in out.splitlines() if x.startswith("RESULT "))
            n, errors, p50, p95, p99 = line.split()[1:]
            rows.append((path, int(n), int(errors), float(p50), float(p95), float(p99)))
    return rows


async def _client(
    base: str,
    deadline: list[float],
    times: dict[str, list[float]],
    errors: dict[str, int],
    ready: asyncio.Barrier,
    page: tuple[str, str, dict[str, object] | None],
) -> None:
    method, path, body = page
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        (await http.get("/api/health")).raise_for_status()
        await ready.wait()
        while time.perf_counter() < deadline[0]:
            start = time.perf_counter()
            try:
                r = await http.request(method, path, json=body)
                ok = r.status_code == 200
            except httpx.HTTPError:
                ok = False
            times[path].append(time.perf_counter() - start)
            errors[path] += not ok


async def _run_httpx(base: str, clients: int, seconds: float) -> list[Row]:
    times: dict[str, list[float]] = {p: [] for _, p, _ in PAGES}
    errors = {p: 0 for _, p, _ in PAGES}
    ready = asyncio.Barrier(clients + 1)
    deadline = [float("inf")]
    tasks = [
        asyncio.create_task(_client(base, deadline, times, errors, ready, PAGES[i % len(PAGES)]))
        for i in range(clients)
    ]
    await ready.wait()
    deadline[0] = time.perf_counter() + seconds
    await asyncio.gather(*tasks)
    rows: list[Row] = []
    for path, values in times.items():
        values.sort()
        q = [percentile(values, x) for x in (0.50, 0.95, 0.99)]
        rows.append((path, len(values), errors[path], q[0], q[1], q[2]))
    return rows


def run_httpx(base: str, clients: int, seconds: float) -> list[Row]:
    """``clients`` httpx coroutines in this process, spread evenly over the requests."""
    return asyncio.run(asyncio.wait_for(_run_httpx(base, clients, seconds), seconds + 120))


def start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    exe = Path(sys.executable).with_name("alsatlas")
    argv = [str(exe), "serve", "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start within 120 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--client", choices=("wrk", "httpx"), default=None)
    args = parser.parse_args()
    client = args.client or ("wrk" if shutil.which("wrk") else "httpx")
    port = free_port()
    server = start_server(port, args.workers)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(4 * args.workers):  # every worker draws its figures and fills its cache
            for method, path, body in PAGES:
                httpx.request(method, base + path, json=body, timeout=30).raise_for_status()
        before = rss_mib(server.pid)
        start = time.perf_counter()
        runner = run_wrk if client == "wrk" else run_httpx
        rows = runner(base, args.clients, args.seconds)
        wall = time.perf_counter() - start
        after = rss_mib(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    total = 0
    print(f"{args.clients} clients ({client}), {args.workers} server worker(s), {wall:.0f} s")
    for path, n, errors, p50, p95, p99 in rows:
        total += n
        goal = 0.3 if path == "/api/meta" else 0.1
        verdict = "ok" if p95 < goal and errors == 0 else "MISSED"
        print(
            f"{path:<36} n={n:7d} errors={errors:3d}  p50 {p50 * 1e3:7.1f}  "
            f"p95 {p95 * 1e3:7.1f}  p99 {p99 * 1e3:7.1f} ms  (p95 goal {goal * 1e3:.0f}) {verdict}"
        )
    print(f"{total} requests: {total / args.seconds:.0f} requests/s")
    print(f"server RSS: {before:.0f} MiB before, {after:.0f} MiB after")


if __name__ == "__main__":
    main()
