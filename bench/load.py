"""Drive a seeded Easel with concurrent signed-in members and print throughput, latency and memory.

Usage:
    python bench/load.py --data-dir /tmp/bench-1m [--connections 8] [--duration 30] [--members 200]

It starts `python app.py --port 0 --data-dir D` (the real waitress server, 127.0.0.1 only), reads the
"serving http://..." log line, signs in --members seeded members (password "benchmark-pass", see
bench/seed.py), then runs three timed phases with the same N concurrent connections (one thread and
one persistent http.client connection each; each thread owns its own members' cookies):

  1. floor:      GET /healthz only (--floor-duration s): the cheapest route, the server's ceiling;
  2. home-only:  GET / (signed in, first page) only (--home-duration s): home's own requests/s,
                 compared with the floor (target: >= 1/3 of the floor);
  3. mix:        --duration s of home 50%, explore 15%, latest 10%, post page 10%, like toggle 10%
                 (like, then unlike the same post next time, CSRF token in X-CSRFToken as htmx sends
                 it), notifications 5%. A feed request goes one page deeper 30% of the time, following
                 the member's last `?before=` cursor as htmx's infinite scroll does (HX-Request: true).
                 If /explore answers 404 it is dropped from the mix and the weights re-normalised.

Prints requests/s overall and per route, p50/p95/p99 latency per route, errors (non-2xx/3xx,
exceptions) and redirects, and the server's RSS (polled VmRSS peak and the kernel's VmHWM).

The server runs with EASEL_LOGIN_RATE_LIMIT raised so that signing many members in from one
address is not throttled; nothing else is changed. The run writes to the database like real members
(likes, notifications marked read); the counters stay exact. The server is stopped at the end.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import defaultdict, deque
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "benchmark-pass"
MIX = [("home", 50), ("explore", 15), ("latest", 10), ("post", 10), ("like", 10), ("notifications", 5)]
FEED_PATHS = {"home": "/", "explore": "/explore", "latest": "/latest"}
SERVING_RE = re.compile(r"serving (http://[0-9.]+:(\d+))")
CSRF_RE = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
MORE_RE = re.compile(r'hx-get="(/[^"]*before=\d+[^"]*)"')
POST_RE = re.compile(r'href="/p/(\d+)"')


class Member:
    def __init__(self, username: str):
        self.username = username
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.cursor: dict[str, str] = {}  # feed -> next page URL
        self.seen: deque[int] = deque(maxlen=60)  # post ids seen in feeds
        self.liked: int | None = None  # the post this member liked last (to unlike next)

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def take_cookies(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            pair = header.split(";", 1)[0]
            name, _, value = pair.partition("=")
            if 'expires=thu, 01 jan 1970' in header.lower() or value == "":
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value.strip()


class Client:
    """One persistent connection; reconnects after an error or a server-side close."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, member: Member | None = None, body: bytes | None = None,
                headers: dict | None = None) -> tuple[int, str, http.client.HTTPResponse]:
        all_headers = {"Host": f"{self.host}:{self.port}", "Accept": "text/html"}
        if member is not None and member.cookies:
            all_headers["Cookie"] = member.cookie_header()
        if body is not None:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        all_headers.update(headers or {})
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                self.conn.request(method, path, body=body, headers=all_headers)
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise exc
                continue
            if response.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            if member is not None:
                member.take_cookies(response)
            return response.status, data.decode("utf-8", "replace"), response
        raise RuntimeError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.redirects: dict[str, int] = defaultdict(int)
        self.samples: dict[str, list[str]] = defaultdict(list)

    def record(self, route: str, seconds: float, status: int | None, note: str = "") -> None:
        with self.lock:
            self.latency[route].append(seconds)
            if status is None or status >= 400:
                self.errors[route] += 1
                if len(self.samples[route]) < 3:
                    self.samples[route].append(f"{status} {note}")
            elif 300 <= status < 400:
                self.redirects[route] += 1


