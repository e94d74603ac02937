"""`flask --app app users ...`: create, set-role, suspend, unsuspend, list; each change audited."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from models import instance
from tests.conftest import AuthActions

PASSWORD = "correct horse"


def users_cli(runner, *args, input=None):
    return runner.invoke(args=["users", *args], input=input)


def row(db, name):
    return db.execute("SELECT * FROM users WHERE username = ?", (name,)).fetchone()


def audit(db, action):
    return db.execute("SELECT * FROM audit_log WHERE action = ? ORDER BY id", (action,)).fetchall()


def test_create_admin_from_stdin(runner, db):
    result = users_cli(runner, "create", "Ada", "--admin", "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Created admin ada." in result.output
    ada = row(db, "ada")
    assert (ada["role"], ada["status"]) == ("admin", "active")
    assert PASSWORD not in ada["password_hash"]
    [entry] = audit(db, "set_role")
    assert (entry["actor_id"], entry["actor_name"], entry["target_name"]) == (None, "(command line)", "ada")


def test_created_account_can_sign_in(runner, client):
    users_cli(runner, "create", "ada", "--password-stdin", input=PASSWORD + "\n")
    assert AuthActions(client).login("ada", PASSWORD).status_code == 303


def test_create_prompts_twice(runner, db):
    result = users_cli(runner, "create", "ada", "--moderator", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("Password") >= 1 and "Created moderator ada." in result.output
    assert row(db, "ada")["role"] == "moderator"


def test_prompt_mismatch_creates_nothing(runner, db):
    result = users_cli(runner, "create", "ada", input=f"{PASSWORD}\nsomething else\n")
    assert result.exit_code != 0
    assert row(db, "ada") is None


def test_first_account_without_a_flag_is_the_admin(runner, db):
    users_cli(runner, "create", "ada", "--password-stdin", input=PASSWORD + "\n")
    users_cli(runner, "create", "bea", "--password-stdin", input=PASSWORD + "\n")
    assert (row(db, "ada")["role"], row(db, "bea")["role"]) == ("admin", "member")


@pytest.mark.parametrize("mode", ["approval", "invite", "closed"])
def test_create_works_whatever_the_registration_mode(runner, db, mode):
    users_cli(runner, "create", "ada", "--password-stdin", input=PASSWORD + "\n")
    instance.save(db, {"registration_mode": mode})
    result = users_cli(runner, "create", "bea", "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert row(db, "bea")["status"] == "active"


@pytest.mark.parametrize(("name", "password", "message"), [
    ("a", PASSWORD, "not a valid username"),
    ("bad name!", PASSWORD, "not a valid username"),
    ("ada", "short", "too short"),
    ("ada", "x" * 2000, "too long"),
])
def test_create_refuses_bad_input(runner, db, name, password, message):
    result = users_cli(runner, "create", name, "--password-stdin", input=password + "\n")
    assert result.exit_code == 1 and message in result.output
    assert db.execute("SELECT count(*) FROM users").fetchone()[0] == 0


def test_create_refuses_a_taken_name(runner, db):
    users_cli(runner, "create", "ada", "--password-stdin", input=PASSWORD + "\n")
    result = users_cli(runner, "create", "ADA", "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 1 and "already an account named 'ada'" in result.output


@pytest.fixture
def two(runner):
    users_cli(runner, "create", "ada", "--admin", "--password-stdin", input=PASSWORD + "\n")
    users_cli(runner, "create", "bea", "--password-stdin", input=PASSWORD + "\n")


@pytest.mark.parametrize("role", ["moderator", "admin", "member"])
def test_set_role(runner, db, two, role):
    result = users_cli(runner, "set-role", "bea", role)
    assert result.exit_code == 0, result.output
    assert row(db, "bea")["role"] == role
    entries = [e for e in audit(db, "set_role") if e["target_name"] == "bea"]
    if role == "member":
        assert "already a member" in result.output and entries == []
    else:
        assert f"bea is now a{'n' if role == 'admin' else ''} {role}" in result.output
        [entry] = entries
        assert entry["actor_id"] is None and entry["actor_name"] == "(command line)"


def test_set_role_errors(runner, db, two):
    result = users_cli(runner, "set-role", "nobody", "admin")
    assert result.exit_code == 1 and "No account is named 'nobody'" in result.output
    result = users_cli(runner, "set-role", "bea", "king")
    assert result.exit_code == 2 and "king" in result.output
    # The last admin cannot be demoted: the instance would have nobody to run it.
    result = users_cli(runner, "set-role", "ada", "member")
    assert result.exit_code == 1 and "without an active admin" in result.output
    assert row(db, "ada")["role"] == "admin"


def test_suspend_locks_out_and_ends_sessions(runner, db, two, client):
    auth = AuthActions(client)
    auth.login("bea", PASSWORD)
    assert client.get("/studio").status_code == 200
    version = row(db, "bea")["session_version"]
    result = users_cli(runner, "suspend", "bea", "--reason", "spam")
    assert result.exit_code == 0 and "Suspended bea" in result.output
    bea = row(db, "bea")
    assert bea["status"] == "suspended" and bea["suspended_at"] is not None
    assert bea["session_version"] == version + 1
    assert client.get("/studio").status_code == 302  # the old cookie no longer works
    auth.login("bea", PASSWORD)
    assert client.get("/studio").status_code == 302  # and signing in again does not
    [entry] = audit(db, "suspend")
    assert (entry["actor_id"], entry["actor_name"], entry["target_name"], entry["reason"]) == (
        None, "(command line)", "bea", "spam")


def test_unsuspend(runner, db, two, client):
    users_cli(runner, "suspend", "bea")
    result = users_cli(runner, "unsuspend", "bea")
    assert result.exit_code == 0 and "bea can sign in again" in result.output
    assert row(db, "bea")["status"] == "active" and row(db, "bea")["suspended_at"] is None
    assert len(audit(db, "unsuspend")) == 1
    assert AuthActions(client).login("bea", PASSWORD).status_code == 303


def test_suspend_and_unsuspend_errors(runner, db, two):
    for command in ("suspend", "unsuspend"):
        result = users_cli(runner, command, "nobody")
        assert result.exit_code == 1 and "No account is named 'nobody'" in result.output
    result = users_cli(runner, "unsuspend", "bea")
    assert result.exit_code == 1 and "not suspended" in result.output
    users_cli(runner, "suspend", "bea")
    result = users_cli(runner, "suspend", "bea")
    assert result.exit_code == 1 and "not active" in result.output
    result = users_cli(runner, "suspend", "ada")
    assert result.exit_code == 1 and "without an active admin" in result.output
    assert len(audit(db, "suspend")) == 1 and audit(db, "unsuspend") == []


def test_list(runner, two):
    users_cli(runner, "set-role", "bea", "moderator")
    result = users_cli(runner, "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["name", "role", "status"]
    assert lines[1].split() == ["ada", "admin", "active"] and lines[2].split() == ["bea", "moderator", "active"]


def test_list_when_empty(runner):
    assert "No accounts yet" in users_cli(runner, "list").output


def test_cli_never_starts_the_workers(app, runner, two):
    users_cli(runner, "list")
    assert not app.extensions["easel_worker"].running


def test_flask_command_uses_easel_data_dir(tmp_path):
    """The real `flask --app app` entry point, on the folder EASEL_DATA_DIR names."""
    data = tmp_path / "instance-data"
    env = {**os.environ, "EASEL_DATA_DIR": str(data)}
    root = Path(__file__).resolve().parent.parent

    def flask(*args, input=None):
        return subprocess.run([sys.executable, "-m", "flask", "--app", "app", "users", *args], cwd=root, env=env,
                              input=input, capture_output=True, text=True, timeout=60)

    created = flask("create", "ada", "--admin", "--password-stdin", input=PASSWORD + "\n")
    assert created.returncode == 0, created.stderr
    listed = flask("list")
    assert listed.returncode == 0 and "ada" in listed.stdout and "admin" in listed.stdout
    assert (data / "easel.db").exists()
    missing = flask("suspend", "nobody")
    assert missing.returncode == 1 and "No account is named 'nobody'" in missing.stderr
