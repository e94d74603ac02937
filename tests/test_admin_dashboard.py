"""The admin dashboard: figures, the queue (and a moderator's cancel), disk, servers, links; the audit log."""

from __future__ import annotations

import time

import pytest

from models import audit, dashboard
from tests.moderation_helpers import JSON, audit_rows, sign_up, user
from tests.test_search import make_post


@pytest.fixture
def people(app):
    return {"ana": sign_up(app, "ana"), "mod": sign_up(app, "mod", role="moderator"), "cleo": sign_up(app, "cleo")}


def job(db, user_id, status, prompt="a job", **extra):
    columns = {"user_id": user_id, "prompt": prompt, "seed": 1, "width": 512, "height": 512, "style": "flat",
               "backend": "builtin", "status": status, "created_at": time.time(), **extra}
    names = ", ".join(columns)
    marks = ", ".join("?" * len(columns))
    return db.execute(f"INSERT INTO generations ({names}) VALUES ({marks})", list(columns.values())).lastrowid


def test_dashboard_shows_figures_queue_disk_servers_and_links(people, db):
    cleo = user(db, "cleo")["id"]
    job(db, cleo, "done", "yesterday", created_at=time.time() - 2 * 86400)
    make_post(db, cleo, "one")
    running = job(db, cleo, "running", "drawing a fox", progress=0.42, started_at=time.time())
    job(db, cleo, "queued", "waiting owl")
    job(db, cleo, "failed", "broken whale", error="The server is not answering.")
    db.execute("UPDATE users SET status = 'suspended' WHERE username = 'mod'")
    people["mod"] = sign_up(people["ana"].client.application, "dora", role="moderator")
    page = people["mod"].client.get("/admin").get_data(as_text=True)
    for text in ("drawing a fox", "42%", "waiting owl", "broken whale", "The server is not answering.",
                 "Easel&#39;s own illustrator", "Database", "Pictures"):
        assert text in page, text
    for path in ("/admin/members", "/admin/reports", "/admin/review", "/admin/signups"):
        assert f'href="{path}"' in page, path
    assert f"/admin/generations/{running}/cancel" in page
    body = people["mod"].client.get("/admin", headers=JSON).get_json()
    assert body["counts"]["members"]["active"] == 3 and body["counts"]["members"]["suspended"] == 1
    assert body["counts"]["posts"] == 1 and body["counts"]["generations_today"] == 4  # 3 jobs + the post's
    assert body["queue"] == {"running": 1, "waiting": 1} and body["db_bytes"] > 0
    admin_page = people["ana"].client.get("/admin").get_data(as_text=True)
    for path in ("/admin/rules", "/admin/audit", "/admin/settings", "/admin/invites", "/admin/backends"):
        assert f'href="{path}"' in admin_page, path
        assert f'href="{path}"' not in page, path  # moderators are not offered admin-only pages


def test_a_moderator_cancels_any_job_with_an_audit_row(people, db):
    cleo = user(db, "cleo")["id"]
    waiting = job(db, cleo, "queued", "hogging the queue")
    response = people["mod"].post(f"/admin/generations/{waiting}/cancel", {"reason": "stuck"})
    assert response.status_code == 303
    assert db.execute("SELECT status FROM generations WHERE id = ?", (waiting,)).fetchone()[0] == "cancelled"
    (entry,) = audit_rows(db, "cancel_generation")
    assert (entry["actor_name"], entry["target_name"], entry["reason"]) == ("mod", "cleo", "stuck")
    assert f"#{waiting}" in entry["detail"]
    assert people["mod"].post(f"/admin/generations/{waiting}/cancel").status_code == 409
    assert people["mod"].post("/admin/generations/999/cancel").status_code == 404
    assert people["cleo"].post(f"/admin/generations/{waiting}/cancel").status_code == 403


def test_generations_today_counts_from_midnight_utc(db, people):
    cleo = user(db, "cleo")["id"]
    midnight = dashboard.start_of_day()
    for offset in (-7200, -1, 0, 5, 60):
        job(db, cleo, "done", created_at=midnight + offset)
    db.execute("DELETE FROM generations WHERE id = 2")  # a gap in the ids
    assert dashboard.counts(db, midnight + 100)["generations_today"] == 3
    assert dashboard._first_id_since(db, "generations", midnight + 10_000) is None


def test_media_folder_size_is_cached(tmp_path):
    clock = [0.0]
    sizes = dashboard.FolderSize(ttl=60, clock=lambda: clock[0])
    (tmp_path / "a.webp").write_bytes(b"x" * 100)
    assert sizes.get(tmp_path) == (100, 1)
    (tmp_path / "b.webp").write_bytes(b"x" * 50)
    assert sizes.get(tmp_path) == (100, 1)
    clock[0] = 61
    assert sizes.get(tmp_path) == (150, 2)


def test_audit_log_is_for_admins_and_keyset_paged(people, db):
    actor = {"id": user(db, "ana")["id"], "username": "ana"}
    for i in range(60):
        audit.record(db, actor, "update_settings", reason=f"change {i}")
    page = people["ana"].client.get("/admin/audit").get_data(as_text=True)
    assert "change 59" in page and "change 10" in page and "change 9<" not in page
    older = page.split('href="/admin/audit?before=')[1].split('"')[0]
    page2 = people["ana"].client.get(f"/admin/audit?before={older}").get_data(as_text=True)
    assert "change 9<" in page2 and "change 0<" in page2 and "change 59" not in page2
    assert "changed the instance settings" in page
    assert people["mod"].client.get("/admin/audit").status_code == 403
    assert people["cleo"].client.get("/admin/audit").status_code == 403


def test_unknown_audit_action_is_a_programming_error(db):
    with pytest.raises(ValueError):
        audit.record(db, None, "launch_missiles")
