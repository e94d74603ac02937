"""Proxy headers are believed only from --trusted-proxy: without it an X-Forwarded-* header changes
neither the URLs Easel builds nor the address its rate limits count. The waitress tests start the
real server (`python app.py --port 0`) in a subprocess."""

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from app import proxy_settings
from tests.conftest import AuthActions, limited_app, make_app
from tests.sharing_helpers import head_of, member

ROOT = Path(__file__).resolve().parents[1]
FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example", "X-Forwarded-For": "203.0.113.7"}


def test_proxy_settings():
    assert proxy_settings("") == {}
    assert proxy_settings("127.0.0.1") == {
        "trusted_proxy": "127.0.0.1", "trusted_proxy_count": 1,
        "trusted_proxy_headers": "x-forwarded-for x-forwarded-proto x-forwarded-host"}


def test_forwarded_headers_do_not_change_the_urls_flask_builds(tmp_path):
    app = make_app(tmp_path / "d")
    try:
        member(app, "ana")
        page = app.test_client().get("/u/ana", headers=FORWARDED).get_data(as_text=True)
        assert head_of(page).one("og:url") == "http://localhost/u/ana"
        assert "evil.example" not in page and "https://" not in page
    finally:
        app.extensions["easel_worker"].stop()


def test_forwarded_for_does_not_change_the_rate_limit_key(tmp_path, limit_clock):
    app = limited_app(tmp_path / "d", LOGIN_RATE_LIMIT="2 per 5 minutes", LOGIN_ACCOUNT_RATE_LIMIT="100 per minute")
    try:
        client = app.test_client()

        def login(name, forwarded_for):
            data = {"username": name, "password": "wrong password", "csrf_token": AuthActions(client).token()}
            return client.post("/login", data=data, headers={"X-Forwarded-For": forwarded_for}).status_code

        # Each attempt claims another address; the limiter counts the one the connection came from.
        assert [login(name, f"198.51.100.{n}") for n, name in enumerate(("ana", "budi", "cleo"))] == [422, 422, 429]
    finally:
        app.extensions["easel_worker"].stop()


# --- the real server ---------------------------------------------------------------------------

class Server:
    """`python app.py --port 0` on 127.0.0.1 with a fresh data folder; stopped with SIGTERM."""

    def __init__(self, tmp_path: Path, *args: str):
        self.log = tmp_path / "server.log"
        env = {**os.environ, "EASEL_LOGIN_RATE_LIMIT": "2 per minute",
               "EASEL_LOGIN_ACCOUNT_RATE_LIMIT": "100 per minute", "PYTHONUNBUFFERED": "1"}
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "app.py", "--host", "127.0.0.1", "--port", "0", "--data-dir", str(tmp_path / "data"),
                 *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.base = self._wait_for_start()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def _wait_for_start(self) -> str:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            match = re.search(r"Easel is serving (http://127\.0\.0\.1:\d+)", self.log.read_text())
            if match:
                return match.group(1)
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise AssertionError("the server did not start:\n" + self.log.read_text())

    def request(self, path: str, data: dict | None = None, headers: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode()

    def login(self, name: str, forwarded_for: str) -> int:
        _status, page = self.request("/login")
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        data = {"username": name, "password": "wrong password", "csrf_token": token}
        return self.request("/login", data, {"X-Forwarded-For": forwarded_for})[0]

    def feed_links(self, headers: dict) -> dict:
        status, body = self.request("/tags/coast/feed.atom", headers=headers)
        assert status == 200
        root = ET.fromstring(body)
        return {link.get("rel"): link.get("href") for link in root.findall("{http://www.w3.org/2005/Atom}link")}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def server(tmp_path):
    servers = []

    def start(*args):
        servers.append(Server(tmp_path, *args))
        return servers[-1]

    yield start
    for each in servers:
        each.stop()


def test_without_trusted_proxy_waitress_ignores_forwarded_headers(server):
    easel = server()
    assert easel.feed_links(FORWARDED)["self"] == easel.base + "/tags/coast/feed.atom"
    # Claiming another address in X-Forwarded-For does not escape the per-IP sign-in limit.
    assert [easel.login(name, f"198.51.100.{n}") for n, name in enumerate(("ana", "budi", "cleo"))] == [
        422, 422, 429]


def test_with_trusted_proxy_the_proxys_scheme_host_and_client_address_count(server):
    easel = server("--trusted-proxy", "127.0.0.1")
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "easel.example", "X-Forwarded-For": "198.51.100.1"}
    assert easel.feed_links(proxied) == {"self": "https://easel.example/tags/coast/feed.atom",
                                         "alternate": "https://easel.example/tags/coast"}
    assert easel.feed_links({})["self"] == easel.base + "/tags/coast/feed.atom"  # no headers: the direct URL
    # Visitors behind the proxy are told apart by the address it forwards.
    assert [easel.login(name, "198.51.100.1") for name in ("ana", "budi", "cleo")] == [422, 422, 429]
    assert easel.login("dara", "198.51.100.2") == 422
