"""Federation endpoints (issue 10): WebFinger, host-meta, NodeInfo, actor documents by content
negotiation on /u/<name> (and Notes on /p/<id>), outbox/followers/following collections, inboxes.

Everything here answers 404 while federation is off (no public URL, or an admin turned it off).
"""

from __future__ import annotations

import html
import json
import logging
import threading
import time
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, abort, current_app, g, request

import federation
import gate
from federation import AS_CONTEXT, activities, actors, inbox, signatures, webfinger
from federation.fetch import FetchError
from models import domain_rules, posts, profiles, users
from models import federation as fed_model
from models.db import get_db
from views import instance as instance_view
from views.limits import config_limit, limiter

log = logging.getLogger("easel.federation")
bp = Blueprint("federation", __name__)
AP_JSON = "application/activity+json"
INBOX_MAX_BYTES = 1024 * 1024


def is_enabled() -> bool:
    return federation.enabled(current_app.config, get_db())


def require_enabled() -> None:
    if not is_enabled():
        abort(404)


def wants_activity() -> bool:
    accept = request.headers.get("Accept", "")
    return "application/activity+json" in accept or (
        "application/ld+json" in accept and "activitystreams" in accept)


def ap_response(doc: dict, status: int = 200, kind: str = AP_JSON) -> Response:
    response = Response(json.dumps(doc), status=status, mimetype=kind)
    response.headers["Vary"] = "Accept"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


# --- discovery -------------------------------------------------------------------------------

@bp.get("/.well-known/webfinger")
def webfinger_view():
    require_enabled()
    resource = request.args.get("resource", "")
    config = current_app.config
    handle = webfinger.parse_handle(resource)
    username = None
    if handle is not None:
        if handle[1] != federation.local_host(config):
            abort(404)
        username = handle[0]
    elif resource.startswith(("https://", "http://")):
        username = federation.local_username(config, resource)
        if username is None:
            abort(404)
    else:
        abort(400)
    member = users.get_local_user(get_db(), username)
    if member is None or member["status"] != "active":
        abort(404)
    return ap_response(webfinger.jrd(config, member["username"], federation.local_host(config)),
                       kind="application/jrd+json")


@bp.get("/.well-known/host-meta")
def host_meta():
    require_enabled()
    template = html.escape(federation.base_url(current_app.config) + "/.well-known/webfinger?resource={uri}")
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
            f'  <Link rel="lrdd" type="application/xrd+xml" template="{template}"/>\n</XRD>\n')
    return Response(body, mimetype="application/xrd+xml")


