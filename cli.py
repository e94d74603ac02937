"""Command-line administration for headless setups: `flask --app app users ...`.

The data folder comes from EASEL_DATA_DIR (create_app reads it), so these commands work on the
same instance the server runs on, even while it runs. They never start the generation workers.
Every change goes to the audit log with the command line as the actor.
"""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from models import accounts, audit, registration, users
from models.db import get_db, transaction

COMMAND_LINE = registration.COMMAND_LINE
ROLES = ("admin", "moderator", "member")

users_cli = AppGroup("users", help="Create members, change their role, suspend them.")


def _fail(message: str) -> None:
    raise click.ClickException(message)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_cli.command("create")
@click.argument("name")
@click.option("--admin", "role", flag_value="admin", help="Make the account an instance admin.")
@click.option("--moderator", "role", flag_value="moderator", help="Make the account a moderator.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
def create(name: str, role: str | None, password_stdin: bool) -> None:
    """Create an active account NAME, whatever the registration mode (asks for the password twice)."""
    username = users.normalise_username(name)
    if not users.USERNAME_RE.fullmatch(username):
        _fail(f"{name!r} is not a valid username: use 2-30 characters, a-z, 0-9 and _.")
    conn = get_db()
    if users.get_local_user(conn, username) is not None:
        _fail(f"There is already an account named {username!r}.")
    password = _read_password(password_stdin)
    problems = users.validate_signup(username, password)
    if problems.get("password") == "password_short":
        _fail(f"The password is too short: use at least {users.PASSWORD_MIN} characters.")
    if problems.get("password"):
        _fail(f"The password is too long: use at most {users.PASSWORD_MAX} characters.")
    try:
        row = users.create_user(conn, username, password, mode="open", role=role)
    except users.UsernameTaken:
        _fail(f"There is already an account named {username!r}.")
    if row["role"] != "member":
        with transaction(conn):
            audit.record(conn, None, "set_role", target=row, detail=f"new account: {row['role']}")
    click.echo(f"Created {row['role']} {row['username']}.")


def _member(name: str):
    row = users.get_local_user(get_db(), name)
    if row is None:
        _fail(f"No account is named {name!r}.")
    return row


def _explain(exc: Exception) -> str:
    if isinstance(exc, accounts.LastAdmin):
        return "That would leave the instance without an active admin: make someone else an admin first."
    if str(exc) == "deleted":
        return "That account was deleted."
    return f"Not allowed ({exc})."


@users_cli.command("set-role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@click.option("--reason", default="", help="Why (kept in the audit log).")
def set_role(name: str, role: str, reason: str) -> None:
    """Make NAME an admin, a moderator or a plain member."""
    member = _member(name)
    try:
        changed = accounts.set_role(get_db(), COMMAND_LINE, member["id"], role, reason.strip())
    except (accounts.LastAdmin, accounts.NotAllowed) as exc:
        _fail(_explain(exc))
    if changed:
        click.echo(f"{member['username']} is now {_a(role)} (was {_a(member['role'])}).")
    else:
        click.echo(f"{member['username']} is already {_a(role)}.")


def _a(role: str) -> str:
    return f"an {role}" if role == "admin" else f"a {role}"


@users_cli.command("suspend")
@click.argument("name")
@click.option("--reason", default="", help="Why (kept in the audit log).")
def suspend(name: str, reason: str) -> None:
    """Lock NAME out: they cannot sign in, and every session of theirs ends now."""
    member = _member(name)
    try:
        changed = accounts.suspend(get_db(), COMMAND_LINE, member["id"], reason.strip())
    except (accounts.LastAdmin, accounts.NotAllowed) as exc:
        _fail(_explain(exc))
    if not changed:
        _fail(f"{member['username']} is not active (their account is {member['status']}).")
    click.echo(f"Suspended {member['username']}; their sessions have ended.")


@users_cli.command("unsuspend")
@click.argument("name")
@click.option("--reason", default="", help="Why (kept in the audit log).")
def unsuspend(name: str, reason: str) -> None:
    """Let a suspended member back in."""
    member = _member(name)
    try:
        changed = accounts.unsuspend(get_db(), COMMAND_LINE, member["id"], reason.strip())
    except accounts.NotAllowed as exc:
        _fail(_explain(exc))
    if not changed:
        _fail(f"{member['username']} is not suspended (their account is {member['status']}).")
    click.echo(f"{member['username']} can sign in again.")


@users_cli.command("list")
def list_members() -> None:
    """Every local account: name, role, status."""
    rows = registration.local_members(get_db())
    if not rows:
        click.echo("No accounts yet. Create the first (it becomes the admin): flask --app app users create NAME")
        return
    width = max(len(row["username"]) for row in rows)
    click.echo(f"{'name'.ljust(width)}  {'role':<9}  status")
    for row in rows:
        click.echo(f"{row['username'].ljust(width)}  {row['role']:<9}  {row['status']}")


def init_app(app: Flask) -> None:
    import cli_ops

    app.cli.add_command(users_cli)
    cli_ops.init_app(app)  # backup, restore, doctor, dataset, seed-demo
