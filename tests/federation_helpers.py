"""Helpers for the federation tests: an app with a public URL, signed requests made with test keys."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from federation import keys, signatures
from tests.conftest import make_app

PUBLIC_URL = "https://easel.test"
AP = "application/activity+json"


def fed_app(data_dir, **overrides):
    return make_app(data_dir, **{"PUBLIC_URL": PUBLIC_URL, **overrides})


def signed_post(client, path: str, activity: dict, key_id: str, private_pem: str, *, host: str = "easel.test",
                now: float | None = None, body: bytes | None = None, headers: dict | None = None):
    """POST an activity to one of our inboxes, signed like Mastodon signs it."""
    body = json.dumps(activity).encode() if body is None else body
    signed = signatures.signed_headers("POST", f"https://{host}{path}", key_id, private_pem,
                                       json.dumps(activity).encode() if headers and headers.get("_sign_other")
                                       else body, now=now)
    sent = {**signed, "Content-Type": AP, **{k: v for k, v in (headers or {}).items() if not k.startswith("_")}}
    return client.post(path, data=body, headers=sent, base_url=f"https://{host}")


class RemoteActor:
    """A remote actor made in the test: its document, and its key to sign with."""

    def __init__(self, uri: str = "https://remote.example/users/bob", name: str = "bob"):
        self.uri = uri
        self.public, self.private = keys.generate()
        host = urlsplit(uri).netloc
        origin = f"{urlsplit(uri).scheme}://{host}"
        self.doc = {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": uri, "type": "Person", "preferredUsername": name, "name": name.title(),
            "summary": "<p>I draw <b>things</b></p>", "inbox": f"{uri}/inbox",
            "endpoints": {"sharedInbox": f"{origin}/inbox"},
            "url": f"{origin}/@{name}",
            "publicKey": {"id": f"{uri}#main-key", "owner": uri, "publicKeyPem": self.public},
        }

    @property
    def key_id(self) -> str:
        return self.uri + "#main-key"


class FakeFediverse:
    """A remote server on 127.0.0.1 (port 0): serves JSON documents by path and records what is POSTed."""

    def __init__(self):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.documents: dict[str, tuple[int, object, str]] = {}
        self.received: list[tuple[str, dict, bytes]] = []
        self.post_status: dict[str, int] = {}
        self.gets: list[str] = []
        self.get_headers: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                fake.gets.append(self.path)
                fake.get_headers.append(dict(self.headers))
                status, body, kind = fake.documents.get(self.path, (404, {"error": "not found"}, "application/json"))
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", kind)
                if status in (301, 302) and isinstance(body, dict):
                    self.send_header("Location", body["location"])
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                fake.received.append((self.path, dict(self.headers), self.rfile.read(length)))
                self.send_response(fake.post_status.get(self.path, 202))
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def serve(self, path: str, body, status: int = 200, kind: str = AP) -> None:
        self.documents[path] = (status, body, kind)

    def actor(self, name: str = "bob") -> RemoteActor:
        actor = RemoteActor(f"{self.base}/users/{name}", name)
        self.serve(f"/users/{name}", actor.doc)
        return actor

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def drain(app) -> list[str]:
    """Work the delivery queue now, in the test's thread, until nothing is due; returns the outcomes."""
    from federation.delivery import deliver_one
    from models import deliveries
    from models.db import connect

    conn = connect(app.config["DATABASE"])
    outcomes = []
    try:
        while True:
            rows = deliveries.claim_due(conn)
            if not rows:
                return outcomes
            outcomes += [deliver_one(dict(app.config), conn, row) for row in rows]
    finally:
        conn.close()


def received(fake, kind: str | None = None) -> list[dict]:
    """The activities a fake server received (of one type)."""
    found = [json.loads(body) for _path, _headers, body in fake.received]
    return [activity for activity in found if kind is None or activity.get("type") == kind]


def accept_follow(client, remote: RemoteActor, username: str = "ana", kind: str = "Accept", host: str = "easel.test"):
    """The remote server accepts (or rejects) our member's Follow, the way Mastodon does: the whole Follow."""
    import uuid

    ours = f"https://{host}/u/{username}"
    follow = {"id": f"{ours}#follows/{uuid.uuid5(uuid.NAMESPACE_URL, remote.uri).hex}", "type": "Follow",
              "actor": ours, "object": remote.uri}
    answer = {"id": f"{remote.uri}#{kind.lower()}-{uuid.uuid4().hex}", "type": kind, "actor": remote.uri,
              "object": follow}
    response = signed_post(client, "/inbox", answer, remote.key_id, remote.private, host=host)
    assert response.status_code == 202, response.get_data(as_text=True)
    return response
