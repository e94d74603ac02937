"""The instance's settings as the views read them: what an admin saved, else the app config, else built-ins.

`settings()` reads them once per request; `setting(key)` is the one-value form. Templates get
`instance()` (the same dict) for the name in the header and the title.
"""

from __future__ import annotations

from flask import Flask, current_app, g
from flask_babel import gettext as _

from models import instance
from models.db import get_db

# instance setting -> the app config key that gives its default (EASEL_<NAME>, `python app.py` flags)
CONFIG_DEFAULTS = {
    "registration_mode": "REGISTRATION_MODE",
    "generations_per_hour": "GENERATIONS_PER_HOUR",
    "queue_cap": "QUEUE_CAP",
}


def config_defaults() -> dict:
    """The app config's values for the settings it provides a default for."""
    config = current_app.config
    return {key: config[name] for key, name in CONFIG_DEFAULTS.items() if name in config}


def settings() -> dict:
    """Every instance setting, read once per request (a saved value wins over the app config)."""
    cached = g.get("_instance_settings")
    if cached is None:
        cached = g._instance_settings = instance.all_settings(get_db(), config_defaults())
    return cached


def setting(key: str):
    return settings()[key]


def forget() -> None:
    """After saving: the rest of this request reads the new values."""
    g.pop("_instance_settings", None)


def registration_mode() -> str:
    mode = setting("registration_mode")
    return mode if mode in instance.REGISTRATION_MODES else "approval"


def mode_label(mode: str) -> str:
    return {
        "open": _("Open: anyone can sign up"),
        "approval": _("Approval required: a moderator accepts each sign-up"),
        "invite": _("Invite only: sign up with an invite code"),
        "closed": _("Closed: no new accounts"),
    }.get(mode, mode)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["instance"] = settings
