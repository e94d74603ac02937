"""Sending: queue an activity for inboxes, and the delivery thread that works the queue.

The thread runs only in the serving process (`python app.py`, or a test that starts it), like the
generation workers; its state is the deliveries table, so a restart resumes where it stopped.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from urllib.parse import urlsplit

from federation import actor_uri, allow_private, fetch, signatures
from federation.actors import local_key
from federation.background import BackgroundThread
from models import deliveries, domain_rules, instance, users
from models.db import connect

log = logging.getLogger("easel.delivery")


def enqueue(app, conn: sqlite3.Connection, actor_id: int, activity: dict, inboxes: list[str]) -> int:
    """Queue the activity for each inbox (not to suspended servers) and wake the delivery thread."""
    limited = bool(instance.get(conn, "federation_limited"))
    inboxes = [inbox for inbox in inboxes
               if inbox and domain_rules.allowed(conn, urlsplit(inbox).netloc.lower(), limited)]
    added = deliveries.enqueue(conn, actor_id, activity, inboxes)
    worker = app.extensions.get("easel_delivery")
    if added and worker is not None:
        worker.notify()
    return added


def signer(config, conn: sqlite3.Connection, user_id: int):
    """sign(method, url, body) -> headers, with the member's key."""
    member = users.get_user(conn, user_id)
    key = local_key(conn, user_id)
    key_id = actor_uri(config, member["username"]) + "#main-key"

    def sign(method: str, url: str, body: bytes | None) -> dict:
        return signatures.signed_headers(method, url, key_id, key["private_pem"], body)

    return sign


def deliver_one(config, conn: sqlite3.Connection, row: sqlite3.Row) -> str:
    """One attempt at one row: 'delivered', 'retry' or 'given_up'."""
    try:
        fetch.post_activity(row["inbox_url"], row["activity"].encode(), allow_private=allow_private(config),
                            sign=signer(config, conn, row["actor_id"]))
    except fetch.FetchError as exc:
        status = deliveries.failed(conn, row, str(exc), exc.retryable, float(config.get("DELIVERY_BACKOFF", 30.0)))
        log.info("delivery %d to %s failed (%s): %s", row["id"], row["inbox_url"], status, exc)
        return status
    deliveries.delivered(conn, row["id"])
    return "delivered"


class DeliveryWorker(BackgroundThread):
    """One thread working the deliveries table."""

    thread_name = "easel-delivery"

    def __init__(self, app):
        self.app = app
        super().__init__()

    def _loop(self) -> None:
        conn = connect(self.app.config["DATABASE"])
        config = dict(self.app.config)
        pruned_at = 0.0
        try:
            while not self._stop.is_set():
                if time.time() - pruned_at > 3600:  # delivered and given-up rows are kept a week
                    deliveries.prune(conn)
                    pruned_at = time.time()
                rows = deliveries.claim_due(conn)
                for row in rows:
                    if self._stop.is_set():
                        deliveries.release(conn, row["id"])
                        continue
                    try:
                        deliver_one(config, conn, row)
                    except Exception:  # a bug must not kill the thread; the lease brings the row back
                        log.exception("delivery %d failed", row["id"])
                if rows:
                    continue
                wait = 5.0
                due = deliveries.next_due(conn)
                if due is not None:
                    wait = min(wait, max(0.05, due - time.time()))
                self._wake.wait(wait)
                self._wake.clear()
        finally:
            conn.close()


def activity_json(row: sqlite3.Row) -> dict:
    return json.loads(row["activity"])
