"""Remix: policy enforced on the server, lineage chains and trees, diffs, hidden prompts, counts."""

import pytest

from models import lineage
from tests.conftest import AuthActions, wait_for_status


def make_post(auth, client, prompt, caption="", remix_of=None, show_prompt="1", policy="anyone", **fields):
    data = {"prompt": prompt, **fields}
    if remix_of:
        data["remix_of"] = str(remix_of)
    response = auth.post("/generations", data, json=True)
    assert response.status_code == 201, response.get_data(as_text=True)
    generation_id = response.get_json()["id"]
    wait_for_status(client, generation_id)
    shared = auth.post(
        f"/generations/{generation_id}/share",
        {"caption": caption, "show_prompt": show_prompt, "remix_policy": policy},
        json=True,
    )
    return shared.get_json()["post_id"]


def switch(auth, name):
    auth.logout()
    if auth.login(name).status_code != 303:
        auth.signup(name)


def count_generations(db):
    return db.execute("SELECT count(*) FROM generations").fetchone()[0]


def test_remix_prefills_studio_records_lineage_notifies_and_counts(client, auth, worker, db):
    auth.signup("ana")
    parent = make_post(auth, client, "a red boat on a calm lake", seed="77", size="768x512", style="ink")
    switch(auth, "budi")
    studio = client.get(f"/studio?remix_of={parent}").get_data(as_text=True)
    assert "Remixing a post by @ana" in studio
    assert "a red boat on a calm lake</textarea>" in studio and 'value="77"' in studio
    assert 'value="768x512" checked' in studio and '<option value="ink" selected>' in studio
    child = make_post(auth, client, "a blue boat on a calm lake at night", remix_of=parent)
    body = client.get(f"/p/{child}", headers={"Accept": "application/json"}).get_json()
    assert body["remix_of"] == parent
    assert client.get(f"/p/{parent}", headers={"Accept": "application/json"}).get_json()["remix_count"] == 1
    page = client.get(f"/p/{child}").get_data(as_text=True)
    assert "remix of" in page and "@ana" in page
    kinds = [
        tuple(r) for r in db.execute("SELECT u.username, n.kind FROM notifications n JOIN users u ON u.id = n.user_id")
    ]
    assert kinds == [("ana", "remix")]
    parent_page = client.get(f"/p/{parent}").get_data(as_text=True)
    assert "Remix lineage" in parent_page and "<ins>blue</ins>" in parent_page and "<del>red</del>" in parent_page
    assert "<ins>night</ins>" in parent_page


@pytest.mark.parametrize(
    ("policy", "follows", "allowed"),
    [
        ("anyone", False, True),
        ("followers", False, False),
        ("followers", True, True),
        ("nobody", False, False),
        ("nobody", True, False),
    ],
)
def test_remix_policy_is_enforced_on_the_server(client, auth, worker, db, policy, follows, allowed):
    auth.signup("ana")
    parent = make_post(auth, client, "a castle", policy=policy)
    switch(auth, "budi")
    if follows:
        auth.post("/u/ana/follow")
    before = count_generations(db)
    response = auth.post("/generations", {"prompt": "my castle", "remix_of": str(parent)}, json=True)
    assert response.status_code == (201 if allowed else 403)
    assert count_generations(db) == before + (1 if allowed else 0)
    page = client.get(f"/p/{parent}").get_data(as_text=True)
    assert (f"/studio?remix_of={parent}" in page) == allowed
    studio = client.get(f"/studio?remix_of={parent}").get_data(as_text=True)
    assert ("Remixing a post by @ana" in studio) == allowed


def test_author_may_always_remix_and_change_the_policy(client, auth, worker, db):
    auth.signup("ana")
    parent = make_post(auth, client, "a castle", policy="nobody")
    assert auth.post("/generations", {"prompt": "again", "remix_of": str(parent)}, json=True).status_code == 201
    switch(auth, "budi")
    assert auth.post(f"/p/{parent}/remix-policy", {"remix_policy": "anyone"}, json=True).status_code == 403
    switch(auth, "ana")
    assert auth.post(f"/p/{parent}/remix-policy", {"remix_policy": "everyone"}, json=True).status_code == 422
    assert auth.post(f"/p/{parent}/remix-policy", {"remix_policy": "anyone"}, json=True).get_json() == {
        "remix_policy": "anyone"
    }
    switch(auth, "budi")
    assert auth.post("/generations", {"prompt": "mine", "remix_of": str(parent)}, json=True).status_code == 201