@bp.get("/.well-known/nodeinfo")
def nodeinfo_links():
    require_enabled()
    href = federation.base_url(current_app.config) + "/nodeinfo/2.1"
    return ap_response({"links": [{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": href}]},
                       kind="application/json")


def nodeinfo_usage() -> dict:
    """NodeInfo's usage figures, counted at most once per NODEINFO_CACHE_SECONDS: at a million posts
    the counting takes seconds, all of it in SQLite, so other requests run meanwhile (gate.opened)
    and one count serves every crawler that asks while it runs."""
    state = current_app.extensions["easel_nodeinfo_usage"]
    max_age = float(current_app.config["NODEINFO_CACHE_SECONDS"])
    if state["value"] is not None and time.time() - state["at"] < max_age:
        return state["value"]
    with gate.opened(), state["lock"]:
        if state["value"] is None or time.time() - state["at"] >= max_age:
            state["value"], state["at"] = fed_model.usage(get_db()), time.time()
        return state["value"]


@bp.get("/nodeinfo/2.1")
def nodeinfo():
    require_enabled()
    from app import __version__

    usage = nodeinfo_usage()
    doc = {
        "version": "2.1",
        "software": {"name": "easel", "version": __version__},
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": ["atom1.0"]},
        "openRegistrations": instance_view.registration_mode() == "open",
        "usage": usage,
        "metadata": {"nodeName": instance_view.setting("name")},
    }
    return ap_response(doc, kind='application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"')


# --- actors and collections ------------------------------------------------------------------

def _member_or_404(username: str):
    member = users.get_local_user(get_db(), username)
    if member is None or member["status"] != "active":
        abort(404)
    return member


def person_doc(member) -> dict:
    config = current_app.config
    avatar = profiles.avatar_name(get_db(), member["id"])
    avatar_url = f"{federation.base_url(config)}/media/{avatar}" if avatar else None
    summary = "".join(f"<p>{html.escape(line)}</p>" for line in (member["bio"] or "").split("\n") if line)
    return actors.person(config, get_db(), member, avatar_url, summary)


def _actor(username: str):
    return ap_response(person_doc(_member_or_404(username)))


def _collection(uri: str, total: int, items: list | None = None, page_items_key: str = "orderedItems") -> dict:
    doc = {"@context": AS_CONTEXT, "id": uri, "type": "OrderedCollection", "totalItems": total}
    if items is not None:
        doc["first"] = {"id": f"{uri}?page=1", "type": "OrderedCollectionPage", "partOf": uri,
                        page_items_key: items}
    return doc


@bp.get("/u/<username>/outbox")
def outbox(username: str):
    require_enabled()
    member = _member_or_404(username)
    config = current_app.config
    conn = get_db()
    uri = federation.actor_uri(config, member["username"]) + "/outbox"
    created = []
    for post in fed_model.outbox_posts(conn, member["id"]):
        full = posts.get(conn, post["id"], None) or post
        created.append(activities.create(config, full))
    total = users.profile_counts(conn, member["id"])["posts"]
    return ap_response({"@context": activities.CONTEXT, **_collection(uri, total, created)})


def _people(username: str, which: str):
    member = _member_or_404(username)
    config = current_app.config
    total, found = fed_model.people_uris(get_db(), member["id"], which)
    items = [federation.actor_uri(config, item[1:]) if item.startswith("@") else item for item in found]
    uri = federation.actor_uri(config, member["username"]) + f"/{which}"
    return ap_response(_collection(uri, total, items))


def _note(post_id: int):
    conn = get_db()
    post = posts.get(conn, post_id, None)
    if post is None or post["domain"]:
        abort(404)
    reply_uri = _reply_uri(conn, post)
    return ap_response({"@context": activities.CONTEXT, **activities.note(current_app.config, post, reply_uri)})


def _reply_uri(conn, post: dict) -> str | None:
    if not post["reply_to"]:
        return None
    parent = posts.get_row(conn, post["reply_to"])
    if parent is None:
        return None
    return parent["uri"] or federation.post_uri(current_app.config, parent["id"])


NEGOTIATED = {"profiles.profile", "profiles.followers", "profiles.following", "posts.post"}


def _negotiate():
    """GET /u/<name> (and its followers/following, and /p/<id>) with an ActivityPub Accept header."""
    if request.method != "GET" or request.endpoint not in NEGOTIATED or not wants_activity():
        return None
    require_enabled()
    args = request.view_args or {}
    if request.endpoint == "profiles.profile":
        return _actor(args["username"])
    if request.endpoint == "posts.post":
        return _note(args["post_id"])
    return _people(args["username"], request.endpoint.split(".")[1])


def _vary_accept(response):
    if request.endpoint in NEGOTIATED:
        response.vary.add("Accept")
    return response


# --- inboxes ---------------------------------------------------------------------------------

def _signer_host() -> str:
    """The rate limit's key: the host in the Signature's keyId (else the caller's address)."""
    try:
        return "ap:" + urlsplit(signatures.key_id_of(request.headers)).netloc.lower()
    except signatures.SignatureError:
        return "ap-ip:" + (request.remote_addr or "unknown")


inbox_limit = limiter.shared_limit(config_limit("INBOX_RATE_LIMIT"), scope="inbox", key_func=_signer_host)


def _verified_actor(conn, body: bytes):
    """The remote actor whose key signed this request; aborts 401 (or 403 for a blocked server)."""
    config = current_app.config
    try:
        key_id = signatures.key_id_of(request.headers)
    except signatures.SignatureError:
        abort(401)
    host = urlsplit(key_id).netloc.lower()
    limited = bool(instance_view.setting("federation_limited"))
    if not host or not domain_rules.allowed(conn, host, limited):
        abort(403)
    g.federation_silenced = domain_rules.rule_for(conn, host) == "silence"
    actor = fed_model.by_key_id(conn, key_id)
    fresh = False
    target = request.full_path if request.query_string else request.path
    while True:
        if actor is None:  # an unknown key, or a cached key that did not verify: fetch the actor
            try:
                actor, fresh = actors.fetch_by_key_id(config, conn, key_id), True
            except (FetchError, actors.ActorError) as exc:
                log.info("inbox: cannot fetch the key %s: %s", key_id, exc)
                abort(401)
            if actor["public_key_id"] != key_id:
                abort(401)
        try:
            signatures.verify(request.method, target, request.headers, body, actor["public_key_pem"])
            return actor
        except signatures.BadSignature as exc:
            if fresh:
                log.info("inbox: refused a signature from %s: %s", key_id, exc)
                abort(401)
            actor = None  # the key may have been rotated: refetch once
        except signatures.SignatureError as exc:
            log.info("inbox: refused a signature from %s: %s", key_id, exc)
            abort(401)


def _receive(recipient=None):
    require_enabled()
    if (request.content_length or 0) > INBOX_MAX_BYTES:
        abort(413)
    body = request.get_data(cache=False)
    if len(body) > INBOX_MAX_BYTES:
        abort(413)
    conn = get_db()
    if "Signature" not in request.headers:
        abort(401)
    try:
        activity = json.loads(body)
    except ValueError:
        abort(400)
    if not isinstance(activity, dict) or not isinstance(activity.get("type"), str):
        abort(400)
    actor = _verified_actor(conn, body)
    claimed = activity.get("actor")
    claimed = claimed.get("id") if isinstance(claimed, dict) else claimed
    if claimed != actor["actor_uri"]:
        abort(401)  # signed by one actor on behalf of another: not accepted (no LD signatures)
    result = inbox.handle(current_app, conn, actor, activity, silenced=g.get("federation_silenced", False))
    log.info("inbox: %s %s from %s: %s", activity.get("type"), activity.get("id"), actor["actor_uri"], result)
    return "", 202


@bp.post("/inbox")
@inbox_limit
def shared_inbox():
    return _receive()


@bp.post("/u/<username>/inbox")
@inbox_limit
def member_inbox(username: str):
    require_enabled()
    return _receive(_member_or_404(username))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.extensions["easel_nodeinfo_usage"] = {"value": None, "at": 0.0, "lock": threading.Lock()}
    app.extensions["csrf"].exempt(bp)  # servers sign their requests; there is no form to carry a token
    app.before_request(_negotiate)
    app.after_request(_vary_accept)
    from views import admin_federation, federation_hooks, federation_ui

    federation_hooks.init_app(app)
    app.register_blueprint(federation_ui.bp)
    app.register_blueprint(admin_federation.bp)
