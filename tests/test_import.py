"""Importing follows, blocks and mutes from CSV (Mastodon's formats and Easel's own), what the
result page reports, and that a bad file changes nothing."""

import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from models import account_import
from tests.conftest import AuthActions

MASTODON_FOLLOWING = (
    "Account address,Show boosts,Notify on new posts,Languages\n"
    "bob@localhost,true,false,\n"
    "cy,true,false,\n"
    "@dan@LOCALHOST,true,false,\n"
    "someone@mastodon.social,true,false,en\n"
    "zed@localhost,true,false,\n"
)


@pytest.fixture
def ana(app, auth):
    for name in ("bob", "cy", "dan", "eve"):
        AuthActions(app.test_client()).signup(name)
    auth.signup("ana")
    return auth


def upload(auth, data: bytes, kind="following", filename="list.csv", json=False):
    """Multipart encoded in memory (the test client would spool a big body to an unclosed file)."""
    form = {"csrf_token": auth.token(), "kind": kind, "file": FileStorage(io.BytesIO(data), filename=filename)}
    boundary, body = encode_multipart(form)
    return auth.client.post("/settings/data/import", data=body,
                            content_type=f"multipart/form-data; boundary={boundary}",
                            headers={"Accept": "application/json"} if json else {})


def names(db, sql):
    return sorted(row[0] for row in db.execute(sql))


def following(db, who="ana"):
    return names(db, f"""SELECT u.username FROM follows f JOIN users u ON u.id = f.followee_id
                         WHERE f.follower_id = (SELECT id FROM users WHERE username = '{who}')""")


def test_mastodon_following_csv(ana, db):
    ana.post("/u/cy/follow")
    response = upload(ana, MASTODON_FOLLOWING.encode())
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Import finished" in page
    assert following(db) == ["bob", "cy", "dan"]
    assert "someone@mastodon.social" in page and "Skipped: on another server" in page
    assert "zed@localhost" in page and "Not found" in page
    body = upload(ana, MASTODON_FOLLOWING.encode(), json=True).get_json()
    assert body == {"kind": "following", "done": [], "already": ["bob", "cy", "dan"],
                    "not_found": ["zed@localhost"], "remote": ["someone@mastodon.social"], "refused": []}
    # Following notifies, as the button does; the counters come from the same rows.
    assert names(db, """SELECT u.username FROM notifications n JOIN users u ON u.id = n.user_id
                        WHERE n.kind = 'follow'""") == ["bob", "cy", "dan"]


def test_result_counts(ana):
    body = upload(ana, MASTODON_FOLLOWING.encode()).get_data(as_text=True)
    for label, count in (("Followed", 3), ("Already following", 0), ("Not found", 1),
                         ("Skipped: on another server", 1)):
        assert f"<dt>{label}</dt><dd>{count}</dd>" in body


def test_blocks_without_header_end_follows(ana, app, db):
    ana.post("/u/bob/follow")
    bob = AuthActions(app.test_client())
    bob.login("bob")
    bob.post("/u/ana/follow")
    body = upload(ana, b"bob@localhost\neve\n", kind="blocks", json=True).get_json()
    assert body["done"] == ["bob", "eve"]
    assert names(db, "SELECT u.username FROM blocks b JOIN users u ON u.id = b.blocked_id") == ["bob", "eve"]
    assert db.execute("SELECT count(*) FROM follows").fetchone()[0] == 0


def test_mutes_with_header(ana, db):
    body = upload(ana, b"Account address,Hide notifications\ndan@localhost,true\n", kind="mutes", json=True)
    assert body.get_json()["done"] == ["dan"]
    assert names(db, "SELECT u.username FROM mutes m JOIN users u ON u.id = m.muted_id") == ["dan"]


def test_public_url_host_counts_as_local(tmp_path):
    from tests.conftest import make_app

    app = make_app(tmp_path / "data", PUBLIC_URL="https://easel.example")
    AuthActions(app.test_client()).signup("bob")
    ana = AuthActions(app.test_client())
    ana.signup("ana")
    body = upload(ana, b"bob@easel.example\nbob@elsewhere.example\n", json=True).get_json()
    assert body["done"] == ["bob"] and body["remote"] == ["bob@elsewhere.example"]


def test_blocked_accounts_cannot_be_followed(ana, app, db):
    dan = AuthActions(app.test_client())
    dan.login("dan")
    dan.post("/u/ana/block")
    body = upload(ana, b"dan\nbob\n", json=True).get_json()
    assert body["refused"] == ["dan"] and body["done"] == ["bob"]
    assert following(db) == ["bob"]


def test_yourself_and_closed_accounts(ana, db):
    db.execute("UPDATE users SET status = 'suspended' WHERE username = 'eve'")
    body = upload(ana, b"ana\neve\nbob\nbob\n", json=True).get_json()
    assert body["done"] == ["bob"] and body["not_found"] == ["eve"]
    assert following(db) == ["bob"]


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "list.csv", "lists no accounts"),
        (b"bob\n", "list.png", "its name ends in .csv"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "list.csv", "not a CSV file"),
        (b"\xff\xfe\xfa broken", "list.csv", "not a CSV file"),
        (b"Account address\n", "list.csv", "lists no accounts"),
        (b"bob\nthis is not an address\n", "list.csv", "Line 2 is not an account address"),
        ("".join(f"member{n}\n" for n in range(5001)).encode(), "list.csv", "more than 5000 accounts"),
        (b"a" * (1024 * 1024 + 10), "list.csv", "larger than 1 MB"),
    ],
)
def test_bad_files_are_422_and_change_nothing(ana, db, data, filename, message):
    response = upload(ana, data, filename=filename)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page and "Nothing was imported" in page
    assert 'name="csrf_token"' in page
    as_json = upload(ana, data, filename=filename, json=True)
    assert as_json.status_code == 422 and message in as_json.get_json()["errors"]["file"]
    assert db.execute("SELECT count(*) FROM follows").fetchone()[0] == 0


def test_the_kind_must_be_one_of_three(ana, db):
    response = upload(ana, b"bob\n", kind="friends", json=True)
    assert response.status_code == 422 and "kind" in response.get_json()["errors"]
    assert db.execute("SELECT count(*) FROM follows").fetchone()[0] == 0


def test_signed_out_import_goes_to_login(client, auth, app):
    AuthActions(app.test_client()).signup("bob")
    response = upload(auth, b"bob\n")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bob", [("bob", "")]),
        ("@bob@Example.COM\n", [("bob", "example.com")]),
        ("\ufeffAccount address,Show boosts\nbob@host:8080,true\n", [("bob", "host:8080")]),
        ("bob\r\nbob\r\n\r\ncy\r\n", [("bob", ""), ("cy", "")]),
    ],
)
def test_parse(text, expected):
    assert [(a.name, a.host) for a in account_import.parse(text.encode())] == expected
