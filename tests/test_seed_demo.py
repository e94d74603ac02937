"""`flask --app app seed-demo`: demo members and picture posts drawn synchronously, with likes, replies,
reposts, follows and hashtags; refuses a second run without --force."""

from pathlib import Path

import pytest

from tests.conftest import AuthActions, make_app


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path / "data")
    yield app
    app.extensions["easel_worker"].stop()


def seed(app, *args):
    return app.test_cli_runner().invoke(
        args=["seed-demo", "--members", "5", "--posts", "12", "--images", "3", "--password", "demo-pass", *args])


def one(db, sql, *params):
    return db.execute(sql, params).fetchone()[0]


def test_seed_demo_fills_an_empty_instance(app, db):
    result = seed(app)
    assert result.exit_code == 0, result.output
    assert "Seeding 5 members and 12 posts (3 distinct pictures)..." in result.output
    assert "with the password: demo-pass" in result.output
    assert "demo_ada is the instance admin (there was none)." in result.output
    assert [row[0] for row in db.execute("SELECT username FROM users ORDER BY id")] == [
        "demo_ada", "demo_bruno", "demo_chiara", "demo_dmitri", "demo_esme"]
    assert one(db, "SELECT group_concat(DISTINCT display_name) FROM users WHERE id = 1") == "Ada (demo)"
    assert one(db, "SELECT count(*) FROM users WHERE role = 'admin'") == 1
    assert one(db, "SELECT count(*) FROM users WHERE status = 'active'") == 5

    pictures = "SELECT count(*) FROM posts WHERE generation_id IS NOT NULL"
    assert one(db, pictures) == 12
    assert one(db, "SELECT count(*) FROM generations WHERE status = 'done' AND backend = 'builtin'") == 12
    assert one(db, "SELECT count(DISTINCT name) FROM media") == 3
    media = Path(app.config["MEDIA_DIR"])
    assert all((media / n).is_file() for row in db.execute("SELECT name, thumb_name FROM media") for n in row)
    assert one(db, "SELECT count(*) FROM follows") > 0
    assert one(db, "SELECT count(*) FROM likes") > 0
    assert one(db, "SELECT count(*) FROM post_tags") >= 12
    # Counters stay exact (they were made through the models).
    assert one(db, "SELECT count(*) FROM posts p WHERE like_count != (SELECT count(*) FROM likes WHERE post_id = p.id)"
               ) == 0
    assert one(db, "SELECT count(*) FROM posts p WHERE reply_count !="
                   " (SELECT count(*) FROM posts r WHERE r.reply_to = p.id AND r.deleted_at IS NULL)") == 0
    assert one(db, "SELECT count(*) FROM posts p WHERE remix_count != (SELECT count(*) FROM posts r"
                   " WHERE r.remix_of = p.id AND r.deleted_at IS NULL)") == 0
    # Spread over the last days, in id order (keyset feeds read ids).
    times = [row[0] for row in db.execute("SELECT created_at FROM posts ORDER BY id")]
    assert times == sorted(times) and times[-1] - times[0] > 86400

    client = app.test_client()
    assert AuthActions(client).login("demo_bruno", "demo-pass").status_code == 303
    assert client.get("/latest").status_code == 200
    tag = one(db, "SELECT h.name FROM hashtags h JOIN post_tags t ON t.tag_id = h.id LIMIT 1")
    assert "/p/" in client.get(f"/tags/{tag}").get_data(as_text=True)


def test_a_second_run_is_refused_unless_forced(app, db):
    assert seed(app).exit_code == 0
    again = seed(app)
    assert again.exit_code != 0 and "already has 5 demo members; pass --force" in again.output
    assert one(db, "SELECT count(*) FROM users") == 5
    forced = seed(app, "--force")
    assert forced.exit_code == 0, forced.output
    assert one(db, "SELECT count(*) FROM users") == 10
    assert one(db, "SELECT count(*) FROM users WHERE username = 'demo_ada2'") == 1
    assert one(db, "SELECT count(*) FROM users WHERE role = 'admin'") == 1  # there is an admin now
    assert "is the instance admin" not in forced.output


def test_an_instance_with_an_admin_keeps_it(app, db, auth):
    auth.signup("root")
    result = seed(app)
    assert result.exit_code == 0 and "is the instance admin" not in result.output
    assert [row[0] for row in db.execute("SELECT username FROM users WHERE role = 'admin'")] == ["root"]


def test_a_random_password_is_printed_and_works(app):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--members", "2", "--posts", "1"])
    assert result.exit_code == 0, result.output
    password = result.output.rsplit("with the password: ", 1)[1].split()[0]
    assert len(password) >= 12
    assert AuthActions(app.test_client()).login("demo_bruno", password).status_code == 303


def test_short_password_is_refused(app, db):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--password", "short"])
    assert result.exit_code != 0 and "at least 8 characters" in result.output
    assert one(db, "SELECT count(*) FROM users") == 0
