"""Issue 10, step 3: the SSRF-safe fetcher: schemes, private addresses, redirects, size caps."""

from __future__ import annotations

import socket

import pytest

from federation import fetch


def test_fetches_json_with_activity_accept(remote):
    remote.serve("/doc", {"id": "x", "type": "Note"})
    assert fetch.fetch_json(remote.base + "/doc", allow_private=True) == {"id": "x", "type": "Note"}
    assert "application/activity+json" in remote.get_headers[-1]["Accept"]


def test_loopback_and_http_refused_unless_allowed(remote):
    remote.serve("/doc", {"id": "x"})
    with pytest.raises(fetch.FetchError) as refused:
        fetch.fetch_json(remote.base + "/doc", allow_private=False)
    assert not refused.value.retryable
    assert remote.gets == []  # never even connected
    https_loopback = remote.base.replace("http://", "https://")
    with pytest.raises(fetch.FetchError, match="private"):
        fetch.fetch_json(https_loopback + "/doc", allow_private=False)


@pytest.mark.parametrize("address", ["10.1.2.3", "192.168.0.5", "172.16.0.1", "169.254.169.254", "127.0.0.2",
                                     "0.0.0.0", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "100.64.0.1",
                                     "224.0.0.1", "240.0.0.1"])
def test_private_addresses_refused(monkeypatch, address):
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [(family, socket.SOCK_STREAM, 6, "", (address, 443))])
    with pytest.raises(fetch.FetchError, match="private"):
        fetch.fetch_json("https://sneaky.example/actor", allow_private=False)


def test_one_private_address_among_public_ones_refused(monkeypatch):
    answers = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443)),
               (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 443))]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: answers)
    with pytest.raises(fetch.FetchError, match="private"):
        fetch.resolve("mixed.example", 443, allow_private=False)
    assert fetch._address_allowed("93.184.216.34")


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "https://user:pw@example.com/",
                                 "gopher://example.com", "https:///nohost", "https://example.com:99999/"])
def test_bad_urls_refused(url):
    with pytest.raises(fetch.FetchError):
        fetch.fetch_json(url, allow_private=True)


def test_response_size_capped(remote):
    remote.serve("/big", b'{"x": "' + b"a" * (fetch.MAX_JSON_BYTES + 10) + b'"}')
    with pytest.raises(fetch.FetchError, match="too large"):
        fetch.fetch_json(remote.base + "/big", allow_private=True)


def test_not_json_refused(remote):
    remote.serve("/page", b"<html></html>", kind="text/html")
    with pytest.raises(fetch.FetchError, match="not JSON"):
        fetch.fetch_json(remote.base + "/page", allow_private=True)


def test_redirects_followed_same_scheme_only(remote):
    remote.serve("/old", {"location": "/new"}, status=301)
    remote.serve("/new", {"id": "moved"})
    assert fetch.fetch_json(remote.base + "/old", allow_private=True) == {"id": "moved"}
    remote.serve("/to-https", {"location": remote.base.replace("http://", "https://") + "/new"}, status=302)
    with pytest.raises(fetch.FetchError, match="scheme"):
        fetch.fetch_json(remote.base + "/to-https", allow_private=True)
    remote.serve("/to-file", {"location": "file:///etc/passwd"}, status=302)
    with pytest.raises(fetch.FetchError):
        fetch.fetch_json(remote.base + "/to-file", allow_private=True)
    remote.serve("/loop", {"location": "/loop"}, status=302)
    with pytest.raises(fetch.FetchError, match="redirects"):
        fetch.fetch_json(remote.base + "/loop", allow_private=True)


def test_redirect_to_private_address_rechecked(remote, monkeypatch):
    """A public name that redirects to a private one is refused at the second hop."""
    real = socket.getaddrinfo

    def fake_dns(host, port, *args, **kwargs):
        if host == "public.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake_dns)
    with pytest.raises(fetch.FetchError, match="private"):
        fetch.resolve("127.0.0.1", 80, allow_private=False)
    assert fetch.resolve("public.example", 443, allow_private=False) == "93.184.216.34"


def test_gone_is_not_retryable(remote):
    with pytest.raises(fetch.FetchError) as gone:
        fetch.fetch_json(remote.base + "/missing", allow_private=True)
    assert gone.value.status == 404 and not gone.value.retryable
