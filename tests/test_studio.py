"""The studio: queueing a generation (form, partial and JSON), validation, limits and access."""

import pytest

from tests.conftest import wait_for_status


def count_generations(db):
    return db.execute("SELECT count(*) FROM generations").fetchone()[0]


@pytest.fixture
def member(auth):
    auth.signup("ana", "correct horse")
    return auth


def test_studio_page_has_composer_and_empty_list(client, member):
    page = client.get("/studio").get_data(as_text=True)
    assert 'id="composer"' in page and 'name="prompt"' in page
    for size in ("512x512", "768x512", "512x768"):
        assert f'value="{size}"' in page
    assert "Nothing yet" in page


def test_generate_json_stores_the_job(client, member, db):
    response = member.post(
        "/generations",
        {"prompt": "a red sunset over the ocean", "negative_prompt": "clouds", "seed": "42",
         "size": "768x512", "style": "flat", "count": "2"},
        json=True,
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "queued" and body["progress"] == 0 and body["images"] == []
    assert body["seed"] == 42 and body["size"] == "768x512" and body["queue_position"] == 1
    assert response.headers["Location"] == f"/generations/{body['id']}"
    row = db.execute("SELECT * FROM generations WHERE id = ?", (body["id"],)).fetchone()
    assert (row["prompt"], row["negative_prompt"], row["seed"], row["width"], row["height"], row["style"],
            row["count"], row["backend"], row["status"]) == (
        "a red sunset over the ocean", "clouds", 42, 768, 512, "flat", 2, "builtin", "queued")


def test_blank_seed_is_random_and_shown(client, member, db):
    first = member.generate("a moon", seed="")
    second = member.generate("a moon", seed="")
    seeds = [row[0] for row in db.execute("SELECT seed FROM generations ORDER BY id")]
    assert len(set(seeds)) == 2
    page = client.get(f"/generations/{first}").get_data(as_text=True)
    assert str(seeds[0]) in page
    assert second


def test_generate_htmx_answers_card_and_fresh_composer(client, member):
    response = member.post("/generations", {"prompt": "three balloons"}, htmx=True)
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    assert 'class="gen-card status-queued"' in html
    assert 'hx-trigger="every 1s"' in html and "<progress" in html
    assert 'id="composer"' in html and 'hx-swap-oob="outerHTML"' in html
    assert "next in the queue" in html


def test_generate_plain_form_redirects_to_studio(client, member):
    response = member.post("/generations", {"prompt": "a castle"})
    assert response.status_code == 303 and response.headers["Location"] == "/studio"
    assert "a castle" in client.get("/studio").get_data(as_text=True)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"prompt": ""}, "prompt", "Describe the picture"),
        ({"prompt": "   "}, "prompt", "Describe the picture"),
        ({"prompt": "x" * 1001}, "prompt", "under 1000 characters"),
        ({"prompt": "ok", "negative_prompt": "y" * 1001}, "negative_prompt", "under 1000 characters"),
        ({"prompt": "ok", "seed": "-1"}, "seed", "whole number"),
        ({"prompt": "ok", "seed": "abc"}, "seed", "whole number"),
        ({"prompt": "ok", "seed": str(2**32)}, "seed", "whole number"),
        ({"prompt": "ok", "size": "1024x1024"}, "size", "sizes offered"),
        ({"prompt": "ok", "style": "nope"}, "style", "styles offered"),
        ({"prompt": "ok", "count": "5"}, "count", "1 to 4"),
        ({"prompt": "ok", "count": "0"}, "count", "1 to 4"),
        ({"prompt": "ok", "remix_of": "999"}, "remix_of", "does not exist"),
    ],
)
def test_bad_input_is_422_with_message_and_nothing_queued(client, member, db, fields, field, message):
    response = member.post("/generations", fields, json=True)
    assert response.status_code == 422
    assert message in response.get_json()["errors"][field]
    htmx = member.post("/generations", fields, htmx=True)
    assert htmx.status_code == 422
    assert htmx.headers["HX-Retarget"] == "#composer"
    assert message in htmx.get_data(as_text=True)
    page = member.post("/generations", fields)
    assert page.status_code == 422 and message in page.get_data(as_text=True)
    assert count_generations(db) == 0


def test_blocklist(tmp_path):
    from tests.conftest import AuthActions, make_app

    app = make_app(tmp_path / "b", BLOCKED_WORDS="gore, spam")
    auth = AuthActions(app.test_client())
    auth.signup()
    response = auth.post("/generations", {"prompt": "a Gore scene"}, json=True)
    message = response.get_json()["errors"]["prompt"]
    assert response.status_code == 422 and "words this instance does not allow" in message and "gore" not in message
    assert auth.post("/generations", {"prompt": "a gorge at dawn"}, json=True).status_code == 201


