"""An SSRF-safe HTTP client for federation: fetch JSON documents and POST activities.

Only https (http too when private federation is allowed); the host is resolved once and every
address is checked (private, loopback, link-local, reserved, multicast are refused unless allowed),
then the connection goes to that checked address; redirects are followed by hand (at most 3, never
to another scheme, each checked again); bodies and time are capped; no proxies from the environment.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
import time
from urllib.parse import urljoin, urlsplit

import gate
from federation import AP_TYPES

MAX_JSON_BYTES = 1024 * 1024
TIMEOUT = 10.0
MAX_REDIRECTS = 3
USER_AGENT = "Easel (ActivityPub; +https://github.com/easel)"
ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


class FetchError(Exception):
    """A fetch or delivery failed; `retryable` says whether trying later may help."""

    def __init__(self, message: str, retryable: bool = True, status: int | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.status = status


def _address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def resolve(host: str, port: int, allow_private: bool) -> str:
    """The address to connect to; FetchError when the host resolves to a refused address."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host}: {exc}") from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise FetchError(f"cannot resolve {host}")
    if not allow_private:
        for address in addresses:  # every address: a name must not mix public and private ones
            if not _address_allowed(address):
                raise FetchError(f"{host} resolves to a private or reserved address", retryable=False)
    return addresses[0]


def check_url(url: str, allow_private: bool) -> tuple[str, str, int]:
    """(scheme, host, port) of an allowed URL; FetchError otherwise."""
    parts = urlsplit(url or "")
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes or not parts.hostname or parts.username or parts.password:
        raise FetchError(f"refused URL {url!r}", retryable=False)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError(f"bad port in {url!r}", retryable=False) from None
    return parts.scheme, parts.hostname, port


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to an address we checked, with the certificate checked for the host name."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def request(method: str, url: str, *, allow_private: bool, headers: dict | None = None, body: bytes | None = None,
            max_bytes: int = MAX_JSON_BYTES, timeout: float = TIMEOUT,
            sign=None) -> tuple[int, dict, bytes]:
    """One request (redirects followed for GET only): (status, headers lower-cased, body).

    `sign(method, url, body) -> headers` adds HTTP Signature headers to each hop.
    """
    with gate.opened():  # other requests go on while this one waits on the network
        return _request(method, url, allow_private, headers, body, max_bytes, timeout, sign)


def _request(method: str, url: str, allow_private: bool, headers: dict | None, body: bytes | None,
             max_bytes: int, timeout: float, sign) -> tuple[int, dict, bytes]:
    deadline = time.monotonic() + timeout
    first_scheme = None
    for _hop in range(MAX_REDIRECTS + 1):
        scheme, host, port = check_url(url, allow_private)
        if first_scheme is None:
            first_scheme = scheme
        elif scheme != first_scheme:
            raise FetchError("redirect to another scheme refused", retryable=False)
        address = resolve(host, port, allow_private)
        remaining = max(0.5, deadline - time.monotonic())
        conn_class = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
        conn = conn_class(host, port, address, remaining)
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        sent = {"User-Agent": USER_AGENT, **(headers or {})}
        if sign is not None:
            sent.update(sign(method, url, body))
        try:
            conn.request(method, target, body=body, headers=sent)
            response = conn.getresponse()
            status = response.status
            got = {key.lower(): value for key, value in response.getheaders()}
            if method == "GET" and status in (301, 302, 303, 307, 308) and got.get("location"):
                url = urljoin(url, got["location"])
                continue
            chunks, total = [], 0
            while True:
                if time.monotonic() > deadline:
                    raise FetchError("the remote server was too slow")
                chunk = response.read(64 * 1024)
                if not chunk:
                    break
                total += len(chunk)
                if total > max_bytes:
                    raise FetchError("the response is too large", retryable=False)
                chunks.append(chunk)
            return status, got, b"".join(chunks)
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(f"{type(exc).__name__}: {exc}") from None
        finally:
            conn.close()
    raise FetchError("too many redirects", retryable=False)


def fetch_json(url: str, *, allow_private: bool, sign=None, accept: str = ACCEPT) -> dict:
    """GET an ActivityStreams (or JRD) document as a dict; FetchError for anything else."""
    status, headers, body = request("GET", url, allow_private=allow_private, headers={"Accept": accept}, sign=sign)
    if status == 410 or status == 404:
        raise FetchError(f"{url} is gone ({status})", retryable=False, status=status)
    if status != 200:
        raise FetchError(f"{url} answered {status}", retryable=status >= 500 or status == 429, status=status)
    kind = headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in (*AP_TYPES, "application/json", "application/jrd+json"):
        raise FetchError(f"{url} is not JSON ({kind})", retryable=False)
    try:
        data = json.loads(body)
    except ValueError:
        raise FetchError(f"{url} sent invalid JSON", retryable=False) from None
    if not isinstance(data, dict):
        raise FetchError(f"{url} sent JSON that is not an object", retryable=False)
    return data


def post_activity(url: str, body: bytes, *, allow_private: bool, sign) -> int:
    """POST a signed activity to an inbox; returns the status (FetchError when it failed)."""
    status, _headers, answer = request("POST", url, allow_private=allow_private, body=body, sign=sign,
                                       headers={"Content-Type": "application/activity+json"},
                                       max_bytes=64 * 1024)
    if 200 <= status < 300:
        return status
    retryable = status >= 500 or status in (408, 429)
    raise FetchError(f"{url} answered {status}: {answer[:200].decode('utf-8', 'replace')}", retryable=retryable,
                     status=status)
