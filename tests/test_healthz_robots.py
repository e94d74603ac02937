"""/healthz (database, worker heartbeat, queue, disk) and robots.txt / noindex from the instance settings."""

import time

import pytest

from models import instance
from models.robots import AI_CRAWLERS
from tests.registration_helpers import community


def test_healthz_fields_without_workers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["ok"] is True and body["database"] is True
    assert body["workers"] == 0 and body["worker_alive"] is False
    assert body["worker_heartbeat"] is None and body["worker_heartbeat_age"] is None
    assert body["queue"] == 0
    assert isinstance(body["disk_free_bytes"], int) and body["disk_free_bytes"] > 0


def test_healthz_counts_waiting_and_running_jobs(client, auth, db):
    auth.signup()
    first, second, third = (auth.generate(f"a lighthouse number {n}") for n in range(3))
    db.execute("UPDATE generations SET status = 'running' WHERE id = ?", (first,))
    db.execute("UPDATE generations SET status = 'failed' WHERE id = ?", (third,))
    assert client.get("/healthz").get_json()["queue"] == 2


def test_healthz_reports_a_live_worker_heartbeat(client, worker):
    deadline = time.monotonic() + 5
    while worker.heartbeat is None and time.monotonic() < deadline:
        time.sleep(0.02)
    body = client.get("/healthz").get_json()
    assert body["workers"] == 1 and body["worker_alive"] is True
    assert body["worker_heartbeat"].endswith("Z")
    assert 0 <= body["worker_heartbeat_age"] < 5


def test_healthz_is_503_when_the_database_does_not_answer(app, client, tmp_path):
    app.config["DATABASE"] = str(tmp_path / "no-such-folder" / "easel.db")
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["ok"] is False and body["database"] is False
    assert body["queue"] is None and "workers" in body


def groups(body: str) -> dict[str, list[str]]:
    """robots.txt as {user agent: [rules]} (one User-agent line per group, as Easel writes it)."""
    found = {}
    for block in body.strip().split("\n\n"):
        lines = block.splitlines()
        assert lines[0].startswith("User-agent: ")
        found[lines[0].removeprefix("User-agent: ")] = lines[1:]
    return found


def robots(client) -> dict[str, list[str]]:
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    return groups(response.get_data(as_text=True))


def test_default_blocks_ai_crawlers_and_lets_search_engines_in(client):
    rules = robots(client)
    for agent in ("GPTBot", "ChatGPT-User", "CCBot", "Google-Extended", "anthropic-ai", "ClaudeBot",
                  "PerplexityBot", "Bytespider", "Applebot-Extended", "meta-externalagent", "cohere-ai"):
        assert rules[agent] == ["Disallow: /"]
    assert set(AI_CRAWLERS) <= set(rules)
    assert rules["*"][-1] == "Allow: /" and "Disallow: /studio" in rules["*"] and "Disallow: /" not in rules["*"]
    assert 'name="robots"' not in client.get("/about").get_data(as_text=True)


@pytest.mark.parametrize("block, hide", [(False, False), (False, True), (True, True)])
def test_robots_follows_the_settings(client, db, block, hide):
    instance.save(db, {"block_ai_crawlers": block, "hide_from_search": hide})
    rules = robots(client)
    assert ("GPTBot" in rules) is block
    assert set(rules) == ({*AI_CRAWLERS, "*"} if block else {"*"})
    assert (rules["*"] == ["Disallow: /"]) is hide
    page = client.get("/about").get_data(as_text=True)
    assert ('<meta name="robots" content="noindex">' in page) is hide


def test_admin_saves_the_robots_settings(tmp_path):
    with community(tmp_path, "open") as env:
        page = env.admin.client.get("/admin/settings").get_data(as_text=True)
        assert 'name="block_ai_crawlers" value="1" checked' in page
        assert 'name="hide_from_search" value="1" >' in page
        form = {"name": "Easel", "registration_mode": "open", "generations_per_hour": "30", "queue_cap": "5",
                "hide_from_search": "1"}  # the AI box left unticked
        assert env.admin.post("/admin/settings", form).status_code == 303
        assert instance.all_settings(env.db)["block_ai_crawlers"] is False
        assert instance.all_settings(env.db)["hide_from_search"] is True
        [entry] = env.audit("update_settings")
        assert "block_ai_crawlers: True -> False" in entry["detail"]
        assert "hide_from_search: False -> True" in entry["detail"]
        assert groups(env.admin.client.get("/robots.txt").get_data(as_text=True)) == {"*": ["Disallow: /"]}
