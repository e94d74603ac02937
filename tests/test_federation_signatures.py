"""Issue 10, step 2: HTTP Signatures (Mastodon's profile) out and in; unsigned or bad -> 401, nothing stored."""

from __future__ import annotations

import base64
import json
import time
from email.utils import formatdate

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from federation import keys, signatures
from models.db import connect
from tests.conftest import AuthActions
from tests.federation_helpers import signed_post

URL = "https://remote.example/users/bob/inbox"


@pytest.fixture(scope="module")
def pair():
    return keys.generate()


def _independent_check(headers: dict, method: str, path: str, host: str, public_pem: str) -> bool:
    """The spec's canonical string built here from scratch, verified with cryptography directly."""
    params = dict(part.split("=", 1) for part in headers["Signature"].split(","))
    params = {key: value.strip('"') for key, value in params.items()}
    lines = []
    for name in params["headers"].split():
        value = f"{method.lower()} {path}" if name == "(request-target)" else {"host": host, "date": headers["Date"],
                                                                              "digest": headers.get("Digest")}[name]
        lines.append(f"{name}: {value}")
    key = serialization.load_pem_public_key(public_pem.encode())
    try:
        key.verify(base64.b64decode(params["signature"]), "\n".join(lines).encode(), padding.PKCS1v15(),
                   hashes.SHA256())
    except Exception:
        return False
    return True


def test_our_signature_verifies_independently(pair):
    public, private = pair
    body = b'{"type":"Follow"}'
    headers = signatures.signed_headers("POST", URL, "https://easel.test/u/ana#main-key", private, body)
    assert headers["Host"] == "remote.example"
    assert headers["Digest"] == "SHA-256=" + base64.b64encode(__import__("hashlib").sha256(body).digest()).decode()
    assert 'headers="(request-target) host date digest"' in headers["Signature"]
    assert 'algorithm="rsa-sha256"' in headers["Signature"]
    assert 'keyId="https://easel.test/u/ana#main-key"' in headers["Signature"]
    assert _independent_check(headers, "POST", "/users/bob/inbox", "remote.example", public)
    signatures.verify("POST", "/users/bob/inbox", headers, body, public)  # and our own check agrees


def test_get_signature_has_no_digest(pair):
    public, private = pair
    headers = signatures.signed_headers("GET", "https://remote.example/users/bob?x=1", "k", private)
    assert "Digest" not in headers and 'headers="(request-target) host date"' in headers["Signature"]
    assert _independent_check(headers, "GET", "/users/bob?x=1", "remote.example", public)


def _refused(headers, body, public, path="/users/bob/inbox", now=None):
    with pytest.raises(signatures.SignatureError):
        signatures.verify("POST", path, headers, body, public, now=now)


def test_tampered_body_wrong_key_stale_date_refused(pair):
    public, private = pair
    body = b'{"type":"Like"}'
    headers = signatures.signed_headers("POST", URL, "k", private, body)
    _refused(headers, b'{"type":"Undo"}', public)  # body changed: the digest no longer matches
    other_public, _ = keys.generate()
    _refused(headers, body, other_public)  # another key
    _refused(headers, body, public, path="/users/eve/inbox")  # another target
    stale = signatures.signed_headers("POST", URL, "k", private, body, now=time.time() - 13 * 3600)
    _refused(stale, body, public)
    future = signatures.signed_headers("POST", URL, "k", private, body, now=time.time() + 600)
    _refused(future, body, public)
    ok = signatures.signed_headers("POST", URL, "k", private, body, now=time.time() - 11 * 3600)
    signatures.verify("POST", "/users/bob/inbox", ok, body, public)
    forged_digest = {**headers, "Digest": signatures.digest(b'{"type":"Undo"}')}
    _refused(forged_digest, b'{"type":"Undo"}', public)  # digest replaced: the signature covers it


@pytest.mark.parametrize("header", ["", "garbage", 'keyId="k"', 'signature="abc"', 'keyId="k",signature="%%%"'])
def test_malformed_signature_headers(pair, header):
    public, _ = pair
    _refused({"Signature": header, "Date": formatdate(usegmt=True), "Host": "remote.example"}, b"", public)


def test_signature_must_cover_digest_and_date(pair):
    public, private = pair
    body = b"{}"
    headers = signatures.signed_headers("GET", URL, "k", private)  # signed without the digest
    _refused({**headers, "Digest": signatures.digest(body)}, body, public)


# --- the inbox ----------------------------------------------------------------------------------

# conftest's `app` fixture gives this module a federating instance (public URL, fakes on 127.0.0.1).
FEDERATED = True