def pct(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


# --- the server -------------------------------------------------------------------------------

class Server:
    def __init__(self, data_dir: str, extra_env: dict[str, str]):
        env = dict(os.environ, **extra_env)
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "--port", "0", "--data-dir", data_dir],
            cwd=str(ROOT), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.log_tail: deque[str] = deque(maxlen=40)
        self.url = None
        deadline = time.time() + 120
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.log_tail.append(line.rstrip())
            match = SERVING_RE.search(line)
            if match:
                self.url, self.port = match.group(1), int(match.group(2))
                break
        if self.url is None:
            self.stop()
            sys.exit("server did not start:\n" + "\n".join(self.log_tail))
        threading.Thread(target=self._drain, daemon=True).start()
        self.peak_rss_kb = 0
        self._polling = True
        threading.Thread(target=self._poll_rss, daemon=True).start()

    def _drain(self) -> None:
        for line in self.proc.stdout:
            self.log_tail.append(line.rstrip())

    def status_kb(self, field: str) -> int:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def cpu_seconds(self) -> float:
        """User + system CPU the server process has used so far (from /proc/<pid>/stat)."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return 0.0

    def _poll_rss(self) -> None:
        while self._polling and self.proc.poll() is None:
            self.peak_rss_kb = max(self.peak_rss_kb, self.status_kb("VmRSS"))
            time.sleep(0.1)

    def reset_peak(self) -> None:
        """Forget the peak so far (sign-in hashing) so the phases' own peak is what gets reported."""
        try:
            Path(f"/proc/{self.proc.pid}/clear_refs").write_text("5")
        except OSError:
            pass
        self.peak_rss_kb = self.status_kb("VmRSS")

    def stop(self) -> None:
        self._polling = False
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


# --- members ----------------------------------------------------------------------------------

def pick_members(data_dir: str, count: int, rng: random.Random) -> list[str]:
    conn = sqlite3.connect(f"file:{Path(data_dir) / 'easel.db'}?mode=ro", uri=True)
    names = [r[0] for r in conn.execute(
        "SELECT username FROM users WHERE domain IS NULL AND password_hash IS NOT NULL ORDER BY id")]
    conn.close()
    if not names:
        sys.exit("no members in this database: seed it with bench/seed.py first")
    return rng.sample(names, min(count, len(names)))


def sign_in(client: Client, member: Member) -> None:
    status, body, _ = client.request("GET", "/login", member)
    token = CSRF_RE.search(body)
    if status != 200 or not token:
        raise RuntimeError(f"GET /login answered {status}")
    form = urlencode({"username": member.username, "password": PASSWORD, "csrf_token": token.group(1)}).encode()
    status, body, _ = client.request("POST", "/login", member, body=form)
    if status not in (302, 303):
        raise RuntimeError(f"POST /login for {member.username} answered {status}")
    status, body, _ = client.request("GET", "/", member)
    token = CSRF_RE.search(body)
    if status != 200 or not token:
        raise RuntimeError(f"home after login answered {status}")
    member.csrf = token.group(1)
    remember(member, "home", body)


def remember(member: Member, feed: str, body: str) -> None:
    more = MORE_RE.search(body)
    if more:
        member.cursor[feed] = more.group(1).replace("&amp;", "&")
    else:
        member.cursor.pop(feed, None)
    member.seen.extend(int(x) for x in POST_RE.findall(body)[:40])


# --- phases -----------------------------------------------------------------------------------

def one_request(client: Client, member: Member, route: str, rng: random.Random, stats: Stats,
                deep_share: float) -> None:
    headers: dict[str, str] = {}
    method, body, path = "GET", None, ""
    label = route
    if route in FEED_PATHS:
        path = FEED_PATHS[route]
        if rng.random() < deep_share and member.cursor.get(route):
            path = member.cursor[route]
            headers["HX-Request"] = "true"
            label = route + " ?before="
    elif route == "post":
        path = f"/p/{rng.choice(member.seen)}" if member.seen else "/latest"
    elif route == "like":
        if member.liked is not None:
            path, label = f"/p/{member.liked}/unlike", "unlike"
            member.liked = None
        else:
            target = rng.choice(member.seen) if member.seen else 1
            path, label = f"/p/{target}/like", "like"
            member.liked = target
        method, body = "POST", b""
        headers.update({"X-CSRFToken": member.csrf, "HX-Request": "true"})
    elif route == "notifications":
        path = "/notifications"
    elif route == "healthz":
        path = "/healthz"
    started = time.perf_counter()
    try:
        status, text, _ = client.request(method, path, member, body=body, headers=headers)
    except Exception as exc:  # noqa: BLE001 - any failure is an error in the figures
        stats.record(label, time.perf_counter() - started, None, f"{path}: {exc!r}")
        return
    stats.record(label, time.perf_counter() - started, status, path)
    if route in FEED_PATHS and status == 200:
        remember(member, route, text)


