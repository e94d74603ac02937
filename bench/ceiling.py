"""What the serving stack alone allows: a page costing X ms of Python, served the way Easel is served.

Usage:
    python bench/ceiling.py [--connections 8] [--duration 8] [--costs 0,1,2,3,4,6] [--page-kb 85]

It starts a child process that serves a synthetic WSGI app exactly as `python app.py` serves Easel
(waitress `create_server`, 8 threads, behind the same one-slot gate from gate.py), then drives it
with bench/load.py's client (N persistent connections, one thread each, closed loop) in one phase per
cost: `/cost/<ms>` spins that many milliseconds of Python CPU (thread time, so waiting on the other
core does not count) and answers a page of --page-kb KB, like a feed page. `/healthz` (cost 0,
a 150-byte answer, skipping the gate) is the floor, as in bench/load.py.

It prints requests/s, p50/p95/p99 per cost and the ratio to the floor: how much Python a home page
may cost on this machine before "home >= 1/3 of the floor" or "p99 <= 50 ms at 8 connections" is out
of reach, whatever Easel does. Nothing here touches a database.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import Client, Stats, _own_cpu_seconds, pct, run_closed_loop  # noqa: E402

SERVE_CODE = r"""
import logging, sys, time
sys.path.insert(0, sys.argv[1])
logging.getLogger("waitress").setLevel(logging.ERROR)  # "Task queue depth" notes would swamp the table
from waitress import create_server
from gate import Gate

PAGE = (b"<article>" + b"x" * 4000 + b"</article>\n") * int(sys.argv[2])

def app(environ, start_response):
    path = environ["PATH_INFO"]
    if path.startswith("/cost/"):
        spend = float(path[6:]) / 1000
        started = time.thread_time()
        while time.thread_time() - started < spend:
            pass
        body = PAGE
    else:
        body = b'{"ok": true}' + b" " * 138
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]

server = create_server(Gate(1).wrap(app), host="127.0.0.1", port=0, threads=8, ident="ceiling")
print("serving", server.effective_port, flush=True)
server.run()
"""


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def phase(port: int, path: str, connections: int, duration: float) -> tuple[Stats, float]:
    stats = Stats()

    def one_connection(_index: int, deadline: float) -> None:
        client = Client("127.0.0.1", port)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                status, _text, _ = client.request("GET", path)
            except Exception as exc:  # noqa: BLE001 - any failure is an error in the figures
                stats.record(path, time.perf_counter() - started, None, repr(exc))
                continue
            stats.record(path, time.perf_counter() - started, status)
        client.close()

    return stats, run_closed_loop(connections, duration, one_connection)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", type=float, default=8, help="seconds per phase (default 8)")
    parser.add_argument("--costs", default="0,1,2,3,4,6", help="ms of Python per page, comma-separated")
    parser.add_argument("--page-kb", type=int, default=85, help="size of each page (default 85 KB, a home page)")
    args = parser.parse_args(argv)

    proc = subprocess.Popen([sys.executable, "-c", SERVE_CODE, str(ROOT), str(max(1, args.page_kb * 1024 // 4020))],
                            stdout=subprocess.PIPE, text=True)
    match = re.match(r"serving (\d+)", proc.stdout.readline())
    if not match:
        proc.kill()
        sys.exit("the synthetic server did not start")
    port = int(match.group(1))
    try:
        phase(port, "/healthz", args.connections, 1)  # warm-up, not reported
        print(f"{args.connections} connections, {args.duration:g} s per phase, pages of {args.page_kb} KB")
        print(f"{'route':<14}{'req/s':>9}{'/ floor':>9}{'server ms':>11}"
              f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
        floor = None
        for path in ["/healthz"] + [f"/cost/{cost}" for cost in args.costs.split(",")]:
            before, own_before = cpu_seconds(proc.pid), _own_cpu_seconds()
            stats, elapsed = phase(port, path, args.connections, args.duration)
            server_cpu, _own = cpu_seconds(proc.pid) - before, _own_cpu_seconds() - own_before
            values = sorted(stats.latency[path])
            rate = len(values) / elapsed
            floor = floor or rate
            print(f"{path:<14}{rate:>9.1f}{rate / floor:>9.2f}{server_cpu / max(1, len(values)) * 1000:>11.2f}"
                  f"{pct(values, 50) * 1000:>9.1f}{pct(values, 95) * 1000:>9.1f}{pct(values, 99) * 1000:>9.1f}"
                  f"{sum(stats.errors.values()):>8}")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
