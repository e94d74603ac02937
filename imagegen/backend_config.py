"""Checking a remote server's settings, from the admin form or from EASEL_BACKENDS.

EASEL_BACKENDS is JSON, one object per kind, for installs without a browser at hand:
    {"automatic1111": {"url": "http://gpu.lan:7860", "secret": "user:pass", "model": "sdxl", "default": true},
     "horde": {"secret": "my-horde-key", "timeout": 600}}
It is applied at every start (the environment wins over edits in the admin page).
"""

from __future__ import annotations

import json

from imagegen.backends import remote_kinds
from imagegen.base import N_, SIZES
from imagegen.http import check_url

TIMEOUT_RANGE = (5, 3600)
STEPS_RANGE = (1, 150)
MODEL_MAX = 200
URL_MAX = 2000
SECRET_MAX = 4096
WORKFLOW_MAX = 200_000


class Problem(str):
    """An error message in English (for EASEL_BACKENDS and logs) that keeps its template and values, so
    the admin page can show it in the reader's language: `gettext(problem.template) % problem.values`."""

    def __new__(cls, template: str, **values):
        problem = super().__new__(cls, template % values if values else template)
        problem.template, problem.values = template, values
        return problem


def _int_in(value, low: int, high: int) -> int | None:
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if low <= number <= high else None


def clean(kind: str, raw: dict) -> tuple[dict, dict[str, str]]:
    """Check one kind's settings; returns (values for models.backends.save, errors by field).

    `secret` is only in the values when a new one was given (or `clear_secret` is set), so a
    blank field keeps the stored one.
    """
    yes = (True, 1, "1", "on", "true")
    values: dict = {"enabled": int(raw.get("enabled") in yes), "fallback": int(raw.get("fallback") in yes)}
    errors: dict[str, str] = {}
    default_url = remote_kinds()[kind].default_url
    url = str(raw.get("url") or default_url)
    try:
        if len(url) > URL_MAX:
            raise ValueError(f"keep it under {URL_MAX} characters")
        values["url"] = check_url(url)
    except ValueError as exc:
        errors["url"] = Problem(N_("Use an http:// or https:// address (%(detail)s)."), detail=str(exc))
    secret = str(raw.get("secret") or "").strip()
    if len(secret) > SECRET_MAX:
        errors["secret"] = Problem(N_("Keep the key under %(n)d characters."), n=SECRET_MAX)
    elif secret:
        values["secret"] = secret
    elif raw.get("clear_secret") in yes:
        values["secret"] = ""
    values["model"] = str(raw.get("model") or "").strip()
    if len(values["model"]) > MODEL_MAX:
        errors["model"] = Problem(N_("Keep the model name under %(n)d characters."), n=MODEL_MAX)
    timeout = _int_in(raw.get("timeout", 300), *TIMEOUT_RANGE)
    if timeout is None:
        errors["timeout"] = Problem(N_("A timeout is a whole number of seconds from %(low)d to %(high)d."),
                                    low=TIMEOUT_RANGE[0], high=TIMEOUT_RANGE[1])
    values["timeout"] = timeout or 300
    steps = _int_in(raw.get("steps", 20), *STEPS_RANGE)
    if steps is None:
        errors["steps"] = Problem(N_("Steps are a whole number from %(low)d to %(high)d."),
                                  low=STEPS_RANGE[0], high=STEPS_RANGE[1])
    values["steps"] = steps or 20
    sizes = raw.get("sizes", list(SIZES))
    if isinstance(sizes, str):
        sizes = [s.strip() for s in sizes.split(",") if s.strip()]
    if not sizes or not set(sizes) <= set(SIZES):
        errors["sizes"] = Problem(N_("Allow at least one of the sizes Easel offers."))
    values["sizes"] = ",".join(s for s in SIZES if s in sizes)
    workflow = str(raw.get("workflow") or "").strip()
    if kind == "comfyui" and workflow:
        from imagegen.comfyui import parse_workflow

        if len(workflow) > WORKFLOW_MAX:
            errors["workflow"] = Problem(N_("The workflow file is too large."))
        else:
            try:
                parse_workflow(workflow)
            except ValueError as exc:
                errors["workflow"] = Problem(N_("This workflow cannot be used: %(detail)s."), detail=str(exc))
    values["workflow"] = workflow if kind == "comfyui" else ""
    return values, errors


def from_environment(text) -> list[tuple[str, dict, bool]]:
    """Parse EASEL_BACKENDS; returns (kind, values, is_default) per server. ValueError when wrong."""
    if not text:
        return []
    data = json.loads(text) if isinstance(text, str) else text
    if not isinstance(data, dict):
        raise ValueError("EASEL_BACKENDS must be a JSON object keyed by kind")
    found = []
    for kind, raw in data.items():
        if kind not in remote_kinds():
            raise ValueError(f"EASEL_BACKENDS: unknown kind {kind!r} (known: {', '.join(remote_kinds())})")
        if not isinstance(raw, dict):
            raise ValueError(f"EASEL_BACKENDS: {kind} must be an object")
        raw = {"enabled": True, **raw}
        if raw.get("workflow_file"):
            with open(raw["workflow_file"], encoding="utf-8") as fh:
                raw["workflow"] = fh.read()
        values, errors = clean(kind, raw)
        if errors:
            raise ValueError(f"EASEL_BACKENDS: {kind}: " + "; ".join(f"{k}: {v}" for k, v in errors.items()))
        found.append((kind, values, bool(raw.get("default"))))
    return found


def apply_environment(conn, text) -> None:
    """Store the servers EASEL_BACKENDS names (at start-up)."""
    from models import backends

    servers = from_environment(text)
    for kind, values, _default in servers:
        backends.save(conn, kind, values)
    defaults = [kind for kind, _values, default in servers if default]
    if defaults:
        backends.set_default(conn, defaults[0])


def masked(secret: str) -> str:
    """What an admin sees of a stored secret: its last four characters at most."""
    if not secret:
        return ""
    return "••••" + (secret[-4:] if len(secret) >= 8 else "")