def warm_up(host: str, port: int, members: list[Member], connections: int) -> None:
    def worker(index: int) -> None:
        client = Client(host, port)
        for member in members[index::connections]:
            client.request("GET", "/", member)
        client.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)


def run_closed_loop(connections: int, duration: float, one_connection) -> float:
    """`connections` threads started together, each running `one_connection(index, deadline)` (its
    own persistent connection, one request after another until the deadline); the elapsed seconds."""
    start_gate = threading.Barrier(connections + 1)
    deadline_box: list[float] = []

    def worker(index: int) -> None:
        start_gate.wait()
        one_connection(index, deadline_box[0])

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for t in threads:
        t.start()
    began = time.perf_counter()
    deadline_box.append(began + duration)
    start_gate.wait()
    for t in threads:
        t.join(timeout=duration + 60)
    return time.perf_counter() - began


def run_phase(host: str, port: int, members: list[Member], connections: int, duration: float,
              mix: list[tuple[str, int]], deep_share: float, seed: int) -> tuple[Stats, float]:
    stats = Stats()
    routes = [r for r, _ in mix]
    cum, acc = [], 0
    for _, w in mix:
        acc += w
        cum.append(acc)

    def one_connection(index: int, deadline: float) -> None:
        rng = random.Random(seed * 1000 + index)
        mine = members[index::connections] or members
        client = Client(host, port)
        while time.perf_counter() < deadline:
            route = rng.choices(routes, cum_weights=cum)[0]
            one_request(client, rng.choice(mine), route, rng, stats, deep_share)
        client.close()

    return stats, run_closed_loop(connections, duration, one_connection)


