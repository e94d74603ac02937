"""The composer's fields: defaults, pre-filling (remix, reproduce, a style link) and checking."""

from __future__ import annotations

from flask import current_app, request
from flask_babel import gettext as _
from flask_login import current_user

from imagegen.base import SIZES
from models import lineage, posts
from models.db import get_db
from views.instance import setting

SEED_MAX = 2**32 - 1


def backend():
    return current_app.extensions["easel_backend"]


def style_choices() -> list[tuple[str, str]]:
    return backend().styles()


def backend_choices() -> list[dict]:
    """The servers a member may pick: the builtin, then those an admin enabled (never their settings)."""
    from imagegen.backends import remote_kinds
    from models import backends

    choices = [{"name": backend().name, "label": _("Easel's own illustrator"), "down": False, "sizes": list(SIZES)}]
    for row in backends.enabled(get_db()):
        cls = remote_kinds().get(row["kind"])
        if cls is None:
            continue
        label = f"{cls.label} · {row['model']}" if row["model"] else cls.label
        choices.append({"name": row["kind"], "label": label, "down": row["health"] == "down",
                        "sizes": [s for s in row["sizes"].split(",") if s in SIZES]})
    return choices


def default_backend() -> str:
    from models import backends

    return backends.default_kind(get_db()) or backend().name


def default_form() -> dict:
    return {"prompt": "", "negative_prompt": "", "seed": "", "size": "512x512",
            "style": style_choices()[0][0], "count": "1", "remix_of": "", "backend": default_backend()}


def prefill_from_args() -> tuple[dict, dict | None]:
    """The composer as a link opens it: ?style=, ?prompt=, or ?remix_of=<post> (parent's parameters).

    Returns (form, the parent post being remixed or None).
    """
    form = default_form()
    for key in form:
        if request.args.get(key):
            form[key] = request.args[key][:2000]
    parent = None
    if form["remix_of"].isdigit():
        parent = posts.get(get_db(), int(form["remix_of"]), current_user.id)
    if parent is None or not lineage.can_remix(get_db(), current_user.id, parent):
        form["remix_of"] = ""
        return form, None
    # A hidden prompt is never sent: the remix starts from the image's seed and style only.
    form.update(prompt=parent["prompt"] if parent["show_prompt"] else "",
                negative_prompt=parent["negative_prompt"] if parent["show_prompt"] else "",
                seed=str(parent["seed"]), size=f"{parent['width']}x{parent['height']}", style=parent["style"])
    if form["style"] not in dict(style_choices()):
        form["style"] = style_choices()[0][0]
    return form, parent


class RemixForbidden(Exception):
    """The post's remix policy does not allow this member to remix it."""


def parse_generation_form(form) -> tuple[dict, dict[str, str]]:
    """Read and check the composer's fields; returns (values, errors by field).

    Raises RemixForbidden for a remix the post's policy refuses (a forged remix_of).
    """
    config = current_app.config
    values = {key: (form.get(key) or "").strip() for key in default_form()}
    values["size"] = values["size"] or "512x512"
    values["style"] = values["style"] or style_choices()[0][0]
    values["count"] = values["count"] or "1"
    values["backend"] = values["backend"] or default_backend()
    errors: dict[str, str] = {}
    if not values["prompt"]:
        errors["prompt"] = _("Describe the picture you want.")
    elif len(values["prompt"]) > config["PROMPT_MAX"]:
        errors["prompt"] = _("Keep the prompt under %(n)d characters.", n=config["PROMPT_MAX"])
    if len(values["negative_prompt"]) > config["PROMPT_MAX"]:
        errors["negative_prompt"] = _("Keep it under %(n)d characters.", n=config["PROMPT_MAX"])
    if "prompt" not in errors and prompt_refused(values["prompt"] + "\n" + values["negative_prompt"]):
        errors["prompt"] = _("This prompt contains words this instance does not allow.")
    if values["seed"] and not (values["seed"].isdigit() and int(values["seed"]) <= SEED_MAX):
        errors["seed"] = _("A seed is a whole number from 0 to %(n)d, or blank for a random one.", n=SEED_MAX)
    chosen = {choice["name"]: choice for choice in backend_choices()}.get(values["backend"])
    if chosen is None:
        errors["backend"] = _("Pick one of the image servers offered.")
    if values["size"] not in SIZES:
        errors["size"] = _("Pick one of the sizes offered.")
    elif chosen and values["size"] not in chosen["sizes"]:
        errors["size"] = _("This image server does not make pictures of that size. Pick another size.")
    if values["style"] not in dict(style_choices()):
        errors["style"] = _("Pick one of the styles offered.")
    if values["count"] not in ("1", "2", "3", "4"):
        errors["count"] = _("Make 1 to 4 images at a time.")
    if values["remix_of"]:
        parent = posts.get(get_db(), int(values["remix_of"])) if values["remix_of"].isdigit() else None
        if parent is None:
            errors["remix_of"] = _("The post to remix does not exist any more.")
        elif not lineage.can_remix(get_db(), current_user.id, parent):
            raise RemixForbidden(parent["id"])
    return values, errors


def quotas() -> dict[str, int]:
    """A member's generation limits: the instance settings (/admin/settings), the app config as default."""
    return {"per_hour": setting("generations_per_hour"), "queue_cap": setting("queue_cap")}


def prompt_refused(text: str) -> bool:
    """Does a 'refuse' prompt rule (/admin/rules) or a word of the BLOCKED_WORDS setting match the text?"""
    from models import prompt_rules

    words = str(current_app.config["BLOCKED_WORDS"]).split(",")
    return prompt_rules.check(get_db(), "refuse", text, words)
