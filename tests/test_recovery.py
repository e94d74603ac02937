"""`kill -9` of the real server while generations are queued or running, then a restart."""

import http.cookiejar
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Server:
    """`python app.py` in a subprocess on a free port, read from its start-up log line."""

    def __init__(self, data_dir):
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("EASEL_PORT", None)
        self.proc = subprocess.Popen(
            [sys.executable, "app.py", "--port", "0", "--data-dir", str(data_dir)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 30
        self.log = []
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.log.append(line)
            found = re.search(r"serving (http://\S+)", line)
            if found:
                self.url = found.group(1)
                return
        self.proc.kill()
        raise AssertionError("server did not start:\n" + "".join(self.log))

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        self.log.append(self.proc.stdout.read())
        self.proc.stdout.close()
        return self.proc.wait(timeout=30)


class Browserless:
    """Just enough of a client: cookies, the CSRF token from the page, JSON answers."""

    def __init__(self, url):
        self.url = url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def token(self):
        page = self.opener.open(self.url + "/about").read().decode()
        return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)

    def post(self, path, fields):
        data = urllib.parse.urlencode({**fields, "csrf_token": self.token()}).encode()
        request = urllib.request.Request(self.url + path, data=data, headers={"Accept": "application/json"})
        with self.opener.open(request) as response:
            return json.loads(response.read())

    def get_json(self, path):
        request = urllib.request.Request(self.url + path, headers={"Accept": "application/json"})
        with self.opener.open(request) as response:
            return json.loads(response.read())


def test_kill_9_with_three_jobs_then_restart_finishes_each_once(tmp_path):
    data = tmp_path / "data"
    server = Server(data)
    try:
        client = Browserless(server.url)
        client.post("/signup", {"username": "ana", "password": "correct horse"})
        ids = [
            client.post(
                "/generations",
                {"prompt": f"a castle on a hill number {n}", "size": "768x512", "count": "4", "style": "papercut"},
            )["id"]
            for n in range(3)
        ]
    finally:
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait(timeout=10)
        server.proc.stdout.close()

    db = sqlite3.connect(data / "easel.db")
    statuses = [row[0] for row in db.execute("SELECT status FROM generations ORDER BY id")]
    assert len(statuses) == 3 and any(s in ("queued", "running") for s in statuses), statuses

    server = Server(data)
    try:
        client = Browserless(server.url)
        client.post("/login", {"username": "ana", "password": "correct horse"})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            bodies = [client.get_json(f"/generations/{i}") for i in ids]
            if all(b["status"] == "done" for b in bodies):
                break
            time.sleep(0.2)
        assert [b["status"] for b in bodies] == ["done"] * 3
        assert all(len(b["images"]) == 4 for b in bodies)
    finally:
        code = server.stop(signal.SIGTERM)
    assert code == 0, "".join(server.log)
    assert "stopping" in "".join(server.log)
    rows = db.execute("SELECT generation_id, count(*) FROM media GROUP BY generation_id ORDER BY 1").fetchall()
    assert rows == [(i, 4) for i in ids]
    db.close()