def _own_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def report(title: str, stats: Stats, elapsed: float, cpu: tuple[float, float] = (0.0, 0.0)) -> dict[str, float]:
    total = sum(len(v) for v in stats.latency.values())
    errors = sum(stats.errors.values())
    print(f"\n== {title}: {total:,} requests in {elapsed:.1f} s = {total / elapsed:,.1f} req/s; "
          f"errors {errors}; redirects {sum(stats.redirects.values())}")
    if total:
        print(f"   CPU per request: server {cpu[0] / total * 1000:.2f} ms, this load generator "
              f"{cpu[1] / total * 1000:.2f} ms (both share the machine's cores)")
    print(f"   {'route':<18}{'req/s':>9}{'count':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}")
    rates = {}
    for route in sorted(stats.latency, key=lambda r: -len(stats.latency[r])):
        values = sorted(stats.latency[route])
        rates[route] = len(values) / elapsed
        print(f"   {route:<18}{rates[route]:>9.1f}{len(values):>8}{pct(values, 50) * 1000:>9.1f}"
              f"{pct(values, 95) * 1000:>9.1f}{pct(values, 99) * 1000:>9.1f}{values[-1] * 1000:>9.1f}"
              f"{stats.errors.get(route, 0):>8}")
    for route, samples in stats.samples.items():
        print(f"   error samples for {route}: {samples}")
    rates["_total"] = total / elapsed
    return rates


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", type=float, default=30, help="seconds of the mixed load (default 30)")
    parser.add_argument("--members", type=int, default=200, help="members signed in (default 200)")
    parser.add_argument("--floor-duration", type=float, default=5, help="seconds of /healthz only (default 5)")
    parser.add_argument("--home-duration", type=float, default=10, help="seconds of home only (default 10)")
    parser.add_argument("--deep", type=float, default=0.3, help="share of feed requests one page deeper (0.3)")
    parser.add_argument("--login-connections", type=int, default=2,
                        help="connections used to sign members in (default 2: each password check is a "
                             "~32 MB scrypt, so signing in on 8 at once alone lifts RSS by ~250 MB)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    t0 = time.time()
    data_dir = str(Path(args.data_dir).resolve())
    if not (Path(data_dir) / "easel.db").exists():
        sys.exit(f"no easel.db in {data_dir}: run bench/seed.py first")
    names = pick_members(data_dir, args.members, rng)

    server = Server(data_dir, {"EASEL_LOGIN_RATE_LIMIT": "1000000 per minute"})
    try:
        host, port = "127.0.0.1", server.port
        start_rss = server.status_kb("VmRSS")
        print(f"server pid {server.proc.pid} at {server.url}; RSS after start-up {start_rss / 1024:.0f} MB")

        members = [Member(n) for n in names]
        errors: list[str] = []
        login_threads = max(1, min(args.login_connections, args.connections))

        def login_worker(index: int) -> None:
            client = Client(host, port)
            for member in members[index::login_threads]:
                try:
                    sign_in(client, member)
                except Exception as exc:  # noqa: BLE001
                    errors.append(f"{member.username}: {exc}")
            client.close()

        started = time.perf_counter()
        threads = [threading.Thread(target=login_worker, args=(i,)) for i in range(login_threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=600)
        members = [m for m in members if m.csrf]
        login_peak = max(server.peak_rss_kb, server.status_kb("VmHWM"))
        print(f"signed in {len(members)} members in {time.perf_counter() - started:.1f} s over {login_threads} "
              f"connection(s); RSS peak while signing in {login_peak / 1024:.0f} MB"
              + (f"; {len(errors)} failed, e.g. {errors[:2]}" if errors else ""))
        server.reset_peak()
        print(f"RSS before the measured phases {server.status_kb('VmRSS') / 1024:.0f} MB (peak counters reset)")
        if not members:
            sys.exit("no member could sign in")

        mix = list(MIX)
        status, _, _ = Client(host, port).request("GET", "/explore", members[0])
        if status == 404:
            mix = [(r, w) for r, w in mix if r != "explore"]
            print("NOTE: /explore answers 404 on this build: dropped from the mix "
                  f"(weights re-normalised over {sum(w for _, w in mix)}%)")

        def measured(*phase_args):
            server_before, own_before = server.cpu_seconds(), _own_cpu_seconds()
            stats, elapsed = run_phase(host, port, members, args.connections, *phase_args)
            return stats, elapsed, (server.cpu_seconds() - server_before, _own_cpu_seconds() - own_before)

        # Steady state, as on a server that has been up for a while: each member opens home once
        # (unmeasured), so the phases below do not start with every post card unrendered.
        warm_started = time.perf_counter()
        warm_up(host, port, members, args.connections)
        print(f"warm-up: each member opened home once ({time.perf_counter() - warm_started:.1f} s, not measured)")

        floor, floor_s, floor_cpu = measured(args.floor_duration, [("healthz", 1)], 0.0, args.seed)
        floor_rates = report(f"floor: GET /healthz, {args.connections} connections", floor, floor_s, floor_cpu)
        home, home_s, home_cpu = measured(args.home_duration, [("home", 1)], 0.0, args.seed + 1)
        home_rates = report(f"home only: GET / (first page), {args.connections} connections", home, home_s,
                            home_cpu)
        mixed, mixed_s, mixed_cpu = measured(args.duration, mix, args.deep, args.seed + 2)
        report(f"mix: {', '.join(f'{r} {w}' for r, w in mix)}; {int(args.deep * 100)}% of feed requests "
               f"one page deeper; {args.connections} connections", mixed, mixed_s, mixed_cpu)

        hwm = server.status_kb("VmHWM")
        peak = max(server.peak_rss_kb, server.status_kb("VmRSS"))
        home_values = sorted(home.latency.get("home", []))
        mix_home = sorted(mixed.latency.get("home", []))
        ratio = home_rates.get("home", 0) / floor_rates["healthz"] if floor_rates.get("healthz") else 0
        total_errors = sum(s for st in (floor, home, mixed) for s in st.errors.values())
        print("\n== summary")
        print(f"   floor /healthz            {floor_rates.get('healthz', 0):8.1f} req/s")
        print(f"   home only                 {home_rates.get('home', 0):8.1f} req/s = {ratio:.2f} of the floor "
              f"(target >= 0.33); p99 {pct(home_values, 99) * 1000:.1f} ms")
        print(f"   home in the mix           p50 {pct(mix_home, 50) * 1000:.1f} ms, p95 "
              f"{pct(mix_home, 95) * 1000:.1f} ms, p99 {pct(mix_home, 99) * 1000:.1f} ms (target p99 <= 50 ms)")
        print(f"   errors (all phases)       {total_errors}")
        print(f"   server RSS                peak polled {peak / 1024:.0f} MB, VmHWM {hwm / 1024:.0f} MB "
              f"(target <= 120 MB; measured phases only, sign-in shown above)")
        print(f"   total wall time           {time.time() - t0:.0f} s")
    finally:
        server.stop()
        if server.proc.returncode not in (0, None, -signal.SIGTERM):
            print("server exit code", server.proc.returncode, "\n" + "\n".join(server.log_tail))


if __name__ == "__main__":
    main()