@pytest.fixture
def ana(client):
    AuthActions(client).signup("ana")


def _follow(actor):
    return {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{actor.uri}#follow-1", "type": "Follow",
            "actor": actor.uri, "object": "https://easel.test/u/ana"}


def _follows(app) -> int:
    conn = connect(app.config["DATABASE"])
    try:
        return conn.execute("SELECT count(*) FROM follows").fetchone()[0]
    finally:
        conn.close()


def test_signed_follow_is_accepted_and_key_cached(client, app, ana, remote):
    bob = remote.actor()
    response = signed_post(client, "/u/ana/inbox", _follow(bob), bob.key_id, bob.private)
    assert response.status_code == 202
    assert _follows(app) == 1
    conn = connect(app.config["DATABASE"])
    row = conn.execute("SELECT * FROM users WHERE actor_uri = ?", (bob.uri,)).fetchone()
    conn.close()
    assert row["domain"] == remote.base.split("//")[1] and row["public_key_pem"] == bob.public
    assert row["inbox_url"] == bob.uri + "/inbox"
    fetched = len(remote.gets)
    signed_post(client, "/inbox", {**_follow(bob), "id": bob.uri + "#f2"}, bob.key_id, bob.private)
    assert len(remote.gets) == fetched  # the cached key served


def test_unsigned_is_401(client, app, ana, remote):
    bob = remote.actor()
    response = client.post("/u/ana/inbox", data=json.dumps(_follow(bob)),
                           headers={"Content-Type": "application/activity+json"}, base_url="https://easel.test")
    assert response.status_code == 401 and _follows(app) == 0


def test_tampered_body_is_401(client, app, ana, remote):
    bob = remote.actor()
    activity = _follow(bob)
    response = signed_post(client, "/u/ana/inbox", activity, bob.key_id, bob.private,
                           body=json.dumps({**activity, "object": "https://easel.test/u/zed"}).encode(),
                           headers={"_sign_other": True})
    assert response.status_code == 401 and _follows(app) == 0


def test_stale_date_is_401(client, app, ana, remote):
    bob = remote.actor()
    response = signed_post(client, "/u/ana/inbox", _follow(bob), bob.key_id, bob.private, now=time.time() - 13 * 3600)
    assert response.status_code == 401 and _follows(app) == 0


def test_wrong_key_is_401_after_one_refetch(client, app, ana, remote):
    bob = remote.actor()
    _, impostor_private = keys.generate()
    response = signed_post(client, "/u/ana/inbox", _follow(bob), bob.key_id, impostor_private)
    assert response.status_code == 401 and _follows(app) == 0
    assert len(remote.gets) == 1  # a key fetched just now is not fetched again
    signed_post(client, "/u/ana/inbox", {**_follow(bob), "type": "Wave"}, bob.key_id, bob.private)  # cached now
    before = len(remote.gets)
    response = signed_post(client, "/u/ana/inbox", _follow(bob), bob.key_id, impostor_private)
    assert response.status_code == 401 and _follows(app) == 0
    assert len(remote.gets) - before == 1  # the cached key did not verify: refetched once, then refused


def test_rotated_key_is_refetched(client, app, ana, remote):
    bob = remote.actor()
    signed_post(client, "/u/ana/inbox", {**_follow(bob), "type": "Unknown"}, bob.key_id, bob.private)
    bob.public, bob.private = keys.generate()  # bob's server rotated his key
    bob.doc["publicKey"]["publicKeyPem"] = bob.public
    remote.serve("/users/bob", bob.doc)
    assert signed_post(client, "/u/ana/inbox", _follow(bob), bob.key_id, bob.private).status_code == 202
    assert _follows(app) == 1


def test_signed_for_another_actor_is_401(client, app, ana, remote):
    bob, eve = remote.actor("bob"), remote.actor("eve")
    activity = {**_follow(bob), "actor": eve.uri}  # bob signs, claims to be eve
    assert signed_post(client, "/u/ana/inbox", activity, bob.key_id, bob.private).status_code == 401
    assert _follows(app) == 0


def test_unknown_activity_is_202_and_ignored(client, app, ana, remote):
    bob = remote.actor()
    response = signed_post(client, "/inbox", {"id": bob.uri + "#x", "type": "Wave", "actor": bob.uri}, bob.key_id,
                           bob.private)
    assert response.status_code == 202 and _follows(app) == 0


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"no": "type"}'])
def test_bad_json_is_400(client, app, ana, remote, body):
    bob = remote.actor()
    response = signed_post(client, "/inbox", {}, bob.key_id, bob.private, body=body)
    assert response.status_code == 400 and _follows(app) == 0