def test_hidden_prompt_leaks_nowhere(client, auth, worker, db):
    secret = "zanzibar quokka"
    auth.signup("ana")
    parent = make_post(auth, client, f"a {secret} on a hill", caption="guess my prompt", show_prompt="0")
    switch(auth, "budi")
    child = make_post(auth, client, "a cat on a hill", remix_of=parent)
    studio = client.get(f"/studio?remix_of={parent}").get_data(as_text=True)
    assert "Its prompt is private" in studio
    paths = [
        "/",
        "/latest",
        "/explore",
        f"/p/{parent}",
        f"/p/{child}",
        f"/p/{parent}/remixes",
        "/u/ana",
        "/u/ana/media",
        f"/studio?remix_of={parent}",
        "/search?q=hill",
        "/search?q=guess",
        "/tags/x",
        "/notifications",
    ]
    for path in paths:
        for headers in ({}, {"HX-Request": "true"}, {"Accept": "application/json"}):
            response = client.get(path, headers=headers)
            assert "zanzibar" not in response.get_data(as_text=True), (path, headers)
    auth.logout()
    for path in paths[:8]:
        assert "zanzibar" not in client.get(path).get_data(as_text=True), path
    assert "prompt" not in client.get(f"/p/{parent}", headers={"Accept": "application/json"}).get_json()
    found = client.get("/search?q=zanzibar", headers={"Accept": "application/json"}).get_json()
    assert found["posts"] == []
    # ...but the author still sees their own prompt in the studio
    auth.login("ana")
    assert secret in client.get("/studio").get_data(as_text=True)


def test_chain_five_deep_with_a_deleted_middle(client, auth, worker, db):
    names = ["ana", "budi", "cici", "dodi", "eka"]
    words = ["a", "boat", "on", "the", "lake"]
    ids = []
    for depth, name in enumerate(names):
        switch(auth, name) if depth else auth.signup(name)
        prompt = " ".join(words[: depth + 1] + ["blue"] * depth)
        ids.append(make_post(auth, client, prompt + " scene", remix_of=ids[-1] if ids else None))
    switch(auth, "cici")
    assert auth.post(f"/p/{ids[2]}/delete", json=True).status_code == 200
    chain = lineage.ancestors(db, ids[4])
    assert [n["id"] for n in chain] == ids[:4]
    assert chain[2]["deleted_at"] and chain[2]["prompt"] is None  # a placeholder, the chain never breaks
    page = client.get(f"/p/{ids[4]}").get_data(as_text=True)
    assert page.count('class="lineage-node"') >= 3 and "deleted post" in page
    tree = lineage.descendants(db, ids[0])
    assert [n["id"] for n in tree] == [ids[1]]
    assert tree[0]["children"][0]["id"] == ids[2]
    third = tree[0]["children"][0]["children"][0]
    assert third["id"] == ids[3] and third["children"] == [] and third["child_count"] == 1  # collapsed beyond 3
    root_page = client.get(f"/p/{ids[0]}").get_data(as_text=True)
    assert "1 more remix below" in root_page
    listing = client.get(f"/p/{ids[0]}/remixes", headers={"Accept": "application/json"}).get_json()
    assert [r["id"] for r in listing["remixes"]] == [ids[4], ids[3], ids[2], ids[1]]
    assert [r["depth"] for r in listing["remixes"]] == [4, 3, 2, 1]
    assert client.get(f"/p/{ids[1]}", headers={"Accept": "application/json"}).get_json()["remix_count"] == 0


def test_prompt_diff_words():
    assert lineage.prompt_diff("a red boat", "a blue boat at night") == [
        ("same", "a"),
        ("removed", "red"),
        ("added", "blue"),
        ("same", "boat"),
        ("added", "at"),
        ("added", "night"),
    ]
    assert lineage.prompt_diff(None, "x") is None


def test_remix_of_deleted_or_missing_post_is_422(client, auth, worker, db):
    auth.signup("ana")
    parent = make_post(auth, client, "a tree")
    auth.post(f"/p/{parent}/delete")
    response = auth.post("/generations", {"prompt": "x", "remix_of": str(parent)}, json=True)
    assert response.status_code == 422 and "does not exist" in response.get_json()["errors"]["remix_of"]


def test_signed_out_sees_remix_button_leading_to_login(client, auth, worker):
    auth.signup("ana")
    parent = make_post(auth, client, "a tree")
    auth.logout()
    page = client.get(f"/p/{parent}").get_data(as_text=True)
    assert "/login?next=/studio?remix_of%3D" in page or "/login?next=%2Fstudio%3Fremix_of" in page
    AuthActions(client)