def test_queue_cap(tmp_path):
    from tests.conftest import AuthActions, make_app

    app = make_app(tmp_path / "q", QUEUE_CAP=2)
    auth = AuthActions(app.test_client())
    auth.signup()
    auth.generate("one")
    auth.generate("two")
    response = auth.post("/generations", {"prompt": "three"}, json=True)
    assert response.status_code == 429 and response.headers["Retry-After"]
    assert "2 pictures waiting" in response.get_json()["errors"]["prompt"]


def test_hourly_quota(tmp_path):
    from tests.conftest import AuthActions, make_app

    app = make_app(tmp_path / "h", GENERATIONS_PER_HOUR=2)
    auth = AuthActions(app.test_client())
    auth.signup()
    auth.generate("one")
    auth.generate("two")
    response = auth.post("/generations", {"prompt": "three"}, htmx=True)
    assert response.status_code == 429
    assert "in the last hour" in response.get_data(as_text=True)
    assert 0 < int(response.headers["Retry-After"]) <= 3600


def test_generation_status_page_partial_and_json(client, member):
    generation_id = member.generate("a lighthouse")
    page = client.get(f"/generations/{generation_id}")
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    partial = client.get(f"/generations/{generation_id}", headers={"HX-Request": "true"})
    assert "<html" not in partial.get_data(as_text=True)
    assert f'id="gen-{generation_id}"' in partial.get_data(as_text=True)
    assert "HX-Request" in partial.headers["Vary"]
    body = client.get(f"/generations/{generation_id}", headers={"Accept": "application/json"}).get_json()
    assert set(body) >= {"id", "status", "progress", "error", "images", "post_id"}


def test_queue_position_counts_jobs_ahead(client, auth):
    auth.signup("ana")
    first = auth.generate("one")
    auth.logout()
    auth.signup("budi")
    second = auth.generate("two")
    body = client.get(f"/generations/{second}", headers={"Accept": "application/json"}).get_json()
    assert body["queue_position"] == 2
    assert first


def test_another_members_generation_is_404(client, auth, worker):
    auth.signup("ana")
    generation_id = auth.generate("mine")
    wait_for_status(client, generation_id)
    auth.logout()
    auth.signup("budi")
    assert client.get(f"/generations/{generation_id}").status_code == 404
    assert client.get(f"/generations/{generation_id}", headers={"Accept": "application/json"}).status_code == 404
    assert auth.post(f"/generations/{generation_id}/share", {"caption": "stolen"}).status_code == 404
    assert auth.post(f"/generations/{generation_id}/retry").status_code == 404
    assert "mine" not in client.get("/studio").get_data(as_text=True)


def test_signed_out_cannot_generate(client, auth, db):
    token = auth.token()
    response = client.post("/generations", data={"prompt": "x", "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    response = client.post("/generations", data={"prompt": "x", "csrf_token": token},
                           headers={"Accept": "application/json"})
    assert response.status_code == 401
    response = client.post("/generations", data={"prompt": "x", "csrf_token": token}, headers={"HX-Request": "true"})
    assert response.status_code == 401 and response.headers["HX-Redirect"].startswith("/login")
    assert client.get("/generations/1").status_code == 302
    assert count_generations(db) == 0


def test_missing_csrf_is_400_and_nothing_stored(client, member, db):
    response = client.post("/generations", data={"prompt": "no token"})
    assert response.status_code == 400
    assert "form expired" in response.get_data(as_text=True)
    response = client.post("/generations", data={"prompt": "bad", "csrf_token": "forged"})
    assert response.status_code == 400
    assert count_generations(db) == 0


def test_csrf_token_in_htmx_header_is_accepted(client, member):
    response = client.post(
        "/generations", data={"prompt": "via header"},
        headers={"X-CSRFToken": member.token(), "HX-Request": "true"},
    )
    assert response.status_code == 201


def test_studio_lists_own_generations_newest_first_with_status(client, member):
    for prompt in ("first prompt", "second prompt", "third prompt"):
        member.generate(prompt)
    page = client.get("/studio").get_data(as_text=True)
    assert page.index("third prompt") < page.index("second prompt") < page.index("first prompt")
    assert page.count('data-status="queued"') == 3


def test_studio_pages_with_keyset(tmp_path):
    from tests.conftest import AuthActions, make_app

    app = make_app(tmp_path / "p", FEED_PAGE_SIZE=2, QUEUE_CAP=10)
    client = app.test_client()
    auth = AuthActions(client)
    auth.signup()
    ids = [auth.generate(f"prompt number {n}") for n in range(3)]
    page = client.get("/studio").get_data(as_text=True)
    assert "prompt number 2" in page and "prompt number 0" not in page
    assert f"/studio?before={ids[1]}" in page
    older = client.get(f"/studio?before={ids[1]}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "prompt number 0" in older and "<html" not in older
